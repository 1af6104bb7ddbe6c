// The address guard and URL checks of the fetcher: every spelling of a refused address
// is refused, public addresses pass, and only http(s) URLs are fetchable.
#include <doctest/doctest.h>

#include "net/address_guard.hpp"
#include "net/dns_cache.hpp"
#include "net/fetcher.hpp"

using namespace impostor::net;

namespace {

std::optional<AddressRefusal> refusal(const char* text) {
  sockaddr_storage s{};
  socklen_t len = 0;
  REQUIRE(parse_address(text, s, len));
  return refuse_address(reinterpret_cast<const sockaddr*>(&s), len);
}

}  // namespace

TEST_CASE("net address guard refuses every private, local and special range") {
  const std::pair<const char*, const char*> refused[] = {
      {"127.0.0.1", "loopback"},       {"127.255.0.9", "loopback"},
      {"10.1.2.3", "private"},         {"172.16.0.1", "private"},
      {"172.31.255.255", "private"},   {"192.168.1.1", "private"},
      {"169.254.169.254", "metadata"}, {"169.254.1.1", "link-local"},
      {"100.64.0.1", "cgnat"},         {"100.127.255.254", "cgnat"},
      {"0.0.0.0", "unspecified"},      {"224.0.0.1", "multicast"},
      {"255.255.255.255", "reserved"}, {"::1", "loopback"},
      {"::", "unspecified"},           {"fe80::1", "link-local"},
      {"fc00::1", "private"},          {"fd12:3456::1", "private"},
      {"ff02::1", "multicast"},        {"::ffff:127.0.0.1", "loopback"},
      {"::ffff:10.0.0.1", "private"},  {"::ffff:169.254.169.254", "metadata"},
      {"64:ff9b::7f00:1", "loopback"}, {"2002:7f00:1::", "loopback"},
      {"fd00:ec2::254", "metadata"},   {"[::1]", "loopback"},
      {"::127.0.0.1", "loopback"},
  };
  for (const auto& [address, range] : refused) {
    CAPTURE(address);
    const auto r = refusal(address);
    REQUIRE(r.has_value());
    CHECK(r->range == range);
  }
}

TEST_CASE("net address guard lets public addresses through") {
  for (const char* address : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111",
                              "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:0808:0808::"}) {
    CAPTURE(address);
    CHECK_FALSE(refusal(address).has_value());
  }
}

TEST_CASE("net address parsing accepts only numeric literals") {
  sockaddr_storage s{};
  socklen_t len = 0;
  CHECK_FALSE(parse_address("localhost", s, len));
  CHECK_FALSE(parse_address("", s, len));
  CHECK_FALSE(parse_address("1.2.3", s, len));
  CHECK(parse_address("[2001:db8::1]", s, len));
  CHECK(address_text(reinterpret_cast<const sockaddr*>(&s), len) == "2001:db8::1");
}

TEST_CASE("net URLs other than http and https are refused before any I/O") {
  for (const char* url : {"file:///etc/passwd", "ftp://example.com/", "data:text/html,x", "javascript:alert(1)",
                          "gopher://example.com/", "ldap://example.com/", "dict://example.com/"}) {
    CAPTURE(url);
    const auto r = check_fetchable(url);
    CHECK_FALSE(r.ok());
    CHECK(r.error.find("unsupported scheme") != std::string::npos);
  }
  CHECK_FALSE(check_fetchable(std::string(70 * 1024, 'a')).ok());
  CHECK_FALSE(check_fetchable(std::string("http://a\0b/", 11)).ok());
  CHECK_FALSE(check_fetchable("http://").ok());
}

TEST_CASE("net URL forms are normalised by libcurl, credentials dropped") {
  auto r = check_fetchable("HTTP://User:Secret@Zoom.US:8443/a b#frag");
  REQUIRE(r.ok());
  CHECK(r.scheme == "http");
  CHECK(r.host == "zoom.us");
  CHECK(r.port == 8443);
  CHECK(r.url.find("Secret") == std::string::npos);
  CHECK(r.url.find("#frag") == std::string::npos);
  r = check_fetchable("zoom.us/download");
  REQUIRE(r.ok());
  CHECK(r.scheme == "https");
  CHECK(r.port == 443);
  // Hex, octal and short IPv4 forms reach 127.0.0.1: the host is the address it reaches.
  // Percent-encoded digits too: libcurl decodes them after its IPv4 pass (fuzzing found it).
  for (const char* url : {"http://0x7f.1/", "http://017700000001/", "http://2130706433/", "http://127.1/",
                          "http://%31%32%37.0.0.1/", "http://0x7f%2e1/", "http://21307%306433/"}) {
    CAPTURE(url);
    r = check_fetchable(url);
    REQUIRE(r.ok());
    CHECK(r.host == "127.0.0.1");
  }
  r = check_fetchable("http://[::ffff:7f00:1]:81/");
  REQUIRE(r.ok());
  CHECK(r.host.find(':') != std::string::npos);
}

TEST_CASE("net references resolve against their base") {
  CHECK(resolve_reference("https://a.example/x/y?q", "../z") == "https://a.example/z");
  CHECK(resolve_reference("https://a.example/x/", "//b.example/p") == "https://b.example/p");
  CHECK(resolve_reference("https://a.example/x/", "http://c.example/") == "http://c.example/");
  CHECK(resolve_reference("https://a.example/x/", "?q=1") == "https://a.example/x/?q=1");
  CHECK(resolve_reference("not a url", "/p").empty());
}

TEST_CASE("a DNS cache keeps answers for its lifetime, never failures, and stays bounded") {
  impostor::net::DnsCache cache;
  CHECK_FALSE(cache.find("zoom.us"));
  cache.remember("zoom.us", {"170.114.52.2", "2407:30c0:182::aa72:3402"});
  const auto known = cache.find("zoom.us");
  REQUIRE(known);
  CHECK(*known == std::vector<std::string>{"170.114.52.2", "2407:30c0:182::aa72:3402"});
  cache.remember("nxdomain.example", {});  // a failed look-up is not an answer
  CHECK_FALSE(cache.find("nxdomain.example"));

  impostor::net::DnsCache expired(std::chrono::milliseconds(0));
  expired.remember("zoom.us", {"170.114.52.2"});
  CHECK_FALSE(expired.find("zoom.us"));

  for (size_t i = 0; i <= impostor::net::DnsCache::kMaxEntries; ++i)
    cache.remember("h" + std::to_string(i) + ".example", {"192.0.2.1"});
  CHECK(cache.find("h" + std::to_string(impostor::net::DnsCache::kMaxEntries) + ".example"));
  CHECK_FALSE(cache.find("zoom.us"));  // started over when full
}
