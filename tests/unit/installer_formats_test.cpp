// The installer readers (OLE/MSI, NSIS, self-extractors, Inno Setup, InstallShield, DMG) driven through
// the ArchiveWalker on samples that tools/fixtures/make-installers builds at test time.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "member_collector.hpp"
#include "scan/digest.hpp"
#include "unpack/archive_walker.hpp"
#include "unpack/dmg_reader.hpp"
#include "unpack/file_type.hpp"
#include "unpack/inno_reader.hpp"
#include "unpack/installshield_reader.hpp"
#include "unpack/nsis_reader.hpp"
#include "unpack/ole_reader.hpp"
#include "unpack/pe_overlay_reader.hpp"
#include "unpack/stream_decoders.hpp"
#include "unpack/unshield_messages.hpp"

using namespace impostor::unpack;
namespace fs = std::filesystem;

namespace {

fs::path source_dir() { return IMPOSTOR_SOURCE_DIR; }
fs::path payload_file() { return source_dir() / "tests/fixtures/payloads/miner/xmrig-config.json"; }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Built once per test run; removed at exit.
struct Fixtures {
  fs::path dir;
  nlohmann::json samples;
  nlohmann::json hostile;
  Fixtures() {
    dir = fs::temp_directory_path() / ("impostor-installers-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const std::string cmd = "'" + (source_dir() / "tools/fixtures/make-installers").string() + "' '" + dir.string() +
                            "' --hostile --jobs 2 --payload '" + payload_file().string() + "' 2>" +
                            (fs::temp_directory_path() / "impostor-installers.log").string();
    const int rc = std::system(cmd.c_str());  // NOLINT(cert-env33-c): our own fixture tool
    REQUIRE_MESSAGE(rc == 0, "make-installers failed; see /tmp/impostor-installers.log");
    samples = nlohmann::json::parse(slurp(dir / "manifest.json"));
    hostile = nlohmann::json::parse(slurp(dir / "hostile/manifest.json"));
  }
  ~Fixtures() { fs::remove_all(dir); }
  const nlohmann::json& sample(const std::string& format, bool trojanized) const {
    for (const auto& s : samples)
      if (s["format"] == format && s["trojanized"] == trojanized) return s;
    FAIL("no sample " << format);
    return samples;
  }
};

const Fixtures& fixtures() {
  static const Fixtures f;
  return f;
}

struct Walked {
  Collect c;
  WalkOutcome o;
  bool has(const std::string& id) const {
    for (const auto& f : o.findings)
      if (f.id == id) return true;
    return false;
  }
  std::string text(const std::string& path) const {
    const auto* m = c.find(path);
    if (m == nullptr) return {};
    const auto b = m->blob->bytes();
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }
};

Walked walk_file(const fs::path& file, WalkLimits limits = {}) {
  Walked w;
  const std::string bytes = slurp(file);
  const ArchiveWalker walker(FormatRegistry::standard(), limits);
  w.o = walker.walk("top", Blob::from_bytes({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}), w.c);
  return w;
}

Walked walk_sample(const nlohmann::json& s) { return walk_file(fixtures().dir / s["file"].get<std::string>()); }

// Every planted member is there, holds the payload, and every recorded hash matches.
void check_trojanized(const nlohmann::json& s) {
  INFO("sample " << s["file"].get<std::string>());
  const auto w = walk_sample(s);
  const std::string payload = slurp(payload_file());
  CHECK_FALSE(w.has("unpack.corrupt"));
  for (const auto& p : s["planted"]) {
    const std::string path = "top!/" + p.get<std::string>();
    INFO("planted at " << path);
    REQUIRE(w.c.find(path) != nullptr);
    CHECK(w.text(path).find(payload) != std::string::npos);
  }
  if (s.contains("sha256"))
    for (const auto& item : s["sha256"].items()) {
      const std::string& member = item.key();
      const std::string hash = item.value().get<std::string>();
      INFO("member " << member);
      const auto* m = w.c.find("top!/" + member);
      REQUIRE(m != nullptr);
      CHECK(impostor::scan::digest(m->blob->bytes()).sha256 == hash);
    }
}

// The clean twin: every member read, no damage, and nothing holds the payload.
void check_clean(const nlohmann::json& s) {
  INFO("sample " << s["file"].get<std::string>());
  const auto w = walk_sample(s);
  const std::string payload = slurp(payload_file());
  CHECK_FALSE(w.has("unpack.corrupt"));
  CHECK(w.c.members.size() >= s["expect_members_at_least"].get<size_t>() + 1);
  for (const auto& m : w.c.members) {
    if (m.depth == 0) continue;
    const auto b = m.blob->bytes();
    CHECK(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()).find(payload) == std::string_view::npos);
  }
}

// Damaged samples end in findings, never in a crash or a hang; the member limit bounds
// the work so the test needs no clock.
void check_hostile_kind(const std::string& format_prefix) {
  size_t seen = 0;
  for (const auto& h : fixtures().hostile) {
    if (!h.contains("format") || h["format"].get<std::string>().rfind(format_prefix, 0) != 0) continue;
    ++seen;
    INFO("hostile " << h["file"].get<std::string>());
    WalkLimits limits;
    limits.max_members = 5000;
    const auto w = walk_file(fixtures().dir / "hostile" / h["file"].get<std::string>(), limits);
    CHECK(w.o.members <= limits.max_members + 1);
    for (const auto& f : w.o.findings) {
      const bool expected = f.id.rfind("unpack.", 0) == 0 || f.id.rfind("limits.", 0) == 0;
      CHECK_MESSAGE(expected, f.id);
    }
    const std::string kind = h["kind"].get<std::string>();
    if (kind != "truncated" && kind != "bitflip" && kind != "dmg-lzfse-run" && kind != "inno-encrypted-chunk") {
      CHECK_MESSAGE(w.has("unpack.corrupt"), kind);
    }
  }
  CHECK(seen >= 11);  // ten truncations and a bit-flip at least
}

}  // namespace

