#pragma once
#include <archive.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

#include "unpack/format_reader.hpp"

namespace impostor::unpack {

// libarchive's message for the last error on `a`, or `fallback` when it set none.
inline std::string libarchive_error(archive* a, const char* fallback) {
  const char* e = archive_error_string(a);
  return e != nullptr ? e : fallback;
}

// A container's bytes handed to libarchive a window at a time instead of all at once
// (archive_read_open_memory), so the reader knows how far libarchive has got and can give
// the pages behind it back. Zero-copy like the memory reader; seeks (zip, 7z) go anywhere,
// and pages given back fault in again from the page cache if read twice.
struct WindowedSource {
  static constexpr size_t kWindow = size_t{1} << 20;
  static constexpr size_t kReleaseEvery = size_t{16} << 20;

  std::span<const uint8_t> bytes;
  MemberSink& sink;
  size_t pos = 0;
  size_t released_to = 0;

  // Opens `a` (formats and filters already chosen) on this source.
  int open(archive* a) {
    archive_read_set_callback_data(a, this);
    archive_read_set_read_callback(a, read);
    archive_read_set_skip_callback(a, skip);
    archive_read_set_seek_callback(a, seek);
    return archive_read_open1(a);
  }

 private:
  void release_behind() {
    // Everything before the block libarchive is about to get has been consumed or copied.
    // After a seek back (zip reads its directory at the end first) count from there.
    if (pos < released_to) released_to = pos;
    if (pos > released_to + kReleaseEvery) {
      sink.consumed(bytes.subspan(released_to, pos - released_to));
      released_to = pos;
    }
  }
  static la_ssize_t read(archive* /*a*/, void* self, const void** buffer) {
    auto* s = static_cast<WindowedSource*>(self);
    s->release_behind();
    const size_t n = std::min(kWindow, s->bytes.size() - std::min(s->pos, s->bytes.size()));
    *buffer = s->bytes.data() + std::min(s->pos, s->bytes.size());
    s->pos += n;
    return static_cast<la_ssize_t>(n);
  }
  static la_int64_t skip(archive* /*a*/, void* self, la_int64_t request) {
    auto* s = static_cast<WindowedSource*>(self);
    const auto n = std::min<uint64_t>(static_cast<uint64_t>(std::max<la_int64_t>(request, 0)),
                                      s->bytes.size() - std::min(s->pos, s->bytes.size()));
    s->pos += static_cast<size_t>(n);
    return static_cast<la_int64_t>(n);
  }
  static la_int64_t seek(archive* /*a*/, void* self, la_int64_t offset, int whence) {
    auto* s = static_cast<WindowedSource*>(self);
    const la_int64_t base = whence == SEEK_SET   ? 0
                            : whence == SEEK_CUR ? static_cast<la_int64_t>(s->pos)
                                                 : static_cast<la_int64_t>(s->bytes.size());
    const la_int64_t target = base + offset;
    if (target < 0 || static_cast<uint64_t>(target) > s->bytes.size()) return ARCHIVE_FATAL;
    s->pos = static_cast<size_t>(target);
    return target;
  }
};

}  // namespace impostor::unpack
