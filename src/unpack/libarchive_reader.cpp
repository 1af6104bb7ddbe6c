#include "unpack/libarchive_reader.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <clocale>
#include <memory>
#include <mutex>
#include <optional>

#include "core/libxml2_lock.hpp"
#include "unpack/file_type.hpp"
#include "unpack/little_endian.hpp"
#include "unpack/read_ahead_decoder.hpp"
#include "unpack/windowed_source.hpp"
#include "unpack/zip_directory.hpp"

namespace impostor::unpack {

namespace {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

bool is_single_stream(std::string_view type) {
  return type == "gzip" || type == "xz" || type == "bzip2" || type == "zstd" || type == "lz4" || type == "lzma";
}

// setup.exe.gz -> setup.exe; anything else -> name + "~" so the path still says "inside".
std::string stream_member_name(std::string_view container) {
  const size_t slash = container.rfind('/');
  std::string_view base = slash == std::string_view::npos ? container : container.substr(slash + 1);
  for (std::string_view ext : {".gz", ".xz", ".bz2", ".zst", ".lz4", ".lzma", ".tgz", ".z"}) {
    if (base.size() > ext.size() && base.substr(base.size() - ext.size()) == ext)
      return std::string(base.substr(0, base.size() - ext.size())) + (ext == ".tgz" ? ".tar" : "");
  }
  return std::string(base) + "~";
}

// libarchive converts member names through the current locale. Under the "C" locale a
// program starts in, a zip's flagged UTF-8 names (and a tar's non-ASCII ones) fail that
// conversion and come back as no name at all. C.UTF-8 for this thread while reading:
// valid UTF-8 names then read as themselves, and a name that is still unreadable is one
// that is not text, which the walker reports.
class Utf8NamesForThisThread {
 public:
  Utf8NamesForThisThread() : utf8_(::newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr)) {
    if (utf8_ != nullptr) previous_ = ::uselocale(utf8_);
  }
  ~Utf8NamesForThisThread() {
    if (utf8_ == nullptr) return;
    ::uselocale(previous_);
    ::freelocale(utf8_);
  }
  Utf8NamesForThisThread(const Utf8NamesForThisThread&) = delete;
  Utf8NamesForThisThread& operator=(const Utf8NamesForThisThread&) = delete;

 private:
  locale_t utf8_;
  locale_t previous_ = nullptr;
};

bool all_zero(std::span<const uint8_t> b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t c) { return c == 0; });
}

// A stream is covered by its one member when nothing but zeros follows what it took.
bool stream_covered(std::span<const uint8_t> bytes, uint64_t consumed) {
  return consumed <= bytes.size() && all_zero(bytes.subspan(static_cast<size_t>(consumed)));
}

// Whether a container read to its end had bytes outside its members and structure, where
// a scan of the members alone would not look. Streamed formats say how far they read
// (libarchive's count at the outermost filter: the stored bytes consumed); zip, 7z and
// cab say in their own headers where they end. Trailing zeros are the usual padding.
bool container_covered(archive* a, std::span<const uint8_t> bytes, std::string_view type, uint64_t headers_read) {
  if (type == "zip") {
    const auto directory = read_zip_directory(bytes);
    return directory && directory->comment_bytes == 0 && directory->trailing_bytes == 0 &&
           directory->declared_entries == headers_read;
  }
  if (type == "7z") {
    constexpr size_t kStartHeader = 32;
    if (bytes.size() < kStartHeader) return false;
    const uint64_t offset = le(bytes, 12, 8);
    const uint64_t size = le(bytes, 20, 8);
    if (offset > bytes.size() || size > bytes.size() - offset || kStartHeader + offset + size > bytes.size())
      return false;
    return all_zero(bytes.subspan(kStartHeader + offset + size));
  }
  if (type == "cab") {
    if (bytes.size() < 12) return false;
    const uint64_t size = le(bytes, 8, 4);
    return size <= bytes.size() && all_zero(bytes.subspan(size));
  }
  const int filters = archive_filter_count(a);
  if (filters < 1) return false;
  const la_int64_t consumed = archive_filter_bytes(a, filters - 1);
  return consumed >= 0 && stream_covered(bytes, static_cast<uint64_t>(consumed));
}

// The walker's sink takes at most 64 KiB at a time, so its per-member and total limits
// stop a member within 64 KiB of the line whatever block sizes a format hands over.
constexpr size_t kSinkPiece = size_t{64} * 1024;

