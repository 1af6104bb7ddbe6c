// page/: brand claims (where a page presents itself as a vendor) and favicon hashes.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "page/brand_claims.hpp"
#include "page/favicon_hash.hpp"
#include "page/page_analysis.hpp"
#include "page_fixtures.hpp"

using namespace impostor::page;

namespace {

using page_fixtures::read_page;

PageAnalysis analyze(std::string_view url, std::string_view html, std::span<const BrandTerms> brands) {
  return page_fixtures::analyze(url, html, "text/html", brands);
}

std::vector<BrandTerms> vendors() {
  return {
      {"zoom", "Zoom", {"zoom"}, {"Zoom Workplace", "Zoom Meetings"}, {-1173581353}, {}},
      {"anydesk", "AnyDesk", {"anydesk"}, {}, {}, {}},
      {"teams", "Microsoft Teams", {}, {"Microsoft Teams"}, {}, {}},
  };
}

const BrandAssessment* assessment(const PageAnalysis& a, std::string_view vendor) {
  for (const auto& b : a.brands)
    if (b.vendor_id == vendor) return &b;
  return nullptr;
}

size_t strong_claims(const BrandAssessment& b, ClaimSource source) {
  size_t n = 0;
  for (const auto& c : b.claims) n += c.source == source && c.strong ? 1 : 0;
  return n;
}

std::vector<uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

}  // namespace

TEST_CASE("page brand: the fake Zoom page claims to be Zoom in its title, heading, site name and logo") {
  const auto brands = vendors();
  const auto a = analyze("https://zoom-download.example/", read_page("fake-zoom-download.html"), brands);
  REQUIRE(a.brands.size() == 1);  // AnyDesk and Teams are not named
  const BrandAssessment* zoom = assessment(a, "zoom");
  REQUIRE(zoom != nullptr);
  CHECK(zoom->presents_as_vendor);
  CHECK(strong_claims(*zoom, ClaimSource::title) == 1);
  CHECK(strong_claims(*zoom, ClaimSource::heading) == 1);
  CHECK(strong_claims(*zoom, ClaimSource::og_site_name) == 1);
  CHECK(strong_claims(*zoom, ClaimSource::image_alt) == 1);
  CHECK(strong_claims(*zoom, ClaimSource::image_src) == 1);
  for (const auto& c : zoom->claims) {
    if (c.source != ClaimSource::title) continue;
    CHECK(c.snippet == "Download Zoom for Windows - Zoom Workplace");
    CHECK(c.location == "title");
    CHECK(c.matched == "Zoom Workplace");
    CHECK(c.reason == "the title offers the brand's download");
  }
  for (const auto& c : zoom->claims) {
    if (c.source == ClaimSource::heading) CHECK(c.location == "html > body > main#download > h1");
  }
  CHECK(zoom->other_site_name.empty());
}

TEST_CASE("page brand: an official-looking clone names itself Zoom") {
  const auto brands = vendors();
  const auto a = analyze("https://zoom-us.example/", read_page("official-clone.html"), brands);
  const BrandAssessment* zoom = assessment(a, "zoom");
  REQUIRE(zoom != nullptr);
  CHECK(zoom->presents_as_vendor);
  CHECK(strong_claims(*zoom, ClaimSource::title) == 1);  // "Download Center | Zoom"
  CHECK(strong_claims(*zoom, ClaimSource::application_name) == 1);
  CHECK(strong_claims(*zoom, ClaimSource::image_alt) == 1);  // alt="Zoom": the logo
  CHECK(strong_claims(*zoom, ClaimSource::image_src) == 1);  // zoom_logo_blue.svg
}

TEST_CASE("page brand: a news story that mentions Zoom is not a claim") {
  const auto brands = vendors();
  const auto a = analyze("https://news.example/2024/fatigue", read_page("news-mentions-zoom.html"), brands);
  for (const auto& b : a.brands) {
    INFO(b.vendor_id);
    CHECK_FALSE(b.presents_as_vendor);
  }
  // The photo file name mentions zoom: a mention at most, and the site names itself otherwise.
  if (const BrandAssessment* zoom = assessment(a, "zoom")) {
    CHECK(strong_claims(*zoom, ClaimSource::image_src) == 0);
    CHECK(zoom->other_site_name == "Daily Planet News");
  }

  // Mentions in the title and a heading without a site name of its own would add up...
  const auto two =
      analyze("https://x.example/", "<title>Zoom tips and tricks</title><h1>Zoom tips and tricks</h1>", brands);
  REQUIRE(assessment(two, "zoom") != nullptr);
  CHECK(assessment(two, "zoom")->presents_as_vendor);
  // ...but not when the page names itself as another site.
  const auto other = analyze("https://x.example/",
                             "<title>Zoom tips and tricks | Tech Weekly</title><h1>Zoom tips and tricks</h1>", brands);
  REQUIRE(assessment(other, "zoom") != nullptr);
  CHECK_FALSE(assessment(other, "zoom")->presents_as_vendor);
  CHECK(assessment(other, "zoom")->other_site_name == "Tech Weekly");
  // A how-to story is not an offer.
  const auto howto = analyze("https://x.example/", "<title>How to download Zoom safely</title>", brands);
  REQUIRE(assessment(howto, "zoom") != nullptr);
  CHECK_FALSE(assessment(howto, "zoom")->presents_as_vendor);
  // Body text alone never counts.
  const auto body = analyze("https://x.example/", "<title>Blog</title><p>Zoom Zoom Zoom Workplace AnyDesk</p>", brands);
  CHECK(body.brands.empty());
}

