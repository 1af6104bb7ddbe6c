#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "scan/page_release.hpp"

namespace impostor::scan {

struct Digests {
  std::string sha256;  // lowercase hex
  std::string md5;     // lowercase hex, empty when not asked for (YARA's `md5` external, `file --md5`)
};

// The digests over bytes that arrive in pieces (a member still being decoded), through
// OpenSSL's EVP interface. MD5 costs twice SHA-256 here (no MD5 instructions in CPUs), so
// it is computed only for a caller that needs it.
class Digester {
 public:
  explicit Digester(bool md5 = true);
  ~Digester();
  Digester(const Digester&) = delete;
  Digester& operator=(const Digester&) = delete;
  void update(std::span<const uint8_t> bytes);
  Digests finish();

 private:
  struct Contexts;
  std::unique_ptr<Contexts> contexts_;
};

// The digests in one pass over the bytes.
Digests digest(std::span<const uint8_t> bytes, const PageRelease& release = {}, bool md5 = true);

}  // namespace impostor::scan
