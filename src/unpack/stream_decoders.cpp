#include "unpack/stream_decoders.hpp"

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

namespace impostor::unpack {

namespace {

constexpr size_t kChunk = size_t{64} * 1024;
constexpr uint32_t kMaxDict = uint32_t{256} << 20;

struct LzmaEnd {
  void operator()(lzma_stream* s) const { lzma_end(s); }
};
struct ZEnd {
  void operator()(z_stream* s) const { inflateEnd(s); }
};
struct BzEnd {
  void operator()(bz_stream* s) const { BZ2_bzDecompressEnd(s); }
};

// Drives a ready liblzma decoder over `in` (after `skip` header bytes), handing each
// output chunk to `out`; fills produced/stopped/consumed and returns the last status
// (LZMA_STREAM_END for a clean end or a stop by `out`) for the caller to name.
// `unterminated_ok`: running out of input after the last symbol is an end (NSIS streams
// need not carry an end marker).
lzma_ret drain_lzma(lzma_stream& strm, std::span<const uint8_t> in, size_t skip, bool unterminated_ok,
                    const ChunkFn& out, DecodeResult& r) {
  std::vector<uint8_t> buf(kChunk);
  strm.next_in = in.data() + skip;
  strm.avail_in = in.size() - skip;
  lzma_ret ret = LZMA_OK;
  while (true) {
    strm.next_out = buf.data();
    strm.avail_out = buf.size();
    ret = lzma_code(&strm, LZMA_FINISH);
    const size_t got = buf.size() - strm.avail_out;
    r.produced += got;
    if (got > 0 && !out({buf.data(), got})) {
      r.stopped = true;
      ret = LZMA_STREAM_END;
      break;
    }
    if (ret == LZMA_STREAM_END) break;
    if (unterminated_ok && strm.avail_in == 0 && (ret == LZMA_BUF_ERROR || (ret == LZMA_OK && got == 0))) {
      ret = LZMA_STREAM_END;
      break;
    }
    if (ret != LZMA_OK) break;
  }
  r.consumed = in.size() - strm.avail_in;
  return ret;
}

}  // namespace

DecodeResult decode_lzma_raw(std::span<const uint8_t> in, bool x86_bcj, const ChunkFn& out) {
  DecodeResult r;
  if (in.size() < 5) {
    r.ok = false;
    r.error = "LZMA properties cut short";
    return r;
  }
  lzma_filter lz{LZMA_FILTER_LZMA1, nullptr};
  if (lzma_properties_decode(&lz, nullptr, in.data(), 5) != LZMA_OK) {
    r.ok = false;
    r.error = "bad LZMA properties";
    return r;
  }
  // lzma_properties_decode allocated the options; freed whatever happens below.
  std::unique_ptr<lzma_options_lzma, decltype(&free)> opts(static_cast<lzma_options_lzma*>(lz.options), &free);
  if (opts->dict_size > kMaxDict) {
    r.ok = false;
    r.error = "LZMA dictionary of " + std::to_string(opts->dict_size) + " bytes refused";
    return r;
  }
  std::array<lzma_filter, 3> chain{};
  size_t n = 0;
  if (x86_bcj) chain[n++] = {LZMA_FILTER_X86, nullptr};
  chain[n++] = lz;
  chain[n] = {LZMA_VLI_UNKNOWN, nullptr};
  lzma_stream strm = LZMA_STREAM_INIT;
  if (lzma_raw_decoder(&strm, chain.data()) != LZMA_OK) {
    r.ok = false;
    r.error = "liblzma refused the filter chain";
    return r;
  }
  std::unique_ptr<lzma_stream, LzmaEnd> guard(&strm);
  if (const lzma_ret ret = drain_lzma(strm, in, 5, /*unterminated_ok=*/true, out, r); ret != LZMA_STREAM_END) {
    r.ok = false;
    r.error = ret == LZMA_DATA_ERROR ? "LZMA data is damaged" : "LZMA decoder error " + std::to_string(ret);
  }
  return r;
}

namespace {

// Reads `count` bits (LSB first, as deflate packs them) starting at bit `pos`.
uint32_t bits_at(std::span<const uint8_t> in, uint64_t pos, unsigned count) {
  uint32_t v = 0;
  for (unsigned i = 0; i < count; ++i) {
    const uint64_t p = pos + i;
    v |= static_cast<uint32_t>((in[p / 8] >> (p % 8)) & 1) << i;
  }
  return v;
}

}  // namespace

DecodeResult decode_deflate_raw(std::span<const uint8_t> in, bool nsis_stored_blocks, const ChunkFn& out) {
  DecodeResult r;
  z_stream strm{};
  if (inflateInit2(&strm, -15) != Z_OK) {
    r.ok = false;
    r.error = "zlib init failed";
    return r;
  }
  std::unique_ptr<z_stream, ZEnd> guard(&strm);
  std::vector<uint8_t> buf(kChunk);
  std::vector<uint8_t> window;  // the last 32 KiB of output, to resume after a stored block
  const auto emit = [&](std::span<const uint8_t> bytes) {
    r.produced += bytes.size();
    if (nsis_stored_blocks) {
      window.insert(window.end(), bytes.begin(), bytes.end());
      if (window.size() > 65536) window.erase(window.begin(), window.end() - 32768);
    }
    return out(bytes);
  };
  size_t pos = 0;       // next input byte zlib has not taken
  unsigned unused = 0;  // bits of in[pos-1] zlib holds but has not used
  bool at_boundary = true;
  while (true) {
    if (nsis_stored_blocks && at_boundary) {
      // NSIS flushes its deflate streams instead of finishing them: a stream may end at
      // a block boundary without a final block, or with an empty stored block whose
      // length does not fit. Either is the end of the data, not damage.
      const uint64_t bit = uint64_t{pos} * 8 - unused;
      if (bit + 3 > uint64_t{in.size()} * 8) break;
      const uint32_t head = bits_at(in, bit, 3);
      if ((head >> 1) == 0) {  // a stored block, NSIS style
        size_t at = static_cast<size_t>((bit + 3 + 7) / 8);
        if (at + 2 > in.size()) break;
        const size_t len = in[at] | (in[at + 1] << 8);
        at += 2;
        const size_t avail = std::min(len, in.size() - at);
        bool go = true;
        for (size_t off = 0; off < avail && go; off += kChunk)
          go = emit(in.subspan(at + off, std::min(kChunk, avail - off)));
        if (!go) {
          r.stopped = true;
          break;
        }
        if (avail < len) {
          r.ok = false;
          r.error = "stored block cut short";
          break;
        }
        pos = at + len;
        unused = 0;
        if ((head & 1) != 0) break;  // the final block
        inflateReset(&strm);
        if (!window.empty()) {
          const size_t keep = std::min<size_t>(window.size(), 32768);
          inflateSetDictionary(&strm, window.data() + window.size() - keep, static_cast<uInt>(keep));
        }
        continue;
      }
      // Not stored: zlib still holds the bits it took from in[pos-1] and reads on.
    }
    strm.next_in = const_cast<Bytef*>(in.data() + pos);  // NOLINT: zlib's API is not const
    strm.avail_in = static_cast<uInt>(std::min<size_t>(in.size() - pos, 1u << 30));
    strm.next_out = buf.data();
    strm.avail_out = static_cast<uInt>(buf.size());
    const int ret = inflate(&strm, nsis_stored_blocks ? Z_BLOCK : Z_NO_FLUSH);
    const size_t got = buf.size() - strm.avail_out;
    pos = static_cast<size_t>(strm.next_in - in.data());
    if (got > 0 && !emit({buf.data(), got})) {
      r.stopped = true;
      break;
    }
    if (ret == Z_STREAM_END) break;
    if (ret == Z_BUF_ERROR && strm.avail_in == 0) {
      r.ok = false;
      r.error = "deflate stream cut short";
      break;
    }
    if (ret != Z_OK && ret != Z_BUF_ERROR) {
      r.ok = false;
      r.error = std::string("deflate data is damaged: ") + (strm.msg != nullptr ? strm.msg : std::to_string(ret));
      break;
    }
    // Bit 128: zlib stopped before the next block header (its mode is TYPE); the low
    // bits count the bits of the last byte taken that it has not used yet. inflate()
    // skips that stop on its next call, so the header is only peeked at, never re-read.
    at_boundary = (strm.data_type & 128) != 0;
    unused = static_cast<unsigned>(strm.data_type & 63);
  }
  r.consumed = pos;
  return r;
}

DecodeResult decode_zlib(std::span<const uint8_t> in, const ChunkFn& out) {
  DecodeResult r;
  z_stream strm{};
  if (inflateInit(&strm) != Z_OK) {
    r.ok = false;
    r.error = "zlib init failed";
    return r;
  }
  std::unique_ptr<z_stream, ZEnd> guard(&strm);
  std::vector<uint8_t> buf(kChunk);
  strm.next_in = const_cast<Bytef*>(in.data());  // NOLINT: zlib's API is not const
  strm.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), 1u << 30));
  while (true) {
    strm.next_out = buf.data();
    strm.avail_out = static_cast<uInt>(buf.size());
    const int ret = inflate(&strm, Z_NO_FLUSH);
    const size_t got = buf.size() - strm.avail_out;
    r.produced += got;
    if (got > 0 && !out({buf.data(), got})) {
      r.stopped = true;
      break;
    }
    if (ret == Z_STREAM_END) break;
    if (ret == Z_BUF_ERROR || (ret == Z_OK && strm.avail_in == 0 && got == 0)) {
      r.ok = false;
      r.error = "zlib stream cut short";
      break;
    }
    if (ret != Z_OK) {
      r.ok = false;
      r.error = std::string("zlib data is damaged: ") + (strm.msg != nullptr ? strm.msg : std::to_string(ret));
      break;
    }
  }
  r.consumed = in.size() - strm.avail_in;
  return r;
}

