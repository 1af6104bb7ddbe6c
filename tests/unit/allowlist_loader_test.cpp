#include <doctest/doctest.h>

#include <fstream>

#include "allowlist/allowlist_loader.hpp"
#include "test_context.hpp"

using namespace impostor::allowlist;

namespace {

const char* kMinimal = R"(id = "acme"
name = "Acme"
company = "Acme Inc."
[brand]
tokens = ["acme"]
[domains]
official = ["acme.example"]
)";

std::string problems_of(const AllowlistLoad& load) {
  std::string all;
  for (const auto& p : load.problems) all += p.to_string() + "\n";
  return all;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("impostor-allowlist-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path / name) << text; }
  static int& counter() {
    static int c = 0;
    return c;
  }
};

}  // namespace

TEST_CASE("the shipped allowlists load cleanly and cover the seven vendors") {
  const auto load = load_allowlist_dir(impostor::test::source_dir() / "allowlists");
  INFO(problems_of(load));
  REQUIRE(load.ok());
  for (const char* id : {"zoom", "microsoft-teams", "webex", "slack", "anydesk", "teamviewer", "skype"}) {
    const Vendor* v = load.allowlist.find(id);
    REQUIRE_MESSAGE(v != nullptr, id);
    CHECK(!v->official_domains.empty());
    CHECK(!(v->brand_tokens.empty() && v->distinctive_tokens.empty()));
    CHECK(!v->authenticode_publishers.empty());
    CHECK(!v->macos_team_ids.empty());
  }
  const Vendor* zoom = load.allowlist.find("zoom");
  for (const char* d : {"zoom.us", "zoom.com", "zoomgov.com"})
    CHECK(std::find(zoom->official_domains.begin(), zoom->official_domains.end(), d) != zoom->official_domains.end());
  CHECK(std::find(zoom->macos_team_ids.begin(), zoom->macos_team_ids.end(), "BJ4HAAB9B3") !=
        zoom->macos_team_ids.end());
  const Vendor* anydesk = load.allowlist.find("anydesk");
  REQUIRE(!anydesk->revoked_certificates.empty());
  CHECK(anydesk->revoked_certificates.front().serial == "0dbf152deaf0b981a8a938d53f769db8");
}

TEST_CASE("a minimal vendor file parses") {
  const auto load = parse_vendor_file(kMinimal, "dir/acme.toml");
  INFO(problems_of(load));
  REQUIRE(load.ok());
  CHECK(load.allowlist.vendors.at(0).official_domains.at(0) == "acme.example");
}

TEST_CASE("product names, favicon hashes and the minimum version load") {
  std::string text = kMinimal;
  text.replace(text.find("[domains]"), 9,
               "product_names = [\"Acme Meetings\"]\nfavicon_mmh3 = [-2147483648, 116323821]\n"
               "favicon_sha256 = [\"" +
                   std::string(64, 'a') + "\"]\n[domains]");
  text += "[versions]\nminimum = \"4.6.9\"\nsource = \"advisory\"\n";
  const auto load = parse_vendor_file(text, "acme.toml");
  INFO(problems_of(load));
  REQUIRE(load.ok());
  const auto& v = load.allowlist.vendors.at(0);
  CHECK(v.product_names == std::vector<std::string>{"Acme Meetings"});
  CHECK(v.favicon_mmh3 == std::vector<int32_t>{INT32_MIN, 116323821});
  CHECK(v.favicon_sha256.at(0) == std::string(64, 'a'));
  CHECK(v.minimum_version == "4.6.9");
  CHECK(v.minimum_version_source == "advisory");

  SUBCASE("bad values are problems with their place") {
    for (const auto& [bad, message] : std::vector<std::pair<std::string, std::string>>{
             {"favicon_mmh3 = [4294967296]", "32-bit signed integers"},
             {"favicon_mmh3 = \"1\"", "must be an array of integers"},
             {"favicon_sha256 = [\"ABC\"]", "invalid SHA-256"},
             {"product_names = [\"a\\u0001b\"]", "invalid product name"}}) {
      std::string t = kMinimal;
      t.replace(t.find("[domains]"), 9, bad + "\n[domains]");
      const auto l = parse_vendor_file(t, "acme.toml");
      INFO(bad);
      CHECK(problems_of(l).find("acme.toml:6:") != std::string::npos);
      CHECK(problems_of(l).find(message) != std::string::npos);
    }
    for (const auto& [bad, message] : std::vector<std::pair<std::string, std::string>>{
             {"minimum = \"5.0-beta\"\nsource = \"x\"", "must be dotted numbers"},
             {"minimum = \"5..0\"\nsource = \"x\"", "must be dotted numbers"},
             {"minimum = \"5.0\"", "missing key 'source'"}}) {
      const auto l = parse_vendor_file(std::string(kMinimal) + "[versions]\n" + bad + "\n", "acme.toml");
      INFO(bad);
      CHECK(problems_of(l).find(message) != std::string::npos);
    }
  }
}

