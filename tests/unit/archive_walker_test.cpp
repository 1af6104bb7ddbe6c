#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <lzma.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "member_collector.hpp"
#include "unpack/archive_walker.hpp"
#include "unpack/file_type.hpp"

using namespace impostor::unpack;

namespace {

struct Entry {
  std::string name;
  std::string data;
  bool symlink = false;
};

// Builds an archive in memory with libarchive's writer ("zip", "ustar", ...), with an
// optional filter ("gzip", "xz") and passphrase (zip encryption).
std::string make_archive(const std::string& format, const std::vector<Entry>& entries, const std::string& filter = {},
                         const std::string& passphrase = {}) {
  archive* a = archive_write_new();
  REQUIRE(archive_write_set_format_by_name(a, format.c_str()) == ARCHIVE_OK);
  if (!filter.empty()) REQUIRE(archive_write_add_filter_by_name(a, filter.c_str()) == ARCHIVE_OK);
  if (!passphrase.empty()) {
    REQUIRE(archive_write_set_options(a, "zip:encryption=zipcrypt") == ARCHIVE_OK);
    REQUIRE(archive_write_set_passphrase(a, passphrase.c_str()) == ARCHIVE_OK);
  }
  std::string out(64 << 20, '\0');
  size_t used = 0;
  REQUIRE(archive_write_open_memory(a, out.data(), out.size(), &used) == ARCHIVE_OK);
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.name.c_str());
    archive_entry_set_perm(entry, 0644);
    if (e.symlink) {
      archive_entry_set_filetype(entry, AE_IFLNK);
      archive_entry_set_symlink(entry, e.data.c_str());
      archive_entry_set_size(entry, 0);
    } else {
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
    }
    REQUIRE(archive_write_header(a, entry) == ARCHIVE_OK);
    if (!e.symlink) archive_write_data(a, e.data.data(), e.data.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

std::shared_ptr<Blob> blob_of(const std::string& s, size_t spill_at = size_t{64} << 20) {
  return Blob::from_bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()}, spill_at);
}

bool has(const WalkOutcome& o, const std::string& id) {
  for (const auto& f : o.findings)
    if (f.id == id) return true;
  return false;
}

WalkOutcome walk(const std::string& bytes, Collect& c, WalkLimits limits = {}) {
  const ArchiveWalker walker(FormatRegistry::standard(), limits);
  return walker.walk("top", blob_of(bytes), c);
}

}  // namespace

TEST_CASE("blobs spill to an unlinked temporary file past the cap and read back the same bytes") {
  Blob b(16);
  const std::string part = "0123456789";
  for (int i = 0; i < 10; ++i) REQUIRE(b.append({reinterpret_cast<const uint8_t*>(part.data()), part.size()}));
  REQUIRE(b.seal());
  CHECK(b.spilled());
  CHECK(b.size() == 100);
  const auto bytes = b.bytes();
  REQUIRE(bytes.size() == 100);
  CHECK(std::string(reinterpret_cast<const char*>(bytes.data()), 10) == part);
  CHECK(!b.append({reinterpret_cast<const uint8_t*>(part.data()), 1}));  // sealed
}

TEST_CASE("blobs grow in memory past 1 MiB without losing or reordering a byte") {
  std::string expected;
  Blob b;
  for (int i = 0; expected.size() < (size_t{5} << 20); ++i) {
    const std::string part(static_cast<size_t>(i % 65537), static_cast<char>('a' + i % 26));
    REQUIRE(b.append({reinterpret_cast<const uint8_t*>(part.data()), part.size()}));
    expected += part;
  }
  REQUIRE(b.seal());
  CHECK_FALSE(b.spilled());
  CHECK(b.size() == expected.size());
  CHECK(std::string(reinterpret_cast<const char*>(b.bytes().data()), b.bytes().size()) == expected);
  Blob direct(0);  // a cap of zero: straight to the temporary file
  REQUIRE(direct.append({reinterpret_cast<const uint8_t*>(expected.data()), 100}));
  REQUIRE(direct.seal());
  CHECK(direct.spilled());
  CHECK(std::string(reinterpret_cast<const char*>(direct.bytes().data()), 100) == expected.substr(0, 100));
  Blob empty(0);
  REQUIRE(empty.seal());
  CHECK(empty.bytes().empty());
}