DecodeResult decode_bzip2(std::span<const uint8_t> in, const ChunkFn& out) {
  DecodeResult r;
  bz_stream strm{};
  if (BZ2_bzDecompressInit(&strm, 0, 0) != BZ_OK) {
    r.ok = false;
    r.error = "libbz2 init failed";
    return r;
  }
  std::unique_ptr<bz_stream, BzEnd> guard(&strm);
  std::vector<char> buf(kChunk);
  strm.next_in = const_cast<char*>(reinterpret_cast<const char*>(in.data()));  // NOLINT: libbz2 is not const
  strm.avail_in = static_cast<unsigned>(std::min<size_t>(in.size(), 1u << 30));
  while (true) {
    strm.next_out = buf.data();
    strm.avail_out = static_cast<unsigned>(buf.size());
    const int ret = BZ2_bzDecompress(&strm);
    const size_t got = buf.size() - strm.avail_out;
    r.produced += got;
    if (got > 0 && !out({reinterpret_cast<const uint8_t*>(buf.data()), got})) {
      r.stopped = true;
      break;
    }
    if (ret == BZ_STREAM_END) break;
    if (ret != BZ_OK) {
      r.ok = false;
      r.error = "bzip2 data is damaged (" + std::to_string(ret) + ")";
      break;
    }
    if (strm.avail_in == 0 && got == 0) {
      r.ok = false;
      r.error = "bzip2 stream cut short";
      break;
    }
  }
  r.consumed = in.size() - strm.avail_in;
  return r;
}