bool deliver(MemberSink& sink, Blob& blob, std::span<const uint8_t> bytes) {
  for (size_t off = 0; off < bytes.size(); off += kSinkPiece)
    if (!sink.data(blob, bytes.subspan(off, std::min(kSinkPiece, bytes.size() - off)))) return false;
  return true;
}

bool deliver_zeros(MemberSink& sink, Blob& blob, uint64_t count) {
  static const std::array<uint8_t, kSinkPiece> kZeros{};
  for (uint64_t left = count; left > 0;) {
    const auto n = static_cast<size_t>(std::min<uint64_t>(left, kSinkPiece));
    if (!sink.data(blob, std::span(kZeros.data(), n))) return false;
    left -= n;
  }
  return true;
}

// How far a pass over an archive's entries got.
struct EntryWalk {
  bool unreadable = false;  // past a hard error libarchive cannot go on
  uint64_t headers_read = 0;
  bool reached_end = false;
};

// Every entry of an opened archive to `sink`, in order, until its end, damage it cannot
// read past, or the sink stops.
// A xar's first header read parses its TOC with libxml2 (see core::libxml2_lock); headers
// hand no data to the sink, so holding the lock there cannot wait on a worker.
void read_entries(archive* a, MemberSink& sink, ReadResult& result, EntryWalk& walk, bool xar = false) {
  archive_entry* entry = nullptr;
  bool& unreadable = walk.unreadable;
  uint64_t& headers_read = walk.headers_read;
  bool& reached_end = walk.reached_end;
  while (!sink.stopped()) {
    std::unique_lock<std::mutex> xml_lock;
    if (xar && headers_read == 0) xml_lock = std::unique_lock(core::libxml2_lock());
    const int r = archive_read_next_header(a, &entry);
    if (xml_lock.owns_lock()) xml_lock.unlock();
    if (r == ARCHIVE_EOF) {
      reached_end = true;
      break;
    }
    if (r < ARCHIVE_WARN) {
      result.corrupt = true;
      result.error = libarchive_error(a, "damaged header");
      break;
    }
    ++headers_read;
    const auto file_type = archive_entry_filetype(entry);
    if (file_type == AE_IFDIR) continue;
    // GNU and BSD ar keep their long-name tables as members named "//" and "/".
    if ((archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_AR) {
      const char* n = archive_entry_pathname(entry);
      if (n != nullptr && (std::string_view(n) == "/" || std::string_view(n) == "//")) continue;
    }
    MemberHeader header;
    const char* path = archive_entry_pathname_utf8(entry);
    if (path == nullptr) path = archive_entry_pathname(entry);
    header.name = path != nullptr && *path != '\0' ? path : "(unnamed #" + std::to_string(result.members) + ")";
    header.name_unreadable = path == nullptr || archive_entry_pathname_utf8(entry) == nullptr;
    header.encrypted = archive_entry_is_encrypted(entry) != 0;
    if (file_type == AE_IFLNK) {
      header.symlink = true;
      const char* target = archive_entry_symlink(entry);
      header.link_target = target != nullptr ? target : "";
    }
    if (archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) >= 0)
      header.declared_size = static_cast<uint64_t>(archive_entry_size(entry));
    ++result.members;

    auto blob = sink.begin(header);
    // ar archives written in deterministic mode store no file type (0): still a file.
    if (blob && (file_type == AE_IFREG || file_type == 0)) {
      // Blocks straight from libarchive's buffer (or from the container's own bytes, for
      // a tar or cpio that is not compressed): one copy fewer than archive_read_data.
      uint64_t delivered = 0;
      while (true) {
        const void* block = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        const int status = archive_read_data_block(a, &block, &size, &offset);
        if (status == ARCHIVE_EOF) break;
        if (status < ARCHIVE_WARN) {
          result.corrupt = true;
          result.error = libarchive_error(a, "damaged data");
          unreadable = true;
          break;
        }
        // A warning while reading data is a checksum that does not match (zip's CRC,
        // 7z's, a gzip trailer): the member is damaged or was altered after packing.
        // What was read (zip hands the last block over with the warning) is still
        // scanned and the archive read on.
        if (status == ARCHIVE_WARN && !result.corrupt) {
          result.corrupt = true;
          result.error = libarchive_error(a, "checksum mismatch");
        }
        if (block == nullptr || size == 0) continue;
        // A sparse member's holes read as zeros; a block behind what was delivered (never
        // written by a sane archiver) only adds what is new.
        const auto at = static_cast<uint64_t>(std::max<la_int64_t>(offset, 0));
        if (at > delivered && !deliver_zeros(sink, *blob, at - delivered)) break;
        delivered = std::max(delivered, at);
        const uint64_t skip = std::min<uint64_t>(delivered - at, size);
        const std::span<const uint8_t> fresh(static_cast<const uint8_t*>(block) + skip, size - skip);
        if (!deliver(sink, *blob, fresh)) break;
        delivered += fresh.size();
      }
      // A sparse member that ends in a hole: its blocks stop before its size does.
      if (!unreadable && archive_entry_sparse_count(entry) > 0 && header.declared_size &&
          *header.declared_size > delivered)
        deliver_zeros(sink, *blob, *header.declared_size - delivered);
    }
    sink.end(header, std::move(blob));
    if (unreadable) break;
  }
}

