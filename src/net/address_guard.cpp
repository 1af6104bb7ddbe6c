#include "net/address_guard.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace impostor::net {
namespace {

struct V4Range {
  uint32_t network;
  int prefix;
  const char* name;
};

// IANA special-purpose registries (RFC 6890 and successors): everything that is not
// ordinary global unicast. 169.254.169.254 (cloud metadata) falls in link-local but is
// named on its own so the evidence says what was reached for.
constexpr std::array<V4Range, 15> kV4Ranges{{
    {0xA9FEA9FE, 32, "metadata"},       // 169.254.169.254
    {0x00000000, 8, "unspecified"},     // 0.0.0.0/8 ("this network")
    {0x0A000000, 8, "private"},         // 10/8
    {0x64400000, 10, "cgnat"},          // 100.64/10
    {0x7F000000, 8, "loopback"},        // 127/8
    {0xA9FE0000, 16, "link-local"},     // 169.254/16
    {0xAC100000, 12, "private"},        // 172.16/12
    {0xC0000000, 24, "ietf-protocol"},  // 192.0.0/24
    {0xC0000200, 24, "documentation"},  // 192.0.2/24
    {0xC0A80000, 16, "private"},        // 192.168/16
    {0xC6120000, 15, "benchmarking"},   // 198.18/15
    {0xC6336400, 24, "documentation"},  // 198.51.100/24
    {0xCB007100, 24, "documentation"},  // 203.0.113/24
    {0xE0000000, 4, "multicast"},       // 224/4
    {0xF0000000, 4, "reserved"},        // 240/4, incl. 255.255.255.255
}};

std::optional<std::string> v4_range(uint32_t host_order) {
  for (const auto& r : kV4Ranges) {
    const uint32_t mask = r.prefix == 0 ? 0 : ~uint32_t{0} << (32 - r.prefix);
    if ((host_order & mask) == r.network) return std::string(r.name);
  }
  return std::nullopt;
}

uint32_t v4_from_bytes(const uint8_t* b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

std::optional<std::string> v6_range(const in6_addr& a) {
  const uint8_t* b = a.s6_addr;
  static constexpr uint8_t kZero[16] = {};
  if (std::memcmp(b, kZero, 16) == 0) return "unspecified";
  if (std::memcmp(b, kZero, 15) == 0 && b[15] == 1) return "loopback";
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d, deprecated) forms reach
  // the embedded IPv4 address: judge that.
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMapped, 12) == 0 || std::memcmp(b, kZero, 12) == 0) {
    if (auto r = v4_range(v4_from_bytes(b + 12))) return *r;
    return std::nullopt;
  }
  // NAT64 well-known prefix 64:ff9b::/96 and 6to4 2002::/16 embed an IPv4 address too.
  static constexpr uint8_t kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kNat64, 12) == 0) {
    if (auto r = v4_range(v4_from_bytes(b + 12))) return *r;
  }
  if (b[0] == 0x20 && b[1] == 0x02) {
    if (auto r = v4_range(v4_from_bytes(b + 2))) return *r;
  }
  // fd00:ec2::254 (AWS metadata over IPv6) lies in fc00::/7 and is named on its own.
  static constexpr uint8_t kAwsMeta[16] = {0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
  if (std::memcmp(b, kAwsMeta, 16) == 0) return "metadata";
  if ((b[0] & 0xfe) == 0xfc) return "private";                     // fc00::/7 unique local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local";  // fe80::/10
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "private";     // fec0::/10 site-local (deprecated)
  if (b[0] == 0xff) return "multicast";
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return "documentation";  // 2001:db8::/32
  if (b[0] == 0x01 && std::memcmp(b + 1, kZero, 7) == 0) return "discard";                   // 100::/64
  return std::nullopt;
}

}  // namespace

std::string address_text(const sockaddr* address, socklen_t length) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address == nullptr) return {};
  if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
  }
  return text;
}

std::optional<AddressRefusal> refuse_address(const sockaddr* address, socklen_t length) {
  if (address == nullptr) return AddressRefusal{"unknown", ""};
  std::optional<std::string> range;
  if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    range = v4_range(ntohl(v4.sin_addr.s_addr));
  } else if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    range = v6_range(v6.sin6_addr);
  } else {
    // Unix sockets and anything else a connection could be steered to: never fetched.
    range = "not-ip";
  }
  if (!range) return std::nullopt;
  return AddressRefusal{*range, address_text(address, length)};
}

bool parse_address(std::string_view text, sockaddr_storage& out, socklen_t& length) {
  std::string s(text);
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  out = {};
  sockaddr_in v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    std::memcpy(&out, &v4, sizeof v4);
    length = sizeof v4;
    return true;
  }
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    std::memcpy(&out, &v6, sizeof v6);
    length = sizeof v6;
    return true;
  }
  return false;
}

}  // namespace impostor::net