DecodeResult decode_lzma2_raw(std::span<const uint8_t> in, const ChunkFn& out) {
  DecodeResult r;
  if (in.empty() || in[0] > 40) {
    r.ok = false;
    r.error = "bad LZMA2 dictionary byte";
    return r;
  }
  const unsigned p = in[0];
  const uint64_t dict = p == 40 ? 0xFFFFFFFFull : uint64_t{2u | (p & 1u)} << (p / 2 + 11);
  if (dict > kMaxDict) {
    r.ok = false;
    r.error = "LZMA2 dictionary of " + std::to_string(dict) + " bytes refused";
    return r;
  }
  lzma_options_lzma opts{};
  lzma_lzma_preset(&opts, 0);
  opts.dict_size = static_cast<uint32_t>(dict);
  const std::array<lzma_filter, 2> chain = {{{LZMA_FILTER_LZMA2, &opts}, {LZMA_VLI_UNKNOWN, nullptr}}};
  lzma_stream strm = LZMA_STREAM_INIT;
  if (lzma_raw_decoder(&strm, chain.data()) != LZMA_OK) {
    r.ok = false;
    r.error = "liblzma refused the LZMA2 filter";
    return r;
  }
  std::unique_ptr<lzma_stream, LzmaEnd> guard(&strm);
  if (const lzma_ret ret = drain_lzma(strm, in, 1, /*unterminated_ok=*/false, out, r); ret != LZMA_STREAM_END) {
    r.ok = false;
    r.error = ret == LZMA_BUF_ERROR ? "LZMA2 stream cut short" : "LZMA2 data is damaged (" + std::to_string(ret) + ")";
  }
  return r;
}