// The decoded stream handed to a tar reader a chunk at a time, as the decoder thread
// produces it, each chunk also appended to the stream's own member: the stream's member
// and the tar's members come out of one pass, and the tar's members reach the scanners
// while the rest of the stream is still being decoded.
struct TeeSource {
  ReadAheadDecoder& decoder;
  MemberSink& outer;
  Blob& blob;
  std::span<const uint8_t> first;    // taken to see what the stream holds; handed over first
  std::span<const uint8_t> current;  // what libarchive has now
  uint64_t fed = 0;                  // bytes handed to libarchive, current included
  bool cut = false;                  // the outer sink took no more (a limit): the member is cut short

  static la_ssize_t read(archive* /*a*/, void* self, const void** buffer) {
    auto* t = static_cast<TeeSource*>(self);
    std::span<const uint8_t> chunk = t->first;
    t->first = {};
    if (chunk.empty()) chunk = t->decoder.next();
    t->current = {};
    if (chunk.empty() || t->cut) return 0;
    if (!deliver(t->outer, t->blob, chunk)) {
      t->cut = true;
      return 0;
    }
    t->current = chunk;
    t->fed += chunk.size();
    *buffer = chunk.data();
    return static_cast<la_ssize_t>(chunk.size());
  }
};

// Reads the tar inside a compressed stream as it is decoded (see TeeSource), then the
// rest of the stream into its member; `inner` says how the tar's read went.
ReadResult read_streamed_tar(TeeSource& tee, MemberSink& inner_sink) {
  ReadResult inner;
  std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
  if (!a) {
    inner.corrupt = true;
    inner.error = "libarchive: out of memory";
    return inner;
  }
  archive_read_support_format_tar(a.get());
  EntryWalk walk;
  if (archive_read_open(a.get(), &tee, nullptr, TeeSource::read, nullptr) != ARCHIVE_OK) {
    inner.corrupt = true;
    inner.error = libarchive_error(a.get(), "cannot open");
  } else {
    read_entries(a.get(), inner_sink, inner, walk);
  }
  // Past the tar's end only zeros may follow (its end blocks and record padding), in the
  // chunk libarchive holds and in every chunk after it, which still go to the member.
  bool only_zeros = true;
  const auto consumed = static_cast<uint64_t>(std::max<la_int64_t>(archive_filter_bytes(a.get(), 0), 0));
  const uint64_t current_start = tee.fed - tee.current.size();
  if (consumed < current_start)
    only_zeros = false;  // not where libarchive stopped: make no claim
  else if (consumed < tee.fed)
    only_zeros = all_zero(tee.current.subspan(static_cast<size_t>(consumed - current_start)));
  while (!tee.cut && !inner_sink.stopped()) {
    const auto chunk = tee.decoder.next();
    if (chunk.empty()) break;
    only_zeros = only_zeros && all_zero(chunk);
    if (!deliver(tee.outer, tee.blob, chunk)) tee.cut = true;
  }
  inner.covered = walk.reached_end && !inner.corrupt && !tee.cut && only_zeros;
  return inner;
}