TEST_CASE("page brand: brand tokens match whole words only; product names as phrases") {
  const auto brands = vendors();
  const auto a = analyze("https://x.example/", "<title>Zoomed photos</title><h1>Microsoft Teams for PC</h1>", brands);
  CHECK(assessment(a, "zoom") == nullptr);
  const BrandAssessment* teams = assessment(a, "teams");
  REQUIRE(teams != nullptr);
  CHECK(strong_claims(*teams, ClaimSource::heading) == 1);
  const auto anydesk = analyze("https://x.example/", "<title>AnyDesk - Download</title>", brands);
  REQUIRE(assessment(anydesk, "anydesk") != nullptr);
  CHECK(assessment(anydesk, "anydesk")->presents_as_vendor);
}

TEST_CASE("page brand: MurmurHash3 x86 32 matches the reference test vectors") {
  // Published vectors of MurmurHash3_x86_32, re-checked with a Python port of the
  // reference (smhasher MurmurHash3.cpp) before writing them here.
  const auto h = [](std::string_view s, uint32_t seed) {
    return murmur3_x86_32(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()), seed);
  };
  CHECK(h("", 0) == 0u);
  CHECK(h("", 1) == 0x514E28B7u);
  CHECK(h("hello", 0) == 0x248bfa47u);
  CHECK(h("hello", 0x9747b28c) == 0x5d7f56e8u);
  CHECK(h("The quick brown fox jumps over the lazy dog", 0) == 0x2e4ff723u);
}

TEST_CASE("page brand: favicon hashes are Shodan's (base64 with newlines, signed) and SHA-256") {
  // Python: base64.encodebytes(b) is 76-character lines each ended by "\n".
  CHECK(base64_lines({}) == "");
  const auto abc = bytes("abc");
  CHECK(base64_lines(abc) == "YWJj\n");
  const auto two = bytes("ab");
  CHECK(base64_lines(two) == "YWI=\n");
  std::vector<uint8_t> icon;
  for (int r = 0; r < 2; ++r)
    for (int i = 0; i < 256; ++i) icon.push_back(static_cast<uint8_t>(i));
  const std::string b64 = base64_lines(icon);
  CHECK(b64.size() == 693);  // 684 characters: 9 full lines of 76, each ended by a newline
  CHECK(b64.substr(76, 1) == "\n");
  CHECK(b64.back() == '\n');
  // import base64, hashlib; data = bytes(range(256)) * 2
  // mmh3 (the Python port above) of base64.encodebytes(data), as a signed int: -1173581353
  const FaviconHash fh = hash_favicon(icon);
  CHECK(fh.mmh3 == -1173581353);
  CHECK(fh.sha256 == "110009dcee21620b166f3abfecb5eff7a873be729d1c2d53822e7acc5f34eb9b");
  CHECK(fh.size == 512);
}

TEST_CASE("page brand: an official favicon on another host is a strong claim") {
  const auto brands = vendors();
  std::vector<uint8_t> icon;
  for (int r = 0; r < 2; ++r)
    for (int i = 0; i < 256; ++i) icon.push_back(static_cast<uint8_t>(i));
  PageInput in;
  in.url = "https://meeting-join.example/";
  const std::string html = "<title>Join a meeting</title><link rel=icon href=/favicon.ico>";
  in.body = html;
  in.brands = brands;
  in.favicon = icon;
  const auto a = analyze_page(in);
  REQUIRE(a.favicon.has_value());
  const BrandAssessment* zoom = assessment(a, "zoom");
  REQUIRE(zoom != nullptr);
  CHECK(zoom->presents_as_vendor);
  CHECK(strong_claims(*zoom, ClaimSource::favicon) == 1);

  // The same favicon added after the analysis.
  in.favicon.reset();
  auto later = analyze_page(in);
  CHECK(later.brands.empty());
  add_favicon(later, icon, brands);
  REQUIRE(assessment(later, "zoom") != nullptr);
  CHECK(assessment(later, "zoom")->presents_as_vendor);
  const auto other = bytes("not the icon");
  auto unrelated = analyze_page(in);
  add_favicon(unrelated, other, brands);
  CHECK(unrelated.brands.empty());
}