TEST_CASE("loader problems carry file:line:column") {
  SUBCASE("unknown key") {
    const auto load = parse_vendor_file(std::string(kMinimal) + "colour = \"red\"\n", "acme.toml");
    REQUIRE(load.problems.size() == 1);
    CHECK(load.problems[0].line == 8);
    CHECK(load.problems[0].column == 1);
    CHECK(load.problems[0].to_string().find("acme.toml:8:1: unknown key 'colour'") == 0);
  }
  SUBCASE("unknown key in a table") {
    std::string text = kMinimal;
    text.replace(text.find("tokens"), 6, "tokenz");
    const auto load = parse_vendor_file(text, "acme.toml");
    REQUIRE(!load.ok());
    CHECK(problems_of(load).find("acme.toml:5:1: unknown key 'tokenz' in [brand]") != std::string::npos);
  }
  SUBCASE("wrong type") {
    std::string text = kMinimal;
    text.replace(text.find("\"Acme\""), 6, "42");
    const auto load = parse_vendor_file(text, "acme.toml");
    REQUIRE(load.problems.size() == 1);
    CHECK(load.problems[0].line == 2);
    CHECK(load.problems[0].message.find("must be a string, not an integer") != std::string::npos);
  }
  SUBCASE("invalid domains") {
    for (const char* bad : {"Acme.example", "acme", "-acme.example", "acme..example", "acme.example.", "ac me.example",
                            "http://acme.example", "ａcme.example"}) {
      std::string text = kMinimal;
      text.replace(text.find("\"acme.example\""), 14, std::string("\"") + bad + "\"");
      const auto load = parse_vendor_file(text, "acme.toml");
      INFO(bad);
      REQUIRE(load.problems.size() == 1);
      CHECK(load.problems[0].line == 7);
      CHECK(load.problems[0].message.find("invalid domain") != std::string::npos);
    }
  }
  SUBCASE("id must match the file name") {
    const auto load = parse_vendor_file(kMinimal, "other.toml");
    REQUIRE(load.problems.size() == 1);
    CHECK(load.problems[0].message.find("must equal the file name 'other'") != std::string::npos);
  }
  SUBCASE("TOML syntax errors point at the spot") {
    const auto load = parse_vendor_file("id = \"acme\"\nname = \n", "acme.toml");
    REQUIRE(load.problems.size() == 1);
    CHECK(load.problems[0].line == 2);
  }
  SUBCASE("missing required parts") {
    const auto load = parse_vendor_file("id = \"acme\"\n", "acme.toml");
    const auto all = problems_of(load);
    CHECK(all.find("missing key 'name'") != std::string::npos);
    CHECK(all.find("missing table [brand]") != std::string::npos);
    CHECK(all.find("missing table [domains]") != std::string::npos);
  }
  SUBCASE("bad team id and pin") {
    const auto load = parse_vendor_file(
        std::string(kMinimal) + "[signing]\nmacos_team_ids = [\"bj4haab9b3\"]\n[tls]\nspki_sha256 = [\"xyz\"]\n",
        "acme.toml");
    const auto all = problems_of(load);
    CHECK(all.find("acme.toml:9:19: invalid team id") != std::string::npos);
    CHECK(all.find("acme.toml:11:16: invalid SPKI") != std::string::npos);
  }
}

TEST_CASE("a domain claimed by two vendors is refused at the second claim") {
  TempDir dir;
  dir.write("acme.toml", kMinimal);
  std::string other = kMinimal;
  other.replace(other.find("\"acme\""), 6, "\"beta\"");
  other.replace(other.find("official = ["), 12, "official = [\"beta.example\", ");
  dir.write("beta.toml", other);
  const auto load = load_allowlist_dir(dir.path);
  REQUIRE(load.problems.size() == 1);
  const auto text = load.problems[0].to_string();
  CHECK(text.find("beta.toml:7:29: domain 'acme.example' is already claimed by vendor 'acme'") != std::string::npos);
  CHECK(load.allowlist.vendors.size() == 1);
}

TEST_CASE("a vendor file over 1 MiB is refused; one just under it is read whole") {
  TempDir dir;
  // Comment padding: still valid TOML, so only the size can refuse it.
  const std::string pad = "# " + std::string(100, 'x') + "\n";
  std::string big = kMinimal;
  while (big.size() <= (size_t{1} << 20)) big += pad;
  dir.write("acme.toml", big);
  auto load = load_allowlist_dir(dir.path);
  REQUIRE(load.problems.size() == 1);
  CHECK(load.problems[0].to_string().find("acme.toml") != std::string::npos);
  CHECK(load.problems[0].to_string().find("larger than 1 MiB") != std::string::npos);
  std::string fits = kMinimal;
  while (fits.size() + pad.size() <= (size_t{1} << 20)) fits += pad;
  dir.write("acme.toml", fits);
  load = load_allowlist_dir(dir.path);
  CHECK(load.ok());
  CHECK(load.allowlist.vendors.size() == 1);
}

TEST_CASE("a missing or empty folder is a problem, not a crash") {
  CHECK(!load_allowlist_dir("/nonexistent/impostor").ok());
  TempDir dir;
  CHECK(!load_allowlist_dir(dir.path).ok());
}
