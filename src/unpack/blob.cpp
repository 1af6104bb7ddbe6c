#include "unpack/blob.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace impostor::unpack {

namespace {

bool write_all(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

std::string temp_dir() {
  const char* dir = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): read-only environment
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

}  // namespace

Blob::Blob(size_t spill_at) : spill_at_(spill_at) {}

Blob::~Blob() {
  free_memory();
  if (map_ != nullptr) ::munmap(map_, size_);
  if (fd_ >= 0) ::close(fd_);
}

void Blob::free_memory() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapping_capacity_);
  mapping_ = nullptr;
  mapping_size_ = mapping_capacity_ = 0;
  small_.clear();
  small_.shrink_to_fit();
}

bool Blob::grow_mapping(size_t needed) {
  static const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const auto round = [](size_t n) { return (n + page - 1) / page * page; };
  if (mapping_ == nullptr) {
    const size_t capacity = round(std::max(needed, 2 * kSmallBytes));
    void* m = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return false;
    mapping_ = static_cast<uint8_t*>(m);
    mapping_capacity_ = capacity;
    std::memcpy(mapping_, small_.data(), small_.size());
    mapping_size_ = small_.size();
    small_.clear();
    small_.shrink_to_fit();
    return true;
  }
  if (needed <= mapping_capacity_) return true;
  const size_t capacity = round(std::max(needed, 2 * mapping_capacity_));
  void* m = ::mremap(mapping_, mapping_capacity_, capacity, MREMAP_MAYMOVE);
  if (m == MAP_FAILED) return false;
  mapping_ = static_cast<uint8_t*>(m);
  mapping_capacity_ = capacity;
  return true;
}

bool Blob::spill() {
  if (fd_ >= 0) return true;
  if (sealed_) {
    error_ = "spill after seal";
    return false;
  }
  fd_ = ::open(temp_dir().c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    error_ = std::string("cannot create an unlinked temporary file: ") + std::strerror(errno);
    return false;
  }
  if (!write_all(fd_, memory_data(), memory_size())) {
    error_ = std::string("cannot write the temporary file: ") + std::strerror(errno);
    return false;
  }
  free_memory();
  return true;
}

bool Blob::append(std::span<const uint8_t> bytes) {
  if (sealed_) {
    error_ = "append after seal";
    return false;
  }
  if (fd_ < 0 && memory_size() + bytes.size() > spill_at_ && !spill()) return false;
  if (fd_ >= 0) {
    if (!write_all(fd_, bytes.data(), bytes.size())) {
      error_ = std::string("cannot write the temporary file: ") + std::strerror(errno);
      return false;
    }
  } else if (mapping_ == nullptr && small_.size() + bytes.size() <= kSmallBytes) {
    small_.append(bytes.data(), bytes.size());
  } else {
    if (!grow_mapping(memory_size() + bytes.size())) {
      error_ = std::string("cannot grow a member in memory: ") + std::strerror(errno);
      return false;
    }
    if (!bytes.empty()) std::memcpy(mapping_ + mapping_size_, bytes.data(), bytes.size());
    mapping_size_ += bytes.size();
  }
  size_ += bytes.size();
  return true;
}

bool Blob::seal() {
  if (sealed_) return true;
  sealed_ = true;
  if (fd_ >= 0 && size_ > 0) {
    map_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (map_ == MAP_FAILED) {
      map_ = nullptr;
      error_ = std::string("cannot map the temporary file: ") + std::strerror(errno);
      return false;
    }
  }
  return true;
}

std::span<const uint8_t> Blob::bytes() const {
  if (fd_ >= 0)
    return map_ == nullptr ? std::span<const uint8_t>{} : std::span(static_cast<const uint8_t*>(map_), size_);
  if (mapping_ != nullptr) return {mapping_, mapping_size_};
  return {small_.data(), small_.size()};
}

void Blob::release(std::span<const uint8_t> part) const {
  if (map_ == nullptr || part.empty()) return;
  const auto* base = static_cast<const uint8_t*>(map_);
  if (part.data() < base || part.data() + part.size() > base + size_) return;
  static const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<uintptr_t>(part.data()) + page - 1) & ~(page - 1);
  const auto end = (reinterpret_cast<uintptr_t>(part.data() + part.size())) & ~(page - 1);
  // The mapping's last page may be partial; it is released with the part that ends the blob.
  const auto stop = part.data() + part.size() == base + size_ ? reinterpret_cast<uintptr_t>(base + size_) : end;
  if (stop > begin)
    ::madvise(reinterpret_cast<void*>(begin), stop - begin, MADV_DONTNEED);  // NOLINT(performance-no-int-to-ptr)
}

std::shared_ptr<Blob> Blob::from_bytes(std::span<const uint8_t> bytes, size_t spill_at) {
  auto blob = std::make_shared<Blob>(spill_at);
  blob->append(bytes);
  blob->seal();
  return blob;
}

}  // namespace impostor::unpack
