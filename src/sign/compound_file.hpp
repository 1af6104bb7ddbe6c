#pragma once
// Internal to sign/: a read-only view of an OLE compound file (CFB, the container of
// MSI packages) exposing what the MSI signature digest needs and libgsf does not give:
// raw UTF-16 entry names, class ids, state bits and times. Every sector index, chain and
// tree link is checked; chains and the directory tree are walked with visited sets, and
// the bytes a caller may read in all are budgeted.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace impostor::sign::detail {

struct CfbEntry {
  std::vector<uint8_t> raw_name;  // UTF-16LE as stored, its terminating NUL included
  uint8_t type = 0;               // 1 storage, 2 stream, 5 root
  std::array<uint8_t, 16> clsid{};
  std::array<uint8_t, 4> state_bits{};
  std::array<uint8_t, 8> created{}, modified{};
  uint32_t start = 0;
  uint64_t size = 0;
  std::vector<uint32_t> children;  // entry indexes of a storage's direct children
};

class CompoundFile {
 public:
  static constexpr uint8_t kStorage = 1, kStream = 2, kRoot = 5;
  // nullopt (and `error`) when the header, allocation tables or directory are unreadable.
  static std::optional<CompoundFile> open(std::span<const uint8_t> bytes, std::string* error);

  const std::vector<CfbEntry>& entries() const { return entries_; }
  const CfbEntry& root() const { return entries_[0]; }
  // Hands a stream's bytes to `sink` in pieces. False (and `error`) when its chain is
  // broken or shorter than its size, or the read budget is spent.
  bool read(const CfbEntry& stream, const std::function<void(std::span<const uint8_t>)>& sink,
            std::string* error) const;

 private:
  bool chain(uint32_t start, const std::vector<uint32_t>& table, size_t limit, std::vector<uint32_t>& out) const;
  std::span<const uint8_t> sector(uint32_t index) const;

  std::span<const uint8_t> bytes_;
  size_t sector_size_ = 512;
  size_t mini_sector_size_ = 64;
  uint32_t mini_cutoff_ = 4096;
  std::vector<uint32_t> fat_, mini_fat_;
  std::vector<uint8_t> mini_stream_;
  std::vector<CfbEntry> entries_;  // [0] is the root
  mutable uint64_t budget_ = 0;    // bytes reads may still return
};

}  // namespace impostor::sign::detail
