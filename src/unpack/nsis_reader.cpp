#include "unpack/nsis_reader.hpp"

#include "core/text_safety.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <vector>

#include "unpack/stream_decoders.hpp"

namespace impostor::unpack {

namespace {

constexpr std::array<uint8_t, 16> kSignature = {0xEF, 0xBE, 0xAD, 0xDE, 'N', 'u', 'l', 'l',
                                                's',  'o',  'f',  't',  'I', 'n', 's', 't'};
constexpr size_t kFirstHeaderSize = 28;
constexpr uint32_t kFlagNoCrc = 4;
constexpr uint32_t kCompressed = 0x80000000;
constexpr size_t kMaxHeader = size_t{64} << 20;  // the script's header, kept to read names
constexpr uint32_t kOpExtractFile = 20;          // EW_EXTRACTFILE in NSIS 2 and 3
constexpr size_t kEntrySize = 28;                // which + six parameters
constexpr size_t kMaxNameChars = 1024;

uint32_t le32(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(b[at]) | (static_cast<uint32_t>(b[at + 1]) << 8) |
         (static_cast<uint32_t>(b[at + 2]) << 16) | (static_cast<uint32_t>(b[at + 3]) << 24);
}

enum class Method { copy, lzma, deflate, bzip2 };

const char* method_name(Method m) {
  switch (m) {
    case Method::copy: return "stored";
    case Method::lzma: return "LZMA";
    case Method::deflate: return "deflate";
    case Method::bzip2: return "bzip2";
  }
  return "?";
}

// LZMA properties as NSIS writes them: lc=3 lp=0 pb=2 (0x5D), a sane dictionary, and
// the range coder's first byte, which is always 0.
bool lzma_at(std::span<const uint8_t> d, size_t at) {
  if (d.size() < at + 6 || d[at] != 0x5D || d[at + 5] != 0) return false;
  const uint32_t dict = le32(d, at + 1);
  return dict >= (uint32_t{1} << 12) && dict <= (uint32_t{1} << 30);
}
// ... optionally behind a filter flag byte (1: x86 BCJ).
bool lzma_maybe_flagged_at(std::span<const uint8_t> d, size_t at) {
  return lzma_at(d, at) || (d.size() > at && d[at] <= 1 && lzma_at(d, at + 1));
}
// NSIS bzip2 opens with the block byte 0x31 and a 24-bit BWT origin below 900k.
bool bzip2_at(std::span<const uint8_t> d, size_t at) { return d.size() >= at + 2 && d[at] == 0x31 && d[at + 1] < 14; }

DecodeResult decode(Method m, std::span<const uint8_t> in, const ChunkFn& out) {
  switch (m) {
    case Method::lzma: {
      const bool flagged = !lzma_at(in, 0) && !in.empty() && in[0] <= 1;
      return decode_lzma_raw(flagged ? in.subspan(1) : in, flagged && in[0] == 1, out);
    }
    case Method::deflate: return decode_deflate_raw(in, true, out);
    case Method::bzip2: return decode_bzip2_nsis(in, out);
    case Method::copy: break;
  }
  DecodeResult r;
  for (size_t off = 0; off < in.size(); off += size_t{64} * 1024) {
    const auto part = in.subspan(off, std::min<size_t>(size_t{64} * 1024, in.size() - off));
    r.produced += part.size();
    if (!out(part)) {
      r.stopped = true;
      break;
    }
  }
  r.consumed = in.size();
  return r;
}

// ---------------------------------------------------------------------------------------
// File names from the header: every ExtractFile entry names the data block at its offset.

const char* var_name(uint32_t idx) {
  static constexpr std::array<const char*, 10> kNamed = {"$CMDLINE",  "$INSTDIR",   "$OUTDIR",     "$EXEDIR",
                                                         "$LANGUAGE", "$TEMP",      "$PLUGINSDIR", "$EXEPATH",
                                                         "$EXEFILE",  "$HWNDPARENT"};
  return idx >= 20 && idx < 30 ? kNamed[idx - 20] : nullptr;
}

void append_var(std::string& out, uint32_t idx) {
  if (const char* n = var_name(idx)) {
    out += n;
  } else if (idx < 10) {
    out += "$" + std::to_string(idx);
  } else if (idx < 20) {
    out += "$R" + std::to_string(idx - 10);
  } else {
    out += "$var" + std::to_string(idx);
  }
}

// An NSIS string with its variable, shell-folder and language codes spelled out.
std::string nsis_string(std::span<const uint8_t> strings, size_t index, bool unicode) {
  std::string out;
  if (unicode) {
    size_t at = index * 2;
    for (size_t n = 0; n < kMaxNameChars && at + 1 < strings.size(); ++n, at += 2) {
      const uint32_t c = strings[at] | (strings[at + 1] << 8);
      if (c == 0) break;
      if (c >= 1 && c <= 4) {  // NS_LANG_CODE, NS_SHELL_CODE, NS_VAR_CODE, NS_SKIP_CODE
        if (at + 3 >= strings.size()) break;
        at += 2;
        const uint32_t arg = strings[at] | (strings[at + 1] << 8);
        if (c == 4) {
          core::append_utf8(out, arg);
        } else if (c == 3) {
          append_var(out, arg & 0x7FFF);
        } else {
          out += c == 2 ? "$SHELL" : "$(LANG)";
        }
        continue;
      }
      if (c >= 0xD800 && c < 0xE000) {
        out += '_';  // surrogates: names here are for display only
      } else {
        core::append_utf8(out, c < 0x20 ? '_' : c);
      }
    }
  } else {
    size_t at = index;
    for (size_t n = 0; n < kMaxNameChars && at < strings.size(); ++n, ++at) {
      const uint8_t c = strings[at];
      if (c == 0) break;
      if (c >= 252) {  // NS_SKIP_CODE .. NS_LANG_CODE, each with two bytes of argument
        if (at + 2 >= strings.size()) break;
        const uint32_t arg = (strings[at + 1] & 0x7Fu) | ((strings[at + 2] & 0x7Fu) << 7);
        if (c == 252) {
          core::append_utf8(out, strings[at + 1]);
        } else if (c == 253) {
          append_var(out, arg);
        } else {
          out += c == 254 ? "$SHELL" : "$(LANG)";
        }
        at += 2;
        continue;
      }
      core::append_utf8(out, c < 0x20 ? '_' : c);  // Latin-1 shown as itself
    }
  }
  std::replace(out.begin(), out.end(), '\\', '/');
  return out;
}

std::map<uint32_t, std::string> names_from_header(std::span<const uint8_t> h) {
  std::map<uint32_t, std::string> names;
  // flags, then eight {offset, count} blocks: pages, sections, entries, strings, langtables...
  if (h.size() < 4 + 8 * 8) return names;
  const uint64_t entries = le32(h, 4 + 2 * 8);
  const uint64_t count = le32(h, 4 + 2 * 8 + 4);
  const uint64_t strings_at = le32(h, 4 + 3 * 8);
  const uint64_t strings_end_hint = le32(h, 4 + 4 * 8);
  if (entries > h.size() || count > (h.size() - entries) / kEntrySize || strings_at >= h.size()) return names;
  const uint64_t strings_end =
      strings_end_hint > strings_at && strings_end_hint <= h.size() ? strings_end_hint : h.size();
  const auto strings = h.subspan(strings_at, strings_end - strings_at);
  // Unicode installers (the default since NSIS 3) store UTF-16: count odd zero bytes.
  size_t odd_zero = 0;
  const size_t probe = std::min<size_t>(strings.size(), 512) & ~size_t{1};
  for (size_t i = 1; i < probe; i += 2) odd_zero += strings[i] == 0;
  const bool unicode = probe > 0 && odd_zero * 4 > probe;
  for (uint64_t i = 0; i < count; ++i) {
    const auto e = h.subspan(entries + i * kEntrySize, kEntrySize);
    if (le32(e, 0) != kOpExtractFile) continue;
    std::string name = nsis_string(strings, le32(e, 8), unicode);
    if (!name.empty()) names.emplace(le32(e, 12), std::move(name));
  }
  return names;
}

// ---------------------------------------------------------------------------------------

struct Delivery {
  MemberSink& sink;
  ReadResult& result;
  std::map<uint32_t, std::string> names;
  size_t blobs = 0;

