#include <doctest/doctest.h>
#include <idn2.h>

#include <cstdlib>
#include <fstream>

#include "test_context.hpp"

using impostor::test::normalizer;

TEST_CASE("names are normalised: case, trailing dot, ideographic full stops, IDNA") {
  const auto plain = normalizer().normalize("ZOOM.US.");
  REQUIRE(plain.ok());
  CHECK(plain.host.ascii == "zoom.us");
  CHECK(plain.host.suffix.registrable == "zoom.us");
  CHECK(plain.host.suffix.public_suffix == "us");

  for (const char* dotted : {"zoom\xE3\x80\x82us", "zoom\xEF\xBC\x8Eus", "zoom\xEF\xBD\xA1us"}) {
    const auto r = normalizer().normalize(dotted);
    REQUIRE(r.ok());
    CHECK(r.host.ascii == "zoom.us");
  }

  const auto idn = normalizer().normalize("z\xD0\xBE\xD0\xBEm.us");  // Cyrillic o o
  REQUIRE(idn.ok());
  CHECK(idn.host.ascii == "xn--zm-fmca.us");
  CHECK(idn.host.unicode == "z\xD0\xBE\xD0\xBEm.us");

  const auto alabel = normalizer().normalize("XN--ZM-FMCA.US");
  REQUIRE(alabel.ok());
  CHECK(alabel.host.unicode == "z\xD0\xBE\xD0\xBEm.us");
}

TEST_CASE("URLs give their host; userinfo and port are kept apart") {
  const auto r = normalizer().normalize("https://zoom.us@evil.example:8443/download?x=1");
  REQUIRE(r.ok());
  CHECK(r.host.ascii == "evil.example");
  CHECK(r.input.userinfo == "zoom.us");
  CHECK(r.input.port == 8443u);
  CHECK(r.input.was_url);

  const auto pct = normalizer().normalize("https://zoom%2eus/");
  REQUIRE(pct.ok());
  CHECK(pct.host.ascii == "zoom.us");
  const auto bare_pct = normalizer().normalize("zoom%2Dsetup.com");
  REQUIRE(bare_pct.ok());
  CHECK(bare_pct.host.ascii == "zoom-setup.com");
}

TEST_CASE("private suffixes make user sites, not the platform") {
  const auto r = normalizer().normalize("zoom-setup.web.app");
  REQUIRE(r.ok());
  CHECK(r.host.suffix.registrable == "zoom-setup.web.app");
  CHECK(r.host.suffix.public_suffix == "web.app");
  CHECK(r.host.suffix.private_suffix);
  CHECK(r.host.registrable_label() == "zoom-setup");
  const auto icann = normalizer().normalize("download.zoom-setup.co.uk");
  REQUIRE(icann.ok());
  CHECK(!icann.host.suffix.private_suffix);
  CHECK(icann.host.registrable_label() == "zoom-setup");
  REQUIRE(icann.host.subdomain_labels().size() == 1);
  CHECK(icann.host.subdomain_labels()[0] == "download");
}

TEST_CASE("IP literals in all their spellings are recognised as addresses") {
  for (const char* in : {"0x7f.1", "2130706433", "0177.0.0.1", "127.1", "http://0x7f.0.0.1/x"}) {
    const auto r = normalizer().normalize(in);
    INFO(in);
    REQUIRE(r.ok());
    CHECK(r.host.ip_literal);
    CHECK(r.host.ip == "127.0.0.1");
  }
  for (const char* in : {"[::1]", "https://[::ffff:127.0.0.1]:8080/", "[2001:DB8::1]"}) {
    const auto r = normalizer().normalize(in);
    INFO(in);
    REQUIRE(r.ok());
    CHECK(r.host.ip_literal);
  }
}

TEST_CASE("bad input gets a clear error, never a crash") {
  const auto expect_error = [](std::string_view in, std::string_view words) {
    const auto r = normalizer().normalize(in);
    INFO(std::string(in.substr(0, 80)));
    REQUIRE(!r.ok());
    CHECK(r.error.find(words) != std::string::npos);
  };
  expect_error("", "empty");
  expect_error("   ", "empty");
  expect_error(std::string(250, 'a') + ".com", "253");
  expect_error(std::string(64, 'a') + ".com", "63");
  expect_error("xn--zzzz.com", "punycode");
  expect_error("zo\x01om.us", "control character 0x01 at byte 2");
  expect_error("zoom.us\x7f", "control character 0x7f");
  expect_error("javascript:alert(1)", "'javascript:' URL has no host");
  expect_error("data:text/html,hi", "'data:' URL has no host");
  expect_error("mailto:a@zoom.us", "'mailto:' URL has no host");
  expect_error("https://zoom.us:99999/", "not a host name or URL");
  expect_error("zoom..us", "empty label");
  expect_error("zo om.us", "space");
  expect_error(std::string(9000, 'a'), "longer than 8192");
}

TEST_CASE("whitespace around a name is trimmed; a URL path does not matter") {
  CHECK(normalizer().normalize("  zoom.us\r\n").host.ascii == "zoom.us");
  CHECK(normalizer().normalize("https://zoom.us/%00").host.ascii == "zoom.us");
  CHECK(normalizer().normalize("zoom.us:443").input.port == 443u);
}

// The ASCII fast path (skipping libidn2) must give what libidn2 gives.
TEST_CASE("ASCII fast path agrees with libidn2") {
  for (const char* name : {"ZOOM.us", "zoom-download.example", "a--b.com", "us05web.zoom.us", "x_y.example",
                           "1.2.3.example", "Www.Zoom.Com"}) {
    char* out = nullptr;
    REQUIRE(idn2_to_ascii_8z(name, &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) == IDN2_OK);
    const std::string expected(out);
    std::free(out);  // NOLINT: libidn2 allocates with malloc
    INFO(name);
    CHECK(normalizer().normalize(name).host.ascii == expected);
  }
}
