#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "scan/page_release.hpp"

namespace impostor::scan {

struct Digests {
  std::string sha256;  // lowercase hex
  std::string md5;     // lowercase hex (YARA's `md5` external, and known-hash lists)
};

// Both digests over bytes that arrive in pieces (a member still being decoded), through
// OpenSSL's EVP interface.
class Digester {
 public:
  Digester();
  ~Digester();
  Digester(const Digester&) = delete;
  Digester& operator=(const Digester&) = delete;
  void update(std::span<const uint8_t> bytes);
  Digests finish();

 private:
  struct Contexts;
  std::unique_ptr<Contexts> contexts_;
};

// Both digests in one pass over the bytes.
Digests digest(std::span<const uint8_t> bytes, const PageRelease& release = {});

}  // namespace impostor::scan
