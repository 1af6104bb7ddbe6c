#include "page/favicon_hash.hpp"

#include <openssl/evp.h>

#include <array>
#include <memory>

namespace impostor::page {

namespace {

constexpr uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

constexpr uint32_t fmix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bU;
  h ^= h >> 13;
  h *= 0xc2b2ae35U;
  h ^= h >> 16;
  return h;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string sha256_hex(std::span<const uint8_t> bytes) {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md.data(), &len) != 1)
    return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size_t{len} * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xF];
  }
  return out;
}

}  // namespace

uint32_t murmur3_x86_32(std::span<const uint8_t> bytes, uint32_t seed) {
  constexpr uint32_t c1 = 0xcc9e2d51U;
  constexpr uint32_t c2 = 0x1b873593U;
  const size_t blocks = bytes.size() / 4;
  uint32_t h = seed;
  for (size_t i = 0; i < blocks; ++i) {
    const uint8_t* p = bytes.data() + i * 4;
    uint32_t k = static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
                 static_cast<uint32_t>(p[3]) << 24;  // little-endian, as the reference on x86
    k *= c1;
    k = rotl(k, 15);
    k *= c2;
    h ^= k;
    h = rotl(h, 13);
    h = h * 5 + 0xe6546b64U;
  }
  const uint8_t* tail = bytes.data() + blocks * 4;
  uint32_t k = 0;
  switch (bytes.size() & 3) {
    case 3: k ^= static_cast<uint32_t>(tail[2]) << 16; [[fallthrough]];
    case 2: k ^= static_cast<uint32_t>(tail[1]) << 8; [[fallthrough]];
    case 1:
      k ^= tail[0];
      k *= c1;
      k = rotl(k, 15);
      k *= c2;
      h ^= k;
      break;
    default: break;
  }
  h ^= static_cast<uint32_t>(bytes.size());
  return fmix(h);
}

std::string base64_lines(std::span<const uint8_t> bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4 * 77 / 76 + 2);
  size_t line = 0;
  const auto put = [&](char c) {
    out += c;
    if (++line == 76) {
      out += '\n';
      line = 0;
    }
  };
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const uint32_t b0 = bytes[i];
    const uint32_t b1 = i + 1 < bytes.size() ? bytes[i + 1] : 0;
    const uint32_t b2 = i + 2 < bytes.size() ? bytes[i + 2] : 0;
    const uint32_t v = b0 << 16 | b1 << 8 | b2;
    put(kAlphabet[(v >> 18) & 63]);
    put(kAlphabet[(v >> 12) & 63]);
    put(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
    put(i + 2 < bytes.size() ? kAlphabet[v & 63] : '=');
  }
  if (line > 0) out += '\n';
  return out;
}

FaviconHash hash_favicon(std::span<const uint8_t> bytes) {
  FaviconHash h;
  const std::string b64 = base64_lines(bytes);
  const uint32_t m = murmur3_x86_32(std::span(reinterpret_cast<const uint8_t*>(b64.data()), b64.size()));
  h.mmh3 = static_cast<int32_t>(m);  // two's complement, as Python's mmh3.hash() returns it
  h.sha256 = sha256_hex(bytes);
  h.size = bytes.size();
  return h;
}

}  // namespace impostor::page
