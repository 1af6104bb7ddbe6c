#include "unpack/read_ahead_decoder.hpp"

#include <exception>

namespace impostor::unpack {

namespace {

std::string error_of(archive* a, const char* fallback) {
  const char* e = archive_error_string(a);
  return e != nullptr ? e : fallback;
}

}  // namespace

ReadAheadDecoder::ReadAheadDecoder(std::span<const uint8_t> compressed, MemberSink& sink)
    : archive_(archive_read_new()), source_{compressed, sink}, chunks_(kChunks), sizes_(kChunks, 0) {
  for (int i = 0; i < static_cast<int>(kChunks); ++i) free_.push_back(i);
  thread_ = std::thread([this] { run(); });
}

ReadAheadDecoder::~ReadAheadDecoder() { finish(); }

void ReadAheadDecoder::run() {
  try {
    decode();
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

void ReadAheadDecoder::decode() {
  archive* a = archive_.get();
  const auto opened = [this](Start how, std::string error = {}) {
    const std::lock_guard lock(mutex_);
    start_ = how;
    if (how == Start::failed) {
      finish_.corrupt = true;
      finish_.error = std::move(error);
    }
    started_ = true;
    changed_.notify_all();
  };
  if (a == nullptr) return opened(Start::failed, "libarchive: out of memory");
  archive_read_support_filter_all(a);
  // A compressed stream is always one member, its decompressed bytes, which the walker
  // then opens in turn (x.tar.xz!/x.tar!/...). Letting libarchive guess a format inside
  // the stream instead would read 1 KiB of zeros as a complete empty tar, or text as an
  // mtree, and never look at what follows: a hiding place.
  archive_read_support_format_raw(a);
  archive_read_support_format_empty(a);
  if (source_.open(a) != ARCHIVE_OK) return opened(Start::failed, error_of(a, "cannot open"));
  archive_entry* entry = nullptr;
  const int r = archive_read_next_header(a, &entry);
  if (r == ARCHIVE_EOF) {
    {
      const std::lock_guard lock(mutex_);
      finish_.reached_end = true;
    }
    return opened(Start::empty);
  }
  if (r < ARCHIVE_WARN) return opened(Start::failed, error_of(a, "damaged header"));
  opened(Start::member);

  while (true) {
    const int chunk = take_free_chunk();
    if (chunk < 0) return;
    auto& buffer = chunks_[static_cast<size_t>(chunk)];
    if (buffer.empty()) buffer.resize(kChunkBytes);
    const la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
    const std::lock_guard lock(mutex_);
    if (n > 0) {
      sizes_[static_cast<size_t>(chunk)] = static_cast<size_t>(n);
      ready_.push_back(chunk);
      changed_.notify_all();
      continue;
    }
    free_.push_back(chunk);
    if (n == 0) break;
    // A warning is a trailer checksum that does not match: the bytes were altered after
    // packing. What was decoded is still scanned.
    if (!finish_.corrupt) {
      finish_.corrupt = true;
      finish_.error = error_of(a, n == ARCHIVE_WARN ? "checksum mismatch" : "damaged data");
    }
    if (n != ARCHIVE_WARN) return;
  }
  const int end = archive_read_next_header(a, &entry);
  const std::lock_guard lock(mutex_);
  if (end == ARCHIVE_EOF) {
    finish_.reached_end = true;
  } else if (end < ARCHIVE_WARN && !finish_.corrupt) {
    finish_.corrupt = true;
    finish_.error = error_of(a, "damaged data after the stream");
  }
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
