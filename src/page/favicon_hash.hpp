#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace impostor::page {

// A favicon's fingerprints, as search engines for internet scans index them.
struct FaviconHash {
  int32_t mmh3 = 0;    // Shodan's http.favicon.hash: MurmurHash3 x86 32 (seed 0) of the base64 text, signed
  std::string sha256;  // lowercase hex of the bytes
  size_t size = 0;
};

// MurmurHash3_x86_32 (Austin Appleby's public-domain reference), written here because no
// Debian library packages it.
uint32_t murmur3_x86_32(std::span<const uint8_t> bytes, uint32_t seed = 0);

// Base64 with a newline after every 76 characters and at the end, as Python's
// base64.encodebytes() writes it (what Shodan hashes); "" for no bytes.
std::string base64_lines(std::span<const uint8_t> bytes);

FaviconHash hash_favicon(std::span<const uint8_t> bytes);

}  // namespace impostor::page
