#pragma once
#include <sys/socket.h>

#include <optional>
#include <string>
#include <string_view>

namespace impostor::net {

// Why an address may not be fetched from, or nullopt when it is a public unicast address.
// Fetching a URL must never become a way to reach the scanning host itself, its network
// or a cloud metadata service (SSRF), whatever spelling the URL used for the address.
struct AddressRefusal {
  std::string range;    // "loopback", "private", "link-local", "cgnat", "metadata", ...
  std::string address;  // the address as connected to, in canonical text form
};

std::optional<AddressRefusal> refuse_address(const sockaddr* address, socklen_t length);

// Canonical text form of an IPv4 or IPv6 socket address ("203.0.113.5", "2001:db8::1").
std::string address_text(const sockaddr* address, socklen_t length);

// Parses a numeric IPv4/IPv6 literal (as in a --resolve entry) into a socket address.
// Only the canonical dotted-quad and RFC 4291 text forms are accepted here; the URL
// forms that also reach an address (octal, hex, short) are handled by libcurl's parser
// and, whatever they were, judged by their connected address.
bool parse_address(std::string_view text, sockaddr_storage& out, socklen_t& length);

}  // namespace impostor::net
