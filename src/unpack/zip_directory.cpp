#include "unpack/zip_directory.hpp"

#include <algorithm>
#include <cstring>

#include "core/text_safety.hpp"
#include "unpack/little_endian.hpp"

namespace impostor::unpack {

namespace {

constexpr size_t kEndRecord = 22;
constexpr size_t kMaxComment = 65535;
constexpr size_t kCentralHeader = 46;
constexpr uint64_t kMaxEntriesWalked = 200'000;  // above the walker's member limit

bool has(std::span<const uint8_t> b, uint64_t at, uint64_t len) { return at <= b.size() && len <= b.size() - at; }

bool signature(std::span<const uint8_t> b, uint64_t at, const char* sig) {
  return has(b, at, 4) && std::memcmp(b.data() + at, sig, 4) == 0;
}

}  // namespace

std::optional<ZipDirectory> read_zip_directory(std::span<const uint8_t> b) {
  if (b.size() < kEndRecord) return std::nullopt;
  // The end record is the last "PK\5\6" whose comment runs to the end of the file.
  size_t end = b.size() - kEndRecord;
  const size_t lowest = b.size() > kEndRecord + kMaxComment ? b.size() - kEndRecord - kMaxComment : 0;
  for (;; --end) {
    if (signature(b, end, "PK\x05\x06") && end + kEndRecord + le(b, end + 20, 2) <= b.size()) break;
    if (end == lowest) return std::nullopt;
  }
  ZipDirectory out;
  out.declared_entries = le(b, end + 10, 2);
  out.comment_bytes = le(b, end + 20, 2);
  out.trailing_bytes = b.size() - (end + kEndRecord + out.comment_bytes);
  uint64_t size = le(b, end + 12, 4);
  uint64_t offset = le(b, end + 16, 4);
  if ((out.declared_entries == 0xFFFF || offset == 0xFFFFFFFF) && end >= 20 && signature(b, end - 20, "PK\x06\x07")) {
    const uint64_t record = le(b, end - 20 + 8, 8);
    if (signature(b, record, "PK\x06\x06") && has(b, record, 56)) {
      out.declared_entries = le(b, record + 32, 8);
      size = le(b, record + 40, 8);
      offset = le(b, record + 48, 8);
    }
  }
  // A self-extractor's stub shifts every offset by its own length.
  if (!signature(b, offset, "PK\x01\x02") && size <= end && signature(b, end - size, "PK\x01\x02")) offset = end - size;
  uint64_t at = offset;
  for (uint64_t i = 0; i < std::min(out.declared_entries, kMaxEntriesWalked); ++i) {
    if (!signature(b, at, "PK\x01\x02") || !has(b, at, kCentralHeader)) break;
    const uint64_t name_len = le(b, at + 28, 2);
    const uint64_t extra_len = le(b, at + 30, 2);
    const uint64_t comment_len = le(b, at + 32, 2);
    if (!has(b, at + kCentralHeader, name_len)) break;
    const std::string_view name(reinterpret_cast<const char*>(b.data() + at + kCentralHeader), name_len);
    if (name.find('\0') != std::string_view::npos && out.nul_names.size() < ZipDirectory::kMaxNames) {
      std::string shown;
      for (const char c : name) shown += c == '\0' ? std::string("\\0") : std::string(1, c);
      out.nul_names.push_back(core::to_valid_utf8(shown));
    }
    at += kCentralHeader + name_len + extra_len + comment_len;
  }
  return out;
}

}  // namespace impostor::unpack
