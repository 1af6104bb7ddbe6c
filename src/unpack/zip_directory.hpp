#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace impostor::unpack {

// What a zip's own central directory says, read beside libarchive to see what libarchive
// does not pass on: how many entries the archive declares (libarchive lists entries that
// share one local header once, which is how an overlapping-entry zip bomb is built) and
// stored names with a NUL byte (cut at the NUL by every C string API, "invoice.pdf\0.exe"
// shows as invoice.pdf). Written here because libarchive exposes neither.
struct ZipDirectory {
  uint64_t declared_entries = 0;
  uint64_t comment_bytes = 0;          // the archive comment, which no member holds
  uint64_t trailing_bytes = 0;         // after the end record and its comment
  std::vector<std::string> nul_names;  // printable, the NUL shown as "\0"; at most kMaxNames
  static constexpr size_t kMaxNames = 16;
};

// nullopt when no end-of-central-directory record is found.
std::optional<ZipDirectory> read_zip_directory(std::span<const uint8_t> bytes);

}  // namespace impostor::unpack