DecodeResult decode_xz(std::span<const uint8_t> in, const ChunkFn& out) {
  DecodeResult r;
  lzma_stream strm = LZMA_STREAM_INIT;
  // The memory limit is what bounds a hostile dictionary size here.
  if (lzma_auto_decoder(&strm, kMaxDict + (uint64_t{16} << 20), 0) != LZMA_OK) {
    r.ok = false;
    r.error = "liblzma init failed";
    return r;
  }
  std::unique_ptr<lzma_stream, LzmaEnd> guard(&strm);
  if (const lzma_ret ret = drain_lzma(strm, in, 0, /*unterminated_ok=*/false, out, r); ret != LZMA_STREAM_END) {
    r.ok = false;
    r.error = ret == LZMA_FORMAT_ERROR     ? "not an xz or lzma stream"
              : ret == LZMA_MEMLIMIT_ERROR ? "LZMA dictionary refused"
              : ret == LZMA_BUF_ERROR      ? "xz stream cut short"
                                           : "xz data is damaged (" + std::to_string(ret) + ")";
  }
  return r;
}

// ---------------------------------------------------------------------------------------
// NSIS bzip2, from the bzip2 block format (Seward's bzip2 1.0 format description).

namespace {

class MsbBits {
 public:
  explicit MsbBits(std::span<const uint8_t> in) : in_(in) {}
  // False once the input is exhausted (the value is then meaningless).
  bool get(unsigned n, uint32_t& v) {
    v = 0;
    for (unsigned i = 0; i < n; ++i) {
      if (pos_ >= uint64_t{in_.size()} * 8) return false;
      v = (v << 1) | ((in_[pos_ / 8] >> (7 - pos_ % 8)) & 1);
      ++pos_;
    }
    return true;
  }
  size_t bytes_used() const { return static_cast<size_t>((pos_ + 7) / 8); }

