#include <doctest/doctest.h>

#include <fstream>

#include "analyze/file_analysis.hpp"
#include "scan/content_scan_memo.hpp"
#include "scan/digest.hpp"
#include "scan/hash_list.hpp"
#include "scan/yara_rules.hpp"
#include "scan/yara_scanner.hpp"

using namespace impostor::scan;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag) {
    path = fs::temp_directory_path() / ("impostor-" + tag + "-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name) << text;
  }
};

YaraLibrary& library() {
  static YaraLibrary lib;
  return lib;
}

std::span<const uint8_t> bytes(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

}  // namespace

TEST_CASE("rules compile once, meta becomes the finding, externals are set") {
  library();
  TempDir dir("yara");
  dir.write("miner/test.yar", R"(rule test_miner {
  meta:
    severity = "critical"
    family = "miner"
    description = "A test miner marker"
  strings:
    $a = "IMPOSTOR-MARKER"
  condition:
    $a and filetype == "text" and depth >= 1 and extension == "cfg"
})");
  auto compiled = YaraRules::compile_dir(dir.path, false);
  REQUIRE(compiled.rules);
  CHECK(compiled.rules->rule_count() == 1);
  YaraScanner scanner(*compiled.rules);
  ScanContext ctx{"x.cfg", "a.zip!/x.cfg", "cfg", "text", "", "", "", 1};
  const auto found = scanner.scan(bytes("hello IMPOSTOR-MARKER there"), ctx);
  REQUIRE(found.size() == 1);
  CHECK(found[0].id == "yara.test_miner");
  CHECK(found[0].severity == impostor::core::Severity::critical);
  CHECK(found[0].summary == "A test miner marker");
  CHECK(found[0].location == "a.zip!/x.cfg");
  CHECK(found[0].evidence["strings"][0]["offsets"][0] == 6);
  CHECK(found[0].evidence["meta"]["family"] == "miner");
  ctx.depth = 0;
  CHECK(scanner.scan(bytes("IMPOSTOR-MARKER"), ctx).empty());  // the condition uses the externals
  CHECK(scanner.scan({}, ctx).empty());
}

TEST_CASE("compiled rules are cached by a hash of their sources") {
  library();
  TempDir dir("yara-cache");
  TempDir cache("yara-cache-home");
  dir.write("a.yar", "rule a { strings: $x = \"abc\" condition: $x }");
  ::setenv("XDG_CACHE_HOME", cache.path.c_str(), 1);  // NOLINT(concurrency-mt-unsafe): test setup
  CHECK(!YaraRules::compile_dir(dir.path).from_cache);
  CHECK(YaraRules::compile_dir(dir.path).from_cache);
  dir.write("a.yar", "rule a { strings: $x = \"abd\" condition: $x }");
  CHECK(!YaraRules::compile_dir(dir.path).from_cache);  // changed source, new key
  // Whether the rules read `md5` is cached with them.
  dir.write("b.yar", "rule b { condition: md5 == \"900150983cd24fb0d6963f7d28e17f72\" }");
  const auto fresh = YaraRules::compile_dir(dir.path);
  REQUIRE(fresh.rules);
  CHECK(fresh.rules->reads_md5());
  const auto cached = YaraRules::compile_dir(dir.path);
  CHECK(cached.from_cache);
  CHECK(cached.rules->reads_md5());
  fs::remove(dir.path / "b.yar");
  const auto without = YaraRules::compile_dir(dir.path);
  CHECK(without.from_cache);
  CHECK_FALSE(without.rules->reads_md5());

  // Caches unused for weeks go when a new one is written; the rest of the folder stays.
  const auto weeks_ago = fs::file_time_type::clock::now() - std::chrono::hours(24 * 30);
  const fs::path folder = cache.path / "impostor";
  std::ofstream(folder / "rules-0000.yarc") << "stale";
  std::ofstream(folder / "rules-0001.yarc.tmp42") << "stale";
  std::ofstream(folder / "notes.txt") << "not ours";
  for (const auto* name : {"rules-0000.yarc", "rules-0001.yarc.tmp42", "notes.txt"})
    fs::last_write_time(folder / name, weeks_ago);
  std::ofstream(folder / "rules-0002.yarc") << "recent";
  size_t compiled_caches = 0;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.path().filename().string().size() > 40) ++compiled_caches;
  // The cache in use was loaded above, so it is recent whatever its file's age.
  for (const auto& e : fs::directory_iterator(folder))
    if (e.path().filename().string().size() > 40) fs::last_write_time(e.path(), weeks_ago);
  CHECK(YaraRules::compile_dir(dir.path).from_cache);  // loading refreshes its time
  dir.write("c.yar", "rule c { condition: false }");
  CHECK_FALSE(YaraRules::compile_dir(dir.path).from_cache);  // a new cache is written: the stale go
  CHECK_FALSE(fs::exists(folder / "rules-0000.yarc"));
  CHECK_FALSE(fs::exists(folder / "rules-0001.yarc.tmp42"));
  CHECK(fs::exists(folder / "notes.txt"));
  CHECK(fs::exists(folder / "rules-0002.yarc"));
  size_t left = 0;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.path().filename().string().size() > 40) ++left;
  CHECK(compiled_caches >= 3);
  CHECK(left == 2);              // the one loaded (refreshed) and the one just written
  ::unsetenv("XDG_CACHE_HOME");  // NOLINT(concurrency-mt-unsafe)
}

