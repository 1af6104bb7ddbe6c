#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace impostor::domain {

// Popular, long-established domains (Chromium's spoof-checker list, shipped as
// data/top-domains.list). An established site is not a lookalike, however close its name
// is to a brand: that is how zoom.com.br and zoomit.ir stay unflagged.
class EstablishedDomains {
 public:
  EstablishedDomains() = default;
  // One domain per line; '#' comments, blank lines and the "###END_TOP_BUCKET###" marker skipped.
  static EstablishedDomains load(const std::filesystem::path& file);
  void add(std::string_view domain);
  bool contains(std::string_view domain) const;
  size_t size() const { return size_; }

 private:
  // Every name classified asks this once or twice, and nearly always for a name that is
  // not listed. A node-based hash set cost three cache misses per question (bucket, node,
  // string); here one slot answers most misses alone, and a hit reads the name right
  // where the slot points.
  struct Slot {
    uint32_t tag = 0;     // high bits of the hash, to skip most string comparisons
    uint32_t offset = 0;  // of the entry in text_, plus one; 0: empty
  };
  std::string_view entry(uint32_t offset) const;
  void insert(std::vector<Slot>& slots, uint64_t hash, uint32_t offset) const;
  std::string text_;  // each entry: its length in two bytes, little end first, then the name
  size_t size_ = 0;
  std::vector<Slot> slots_;  // open addressing, linear probing, a power of two, at most half full
};

}  // namespace impostor::domain
