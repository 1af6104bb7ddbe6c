#include "unpack/inno_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include "pe/pe_image.hpp"
#include "unpack/stream_decoders.hpp"

namespace impostor::unpack {

namespace {

constexpr uint32_t kLoaderPointerAt = 0x30;
constexpr uint32_t kLoaderPointerMagic = 0x6F6E6E49;  // "Inno"
constexpr uint32_t kRtRcdata = 10;
constexpr uint32_t kLoaderResource = 11111;
constexpr size_t kVersionSize = 64;
constexpr size_t kBlockPiece = 4096;
constexpr size_t kChunk = size_t{64} * 1024;
constexpr size_t kMaxChunks = 100'000;  // the walker's member limit stops far earlier
constexpr std::string_view kChunkMagic = "zlb\x1a";

using Version = std::array<int, 3>;

struct LoaderMagic {
  std::array<uint8_t, 12> magic;
  Version version;  // earliest Inno Setup version writing it
};
constexpr std::array<LoaderMagic, 6> kLoaderMagics = {{
    {{'r', 'D', 'l', 'P', 't', 'S', '0', '2', 0x87, 'e', 'V', 'x'}, {1, 2, 10}},
    {{'r', 'D', 'l', 'P', 't', 'S', '0', '4', 0x87, 'e', 'V', 'x'}, {4, 0, 0}},
    {{'r', 'D', 'l', 'P', 't', 'S', '0', '5', 0x87, 'e', 'V', 'x'}, {4, 0, 3}},
    {{'r', 'D', 'l', 'P', 't', 'S', '0', '6', 0x87, 'e', 'V', 'x'}, {4, 0, 10}},
    {{'r', 'D', 'l', 'P', 't', 'S', '0', '7', 0x87, 'e', 'V', 'x'}, {4, 1, 6}},
    {{'r', 'D', 'l', 'P', 't', 'S', 0xCD, 0xE6, 0xD7, '{', 0x0B, '*'}, {5, 1, 5}},
}};

uint32_t le32(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(b[at]) | (static_cast<uint32_t>(b[at + 1]) << 8) |
         (static_cast<uint32_t>(b[at + 2]) << 16) | (static_cast<uint32_t>(b[at + 3]) << 24);
}

uint32_t crc32_of(std::span<const uint8_t> b) {
  uLong c = crc32(0L, Z_NULL, 0);
  for (size_t off = 0; off < b.size(); off += kChunk) {
    const size_t n = std::min(kChunk, b.size() - off);
    c = crc32(c, b.data() + off, static_cast<uInt>(n));
  }
  return static_cast<uint32_t>(c);
}

// The offset table at `pos`: magic, [revision], fields, CRC32 of everything before it.
std::optional<InnoLoader> table_at(std::span<const uint8_t> b, size_t pos, std::string via) {
  if (pos > b.size() || b.size() - pos < 12) return std::nullopt;
  const LoaderMagic* found = nullptr;
  for (const auto& m : kLoaderMagics)
    if (std::memcmp(b.data() + pos, m.magic.data(), m.magic.size()) == 0) found = &m;
  if (found == nullptr) return std::nullopt;
  const Version v = found->version;
  size_t at = pos + 12;
  std::vector<uint32_t> fields;
  const auto field = [&]() -> std::optional<uint32_t> {
    if (b.size() - at < 4) return std::nullopt;
    const uint32_t x = le32(b, at);
    at += 4;
    return x;
  };
  if (v >= Version{5, 1, 5}) {
    const auto revision = field();
    if (!revision || *revision != 1) return std::nullopt;  // revision 2 (Inno 6.3+) is 64-bit
  }
  // total size, exe offset, [exe compressed size], exe size, exe checksum, [message offset]
  const int skipped = 4 + (v < Version{4, 1, 6} ? 1 : 0) + (v < Version{4, 0, 0} ? 1 : 0);
  uint32_t total_size = 0;
  for (int i = 0; i < skipped; ++i) {
    const auto f = field();
    if (!f) return std::nullopt;
    if (i == 0) total_size = *f;
  }
  const auto header = field();
  const auto data = field();
  if (!header || !data) return std::nullopt;
  if (v >= Version{4, 0, 10}) {
    const size_t covered = at - pos;
    const auto expected = field();
    if (!expected || crc32_of(b.subspan(pos, covered)) != *expected) return std::nullopt;
  }
  return InnoLoader{*header, *data, std::move(via), total_size};
}

std::optional<Version> data_version(std::span<const uint8_t> v, bool& unicode) {
  const std::string_view s(reinterpret_cast<const char*>(v.data()), v.size());
  constexpr std::string_view kPrefix = "Inno Setup Setup Data (";
  if (s.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  Version out{};
  size_t at = kPrefix.size();
  for (int i = 0; i < 3; ++i) {
    int n = 0;
    size_t digits = 0;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9' && digits < 4) n = n * 10 + (s[at++] - '0'), ++digits;
    if (digits == 0) return std::nullopt;
    out[i] = n;
    if (i < 2 && (at >= s.size() || s[at++] != '.')) return std::nullopt;
  }
  unicode = s.find("(u)") != std::string_view::npos || s.find("(U)") != std::string_view::npos;
  return out;
}

// Shannon entropy over the first 4 KiB, in bits per byte.
double entropy(std::span<const uint8_t> b) {
  const size_t n = std::min<size_t>(b.size(), 4096);
  if (n == 0) return 0;
  std::array<size_t, 256> count{};
  for (size_t i = 0; i < n; ++i) ++count[b[i]];
  double h = 0;
  for (const size_t c : count)
    if (c != 0) {
      const double p = static_cast<double>(c) / static_cast<double>(n);
      h -= p * std::log2(p);
    }
  return h;
}

// LZMA1 properties liblzma accepts (lc + lp <= 4; Inno writes 0x5D) and a sane dictionary.
bool lzma1_props_at(std::span<const uint8_t> b) {
  if (b.size() < 6 || b[0] >= 9 * 5 * 5) return false;
  const unsigned lc = b[0] % 9;
  const unsigned lp = (b[0] / 9) % 5;
  const uint32_t dict = le32(b, 1);
  return lc + lp <= 4 && dict >= 4096 && dict <= (1u << 30);
}

bool starts_with_container(std::span<const uint8_t> b) {
  static constexpr std::array<std::string_view, 6> kMagics = {"PK\x03\x04", "7z\xBC\xAF", "MSCF",
                                                              "MZ",         "Rar!",       "\x1F\x8B"};
  for (const auto m : kMagics)
    if (b.size() >= m.size() && std::memcmp(b.data(), m.data(), m.size()) == 0) return true;
  return false;
}

struct Reading {
  std::span<const uint8_t> bytes;
  MemberSink& sink;
  ReadResult& result;

  void damage(const std::string& why) {
    if (!result.corrupt) {
      result.corrupt = true;
      result.error = why;
    }
  }

  // One member whose bytes `fill` produces through the ChunkFn it is given.
  template <typename Fill>
  void member(const std::string& name, bool encrypted, Fill&& fill) {
    MemberHeader header;
    header.name = name;
    header.encrypted = encrypted;
    ++result.members;
    auto blob = sink.begin(header);
    if (blob) {
      fill([&](std::span<const uint8_t> b) { return sink.data(*blob, b); });
    } else if (!encrypted) {
      fill([](std::span<const uint8_t>) { return false; });
    }
    sink.end(header, std::move(blob));
  }

  // A setup-0 block at `pos`: returns the offset after it, nullopt when it is damaged.
  std::optional<size_t> block(size_t pos, const Version& v, const std::string& name) {
    if (v < Version{4, 0, 9}) {
      sink.unsupported("Inno Setup data version older than 4.0.9");
      return std::nullopt;
    }
    if (pos > bytes.size() || bytes.size() - pos < 9) {
      damage(name + ": block header cut short");
      return std::nullopt;
    }
    if (crc32_of(bytes.subspan(pos + 4, 5)) != le32(bytes, pos)) {
      damage(name + ": block header CRC32 mismatch");
      return std::nullopt;
    }
    const uint64_t stored = le32(bytes, pos + 4);
    const bool compressed = bytes[pos + 8] != 0;
    const size_t start = pos + 9;
    const size_t avail = static_cast<size_t>(std::min<uint64_t>(stored, bytes.size() - start));
    // Unwrap the CRC-framed 4096-byte pieces; the copy is bounded by the file's own size.
    std::vector<uint8_t> data;
    bool good = true;
    for (size_t at = start; at < start + avail;) {
      const size_t left = start + avail - at;
      if (left < 5) {
        damage(name + ": stray bytes at the end of a block");
        good = false;
        break;
      }
      const size_t n = std::min(kBlockPiece, left - 4);
      const auto piece = bytes.subspan(at + 4, n);
      if (crc32_of(piece) != le32(bytes, at)) {
        damage(name + ": block piece CRC32 mismatch at " + std::to_string(at));
        good = false;
        break;
      }
      data.insert(data.end(), piece.begin(), piece.end());
      at += 4 + n;
    }
    if (avail < stored) {
      damage(name + ": block runs past the end of the file");
      good = false;
    }
    std::string error;
    member(name, false, [&](const ChunkFn& out) {
      if (!compressed) {
        for (size_t off = 0; off < data.size(); off += kChunk)
          if (!out(std::span<const uint8_t>(data).subspan(off, std::min(kChunk, data.size() - off)))) return;
        return;
      }
      const auto r = v >= Version{4, 1, 6} ? decode_lzma_raw(data, false, out) : decode_zlib(data, out);
      if (!r.ok) error = r.error;
    });
    if (!error.empty() && good) damage(name + ": " + error);
    if (!good) return std::nullopt;
    return start + static_cast<size_t>(stored);
  }

  // setup-1: `zlb\x1a` chunks back to back, each ending where the next magic starts.
  void chunks(size_t pos) {
    const auto find_magic = [&](size_t from) {
      const auto it = std::search(bytes.begin() + static_cast<std::ptrdiff_t>(from), bytes.end(), kChunkMagic.begin(),
                                  kChunkMagic.end());
      return static_cast<size_t>(it - bytes.begin());
    };
    if (pos > bytes.size() || bytes.size() - pos < 4 ||
        std::memcmp(bytes.data() + pos, kChunkMagic.data(), kChunkMagic.size()) != 0) {
      damage("no chunk at the setup-1 offset " + std::to_string(pos));
      return;
    }
    for (size_t n = 0; pos < bytes.size() && n < kMaxChunks && !sink.stopped(); ++n) {
      const size_t next = find_magic(pos + 4);
      const auto body = bytes.subspan(pos + 4, next - pos - 4);
      chunk(body, n);
      pos = next;
    }
  }

  void chunk(std::span<const uint8_t> body, size_t n) {
    const std::string name = "$Inno/chunk-" + std::to_string(n);
    // Which decoder, strongest signature first: bzip2, zlib, LZMA2 (a dictionary byte up
    // to 40, then a chunk that resets the dictionary), LZMA1 (5 property bytes: lc/lp/pb,
    // dictionary); otherwise stored, or encrypted.
    DecodeResult (*decoder)(std::span<const uint8_t>, const ChunkFn&) = nullptr;
    if (body.size() >= 3 && body[0] == 'B' && body[1] == 'Z' && body[2] == 'h') {
      decoder = decode_bzip2;
    } else if (body.size() >= 2 && body[0] == 0x78 && ((body[0] << 8) | body[1]) % 31 == 0) {
      decoder = decode_zlib;
    } else if (body.size() >= 3 && body[0] <= 40 && (body[1] == 0xE0 || body[1] == 0x01)) {  // dict reset
      decoder = decode_lzma2_raw;
    } else if (lzma1_props_at(body)) {
      decoder = [](std::span<const uint8_t> in, const ChunkFn& out) { return decode_lzma_raw(in, false, out); };
    }
    if (decoder != nullptr) {
      std::string error;
      member(name, false, [&](const ChunkFn& out) {
        const auto r = decoder(body, out);
        if (!r.ok) error = r.error;
      });
      if (!error.empty()) damage(name + ": " + error);
      return;
    }
    // Stored chunks hold the files as they are; ciphertext is uniformly random. A stored
    // chunk of already-compressed files is random too, but starts with their magic.
    const bool encrypted = body.size() >= 1024 && entropy(body) > 7.9 && !starts_with_container(body);
    member(name, encrypted, [&](const ChunkFn& out) {
      for (size_t off = 0; off < body.size(); off += kChunk)
        if (!out(body.subspan(off, std::min(kChunk, body.size() - off)))) return;
    });
  }
};

}  // namespace

std::optional<InnoLoader> find_inno_loader(std::span<const uint8_t> bytes) {
  if (bytes.size() >= kLoaderPointerAt + 12 && le32(bytes, kLoaderPointerAt) == kLoaderPointerMagic) {
    const uint32_t at = le32(bytes, kLoaderPointerAt + 4);
    if (at == ~le32(bytes, kLoaderPointerAt + 8))
      if (auto t = table_at(bytes, at, "offset 0x30")) return t;
  }
  const auto pe = pe::PeImage::parse(bytes);
  if (!pe) return std::nullopt;
  const auto res = pe->resource(kRtRcdata, kLoaderResource);
  if (!res) return std::nullopt;
  return table_at(bytes.first(res->offset + res->size), res->offset, "resource 11111");
}

int InnoReader::bid(std::string_view type, std::span<const uint8_t> bytes) const {
  return type == "pe" && find_inno_loader(bytes) ? 85 : 0;
}

ReadResult InnoReader::read(std::span<const uint8_t> bytes, std::string_view /*type*/,
                            std::string_view /*container_name*/, MemberSink& sink) const {
  ReadResult result;
  const auto loader = find_inno_loader(bytes);
  if (!loader) {
    result.corrupt = true;
    result.error = "no Inno Setup loader table";
    return result;
  }
  Reading r{bytes, sink, result};
  // The compiler records the setup's full length; less on disk is a cut download, and
  // the chunks read from it end early without any stream noticing.
  if (loader->total_size > bytes.size())
    r.damage("the loader says the setup is " + std::to_string(loader->total_size) + " bytes, the file has " +
             std::to_string(bytes.size()) + ": truncated");
  const size_t at = loader->header_offset;
  if (at > bytes.size() || bytes.size() - at < kVersionSize) {
    r.damage("setup-0 lies past the end of the file (offset " + std::to_string(at) + ")");
    return result;
  }
  bool unicode = false;
  const auto version = data_version(bytes.subspan(at, kVersionSize), unicode);
  if (!version) {
    r.damage("setup-0 has no \"Inno Setup Setup Data\" version string");
    return result;
  }
  const auto second = r.block(at + kVersionSize, *version, "$Inno/setup-0");
  if (second) r.block(*second, *version, "$Inno/file-locations");
  if (loader->data_offset != 0 && !sink.stopped()) r.chunks(loader->data_offset);
  return result;
}

}  // namespace impostor::unpack