  void damage(const std::string& why) {
    if (!result.corrupt) {
      result.corrupt = true;
      result.error = why;
    }
  }

  std::string name_for(uint32_t offset) {
    const auto it = names.find(offset);
    std::string n = it != names.end() ? it->second : "$NSIS/blob-" + std::to_string(blobs);
    ++blobs;
    return n;
  }

  // Delivers one member whose bytes come from `fill` (which feeds the ChunkFn it gets).
  template <typename Fill>
  void member(const std::string& name, std::optional<uint64_t> size, Fill&& fill) {
    MemberHeader header;
    header.name = name;
    header.declared_size = size;
    ++result.members;
    auto blob = sink.begin(header);
    if (blob) {
      fill([&](std::span<const uint8_t> bytes) { return sink.data(*blob, bytes); });
    } else {
      fill([](std::span<const uint8_t>) { return false; });
    }
    sink.end(header, std::move(blob));
  }

  void header_member(const std::vector<uint8_t>& header) {
    member("$NSIS/header", header.size(), [&](const ChunkFn& out) { out(header); });
    names = names_from_header(header);
  }
};

// The solid layout: one compressed stream of [u32 size][bytes] records, the header first.
class SolidStream {
 public:
  SolidStream(Delivery& d, uint32_t header_size) : d_(d), header_size_(header_size) {}