TEST_CASE("a spilled blob gives its pages back and still reads the same bytes") {
  Blob b(16);
  const std::string part(100000, 'x');
  REQUIRE(b.append({reinterpret_cast<const uint8_t*>(part.data()), part.size()}));
  REQUIRE(b.seal());
  REQUIRE(b.spilled());
  const auto bytes = b.bytes();
  b.release(bytes);
  b.release(bytes.subspan(7, 5000));
  CHECK(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()) == part);  // faulted back in
  const auto memory = blob_of("in memory");
  memory->release(memory->bytes());  // nothing to give back, nothing lost
  CHECK(std::string(reinterpret_cast<const char*>(memory->bytes().data()), 9) == "in memory");
}

TEST_CASE("file types come from magic numbers") {
  const auto type = [](const std::string& s) {
    return std::string(detect_file_type({reinterpret_cast<const uint8_t*>(s.data()), s.size()}));
  };
  CHECK(type("") == "empty");
  CHECK(type("MZ\x90\x00") == "pe");
  CHECK(type("\x7f"
             "ELF\x02") == "elf");
  CHECK(type(make_archive("zip", {{"a", "b"}})) == "zip");
  CHECK(type(make_archive("ustar", {{"a", "b"}})) == "tar");
  CHECK(type(make_archive("ustar", {{"a", "b"}}, "xz")) == "xz");
  CHECK(type("<!DOCTYPE html><html>") == "html");
  CHECK(type("{\"a\": 1}") == "json");
  CHECK(type("#!/bin/sh\necho") == "script");
  CHECK(type("plain words") == "text");
  CHECK(type(std::string("\x00\x01\x02\x03", 4)) == "data");
}

TEST_CASE("nested members get nested paths, parents first") {
  const auto deb_like = make_archive("ustar", {{"usr/lib/zoom/config.json", "{\"donate-level\": 1}"}}, "xz");
  const auto zip = make_archive("zip", {{"inner.tar.xz", deb_like}, {"readme.txt", "hello"}});
  Collect c;
  const auto o = walk(zip, c);
  CHECK(o.findings.empty());
  REQUIRE(c.find("top!/inner.tar.xz!/inner.tar!/usr/lib/zoom/config.json") != nullptr);
  const auto* json = c.find("top!/inner.tar.xz!/inner.tar!/usr/lib/zoom/config.json");
  CHECK(json->type == "json");
  CHECK(json->depth == 3);
  CHECK(c.members.front().path == "top");
  CHECK(o.members == c.members.size());
}

TEST_CASE("limits end the walk with a finding and keep what was read") {
  SUBCASE("depth") {
    std::string inner = make_archive("ustar", {{"payload.txt", "deep"}});
    for (int i = 0; i < 6; ++i) inner = make_archive("ustar", {{"level" + std::to_string(i) + ".tar", inner}});
    Collect c;
    WalkLimits l;
    l.max_depth = 3;
    const auto o = walk(inner, c, l);
    CHECK(has(o, "limits.depth"));
    CHECK(c.members.size() == 4);  // top + three levels
  }
  SUBCASE("members") {
    std::vector<Entry> many;
    for (int i = 0; i < 50; ++i) many.push_back({"f" + std::to_string(i), ""});
    Collect c;
    WalkLimits l;
    l.max_members = 10;
    const auto o = walk(make_archive("zip", many), c, l);
    CHECK(has(o, "limits.members"));
    CHECK(c.members.size() == 10);
  }
  SUBCASE("ratio: a decompression bomb") {
    const auto bomb = make_archive("ustar", {{"zeros", std::string(32 << 20, '\0')}}, "gzip");
    Collect c;
    const auto o = walk(bomb, c);
    CHECK(has(o, "limits.ratio"));
    CHECK(o.expanded_bytes < (uint64_t{33} << 20));
  }
  SUBCASE("member bytes") {
    Collect c;
    WalkLimits l;
    l.max_member_bytes = 1000;
    const auto o = walk(make_archive("zip", {{"big", std::string(5000, 'x')}, {"small", "y"}}), c, l);
    CHECK(has(o, "limits.member-bytes"));
    CHECK(c.find("top!/small") != nullptr);  // later members are still read
  }
  SUBCASE("time") {
    Collect c;
    WalkLimits l;
    l.max_seconds = 1e-9;
    const auto o = walk(make_archive("zip", {{"a", std::string(200000, 'x')}}), c, l);
    CHECK(has(o, "limits.time"));
  }
}