TEST_CASE("installer: MSI stream names decode the way msitools shows them") {
  // Table streams start with U+4840 ('!'); the rest packs two characters per code point.
  CHECK(decode_msi_stream_name("\xE4\xA1\x80\xE4\x95\x99\xE4\x93\xB2\xE4\x95\xA8\xE4\x9C\xB7") == "!Property");
  CHECK(decode_msi_stream_name("\xE4\x95\xB3\xE4\x87\xB2\xE4\x86\xB8\xE4\x9E\xB7\xE4\x84\xA6\xE4\xA0\xA5") ==
        "product.cab");
  CHECK(decode_msi_stream_name("\x05SummaryInformation") == "[5]SummaryInformation");
  CHECK(decode_msi_stream_name("plain.cab") == "plain.cab");
  // U+3800 + (c1 | c2 << 6) packs two characters; U+4800 + c one.
  const auto pack2 = [](int c1, int c2) {
    const int cp = 0x3800 + c1 + (c2 << 6);
    return std::string{static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                       static_cast<char>(0x80 | (cp & 0x3F))};
  };
  CHECK(decode_msi_stream_name(pack2(10, 36)) == "Aa");
  CHECK(decode_msi_stream_name(pack2(62, 63)) == "._");
}

TEST_CASE("installer: MSI cabinet members, Binary payloads and the Property table") {
  const auto& troj = fixtures().sample("msi", true);
  check_trojanized(troj);
  const auto w = walk_sample(troj);
  CHECK(w.c.members.front().type == "msi");
  const auto* cab = w.c.find("top!/product.cab");
  REQUIRE(cab != nullptr);
  CHECK(cab->type == "cab");
  CHECK(w.c.find("top!/!_StringData") != nullptr);  // custom-action command lines live here
  std::map<std::string, std::string> props;
  for (const auto& p : w.o.properties) {
    CHECK(p.container == "top");
    props[p.key] = p.value;
  }
  for (const auto& [k, v] : troj["properties"].items()) CHECK(props[k] == v.get<std::string>());
  CHECK(w.has("unpack.metadata"));
  check_clean(fixtures().sample("msi", false));
}