 private:
  std::span<const uint8_t> in_;
  uint64_t pos_ = 0;
};

constexpr int kMaxCodeLen = 20;
constexpr int kMaxAlpha = 258;
constexpr int kMaxGroups = 6;
constexpr int kMaxSelectors = 18002;
constexpr uint32_t kMaxBlock = 900000;

struct HuffTable {
  std::array<int32_t, kMaxCodeLen + 2> limit{};
  std::array<int32_t, kMaxCodeLen + 2> base{};
  std::array<int32_t, kMaxAlpha> perm{};
  int min_len = 0;
  int max_len = 0;
};

void build_table(const std::array<uint8_t, kMaxAlpha>& lens, int alpha, HuffTable& t) {
  t.min_len = kMaxCodeLen;
  t.max_len = 0;
  for (int i = 0; i < alpha; ++i) {
    t.min_len = std::min<int>(t.min_len, lens[i]);
    t.max_len = std::max<int>(t.max_len, lens[i]);
  }
  int pp = 0;
  for (int len = t.min_len; len <= t.max_len; ++len)
    for (int j = 0; j < alpha; ++j)
      if (lens[j] == len) t.perm[pp++] = j;
  std::array<int32_t, kMaxCodeLen + 2> count{};
  for (int i = 0; i < alpha; ++i) ++count[lens[i]];
  int32_t code = 0;
  int32_t index = 0;
  for (int len = 1; len <= kMaxCodeLen; ++len) {
    // Canonical codes of this length are [code, code + count); their symbols start at
    // perm[index]. limit: the largest code of this length; base: code - index.
    t.base[len] = code - index;
    code += count[len];
    index += count[len];
    t.limit[len] = code - 1;
    code <<= 1;
  }
}

bool decode_symbol(MsbBits& bits, const HuffTable& t, int alpha, int& sym) {
  uint32_t v = 0;
  if (!bits.get(static_cast<unsigned>(t.min_len), v)) return false;
  auto code = static_cast<int32_t>(v);
  int len = t.min_len;
  while (len <= kMaxCodeLen && code > t.limit[len]) {
    uint32_t b = 0;
    if (!bits.get(1, b)) return false;
    code = (code << 1) | static_cast<int32_t>(b);
    ++len;
  }
  if (len > kMaxCodeLen) return false;
  const int32_t idx = code - t.base[len];
  if (idx < 0 || idx >= alpha) return false;
  sym = t.perm[idx];
  return true;
}

}  // namespace