TEST_CASE("damage, encryption, odd names and links are findings, not failures") {
  SUBCASE("truncated archive keeps the members before the damage") {
    const auto tar =
        make_archive("ustar", {{"first.txt", std::string(3000, 'a')}, {"second.txt", std::string(3000, 'b')}});
    Collect c;
    const auto o = walk(tar.substr(0, 4000), c);
    CHECK(has(o, "unpack.corrupt"));
    CHECK(c.find("top!/first.txt") != nullptr);
  }
  SUBCASE("encrypted zip member") {
    Collect c;
    const auto o = walk(make_archive("zip", {{"secret.exe", "MZ..."}}, {}, "pw"), c);
    CHECK(has(o, "unpack.encrypted"));
  }
  SUBCASE("path traversal and absolute names") {
    Collect c;
    const auto o = walk(make_archive("ustar", {{"../../evil.sh", "x"}, {"/etc/cron.d/x", "y"}}), c);
    size_t unsafe = 0;
    for (const auto& f : o.findings) unsafe += f.id == "unpack.unsafe-name";
    CHECK(unsafe == 2);
    CHECK(c.find("top!/../../evil.sh") != nullptr);  // scanned in memory, never written
  }
  SUBCASE("symlinks are reported and not followed") {
    Collect c;
    const auto o = walk(make_archive("ustar", {{"a", "b", true}, {"b", "a", true}}), c);
    CHECK(has(o, "unpack.symlink"));
    CHECK(c.members.size() == 1);
  }
  SUBCASE("a zip member whose CRC does not match is damage, and the archive is read on") {
    auto zip = make_archive("zip", {{"a.txt", std::string(2000, 'a')}, {"b.txt", "second"}});
    const auto at = zip.find(std::string(20, 'a'));
    if (at != std::string::npos) {  // stored: flip a byte of the data itself
      zip[at + 5] = 'b';
    } else {  // deflated: the CRC in the local header instead
      zip[14] = static_cast<char>(zip[14] ^ 0x5A);
    }
    Collect c;
    const auto o = walk(zip, c);
    REQUIRE(has(o, "unpack.corrupt"));
    CHECK(c.find("top!/b.txt") != nullptr);
    for (const auto& f : o.findings)
      if (f.id == "unpack.corrupt") {
        CHECK(f.severity == impostor::core::Severity::medium);
        CHECK(f.evidence["error"].get<std::string>().find("CRC") != std::string::npos);
      }
  }
  SUBCASE("a PE whose section runs past the end of the file is damage") {
    std::string pe(1024, '\0');
    pe[0] = 'M';
    pe[1] = 'Z';
    pe[0x3C] = 0x40;
    pe.replace(0x40, 4, std::string("PE\0\0", 4));
    pe[0x40 + 4 + 2] = 1;                         // one section
    pe[0x40 + 4 + 16] = static_cast<char>(0xE0);  // SizeOfOptionalHeader 224 (PE32)
    pe[0x58] = 0x0B;
    pe[0x59] = 0x01;
    const size_t section = 0x58 + 0xE0;
    pe.replace(section, 5, ".text");
    pe[section + 17] = 0x10;  // SizeOfRawData 0x1000
    pe[section + 21] = 0x02;  // PointerToRawData 0x200: ends at 0x1200, past 1024 bytes
    Collect c;
    const auto o = walk(pe, c);
    REQUIRE(has(o, "unpack.corrupt"));
    for (const auto& f : o.findings)
      if (f.id == "unpack.corrupt") {
        CHECK(f.evidence["reader"] == "layout");
        CHECK(f.evidence["error"].get<std::string>().find("past the end of the file") != std::string::npos);
      }
    pe.resize(0x1200);  // the whole section present: nothing to say
    Collect whole;
    CHECK(!has(walk(pe, whole), "unpack.corrupt"));
  }
  SUBCASE("a name that promises a container over bytes that are none") {
    const ArchiveWalker walker(FormatRegistry::standard(), {});
    Collect c;
    CHECK(has(walker.walk("setup.zst", blob_of(std::string(64, '\0')), c), "unpack.corrupt"));
    Collect d;
    CHECK(has(walker.walk("Zoom.dmg", blob_of(std::string(4096, '\x01')), d), "unpack.corrupt"));
    Collect e;
    CHECK(!has(walker.walk("notes.bin", blob_of(std::string(64, '\0')), e), "unpack.corrupt"));
  }
  SUBCASE("links: outward ones are judged by what is stored through them; loops are named") {
    const auto count = [](const WalkOutcome& o) {
      return std::count_if(o.findings.begin(), o.findings.end(),
                           [](const auto& f) { return f.id == "unpack.unsafe-link"; });
    };
    Collect packaged;  // how packages ship alternatives: fine
    CHECK(count(walk(make_archive("ustar", {{"usr/bin/editor", "/etc/alternatives/editor", true},
                                            {"usr/share/doc/x", "../../../../../opt/x/doc", true},
                                            {"usr/bin/real", "binary"}}),
                     packaged)) == 0);
    Collect slip;  // zip-slip through a link: the member lands in /etc/cron.d
    const auto o = walk(make_archive("ustar", {{"cfg", "/etc", true}, {"cfg/cron.d/job", "* * * * * x"}}), slip);
    REQUIRE(count(o) == 1);
    for (const auto& f : o.findings)
      if (f.id == "unpack.unsafe-link") CHECK(f.evidence["link"] == "cfg");
    Collect loops;
    CHECK(count(walk(make_archive("ustar", {{"a", "b", true}, {"b", "a", true}, {"d/self", "..", true}}), loops)) == 3);
  }
  SUBCASE("garbage that only looks like an archive") {
    Collect c;
    const auto o = walk(std::string("PK\x03\x04") + std::string(100, '\xff'), c);
    CHECK(has(o, "unpack.corrupt"));
  }
}

