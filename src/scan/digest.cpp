#include "scan/digest.hpp"

#include <openssl/evp.h>

#include <memory>

namespace impostor::scan {

namespace {

struct MdDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string hex(const unsigned char* d, unsigned int n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size_t{n} * 2);
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[d[i] >> 4];
    out += kHex[d[i] & 0xF];
  }
  return out;
}

}  // namespace

Digests digest(std::span<const uint8_t> bytes, const PageRelease& release) {
  std::unique_ptr<EVP_MD_CTX, MdDeleter> sha(EVP_MD_CTX_new()), md5(EVP_MD_CTX_new());
  EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr);
  EVP_DigestInit_ex(md5.get(), EVP_md5(), nullptr);
  constexpr size_t kChunk = 1 << 20;  // interleaved so each chunk is hot in cache for both
  for (size_t off = 0; off < bytes.size(); off += kChunk) {
    const size_t n = std::min(kChunk, bytes.size() - off);
    EVP_DigestUpdate(sha.get(), bytes.data() + off, n);
    EVP_DigestUpdate(md5.get(), bytes.data() + off, n);
    if (release) release(bytes.subspan(off, n));
  }
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  Digests out;
  EVP_DigestFinal_ex(sha.get(), d, &n);
  out.sha256 = hex(d, n);
  EVP_DigestFinal_ex(md5.get(), d, &n);
  out.md5 = hex(d, n);
  return out;
}

}  // namespace impostor::scan
