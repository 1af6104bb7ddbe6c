#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace impostor::unpack {

// A little-endian unsigned field of `width` bytes (at most 8) at `at`. The caller has
// checked that the field lies inside `b`: every offset here comes from the attacker.
inline uint64_t le(std::span<const uint8_t> b, size_t at, size_t width) {
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) v |= uint64_t{b[at + i]} << (8 * i);
  return v;
}

}  // namespace impostor::unpack