TEST_CASE("whether the rules read the md5 external") {
  library();
  TempDir dir("yara-md5");
  // The hash module's md5() and a string "md5" are not the external.
  dir.write("a.yar", "import \"hash\"\nrule a { strings: $m = \"md5\" condition: $m or hash.md5(0, 3) == \"x\" }");
  const auto module_only = YaraRules::compile_dir(dir.path, false);
  REQUIRE(module_only.rules);
  CHECK_FALSE(module_only.rules->reads_md5());
  dir.write("z/b.yar", "rule b { condition: filesize > 2 and md5 != \"\" }");
  const auto external = YaraRules::compile_dir(dir.path, false);
  REQUIRE(external.rules);
  CHECK(external.rules->reads_md5());
  YaraScanner scanner(*external.rules);
  ScanContext ctx{"x", "x", "", "text", digest(bytes("abc")).md5, "", "", 0};
  CHECK(scanner.scan(bytes("abc"), ctx).size() == 1);
  ctx.md5 = digest(bytes("abc"), {}, false).md5;  // not computed: the neutral ""
  CHECK(ctx.md5.empty());
  CHECK(scanner.scan(bytes("abc"), ctx).empty());
}

TEST_CASE("content scanned again is answered from the memo, each finding in its own place") {
  library();
  TempDir dir("yara-content");
  dir.write("web/page.yar", "rule page_marker { strings: $a = \"FAKE-KIT\" condition: $a }");
  auto compiled = YaraRules::compile_dir(dir.path, false);
  REQUIRE(compiled.rules);
  CHECK_FALSE(compiled.rules->reads_filepath());
  impostor::analyze::FileScanner files(impostor::unpack::FormatRegistry::standard(), {}, compiled.rules, {}, {}, 1);
  const std::string page = "<html>FAKE-KIT</html>";
  for (const std::string location : {"https://a.example/", "https://b.example/?n=2", "https://a.example/"}) {
    CAPTURE(location);
    const auto found = files.scan_content(bytes(page), "index.html", "html", location);
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == "yara.page_marker");
    CHECK(found[0].location == location);
    CHECK(found[0].evidence["member"] == location);
    CHECK(found[0].evidence["strings"][0]["offsets"][0] == 6);
  }
  CHECK(files.scan_content(bytes("<html>clean</html>"), "index.html", "html", "https://a.example/").empty());

  // A rule that reads where the bytes came from: the same bytes at another place are
  // another question.
  dir.write("web/place.yar", "rule place { strings: $a = \"FAKE-KIT\" condition: $a and filepath contains \"evil\" }");
  auto placed = YaraRules::compile_dir(dir.path, false);
  REQUIRE(placed.rules);
  CHECK(placed.rules->reads_filepath());
  impostor::analyze::FileScanner by_place(impostor::unpack::FormatRegistry::standard(), {}, placed.rules, {}, {}, 1);
  CHECK(by_place.scan_content(bytes(page), "index.html", "html", "https://evil.example/").size() == 2);
  CHECK(by_place.scan_content(bytes(page), "index.html", "html", "https://good.example/").size() == 1);
  CHECK(by_place.scan_content(bytes(page), "index.html", "html", "https://evil.example/").size() == 2);
}