DecodeResult decode_bzip2_nsis(std::span<const uint8_t> in, const ChunkFn& out) {
  DecodeResult r;
  MsbBits bits(in);
  std::vector<uint32_t> tt(kMaxBlock);
  std::vector<uint8_t> chunk;
  chunk.reserve(kChunk);
  const auto fail = [&](const char* why) {
    r.ok = false;
    r.error = std::string("NSIS bzip2: ") + why;
    r.consumed = bits.bytes_used();
    return r;
  };
  const auto flush = [&]() {
    if (chunk.empty()) return true;
    r.produced += chunk.size();
    const bool go = out(chunk);
    chunk.clear();
    return go;
  };
  while (true) {
    uint32_t sig = 0;
    if (!bits.get(8, sig)) return fail("stream cut short");
    if (sig == 0x17) break;
    if (sig != 0x31) return fail("bad block signature");
    uint32_t orig_ptr = 0;
    if (!bits.get(24, orig_ptr)) return fail("stream cut short");

    // Symbol map: which byte values occur.
    std::array<uint8_t, 256> seq_to_unseq{};
    int in_use = 0;
    uint32_t used16 = 0;
    if (!bits.get(16, used16)) return fail("stream cut short");
    for (int i = 0; i < 16; ++i) {
      if ((used16 & (0x8000u >> i)) == 0) continue;
      uint32_t w = 0;
      if (!bits.get(16, w)) return fail("stream cut short");
      for (int j = 0; j < 16; ++j)
        if ((w & (0x8000u >> j)) != 0) seq_to_unseq[in_use++] = static_cast<uint8_t>(i * 16 + j);
    }
    if (in_use == 0) return fail("empty symbol map");
    const int alpha = in_use + 2;

    uint32_t groups = 0;
    uint32_t selectors = 0;
    if (!bits.get(3, groups) || !bits.get(15, selectors)) return fail("stream cut short");
    if (groups < 2 || groups > kMaxGroups || selectors < 1 || selectors > kMaxSelectors)
      return fail("bad Huffman group or selector count");
    std::vector<uint8_t> selector(selectors);
    {
      std::array<uint8_t, kMaxGroups> mtf{0, 1, 2, 3, 4, 5};
      for (uint32_t i = 0; i < selectors; ++i) {
        uint32_t j = 0;
        while (true) {
          uint32_t b = 0;
          if (!bits.get(1, b)) return fail("stream cut short");
          if (b == 0) break;
          if (++j >= groups) return fail("bad selector");
        }
        const uint8_t s = mtf[j];
        for (; j > 0; --j) mtf[j] = mtf[j - 1];
        mtf[0] = s;
        selector[i] = s;
      }
    }
    std::array<HuffTable, kMaxGroups> tables{};
    for (uint32_t t = 0; t < groups; ++t) {
      std::array<uint8_t, kMaxAlpha> lens{};
      uint32_t cur = 0;
      if (!bits.get(5, cur)) return fail("stream cut short");
      for (int i = 0; i < alpha; ++i) {
        while (true) {
          if (cur < 1 || cur > kMaxCodeLen) return fail("bad code length");
          uint32_t b = 0;
          if (!bits.get(1, b)) return fail("stream cut short");
          if (b == 0) break;
          if (!bits.get(1, b)) return fail("stream cut short");
          cur = b == 0 ? cur + 1 : cur - 1;
        }
        lens[i] = static_cast<uint8_t>(cur);
      }
      build_table(lens, alpha, tables[t]);
    }

    // Huffman + run-length (RUNA/RUNB) + move-to-front into tt[].
    std::array<uint8_t, 256> mtf{};
    for (int i = 0; i < 256; ++i) mtf[i] = static_cast<uint8_t>(i);
    std::array<uint32_t, 256> counts{};
    uint32_t n = 0;
    uint32_t group = 0;
    int group_left = 0;
    const HuffTable* table = nullptr;
    uint32_t run = 0;
    uint32_t run_weight = 1;
    const int eob = in_use + 1;
    while (true) {
      if (group_left == 0) {
        if (group >= selectors) return fail("more groups than selectors");
        table = &tables[selector[group++]];
        group_left = 50;
      }
      --group_left;
      int sym = 0;
      if (!decode_symbol(bits, *table, alpha, sym)) return fail("bad Huffman code");
      if (sym == 0 || sym == 1) {  // RUNA, RUNB: bijective base-2 run length
        if (run_weight > kMaxBlock) return fail("run too long");
        run += run_weight << sym;
        run_weight <<= 1;
        continue;
      }
      if (run > 0) {
        if (n + run > kMaxBlock) return fail("block larger than 900k");
        const uint8_t b = seq_to_unseq[mtf[0]];
        counts[b] += run;
        std::fill(tt.begin() + n, tt.begin() + n + run, b);
        n += run;
        run = 0;
        run_weight = 1;
      }
      if (sym == eob) break;
      if (n >= kMaxBlock) return fail("block larger than 900k");
      const int pos = sym - 1;
      const uint8_t u = mtf[pos];
      for (int k = pos; k > 0; --k) mtf[k] = mtf[k - 1];
      mtf[0] = u;
      const uint8_t b = seq_to_unseq[u];
      ++counts[b];
      tt[n++] = b;
    }
    if (orig_ptr >= n) return fail("bad BWT origin");

    // Inverse Burrows-Wheeler transform.
    std::array<uint32_t, 256> start{};
    for (uint32_t i = 0, sum = 0; i < 256; ++i) {
      start[i] = sum;
      sum += counts[i];
    }
    for (uint32_t i = 0; i < n; ++i) {
      const uint8_t b = tt[i] & 0xFF;
      tt[start[b]++] |= i << 8;
    }
    // Then undo the initial run-length step (4 equal bytes + a repeat count).
    uint32_t p = tt[orig_ptr] >> 8;
    int last = -1;
    int same = 0;
    for (uint32_t k = 0; k < n; ++k) {
      p = tt[p];
      const uint8_t b = p & 0xFF;
      p >>= 8;
      if (same == 4) {
        for (uint8_t rep = 0; rep < b; ++rep) chunk.push_back(static_cast<uint8_t>(last));
        same = 0;
        last = -1;
      } else {
        chunk.push_back(b);
        same = b == last ? same + 1 : 1;
        last = b;
      }
      if (chunk.size() >= kChunk - 256 && !flush()) {
        r.stopped = true;
        r.consumed = bits.bytes_used();
        return r;
      }
    }
  }
  if (!flush()) r.stopped = true;
  r.consumed = bits.bytes_used();
  return r;
}

}  // namespace impostor::unpack