  bool feed(std::span<const uint8_t> bytes) {
    while (!bytes.empty()) {
      if (d_.sink.stopped()) return false;
      if (want_len_ > 0) {
        len_bytes_[4 - want_len_] = bytes.front();
        bytes = bytes.subspan(1);
        ++pos_;
        if (--want_len_ == 0) start_record();
        continue;
      }
      const size_t n = static_cast<size_t>(std::min<uint64_t>(left_, bytes.size()));
      const auto part = bytes.first(n);
      if (in_header_) {
        if (header_.size() + n <= kMaxHeader) header_.insert(header_.end(), part.begin(), part.end());
      } else if (blob_ && !d_.sink.data(*blob_, part)) {
        finish_member();  // a per-member limit: skip the rest of this record
      }
      bytes = bytes.subspan(n);
      pos_ += n;
      left_ -= n;
      if (left_ == 0) finish_record();
    }
    return true;
  }

  // The stream ended (or broke): close whatever record was open.
  void close() {
    if (want_len_ != 4 && want_len_ != 0) d_.damage("solid stream ends inside a record length");
    if (left_ > 0) {
      d_.damage("solid stream ends inside a record (" + std::to_string(left_) + " bytes missing)");
      if (in_header_) {
        d_.header_member(header_);
      } else {
        finish_member();
      }
    }
  }

 private:
  void start_record() {
    const uint32_t len = le32(len_bytes_, 0) & ~kCompressed;
    left_ = len;
    if (first_) {
      first_ = false;
      in_header_ = true;
      if (len != header_size_) d_.damage("solid stream's header size differs from the first header's");
      data_start_ = pos_ + len;
    } else {
      in_header_ = false;
      const uint64_t offset = pos_ - 4 - data_start_;
      header_decl_.name = d_.name_for(static_cast<uint32_t>(offset));
      header_decl_.declared_size = len;
      ++d_.result.members;
      blob_ = d_.sink.begin(header_decl_);
      open_ = true;
    }
    if (len == 0) finish_record();
  }
  void finish_record() {
    if (in_header_) {
      in_header_ = false;
      d_.header_member(header_);
      header_.clear();
    } else {
      finish_member();
    }
    want_len_ = 4;
  }
  void finish_member() {
    if (!open_) return;
    open_ = false;
    d_.sink.end(header_decl_, std::move(blob_));
    blob_.reset();
  }

