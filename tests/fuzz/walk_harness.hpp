#pragma once
#include <cstdint>
#include <span>

#include "unpack/archive_walker.hpp"

namespace impostor::fuzz {

// Walks `bytes` through `formats` with limits small enough that a bomb, a deep nest or
// a flood of members costs little per input, and checks what the walker promises about
// every member it hands over.
void walk_bytes(const unpack::FormatRegistry& formats, std::span<const uint8_t> bytes);

}  // namespace impostor::fuzz
