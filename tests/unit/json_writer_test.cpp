#include "core/json_writer.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/report.hpp"
#include "core/text_safety.hpp"
#include "net/hop_json.hpp"
#include "net/tls_inspection.hpp"
#include "page/page_json.hpp"
#include "page_fixtures.hpp"

using namespace impostor;
using nlohmann::json;

namespace {

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

// Hostile text of every kind a page, a header or a certificate can carry.
const std::vector<std::string>& odd_strings() {
  static const std::vector<std::string> strings = {
      "",
      "plain ascii https://zoom.us/download?x=1&y=2",
      "quote \" backslash \\ slash /",
      std::string("nul \0 byte", 10),
      "controls \x01\x08\x09\x0a\x0c\x0d\x1b\x1f\x7f",
      std::string("\xE2\x80\xAE") + "RLO and U+2028 \xE2\x80\xA8 and U+2029 \xE2\x80\xA9",
      "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80",
      "ill-formed \xFF \xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80 cut \xE6\x97",
      "\xC3",
      "<script>alert(1)</script>",
  };
  return strings;
}

std::string written(const auto& write) {
  std::string out;
  core::JsonWriter writer(out);
  write(writer);
  return out;
}

}  // namespace

TEST_CASE("JsonWriter: strings are printed as nlohmann prints them, hostile bytes included") {
  for (const auto& s : odd_strings()) {
    CAPTURE(s);
    CHECK(written([&](core::JsonWriter& w) { w.string(s); }) == dump(json(s)));
    // safe_string: what a tree built from to_valid_utf8(s) printed (one U+FFFD per bad byte).
    CHECK(written([&](core::JsonWriter& w) { w.safe_string(s); }) == dump(json(core::to_valid_utf8(s))));
    CHECK(json::accept(written([&](core::JsonWriter& w) { w.string(s); })));
  }
}

TEST_CASE("JsonWriter: every ASCII byte and random bytes escape as nlohmann escapes them") {
  std::string ascii;
  for (int c = 0; c < 128; ++c) ascii += static_cast<char>(c);
  CHECK(written([&](core::JsonWriter& w) { w.string(ascii); }) == dump(json(ascii)));
  uint64_t state = 0x9E3779B97F4A7C15ULL;  // xorshift: the same strings every run
  const auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  // Random bytes are mostly ill-formed UTF-8; random code points are well-formed.
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    const size_t n = next() % 24;
    for (size_t i = 0; i < n; ++i) {
      if (round % 2 == 0)
        s += static_cast<char>(next() & 0xFF);
      else
        core::append_utf8(s, static_cast<uint32_t>(next() % 0x30000));
    }
    CAPTURE(s);
    CHECK(written([&](core::JsonWriter& w) { w.string(s); }) == dump(json(s)));
    CHECK(written([&](core::JsonWriter& w) { w.safe_string(s); }) == dump(json(core::to_valid_utf8(s))));
  }
}

TEST_CASE("JsonWriter and to_valid_utf8: one odd byte at every position of plain text, every length") {
  // The plain-text checks look at eight bytes at a time: a byte that needs escaping or
  // replacing must be caught in any lane of a word and in the bytes after the last word.
  using namespace std::string_view_literals;
  const std::string_view odd = "\0\x1f\"\\\x7f\x80\xff\xc3 !#[]~"sv;
  for (size_t length = 1; length <= 40; ++length) {
    for (size_t at = 0; at < length; ++at) {
      for (const char c : odd) {
        std::string s(length, 'a');
        s[at] = c;
        CAPTURE(s);
        CHECK(written([&](core::JsonWriter& w) { w.string(s); }) == dump(json(s)));
        const bool ascii = static_cast<unsigned char>(c) < 0x80;
        CHECK(core::is_valid_utf8(s) == ascii);
        CHECK(core::to_valid_utf8(s) == (ascii ? s : s.substr(0, at) + "\xEF\xBF\xBD" + s.substr(at + 1)));
      }
    }
  }
}

TEST_CASE("JsonWriter: numbers of every width, and doubles in nlohmann's shortest form") {
  CHECK(written([](core::JsonWriter& w) { w.number(std::numeric_limits<std::int64_t>::min()); }) ==
        dump(json(std::numeric_limits<std::int64_t>::min())));
  CHECK(written([](core::JsonWriter& w) { w.number(std::numeric_limits<std::uint64_t>::max()); }) ==
        "18446744073709551615");
  CHECK(written([](core::JsonWriter& w) { w.number(-7); }) == "-7");
  CHECK(written([](core::JsonWriter& w) { w.number(size_t{0}); }) == "0");
  const std::vector<double> doubles = {0.0,
                                       -0.0,
                                       1.0,
                                       1.5,
                                       0.1 + 0.2,
                                       1e-5,
                                       1e20,
                                       123.456,
                                       1e300,
                                       5e-324,
                                       -2.5e-7,
                                       86400.0,
                                       1e15,
                                       1e16,
                                       std::numeric_limits<double>::max(),
                                       std::numeric_limits<double>::quiet_NaN(),
                                       std::numeric_limits<double>::infinity(),
                                       -std::numeric_limits<double>::infinity()};
  for (const double d : doubles) {
    CAPTURE(d);
    CHECK(written([&](core::JsonWriter& w) { w.number(d); }) == dump(json(d)));
  }
}

