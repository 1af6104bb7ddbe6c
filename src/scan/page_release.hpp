#pragma once
#include <cstdint>
#include <functional>
#include <span>

namespace impostor::scan {

// Called with each part of the input a pass has finished reading. For a member spilled
// to a mapped temporary file the owner drops those pages from the process (they stay in
// the page cache), so hashing or scanning a 1 GiB member costs one window of resident
// memory, not 1 GiB. Empty for bytes in memory: there is nothing to give back.
using PageRelease = std::function<void(std::span<const uint8_t>)>;

}  // namespace impostor::scan