// A single compressed stream: one member, decoded on a thread of its own while this
// thread copies, spills and hands on what it has already decoded. A tar inside is read
// in the same pass (read_streamed_tar) when the walker takes it that way.
ReadResult read_single_stream(std::span<const uint8_t> bytes, std::string_view type, std::string_view container_name,
                              MemberSink& sink) {
  ReadResult result;
  ReadAheadDecoder decoder(bytes, type, sink);
  if (decoder.start() == ReadAheadDecoder::Start::member) {
    MemberHeader header;
    header.name = stream_member_name(container_name);
    ++result.members;
    auto blob = sink.begin(header);
    std::optional<ReadResult> inner;
    if (blob) {
      const auto first = decoder.next();
      MemberSink* inner_sink = detect_file_type(first) == "tar" ? sink.open_streamed(header, "tar", blob) : nullptr;
      if (inner_sink != nullptr) {
        const Utf8NamesForThisThread utf8_names;
        TeeSource tee{decoder, sink, *blob, first, {}, 0, false};
        inner = read_streamed_tar(tee, *inner_sink);
      } else {
        for (auto chunk = first; !chunk.empty(); chunk = decoder.next())
          if (!deliver(sink, *blob, chunk)) break;
      }
    }
    const auto end = decoder.finish();
    result.corrupt = end.corrupt;
    result.error = end.error;
    if (inner)
      sink.close_streamed(header, blob, *inner);
    else
      sink.end(header, std::move(blob));
    result.covered = end.reached_end && !end.corrupt && stream_covered(bytes, end.consumed);
    return result;
  }
  const auto end = decoder.finish();
  result.corrupt = end.corrupt;
  result.error = end.error;
  result.covered = end.reached_end && !end.corrupt && stream_covered(bytes, end.consumed);
  return result;
}

}  // namespace

int LibarchiveReader::bid(std::string_view type, std::span<const uint8_t> /*bytes*/) const {
  return is_libarchive_type(type) ? 50 : 0;
}

ReadResult LibarchiveReader::read(std::span<const uint8_t> bytes, std::string_view type,
                                  std::string_view container_name, MemberSink& sink) const {
  if (is_single_stream(type)) return read_single_stream(bytes, type, container_name, sink);
  ReadResult result;
  const Utf8NamesForThisThread utf8_names;
  std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
  if (!a) {
    result.corrupt = true;
    result.error = "libarchive: out of memory";
    return result;
  }
  archive_read_support_filter_all(a.get());
  // Everything archive_read_support_format_all offers, but xar only for what was taken
  // for a xar: libarchive parses a xar's TOC with libxml2, which must hold a lock (see
  // read_entries), and a filter (rpm's lead, a compressed stream) could otherwise hide one.
  const bool xar = type == "xar";
  if (xar) {
    archive_read_support_format_xar(a.get());
  } else {
    for (const auto support :
         {archive_read_support_format_ar, archive_read_support_format_cpio, archive_read_support_format_empty,
          archive_read_support_format_lha, archive_read_support_format_mtree, archive_read_support_format_tar,
          archive_read_support_format_warc, archive_read_support_format_7zip, archive_read_support_format_cab,
          archive_read_support_format_rar, archive_read_support_format_rar5, archive_read_support_format_iso9660,
          archive_read_support_format_zip})
      support(a.get());
  }
  WindowedSource source{bytes, sink};
  if (source.open(a.get()) != ARCHIVE_OK) {
    result.corrupt = true;
    result.error = libarchive_error(a.get(), "cannot open");
    return result;
  }

  EntryWalk walk;
  read_entries(a.get(), sink, result, walk, xar);
  const bool unreadable = walk.unreadable;
  const uint64_t headers_read = walk.headers_read;
  const bool reached_end = walk.reached_end;
  if (type == "zip" && !unreadable && !sink.stopped()) {
    if (const auto directory = read_zip_directory(bytes)) {
      for (const auto& name : directory->nul_names)
        sink.hidden_name(name, "NUL byte in the stored name (every tool shows it cut at the NUL)");
      if (directory->declared_entries > headers_read && !result.corrupt) {
        result.corrupt = true;
        result.error = "the central directory lists " + std::to_string(directory->declared_entries) + " entries, " +
                       std::to_string(headers_read) +
                       " could be read: entries that share or overlap one another's data (an overlapping-entry zip "
                       "bomb) or point nowhere";
      }
    }
  }
  if (reached_end && !result.corrupt) result.covered = container_covered(a.get(), bytes, type, headers_read);
  return result;
}

}  // namespace impostor::unpack
