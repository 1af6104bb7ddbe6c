#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "scan/page_release.hpp"

namespace impostor::scan {

struct Digests {
  std::string sha256;  // lowercase hex
  std::string md5;     // lowercase hex (YARA's `md5` external, and known-hash lists)
};

// Both digests in one pass over the bytes, through OpenSSL's EVP interface.
Digests digest(std::span<const uint8_t> bytes, const PageRelease& release = {});

}  // namespace impostor::scan
