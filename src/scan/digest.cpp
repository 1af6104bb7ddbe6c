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

struct Digester::Contexts {
  std::unique_ptr<EVP_MD_CTX, MdDeleter> sha{EVP_MD_CTX_new()}, md5;
};

Digester::Digester(bool md5) : contexts_(std::make_unique<Contexts>()) {
  EVP_DigestInit_ex(contexts_->sha.get(), EVP_sha256(), nullptr);
  if (md5) {
    contexts_->md5.reset(EVP_MD_CTX_new());
    EVP_DigestInit_ex(contexts_->md5.get(), EVP_md5(), nullptr);
  }
}

Digester::~Digester() = default;

void Digester::update(std::span<const uint8_t> bytes) {
  EVP_DigestUpdate(contexts_->sha.get(), bytes.data(), bytes.size());
  if (contexts_->md5) EVP_DigestUpdate(contexts_->md5.get(), bytes.data(), bytes.size());
}

Digests Digester::finish() {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  Digests out;
  EVP_DigestFinal_ex(contexts_->sha.get(), d, &n);
  out.sha256 = hex(d, n);
  if (contexts_->md5) {
    EVP_DigestFinal_ex(contexts_->md5.get(), d, &n);
    out.md5 = hex(d, n);
  }
  return out;
}

Digests digest(std::span<const uint8_t> bytes, const PageRelease& release, bool md5) {
  Digester digester(md5);
  constexpr size_t kChunk = 1 << 20;  // both digests per chunk, so each chunk is hot in cache for both
  for (size_t off = 0; off < bytes.size(); off += kChunk) {
    const auto part = bytes.subspan(off, std::min(kChunk, bytes.size() - off));
    digester.update(part);
    if (release) release(part);
  }
  return digester.finish();
}

}  // namespace impostor::scan