namespace {

// A reader that declares more, longer and less valid metadata than the walker keeps.
class ChattyReader final : public FormatReader {
 public:
  std::string_view name() const override { return "chatty"; }
  int bid(std::string_view type, std::span<const uint8_t> /*bytes*/) const override { return type == "text" ? 1 : 0; }
  ReadResult read(std::span<const uint8_t> /*bytes*/, std::string_view /*type*/, std::string_view /*name*/,
                  MemberSink& sink) const override {
    sink.property("ProductName", std::string(5000, 'Z') + "\xE2\x82");
    sink.property("Bad", "\xFF\xFEzoom");
    for (int i = 0; i < 100; ++i) sink.property("k" + std::to_string(i), "v");
    return {};
  }
};

}  // namespace

TEST_CASE("an archive counts as covered by its members only when no byte lies outside them") {
  const auto tar = make_archive("ustar", {{"a.txt", "alpha"}, {"b.txt", "beta"}});
  Collect whole;
  walk(tar, whole);
  CHECK(whole.archives.at("top") == true);
  Collect trailing;  // something after the end-of-archive blocks: only a scan of the whole sees it
  walk(tar + "powershell -enc SQBFAFgA", trailing);
  CHECK(trailing.archives.at("top") == false);
  Collect cut;
  walk(tar.substr(0, 700), cut);
  CHECK(cut.archives.at("top") == false);
  Collect nested;  // a gzip stream and the tar inside it, each settled once
  walk(make_archive("ustar", {{"a.txt", "alpha"}}, "gzip"), nested);
  CHECK(nested.archives.size() == 2);
  CHECK(nested.archives.at("top") == true);
  const auto zip = make_archive("zip", {{"a.txt", "alpha"}});
  Collect zipped;
  walk(zip, zipped);
  CHECK(zipped.archives.at("top") == true);
  Collect appended;
  walk(zip + "MZ-appended", appended);
  CHECK(appended.archives.at("top") == false);
  Collect text;  // not an archive: never settled, scanned as it is
  walk("just text", text);
  CHECK(text.archives.empty());
}

TEST_CASE("container metadata is kept bounded, valid UTF-8, and reported once per container") {
  FormatRegistry registry;
  registry.add(std::make_unique<ChattyReader>());
  const ArchiveWalker walker(registry, WalkLimits{});
  Collect c;
  const auto o = walker.walk("setup", blob_of("plain words"), c);
  REQUIRE(o.properties.size() == WalkOutcome::kMaxPropertiesPerContainer);
  CHECK(o.properties[0].key == "ProductName");
  CHECK(o.properties[0].value.size() <= WalkOutcome::kMaxPropertyBytes + 3);
  CHECK(o.properties[1].value == "\xEF\xBF\xBD\xEF\xBF\xBDzoom");  // U+FFFD for each bad byte
  for (const auto& p : o.properties) CHECK(p.container == "setup");
  size_t reported = 0;
  for (const auto& f : o.findings)
    if (f.id == "unpack.metadata") {
      ++reported;
      CHECK(f.severity == impostor::core::Severity::info);
      CHECK(f.location == "setup");
      CHECK(f.evidence.size() == WalkOutcome::kMaxPropertiesPerContainer);
    }
  CHECK(reported == 1);
}

