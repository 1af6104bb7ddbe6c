#include "unpack/read_ahead_decoder.hpp"

#include <lzma.h>

#include <algorithm>
#include <exception>

namespace impostor::unpack {

namespace {

// The outermost filter's count: the compressed bytes libarchive took from the stream.
uint64_t stored_bytes_read(archive* a) {
  return static_cast<uint64_t>(std::max<la_int64_t>(archive_filter_bytes(a, archive_filter_count(a) - 1), 0));
}

}  // namespace

ReadAheadDecoder::ReadAheadDecoder(std::span<const uint8_t> compressed, std::string_view type, MemberSink& sink)
    : xz_(type == "xz"), source_{compressed, sink}, chunks_(kChunks), sizes_(kChunks, 0) {
  for (int i = 0; i < static_cast<int>(kChunks); ++i) free_.push_back(i);
  thread_ = std::thread([this] { run(); });
}

ReadAheadDecoder::~ReadAheadDecoder() { finish(); }

void ReadAheadDecoder::run() {
  try {
    if (xz_)
      decode_xz();
    else
      decode_libarchive();
  } catch (const std::exception& e) {  // out of memory for a chunk: a clear error, not a crash
    const std::lock_guard lock(mutex_);
    finish_.corrupt = true;
    finish_.error = std::string("decoder: ") + e.what();
  }
  const std::lock_guard lock(mutex_);
  started_ = true;
  done_ = true;
  changed_.notify_all();
}

void ReadAheadDecoder::opened(Start how, std::string error) {
  const std::lock_guard lock(mutex_);
  start_ = how;
  if (how == Start::failed) {
    finish_.corrupt = true;
    finish_.error = std::move(error);
  }
  started_ = true;
  changed_.notify_all();
}

void ReadAheadDecoder::hand_over(int chunk, size_t size) {
  const std::lock_guard lock(mutex_);
  if (size == 0) {
    free_.push_back(chunk);
    return;
  }
  sizes_[static_cast<size_t>(chunk)] = size;
  ready_.push_back(chunk);
  changed_.notify_all();
}

void ReadAheadDecoder::damaged(std::string error) {
  const std::lock_guard lock(mutex_);
  if (finish_.corrupt) return;
  finish_.corrupt = true;
  finish_.error = std::move(error);
}

void ReadAheadDecoder::decode_libarchive() {
  archive_.reset(archive_read_new());
  archive* a = archive_.get();
  if (a == nullptr) return opened(Start::failed, "libarchive: out of memory");
  archive_read_support_filter_all(a);
  // A compressed stream is always one member, its decompressed bytes, which the walker
  // then opens in turn (x.tar.xz!/x.tar!/...). Letting libarchive guess a format inside
  // the stream instead would read 1 KiB of zeros as a complete empty tar, or text as an
  // mtree, and never look at what follows: a hiding place.
  archive_read_support_format_raw(a);
  archive_read_support_format_empty(a);
  if (source_.open(a) != ARCHIVE_OK) return opened(Start::failed, libarchive_error(a, "cannot open"));
  archive_entry* entry = nullptr;
  const int r = archive_read_next_header(a, &entry);
  if (r == ARCHIVE_EOF) {
    {
      const std::lock_guard lock(mutex_);
      finish_.reached_end = true;
      finish_.consumed = stored_bytes_read(a);
    }
    return opened(Start::empty);
  }
  if (r < ARCHIVE_WARN) return opened(Start::failed, libarchive_error(a, "damaged header"));
  opened(Start::member);

  while (true) {
    const int chunk = take_free_chunk();
    if (chunk < 0) return;
    auto& buffer = chunks_[static_cast<size_t>(chunk)];
    if (buffer.empty()) buffer.resize(kChunkBytes);
    const la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
    hand_over(chunk, n > 0 ? static_cast<size_t>(n) : 0);
    if (n > 0) continue;
    if (n == 0) break;
    // A warning is a trailer checksum that does not match: the bytes were altered after
    // packing. What was decoded is still scanned.
    damaged(libarchive_error(a, n == ARCHIVE_WARN ? "checksum mismatch" : "damaged data"));
    if (n != ARCHIVE_WARN) return;
  }
  const int end = archive_read_next_header(a, &entry);
  if (end < ARCHIVE_WARN) damaged(libarchive_error(a, "damaged data after the stream"));
  const std::lock_guard lock(mutex_);
  if (end == ARCHIVE_EOF) {
    finish_.reached_end = true;
    // The outermost filter's count: the compressed bytes the stream took.
    finish_.consumed = stored_bytes_read(a);
  }
}

namespace {

std::string lzma_problem(lzma_ret r) {
  switch (r) {
    case LZMA_FORMAT_ERROR: return "not an xz stream (or data after its end that is none)";
    case LZMA_OPTIONS_ERROR: return "xz stream with options this liblzma does not support";
    case LZMA_DATA_ERROR: return "damaged xz data";
    case LZMA_BUF_ERROR: return "truncated xz stream";
    case LZMA_MEM_ERROR: return "out of memory decoding xz";
    case LZMA_MEMLIMIT_ERROR: return "xz stream needs more memory than allowed";
    case LZMA_UNSUPPORTED_CHECK: return "xz integrity check of an unsupported kind";
    default: return "xz decoder error " + std::to_string(static_cast<int>(r));
  }
}

struct LzmaEnd {
  lzma_stream* s;
  ~LzmaEnd() { lzma_end(s); }
};

}  // namespace

// liblzma by hand, not through libarchive, for its multithreaded decoder only; the
// checks, padding and concatenated streams are liblzma's, as the xz tool uses them.
void ReadAheadDecoder::decode_xz() {
  lzma_stream strm = LZMA_STREAM_INIT;
  const LzmaEnd end_stream{&strm};
  lzma_mt mt{};
  mt.flags = LZMA_CONCATENATED;
  mt.threads = std::clamp(std::thread::hardware_concurrency(), 1U, 4U);
  // More threads only while the blocks' buffers fit here; past it liblzma decodes on one.
  mt.memlimit_threading = uint64_t{96} << 20;
  mt.memlimit_stop = UINT64_MAX;  // as libarchive and xz: dictionaries are bounded by the format
  if (const lzma_ret r = lzma_stream_decoder_mt(&strm, &mt); r != LZMA_OK)
    return opened(Start::failed, lzma_problem(r));

  const auto bytes = source_.bytes;
  size_t fed = 0, released = 0;
  bool started = false;
  lzma_ret r = LZMA_OK;
  while (r == LZMA_OK) {
    const int chunk = take_free_chunk();
    if (chunk < 0) {
      if (!started) opened(Start::empty);
      return;
    }
    auto& buffer = chunks_[static_cast<size_t>(chunk)];
    if (buffer.empty()) buffer.resize(kChunkBytes);
    strm.next_out = buffer.data();
    strm.avail_out = buffer.size();
    while (strm.avail_out > 0 && r == LZMA_OK) {
      if (strm.avail_in == 0 && fed < bytes.size()) {
        const size_t n = std::min(WindowedSource::kWindow, bytes.size() - fed);
        strm.next_in = bytes.data() + fed;
        strm.avail_in = n;
        fed += n;
        // The pages behind the decoder go back, as for libarchive's reads.
        if (fed - n > released + WindowedSource::kReleaseEvery) {
          source_.sink.consumed(bytes.subspan(released, fed - n - released));
          released = fed - n;
        }
      }
      r = lzma_code(&strm, fed == bytes.size() ? LZMA_FINISH : LZMA_RUN);
    }
    const size_t produced = buffer.size() - strm.avail_out;
    if (!started && (produced > 0 || r != LZMA_OK)) {
      started = true;
      if (r != LZMA_OK && r != LZMA_STREAM_END && produced == 0) {
        hand_over(chunk, 0);
        return opened(Start::failed, lzma_problem(r));
      }
      opened(produced == 0 ? Start::empty : Start::member);
    }
    hand_over(chunk, produced);
  }
  if (r != LZMA_STREAM_END) return damaged(lzma_problem(r));
  const std::lock_guard lock(mutex_);
  finish_.reached_end = true;
  finish_.consumed = strm.total_in;
}

int ReadAheadDecoder::take_free_chunk() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return stop_ || !free_.empty(); });
  if (stop_) return -1;
  const int chunk = free_.front();
  free_.pop_front();
  return chunk;
}

ReadAheadDecoder::Start ReadAheadDecoder::start() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return started_; });
  return start_;
}

std::span<const uint8_t> ReadAheadDecoder::next() {
  std::unique_lock lock(mutex_);
  if (held_ >= 0) {
    free_.push_back(held_);
    held_ = -1;
    changed_.notify_all();
  }
  changed_.wait(lock, [this] { return !ready_.empty() || done_; });
  if (ready_.empty()) return {};
  held_ = ready_.front();
  ready_.pop_front();
  return {chunks_[static_cast<size_t>(held_)].data(), sizes_[static_cast<size_t>(held_)]};
}

ReadAheadDecoder::Finish ReadAheadDecoder::finish() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  const std::lock_guard lock(mutex_);
  return finish_;
}

}  // namespace impostor::unpack