TEST_CASE("installer: OLE with a FAT cycle, a directory cycle or a lying header is corrupt, never a hang") {
  const auto& f = fixtures();
  {
    const auto w = walk_file(f.dir / "hostile/ole-fat-cycle.msi");
    CHECK(w.has("unpack.corrupt"));
    // The looping stream is skipped; the others are still read.
    CHECK(w.c.find("top!/Binary.Payload_0") != nullptr);
    CHECK(w.c.find("top!/product.cab") == nullptr);
  }
  {
    const auto w = walk_file(f.dir / "hostile/ole-dir-cycle.msi");
    CHECK(w.has("unpack.corrupt"));
    CHECK(w.c.members.size() == 1);
  }
  {
    const auto w = walk_file(f.dir / "hostile/ole-lying-header.msi");
    CHECK(w.has("unpack.corrupt"));
  }
  check_hostile_kind("msi");
}

TEST_CASE("installer: NSIS solid and non-solid, LZMA (with and without BCJ), deflate and bzip2") {
  for (const std::string format : {"nsis-lzma-solid", "nsis-lzma", "nsis-lzma-bcj", "nsis-zlib-solid", "nsis-zlib",
                                   "nsis-bzip2-solid", "nsis-bzip2"}) {
    CAPTURE(format);
    const auto& troj = fixtures().sample(format, true);
    check_trojanized(troj);  // names from the header, exact bytes (BCJ undone, stored blocks)
    const auto w = walk_sample(troj);
    CHECK(w.c.members.front().type == "pe");
    CHECK(w.c.find("top!/$NSIS/header") != nullptr);
    CHECK(w.c.find("top!/Zoom.exe")->type == "pe");
    check_clean(fixtures().sample(format, false));
  }
}

