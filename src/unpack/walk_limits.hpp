#pragma once
#include <cstdint>

namespace impostor::unpack {

// Hitting any of these is a `limits.*` finding, never a silent skip (DESIGN.md).
struct WalkLimits {
  int max_depth = 8;                               // containers inside containers
  uint64_t max_members = 100'000;                  // members in the whole walk
  uint64_t max_total_bytes = uint64_t{4} << 30;    // expanded bytes in the whole walk
  uint64_t max_member_bytes = uint64_t{1} << 30;   // expanded bytes of one member
  uint64_t max_ratio = 1000;                       // expanded : top-level size ...
  uint64_t ratio_grace_bytes = uint64_t{1} << 20;  // ... once this much has been expanded
  double max_seconds = 120;                        // per top-level file
  uint64_t spill_at = uint64_t{64} << 20;          // members above this go to a temp file
};

}  // namespace impostor::unpack
