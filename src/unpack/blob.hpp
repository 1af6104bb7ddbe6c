#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace impostor::unpack {

// The bytes of one file or member. Small ones live in memory; once `spill_at` bytes have
// been appended the content moves to an unlinked temporary file (O_TMPFILE, so no name
// ever exists on disk, attacker-chosen or not) and is read back through a private mmap.
// Append-only while being filled; read-only once `seal()` is called.
class Blob {
 public:
  explicit Blob(size_t spill_at = size_t{64} << 20);
  ~Blob();
  Blob(const Blob&) = delete;
  Blob& operator=(const Blob&) = delete;

  // Returns false (and `error()` says why) when the temporary file cannot be written.
  bool append(std::span<const uint8_t> bytes);
  // Moves what is held to the temporary file now, and every later append there: for a
  // blob read only once it is complete (a streamed tar's own bytes), memory is wasted.
  bool spill();
  // Makes the bytes viewable; after this, append() is refused.
  bool seal();
  std::span<const uint8_t> bytes() const;
  uint64_t size() const { return size_; }
  bool spilled() const { return fd_ >= 0; }
  // Drops the whole pages of `part` (a piece of bytes()) from this process once a pass
  // has read them: they stay in the page cache and fault back in if read again. Only a
  // spilled blob's mapping is touched; for bytes in memory this does nothing (dropping
  // anonymous pages would zero them).
  void release(std::span<const uint8_t> part) const;
  const std::string& error() const { return error_; }

  static std::shared_ptr<Blob> from_bytes(std::span<const uint8_t> bytes, size_t spill_at = size_t{64} << 20);

 private:
  // Held in memory: small blobs in a string; past kSmallBytes in an anonymous mapping
  // that grows with mremap, which moves pages instead of copying them, so growing a
  // 60 MiB member never holds it twice (a doubling string would, 96 MiB at the top).
  static constexpr size_t kSmallBytes = size_t{1} << 20;
  bool grow_mapping(size_t needed);
  uint8_t* memory_data() { return mapping_ != nullptr ? mapping_ : small_.data(); }
  size_t memory_size() const { return mapping_ != nullptr ? mapping_size_ : small_.size(); }
  void free_memory();

  size_t spill_at_;
  std::basic_string<uint8_t> small_;
  uint8_t* mapping_ = nullptr;
  size_t mapping_size_ = 0, mapping_capacity_ = 0;
  int fd_ = -1;
  void* map_ = nullptr;
  uint64_t size_ = 0;
  bool sealed_ = false;
  std::string error_;
};

}  // namespace impostor::unpack