  Delivery& d_;
  uint32_t header_size_;
  std::array<uint8_t, 4> len_bytes_{};
  int want_len_ = 4;
  uint64_t left_ = 0;
  uint64_t pos_ = 0;
  uint64_t data_start_ = 0;
  bool first_ = true;
  bool in_header_ = false;
  bool open_ = false;
  std::vector<uint8_t> header_;
  MemberHeader header_decl_;
  std::shared_ptr<Blob> blob_;
};

Method detect_block_method(std::span<const uint8_t> block) {
  if (lzma_maybe_flagged_at(block, 0)) return Method::lzma;
  if (bzip2_at(block, 0)) return Method::bzip2;
  return Method::deflate;
}

// Non-solid: [u32 size|compressed][header block], then one such block per file.
bool read_blocks(std::span<const uint8_t> data, Delivery& d, bool dry_run_header) {
  const uint32_t first = le32(data, 0);
  const size_t hsize = first & ~kCompressed;
  if (hsize > data.size() - 4) {
    if (dry_run_header) return false;
    d.damage("header block runs past the end of the file");
  }
  const auto hblock = data.subspan(4, std::min(hsize, data.size() - 4));
  const Method method = (first & kCompressed) != 0 ? detect_block_method(hblock) : Method::copy;
  std::vector<uint8_t> header;
  const auto hr = decode(method, hblock, [&](std::span<const uint8_t> b) {
    if (header.size() + b.size() > kMaxHeader) return false;
    header.insert(header.end(), b.begin(), b.end());
    return true;
  });
  if (dry_run_header) return hr.ok && !header.empty();
  if (!hr.ok) d.damage("header block: " + hr.error);
  d.header_member(header);

  const size_t data_start = 4 + hblock.size();
  size_t pos = data_start;
  Method file_method = method;
  while (pos + 4 <= data.size() && !d.sink.stopped()) {
    const uint32_t raw = le32(data, pos);
    const size_t size = raw & ~kCompressed;
    const bool compressed = (raw & kCompressed) != 0;
    const size_t avail = std::min(size, data.size() - pos - 4);
    const auto block = data.subspan(pos + 4, avail);
    if (compressed && file_method == Method::copy) file_method = detect_block_method(block);
    const Method m = compressed ? file_method : Method::copy;
    std::string error;
    d.member(d.name_for(static_cast<uint32_t>(pos - data_start)), std::nullopt, [&](const ChunkFn& out) {
      const auto r = decode(m, block, out);
      if (!r.ok) error = r.error;
    });
    if (!error.empty()) d.damage(std::string(method_name(m)) + " block at " + std::to_string(pos) + ": " + error);
    if (avail < size) {
      d.damage("a data block runs past the end of the file");
      break;
    }
    pos += 4 + size;
  }
  if (pos < data.size() && pos + 4 > data.size() && !d.sink.stopped())
    d.damage("stray bytes after the last data block");
  return true;
}

}  // namespace

std::optional<size_t> find_nsis_header(std::span<const uint8_t> bytes) {
  // The stub searches 512-byte boundaries; so do we (offset 0 is the stub itself).
  for (size_t off = 512; off + kFirstHeaderSize <= bytes.size(); off += 512)
    if (std::memcmp(bytes.data() + off + 4, kSignature.data(), kSignature.size()) == 0) return off;
  return std::nullopt;
}

int NsisReader::bid(std::string_view type, std::span<const uint8_t> bytes) const {
  return type == "pe" && find_nsis_header(bytes) ? 80 : 0;
}

ReadResult NsisReader::read(std::span<const uint8_t> bytes, std::string_view /*type*/,
                            std::string_view /*container_name*/, MemberSink& sink) const {
  ReadResult result;
  const auto at = find_nsis_header(bytes);
  if (!at) {
    result.corrupt = true;
    result.error = "no NSIS first header";
    return result;
  }
  Delivery d{sink, result, {}, 0};
  const auto fh = bytes.subspan(*at, kFirstHeaderSize);
  const uint32_t flags = le32(fh, 0);
  const uint32_t header_size = le32(fh, 20);
  const uint64_t total = le32(fh, 24);
  // The archive size counts the first header and, unless disabled, a trailing CRC.
  uint64_t end = *at + total;
  if ((flags & kFlagNoCrc) == 0 && total >= kFirstHeaderSize + 4) end -= 4;
  if (total < kFirstHeaderSize) {
    d.damage("first header declares an archive smaller than itself");
    end = bytes.size();
  } else if (end > bytes.size()) {
    d.damage("first header declares " + std::to_string(total) + " bytes; the file holds " +
             std::to_string(bytes.size() - *at));
    end = bytes.size();
  }
  const auto data = bytes.subspan(*at + kFirstHeaderSize, static_cast<size_t>(end) - *at - kFirstHeaderSize);
  if (data.size() < 4) {
    d.damage("no data after the first header");
    return result;
  }

  // The order 7-Zip's reader uses: a stored header; a solid LZMA or bzip2 stream; a
  // non-solid one (its first word is a block size with the high bit set); then deflate,
  // non-solid when a header block of that size decodes.
  const uint32_t first = le32(data, 0);
  const bool sized = (first & kCompressed) != 0;
  bool solid = false;
  Method method = Method::deflate;
  if (first != header_size) {
    if (lzma_maybe_flagged_at(data, 0)) {
      solid = true;
      method = Method::lzma;
    } else if (!(sized && lzma_maybe_flagged_at(data, 4))) {
      if (bzip2_at(data, 0)) {
        solid = true;
        method = Method::bzip2;
      } else if (!(sized && bzip2_at(data, 4))) {
        solid = !(sized && read_blocks(data, d, true));
      }
    }
  }

  if (!solid) {
    read_blocks(data, d, false);
    return result;
  }
  SolidStream stream(d, header_size);
  const auto r = decode(method, data, [&](std::span<const uint8_t> b) { return stream.feed(b); });
  if (!r.ok) d.damage(std::string("solid ") + method_name(method) + " stream: " + r.error);
  stream.close();
  return result;
}

}  // namespace impostor::unpack