TEST_CASE("a compressed stream is decoded ahead of the walker: whole, cut by a limit, or damaged") {
  // More than the decoder's four 1 MiB chunks, so it must wait for the walker to catch up;
  // varied enough that xz cannot shrink it to nothing.
  std::string payload(6 << 20, '\0');
  uint32_t x = 2463534242U;
  for (auto& ch : payload) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    ch = static_cast<char>('a' + x % 8);
  }
  const auto xz = make_archive("raw", {{"data", payload}}, "xz");
  REQUIRE(detect_file_type({reinterpret_cast<const uint8_t*>(xz.data()), xz.size()}) == "xz");
  const auto bytes_of = [](const Member& m) {
    const auto b = m.blob->bytes();
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
  };
  SUBCASE("whole") {
    Collect c;
    const auto o = walk(xz, c);
    CHECK_FALSE(has(o, "unpack.corrupt"));
    const auto* m = c.find("top!/top~");
    REQUIRE(m != nullptr);
    CHECK(bytes_of(*m) == payload);
    CHECK(c.archives.at("top") == true);
  }
  SUBCASE("cut by the member limit: no hang, the start kept") {
    Collect c;
    WalkLimits l;
    l.max_member_bytes = 1 << 20;
    const auto o = walk(xz, c, l);
    CHECK(has(o, "limits.member-bytes"));
    const auto* m = c.find("top!/top~");
    REQUIRE(m != nullptr);
    CHECK(bytes_of(*m) == payload.substr(0, m->size));
    CHECK(c.archives.at("top") == false);
  }
  SUBCASE("truncated: the decoded start is kept and the damage named") {
    Collect c;
    const auto o = walk(xz.substr(0, xz.size() / 2), c);
    CHECK(has(o, "unpack.corrupt"));
    const auto* m = c.find("top!/top~");
    REQUIRE(m != nullptr);
    CHECK(m->size > 0);
    CHECK(bytes_of(*m) == payload.substr(0, m->size));
  }
  SUBCASE("bit-flipped") {
    auto flipped = xz;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x55);
    Collect c;
    const auto o = walk(flipped, c);
    CHECK(has(o, "unpack.corrupt"));
  }
  SUBCASE("not a stream at all behind the magic") {
    Collect c;
    const auto o = walk(xz.substr(0, 12) + std::string(100, 'z'), c);
    CHECK(has(o, "unpack.corrupt"));
  }
}

TEST_CASE("sparse members read back with their holes as zeros") {
  // A pax sparse file: 4 KiB of data at 1 MiB in a 3 MiB file, the rest holes.
  archive* a = archive_write_new();
  REQUIRE(archive_write_set_format_pax(a) == ARCHIVE_OK);
  std::string out(8 << 20, '\0');
  size_t used = 0;
  REQUIRE(archive_write_open_memory(a, out.data(), out.size(), &used) == ARCHIVE_OK);
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, "sparse.bin");
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry, 0644);
  archive_entry_set_size(entry, 3 << 20);
  archive_entry_sparse_add_entry(entry, 1 << 20, 4096);
  REQUIRE(archive_write_header(a, entry) == ARCHIVE_OK);
  // The writer takes the whole logical content and stores only the data regions.
  const std::string data(4096, 'D');
  std::string expected(3 << 20, '\0');
  expected.replace(1 << 20, 4096, data);
  archive_write_data(a, expected.data(), expected.size());
  archive_entry_free(entry);
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);

  Collect c;
  walk(out, c);
  const auto* m = c.find("top!/sparse.bin");
  REQUIRE(m != nullptr);
  CHECK(m->size == (3U << 20));
  CHECK(used < (1U << 20));  // stored sparse, not as 3 MiB
  const auto b = m->blob->bytes();
  CHECK(std::string(reinterpret_cast<const char*>(b.data()), b.size()) == expected);
}

