#pragma once
#include <archive.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "unpack/format_reader.hpp"
#include "unpack/windowed_source.hpp"

namespace impostor::unpack {

// One compressed stream (gz, xz, bz2, zstd, lz4, lzma) decoded on a thread of its own, a
// few chunks ahead of the walker. libarchive's raw format decodes every kind but xz,
// which goes to liblzma's multithreaded decoder: libarchive decodes xz on one thread,
// while xz files made by `xz -T`, dpkg-deb and most packagers hold independent blocks
// that decode side by side. Decompression is most of the
// cost of a .tar.xz or a .deb; on the walker's thread it would also hold up the copying,
// spilling and hashing that follow each chunk. At most kChunks chunks are ever buffered.
// The decoder thread touches only its libarchive handle, the compressed bytes and
// `sink.consumed()`; every other sink call stays on the caller's thread.
class ReadAheadDecoder {
 public:
  static constexpr size_t kChunkBytes = size_t{1} << 20;
  static constexpr size_t kChunks = 4;

  enum class Start { member, empty, failed };
  struct Finish {
    bool corrupt = false;      // damaged stream or a checksum that does not match
    bool reached_end = false;  // decoded through to the stream's end
    std::string error;
    uint64_t consumed = 0;  // compressed bytes the stream took, once reached_end
  };

  // `type` is the walker's name of the stream's format ("xz", "gzip", ...).
  ReadAheadDecoder(std::span<const uint8_t> compressed, std::string_view type, MemberSink& sink);
  ~ReadAheadDecoder();
  ReadAheadDecoder(const ReadAheadDecoder&) = delete;
  ReadAheadDecoder& operator=(const ReadAheadDecoder&) = delete;

  // Waits until the stream is open: one member to read, none, or not a stream at all.
  Start start();
  // The next decoded bytes, valid until the next call; empty at the end or after damage.
  std::span<const uint8_t> next();
  // Stops the thread (if it still runs) and says how the stream ended.
  Finish finish();

 private:
  struct ArchiveDeleter {
    void operator()(archive* a) const { archive_read_free(a); }
  };
  void run();
  void decode_libarchive();
  void decode_xz();
  void opened(Start how, std::string error = {});
  int take_free_chunk();                   // -1 once stopped
  void hand_over(int chunk, size_t size);  // a full (or last) chunk for the caller
  void damaged(std::string error);

  bool xz_;
  std::unique_ptr<archive, ArchiveDeleter> archive_;
  WindowedSource source_;
  std::vector<std::vector<uint8_t>> chunks_;
  std::vector<size_t> sizes_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<int> free_, ready_;
  int held_ = -1;  // the chunk the caller is reading
  bool started_ = false, done_ = false, stop_ = false;
  Start start_ = Start::failed;
  Finish finish_;
  std::thread thread_;
};

}  // namespace impostor::unpack