TEST_CASE("a content scan memo stays bounded") {
  ContentScanMemo memo;
  for (size_t i = 0; i <= ContentScanMemo::kMaxEntries; ++i) memo.remember(std::to_string(i), {});
  CHECK(memo.find(std::to_string(ContentScanMemo::kMaxEntries)));
  CHECK_FALSE(memo.find("0"));  // started over when full
}

TEST_CASE("rule errors carry file and line") {
  library();
  TempDir dir("yara-bad");
  dir.write("bad.yar", "rule ok { condition: true }\n\nrule broken {\n  condition: $missing\n}\n");
  const auto compiled = YaraRules::compile_dir(dir.path, false);
  CHECK(!compiled.rules);
  REQUIRE(!compiled.problems.empty());
  const auto text = compiled.problems.front().to_string();
  CHECK(text.find("bad.yar:") != std::string::npos);
  CHECK(text.find(": error: undefined string \"$missing\"") != std::string::npos);
  CHECK(compiled.problems.front().line >= 4);
}

TEST_CASE("digests and hash lists") {
  const auto d = digest(bytes("abc"));
  CHECK(d.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(d.md5 == "900150983cd24fb0d6963f7d28e17f72");
  const auto sha_only = digest(bytes("abc"), {}, false);
  CHECK(sha_only.sha256 == d.sha256);
  CHECK(sha_only.md5.empty());
  TempDir dir("hashes");
  dir.write(
      "good.txt",
      "# genuine\nBA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD  abc test file\nnot-a-hash x\n");
  std::vector<std::string> problems;
  const auto list = HashList::load_dir(dir.path, problems);
  REQUIRE(list.find(d.sha256) != nullptr);
  CHECK(list.find(d.sha256)->description == "abc test file");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("good.txt:3: not a SHA-256") != std::string::npos);
}

TEST_CASE("a large input scanned window by window finds what a one-piece scan finds") {
  library();
  TempDir dir("yara-windows");
  dir.write("w.yar", "rule w { strings: $x = \"WINDOW-EDGE-MARKER\" condition: $x and filesize > 64MB }");
  auto compiled = YaraRules::compile_dir(dir.path, false);
  REQUIRE(compiled.rules);
  YaraScanner scanner(*compiled.rules);
  // 80 MiB with the marker across the first window's end (32 MiB).
  std::string big(size_t{80} << 20, '.');
  const std::string marker = "WINDOW-EDGE-MARKER";
  const size_t at = (size_t{32} << 20) - 7;
  big.replace(at, marker.size(), marker);
  size_t released = 0;
  const PageRelease release = [&](std::span<const uint8_t> part) { released += part.size(); };
  const ScanContext ctx{"big.bin", "big.bin", "bin", "data", "", "", "", 0};
  const auto windowed = scanner.scan(bytes(big), ctx, release);
  REQUIRE(windowed.size() == 1);
  CHECK(windowed[0].evidence["strings"][0]["offsets"][0] == at);
  CHECK(windowed[0].evidence["strings"][0]["matches"] == 1);  // the overlap does not count it twice
  CHECK(released >= size_t{64} << 20);
  CHECK(scanner.scan(bytes(big), ctx).size() == 1);
}