TEST_CASE("installer: NSIS first header is found on a 512-byte boundary only") {
  std::string pe(4096, '\0');
  pe[0] = 'M';
  pe[1] = 'Z';
  const std::string sig = "\xEF\xBE\xAD\xDENullsoftInst";
  pe.replace(1024 + 4, sig.size(), sig);
  const auto span = [](const std::string& s) {
    return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  CHECK(find_nsis_header(span(pe)) == size_t{1024});
  std::string off = std::string(4096, '\0');
  off.replace(1000 + 4, sig.size(), sig);
  CHECK_FALSE(find_nsis_header(span(off)).has_value());
}

TEST_CASE("installer: NSIS deflate stored blocks carry LEN without NLEN") {
  // A non-final NSIS stored block ("hello"), then a final block zlib writes ("world").
  std::string stream = std::string("\x00\x05\x00", 3) + "hello";
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string tail(64, '\0');
  std::string world = "world";
  z.next_in = reinterpret_cast<Bytef*>(world.data());
  z.avail_in = static_cast<uInt>(world.size());
  z.next_out = reinterpret_cast<Bytef*>(tail.data());
  z.avail_out = static_cast<uInt>(tail.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  tail.resize(tail.size() - z.avail_out);
  deflateEnd(&z);
  stream += tail;
  std::string got;
  const auto collect = [&](std::span<const uint8_t> b) {
    got.append(reinterpret_cast<const char*>(b.data()), b.size());
    return true;
  };
  const auto in = std::span(reinterpret_cast<const uint8_t*>(stream.data()), stream.size());
  const auto r = decode_deflate_raw(in, true, collect);
  CHECK(r.ok);
  CHECK(got == "helloworld");
  got.clear();
  CHECK_FALSE(decode_deflate_raw(in, false, collect).ok);  // plain zlib wants NLEN
}

TEST_CASE("installer: damaged NSIS installers are corrupt, never a crash or a hang") {
  const auto w = walk_file(fixtures().dir / "hostile/nsis-lying-sizes-nsis-lzma-solid.exe");
  CHECK(w.has("unpack.corrupt"));
  // The data that is there is still read.
  CHECK(w.c.find("top!/xmrig-config.json") != nullptr);
  check_hostile_kind("nsis-");
}

TEST_CASE("installer: self-extracting PEs open the zip, 7z or cab in their overlay") {
  for (const std::string format : {"sfx-zip", "sfx-7z", "sfx-cab", "sfx-zip-signed"}) {
    CAPTURE(format);
    const auto& troj = fixtures().sample(format, true);
    check_trojanized(troj);
    check_clean(fixtures().sample(format, false));
    const std::string bytes = slurp(fixtures().dir / troj["file"].get<std::string>());
    const auto found = find_overlay_archive({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
    REQUIRE(found.has_value());
    CHECK(format.find(found->type) != std::string::npos);
    // The signed one keeps its certificate table out of the archive.
    if (format == "sfx-zip-signed") CHECK(found->offset + found->size < bytes.size());
  }
  // A PE without an overlay is no self-extractor.
  const std::string plain = slurp(fixtures().dir / "clean/ZoomSetup-sfx-zip.exe");
  const auto archive = find_overlay_archive({reinterpret_cast<const uint8_t*>(plain.data()), plain.size()});
  REQUIRE(archive.has_value());
  CHECK_FALSE(find_overlay_archive({reinterpret_cast<const uint8_t*>(plain.data()), archive->offset}).has_value());
}

TEST_CASE("installer: damaged self-extractors are corrupt or partial, never a crash or a hang") {
  check_hostile_kind("sfx-");
}

TEST_CASE("installer: DMG zlib, bzip2, raw, ADC and zero runs, the partition opened as the ISO it holds") {
  for (const std::string format : {"dmg-udzo", "dmg-mixed"}) {
    CAPTURE(format);
    const auto& troj = fixtures().sample(format, true);
    check_trojanized(troj);  // the partition's exact bytes, the planted file inside the ISO
    check_clean(fixtures().sample(format, false));
    const auto w = walk_sample(troj);
    CHECK(w.c.members.front().type == "dmg");
    const auto* image = w.c.find("top!/disk image (Apple_HFS : 1)");
    REQUIRE(image != nullptr);
    CHECK(image->type == "iso9660");
    CHECK_FALSE(w.has("unpack.unsupported"));

    // Cross-check of reader and fixture writer against Debian's dmg2img, which writes
    // every partition in table order: the same bytes as our members, concatenated.
    const fs::path img = fixtures().dir / (format + ".img");
    const std::string cmd = "dmg2img -s '" + (fixtures().dir / troj["file"].get<std::string>()).string() + "' '" +
                            img.string() + "' >/dev/null 2>&1";
    REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "dmg2img failed or is missing (apt-get install dmg2img)");
    std::string ours = w.text("top!/Protective Master Boot Record (MBR : 0)");
    CHECK(ours.size() == 512);
    ours += w.text("top!/disk image (Apple_HFS : 1)");
    CHECK(slurp(img) == ours);
  }
}

TEST_CASE("installer: damaged DMGs are corrupt or unsupported, never a crash or a hang") {
  {
    // The last data run of the image partition points 1 TiB into a small file.
    const auto w = walk_file(fixtures().dir / "hostile/dmg-table-past-end.dmg");
    CHECK(w.has("unpack.corrupt"));
    bool past_end = false;
    for (const auto& f : w.o.findings)
      if (f.id == "unpack.corrupt" && f.location == "top")
        past_end = f.evidence["error"].get<std::string>().find("past the end") != std::string::npos;
    CHECK(past_end);
    CHECK(w.c.find("top!/Protective Master Boot Record (MBR : 0)") != nullptr);  // read before the damage
    CHECK(w.c.find("top!/disk image (Apple_HFS : 1)") != nullptr);
  }
  {
    // An LZFSE run has no decoder: reported, zero-filled, the rest of the image still read.
    const auto w = walk_file(fixtures().dir / "hostile/dmg-lzfse-run.dmg");
    CHECK(w.has("unpack.unsupported"));
    CHECK_FALSE(w.has("unpack.corrupt"));
    const auto* image = w.c.find("top!/disk image (Apple_HFS : 1)");
    REQUIRE(image != nullptr);
    const auto intact = walk_sample(fixtures().sample("dmg-mixed", true));
    CHECK(image->size == intact.c.find("top!/disk image (Apple_HFS : 1)")->size);
  }
  check_hostile_kind("dmg-");
}

TEST_CASE("installer: Inno Setup loader, setup-0 blocks and LZMA1, LZMA2, zlib and bzip2 chunks") {
  // make-installers checked this sample with innoextract --list and -t when it built it.
  const auto& troj = fixtures().sample("inno", true);
  check_trojanized(troj);  // every chunk holds the files, byte for byte
  check_clean(fixtures().sample("inno", false));
  const auto w = walk_sample(troj);
  CHECK(w.c.members.front().type == "pe");
  // The setup header carries the script's strings (UTF-16 in a unicode installer).
  const std::string header = w.text("top!/$Inno/setup-0");
  CHECK(header.find(std::string("z\0o\0o\0m\0.\0u\0s\0", 14)) != std::string::npos);
  CHECK(w.c.find("top!/$Inno/file-locations") != nullptr);
  CHECK_FALSE(w.has("unpack.encrypted"));
  const std::string bytes = slurp(fixtures().dir / troj["file"].get<std::string>());
  const auto loader = find_inno_loader({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  REQUIRE(loader.has_value());
  CHECK(loader->via == "offset 0x30");
  CHECK(loader->header_offset < loader->data_offset);
}

TEST_CASE("installer: damaged or encrypted Inno Setup installers, never a crash or a hang") {
  const auto w = walk_file(fixtures().dir / "hostile/inno-encrypted-chunk.exe");
  CHECK(w.has("unpack.encrypted"));
  CHECK_FALSE(w.has("unpack.corrupt"));
  CHECK(w.c.find("top!/$Inno/chunk-3") != nullptr);  // the readable chunks are still read
  check_hostile_kind("inno");
}

TEST_CASE("installer: InstallShield cabinet files through libunshield, named directory/file") {
  // make-installers checked this sample with unshield l and x when it built it.
  const auto& troj = fixtures().sample("installshield", true);
  check_trojanized(troj);  // the planted file by its nested path; Zoom.exe byte for byte
  check_clean(fixtures().sample("installshield", false));
  const auto w = walk_sample(troj);
  CHECK(w.c.members.front().type == "installshield-cab");
  const auto* exe = w.c.find("top!/Zoom/Zoom.exe");
  REQUIRE(exe != nullptr);
  CHECK(exe->type == "pe");
  CHECK(w.c.members.size() == 1 + troj["members"].size());
}

TEST_CASE("installer: InstallShield member names and header checks") {
  CHECK(installshield_member_name("Zoom\\bin", "a.exe") == "Zoom/bin/a.exe");
  CHECK(installshield_member_name("",
                                  "a\x01"
                                  "b") == "a_b");
  CHECK(installshield_member_name("\\\\", "x") == "x");
  CHECK(installshield_member_name(std::string(5000, 'd'), "x").size() <= 1025);
  const std::string bytes = slurp(fixtures().dir / fixtures().sample("installshield", true)["file"].get<std::string>());
  const auto span = std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  CHECK_FALSE(installshield_header_problem(span).has_value());
  CHECK(installshield_header_problem(span.first(0x300)).has_value());  // descriptor tables cut off
}

TEST_CASE("installer: damaged InstallShield cabinets are corrupt, never a crash or a hang") {
  {
    const auto w = walk_file(fixtures().dir / "hostile/installshield-list-loop.cab");
    CHECK(w.has("unpack.corrupt"));
    CHECK(w.c.members.size() == 1);
  }
  {
    // libunshield cannot read the first file: corrupt, naming it; the others are read.
    const auto w = walk_file(fixtures().dir / "hostile/installshield-data-past-end.cab");
    bool named = false;
    for (const auto& f : w.o.findings)
      if (f.id == "unpack.corrupt")
        named = f.evidence["error"].get<std::string>().find("Zoom/README.txt") != std::string::npos;
    CHECK(named);
    CHECK(w.c.find("top!/Zoom/Zoom.exe") != nullptr);
  }
  {
    // The walker's limits bound what the reader streams out of libunshield.
    WalkLimits limits;
    limits.max_member_bytes = 1000;
    const auto w = walk_sample(fixtures().sample("installshield", true));
    const auto small =
        walk_file(fixtures().dir / fixtures().sample("installshield", true)["file"].get<std::string>(), limits);
    CHECK(small.has("limits.member-bytes"));
    CHECK_FALSE(small.has("unpack.corrupt"));
    CHECK(small.c.find("top!/Zoom/zoom.ini") != nullptr);  // read after the cut one
    CHECK(w.c.members.size() == small.c.members.size());
  }
  check_hostile_kind("installshield");
}

namespace {

// The pids of this process's children whose command is the InstallShield helper.
std::vector<pid_t> helper_children() {
  std::vector<pid_t> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = slurp(entry.path() / "stat");  // pid (comm) state ppid ...
    const size_t open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    const std::string comm = stat.substr(open + 1, close - open - 1);
    const long ppid = std::strtol(stat.c_str() + close + 4, nullptr, 10);  // ") S " precedes it
    if (comm == std::string("impostor-unshield").substr(0, 15) && ppid == ::getpid()) found.push_back(std::stoi(name));
  }
  return found;
}

// Stops at the first member and, while the helper is still running, lists what its
// descriptors point at.
struct PeekAtHelper final : MemberSink {
  std::vector<std::string> helper_fds;
  size_t helpers = 0;
  std::shared_ptr<Blob> begin(const MemberHeader&) override {
    const auto pids = helper_children();
    helpers = pids.size();
    for (const pid_t pid : pids)
      for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
        std::error_code ec;
        helper_fds.push_back(fs::read_symlink(fd.path(), ec).string());
      }
    return nullptr;
  }
  bool data(Blob&, std::span<const uint8_t>) override { return false; }
  void end(const MemberHeader&, std::shared_ptr<Blob>) override {}
  bool stopped() const override { return false; }
};

}  // namespace

TEST_CASE("installer: the InstallShield helper holds none of the scanner's descriptors") {
  // A bare fork() gave the child every descriptor the scanner had open at that moment,
  // close-on-exec or not: other scans' FIFO and socket ends among them, which kept their
  // pipes open (a member cut short then blocked its writer instead of ending it).
  std::array<int, 2> marker{};
  REQUIRE(::pipe(marker.data()) == 0);  // deliberately without O_CLOEXEC
  struct stat st {};
  REQUIRE(::fstat(marker[0], &st) == 0);
  const std::string marker_target = "pipe:[" + std::to_string(st.st_ino) + "]";
  const std::string bytes = slurp(fixtures().dir / fixtures().sample("installshield", true)["file"].get<std::string>());
  PeekAtHelper peek;
  const auto result = InstallShieldReader().read({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()},
                                                 "installshield-cab", "top", peek);
  ::close(marker[0]);
  ::close(marker[1]);
  CHECK_FALSE(result.corrupt);
  REQUIRE(peek.helpers == 1);
  CHECK(std::find(peek.helper_fds.begin(), peek.helper_fds.end(), marker_target) == peek.helper_fds.end());
  // Its standard streams are /dev/null and its end of the socket pair is fd 3.
  size_t dev_null = 0, sockets = 0;
  for (const auto& target : peek.helper_fds) {
    dev_null += target == "/dev/null" ? 1 : 0;
    sockets += target.starts_with("socket:") ? 1 : 0;
  }
  CHECK(dev_null == 3);
  CHECK(sockets == 1);
  CHECK(helper_children().empty());  // and it is gone once the read returns
}

TEST_CASE("installer: InstallShield cabinets walked on many threads at once") {
  const auto& sample = fixtures().sample("installshield", true);
  const size_t members = 1 + sample["members"].size();
  const fs::path file = fixtures().dir / sample["file"].get<std::string>();
  WalkLimits small;
  small.max_member_bytes = 1000;  // members cut short: the reader closes the FIFO mid-file
  constexpr int kThreads = 4;
  constexpr int kRounds = 8;
  std::vector<int> good(kThreads, 0);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        const auto w = t % 2 == 0 ? walk_file(file) : walk_file(file, small);
        if (!w.has("unpack.corrupt") && w.c.members.size() == members) ++good[t];
      }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) CHECK(good[t] == kRounds);
}

TEST_CASE("installer: InstallShield helper messages") {
  namespace us = impostor::unpack::unshield;
  std::array<int, 2> socks{};
  REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, socks.data()) == 0);
  const auto receive = [&] {
    std::array<uint8_t, us::kMaxPacketBytes + 1> buf{};
    const ssize_t n = ::recv(socks[1], buf.data(), buf.size(), 0);
    return us::parse_message({buf.data(), static_cast<size_t>(std::max<ssize_t>(n, 0))});
  };
  REQUIRE(us::send_message(socks[0], {us::Kind::file, true, 7, 123456789012ULL, "Zoom/Zoom.exe"}));
  const auto m = receive();
  REQUIRE(m.has_value());
  CHECK(m->kind == us::Kind::file);
  CHECK(m->ok);
  CHECK(m->index == 7);
  CHECK(m->value == 123456789012ULL);
  CHECK(m->name == "Zoom/Zoom.exe");
  // A name longer than the limit is cut to it, so the packet always fits the reader's buffer.
  REQUIRE(us::send_message(socks[0], {us::Kind::file, true, 1, 0, std::string(5000, 'n')}));
  const auto cut = receive();
  REQUIRE(cut.has_value());
  CHECK(cut->name.size() == us::kMaxNameBytes);
  ::close(socks[0]);
  ::close(socks[1]);
  const std::array<uint8_t, 14> unknown_kind{9};
  CHECK_FALSE(us::parse_message(unknown_kind).has_value());
  CHECK_FALSE(us::parse_message(std::span(unknown_kind).first(3)).has_value());
  const std::vector<uint8_t> oversized(us::kMaxPacketBytes + 1, 3);
  CHECK_FALSE(us::parse_message(oversized).has_value());
}

TEST_CASE("installer: the InstallShield helper starts with the scanner's standard streams closed") {
  // A daemon may run the scanner without stdin and stdout: the socket pair then takes
  // descriptors 0 and 1, which the helper's own /dev/null streams must not replace.
  const std::string bytes = slurp(fixtures().dir / fixtures().sample("installshield", true)["file"].get<std::string>());
  std::fflush(stdout);
  const int saved_in = ::dup(STDIN_FILENO), saved_out = ::dup(STDOUT_FILENO);
  REQUIRE(saved_in >= 0);
  REQUIRE(saved_out >= 0);
  ::close(STDIN_FILENO);
  ::close(STDOUT_FILENO);
  Collect c;
  const ArchiveWalker walker(FormatRegistry::standard(), {});
  const auto o =
      walker.walk("top", Blob::from_bytes({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}), c);
  ::dup2(saved_in, STDIN_FILENO);
  ::dup2(saved_out, STDOUT_FILENO);
  ::close(saved_in);
  ::close(saved_out);
  for (const auto& f : o.findings) CHECK_MESSAGE(f.id != "unpack.corrupt", f.summary);
  CHECK(c.find("top!/Zoom/Zoom.exe") != nullptr);
}
