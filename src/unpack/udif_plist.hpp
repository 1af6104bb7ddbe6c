#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace impostor::unpack {

// One partition of a UDIF disk image as its property list describes it.
struct BlkxEntry {
  std::string name;            // the dict's Name (or CFName), entities decoded
  std::vector<uint8_t> table;  // the base64 Data: a `mish` block table
};

struct BlkxList {
  std::vector<BlkxEntry> entries;
  std::string error;  // non-empty: the list is damaged; `entries` holds what came before
};

// The `blkx` array of a DMG's XML property list. hdiutil writes this plist in one fixed
// shape (resource-fork → blkx → array of dicts with Attributes, CFName, Data, ID, Name),
// and only Data and Name are needed, so a bounded scan over that shape replaces a
// general XML parser: no DOM of attacker-sized text, no entities beyond the five
// predefined ones, no DTD. At most kMaxUdifPartitions entries are returned.
BlkxList parse_blkx_plist(std::string_view xml);

constexpr size_t kMaxUdifPartitions = 1024;

}  // namespace impostor::unpack