TEST_CASE("JsonWriter: nested objects and arrays print as the same tree") {
  const json tree = {
      {"a", json::array({1, "x", true, json::object(), json::array()})}, {"b", {{"c", -1}, {"d", 2.5}}}, {"e", "\xFF"}};
  const std::string text = written([&](core::JsonWriter& w) {
    w.begin_object();
    w.key("a");
    w.begin_array();
    w.number(1);
    w.string("x");
    w.boolean(true);
    w.begin_object();
    w.end_object();
    w.begin_array();
    w.end_array();
    w.end_array();
    w.key("b");
    w.begin_object();
    w.field("c", -1);
    w.field("d", 2.5);
    w.end_object();
    w.field("e", std::string("\xFF"));
    w.end_object();
  });
  CHECK(text == dump(tree));
  CHECK(core::RenderedJson{text}.tree() == json::parse(dump(tree)));
  CHECK(core::RenderedJson::of(tree).text == text);         // a whole tree, as append_json writes it
  CHECK(core::RenderedJson{"{not json"}.tree().is_null());  // never a throw from a report part
}

// The page and the hops are written straight from the analysis; read back and printed
// again they must give the same bytes, which holds only with every key in sorted order
// and every value printed as the tree printed it.
TEST_CASE("page and hop JSON: written directly, the same bytes as their tree") {
  SUBCASE("pages with downloads, brands, refreshes, scams and a legacy charset") {
    const std::vector<page::BrandTerms> brands = {{"zoom", "Zoom", {"zoom"}, {"Zoom Workplace"}, {}, {}}};
    for (const char* name : {"fake-zoom-download.html", "official-clone.html", "scam-browser-lock.html",
                             "news-mentions-zoom.html", "scam-ja.sjis.html"}) {
      CAPTURE(name);
      const auto html = page_fixtures::read_page(name);
      auto a = page_fixtures::analyze(
          "https://zoom-download.example/dl/", html,
          std::string(name).find("sjis") != std::string::npos ? "text/html; charset=shift_jis" : "text/html", brands);
      a.favicon = page::FaviconHash{-1234567, "ab12", 1150};
      const auto text = page::render_json(a).text;
      const auto tree = json::parse(text);
      CHECK(dump(tree) == text);
      CHECK(tree["url"] == "https://zoom-download.example/dl/");
      CHECK(tree["counts"]["links"].get<size_t>() == a.content.links_seen);
      CHECK(tree["favicon"]["mmh3"] == -1234567);
    }
  }
  SUBCASE("a page whose every string is hostile") {
    auto a = page_fixtures::analyze("https://x.example/", "<title>t</title><a href='/a'>a</a>");
    for (const auto& s : odd_strings()) {
      a.content.title = s;
      a.content.og_site_name = s;
      a.content.lang = s;
      a.decoding.declared = s;
      const auto text = page::render_json(a).text;
      CAPTURE(s);
      CHECK(dump(json::parse(text)) == text);
    }
  }
  SUBCASE("hops: TLS chain, headers, a refusal, timings, hostile text") {
    auto tls = std::make_shared<net::TlsSession>();
    tls->version = "TLSv1.3";
    tls->cipher = "TLS_AES_128_GCM_SHA256";
    tls->alpn = "h2";
    tls->verify_error = "certificate has expired \xFF";
    net::CertificateInfo cert;
    cert.subject =
        "CN=zoom.us,O=\xE2\x80\xAE"
        "Zoom";
    cert.issuer = "CN=Test CA";
    cert.common_name = "zoom.us";
    cert.dns_names = {"zoom.us", "*.zoom.us",
                      "\x01"
                      "bad"};
    cert.ip_addresses = {"127.0.0.1"};
    cert.not_before = 1700000000;
    cert.not_after = 1800000000;
    cert.key_type = "EC";
    cert.key_bits = 256;
    cert.sha256 = std::string(64, 'a');
    cert.spki_sha256 = std::string(64, 'b');
    tls->chain = {cert, cert};
    net::Hop hop;
    hop.url = "https://zoom.us/\xFF?q=\"x\"";
    hop.method = "GET";
    hop.status = 302;
    hop.http_version = "2";
    hop.headers = {{"location", "https://evil.example/\x1b[31m"}, {"content-type", "text/html"}, {"server", ""}};
    hop.ip = "127.0.0.1";
    hop.port = 443;
    hop.resolved = {"127.0.0.1", "::1"};
    hop.timings = {0.012, 0.3, 1.25, 12.0, 1e-5};
    hop.body_bytes = 12345;
    hop.body_truncated = true;
    hop.error = "boom";
    hop.refused = net::AddressRefusal{"loopback", "127.0.0.1"};
    for (const bool verified : {false, true}) {
      tls->verified = verified;
      hop.tls = tls;
      const std::string text = written([&](core::JsonWriter& w) { net::write_json(w, hop, 1750000000); });
      const auto tree = json::parse(text);
      CHECK(dump(tree) == text);
      CHECK(tree["tls"]["chain"][0]["age_days"] == (1750000000 - 1700000000) / 86400);
      CHECK(tree["tls"].contains("verify_error") == !verified);
      CHECK(tree["timings_ms"]["first_byte"] == 12.0);
    }
    hop.tls.reset();
    hop.refused.reset();
    const std::string bare = written([&](core::JsonWriter& w) { net::write_json(w, hop, 0); });
    CHECK(dump(json::parse(bare)) == bare);
  }
}