namespace {

// An .xz of `data` in blocks of `block` bytes, as `xz -T` and dpkg-deb write them.
std::string xz_in_blocks(const std::string& data, uint64_t block) {
  lzma_stream strm = LZMA_STREAM_INIT;
  lzma_mt mt{};
  mt.threads = 2;
  mt.block_size = block;
  mt.preset = 1;
  mt.check = LZMA_CHECK_CRC64;
  REQUIRE(lzma_stream_encoder_mt(&strm, &mt) == LZMA_OK);
  std::string out(data.size() + (1 << 20), '\0');
  strm.next_in = reinterpret_cast<const uint8_t*>(data.data());
  strm.avail_in = data.size();
  strm.next_out = reinterpret_cast<uint8_t*>(out.data());
  strm.avail_out = out.size();
  lzma_ret r = LZMA_OK;
  while (r == LZMA_OK) r = lzma_code(&strm, LZMA_FINISH);
  REQUIRE(r == LZMA_STREAM_END);
  out.resize(strm.total_out);
  lzma_end(&strm);
  return out;
}

}  // namespace

TEST_CASE("xz in many blocks and concatenated xz streams decode whole, in order") {
  std::string payload(5 << 20, '\0');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 23);
  const auto blocks = xz_in_blocks(payload, 256 << 10);
  const auto member = [](const Collect& c) {
    const auto* m = c.find("top!/top~");
    REQUIRE(m != nullptr);
    const auto b = m->blob->bytes();
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
  };
  Collect c;
  auto o = walk(blocks, c);
  CHECK_FALSE(has(o, "unpack.corrupt"));
  CHECK(member(c) == payload);
  CHECK(c.archives.at("top") == true);

  Collect two;  // `cat a.xz b.xz`: xz reads both, so does the walker
  o = walk(blocks + xz_in_blocks("second stream", 1 << 20), two);
  CHECK_FALSE(has(o, "unpack.corrupt"));
  CHECK(member(two) == payload + "second stream");

  Collect padded;  // stream padding (zeros in fours) is part of the format
  o = walk(blocks + std::string(8, '\0'), padded);
  CHECK_FALSE(has(o, "unpack.corrupt"));
  CHECK(padded.archives.at("top") == true);

  Collect junk;  // bytes after the stream that are no stream: named, and what came before kept
  o = walk(blocks + "powershell -enc SQBFAFgA", junk);
  CHECK(has(o, "unpack.corrupt"));
  CHECK(member(junk) == payload);
  CHECK(junk.archives.at("top") == false);

  Collect empty;  // an .xz of nothing holds no member
  o = walk(xz_in_blocks("", 1 << 20), empty);
  CHECK_FALSE(has(o, "unpack.corrupt"));
  CHECK(empty.find("top!/top~") == nullptr);
}

TEST_CASE("a tar inside a compressed stream is read as it is decoded, with the same findings") {
  std::string big(3 << 20, '\0');
  uint32_t x = 99;
  for (auto& ch : big) {
    x = x * 1103515245U + 12345U;
    ch = static_cast<char>(x >> 24);
  }
  const auto tgz = make_archive("ustar", {{"first.bin", big}, {"second.txt", "second"}}, "gzip");
  SUBCASE("whole: parents first, the tar complete at archive_read") {
    Collect c;
    const auto o = walk(tgz, c);
    CHECK_FALSE(has(o, "unpack.corrupt"));
    REQUIRE(c.members.size() == 4);
    CHECK(c.members[1].path == "top!/top~");
    CHECK(c.members[2].path == "top!/top~!/first.bin");
    CHECK(c.members[1].size > big.size());
    CHECK(c.archives.at("top!/top~") == true);
    const auto* first = c.find("top!/top~!/first.bin");
    REQUIRE(first != nullptr);
    CHECK(std::string(reinterpret_cast<const char*>(first->blob->bytes().data()), first->size) == big);
  }
  SUBCASE("cut inside the tar: the damage named, what came before kept") {
    Collect c;
    const auto o = walk(tgz.substr(0, tgz.size() * 2 / 3), c);
    CHECK(has(o, "unpack.corrupt"));
    CHECK(c.find("top!/top~!/first.bin") != nullptr);
    CHECK(c.archives.at("top!/top~") == false);
  }
  SUBCASE("at the depth limit the stream's member is had whole and the limit named") {
    Collect c;
    WalkLimits l;
    l.max_depth = 1;
    const auto o = walk(tgz, c, l);
    CHECK(has(o, "limits.depth"));
    CHECK(c.find("top!/top~!/first.bin") == nullptr);
  }
  SUBCASE("the member limit inside the streamed tar stops the walk") {
    Collect c;
    WalkLimits l;
    l.max_members = 3;
    const auto o = walk(tgz, c, l);
    CHECK(has(o, "limits.members"));
    CHECK(c.members.size() == 3);
  }
}
