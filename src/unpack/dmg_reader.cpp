#include "unpack/dmg_reader.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "unpack/adc_decoder.hpp"
#include "unpack/stream_decoders.hpp"
#include "unpack/udif_plist.hpp"

namespace impostor::unpack {

namespace {

constexpr size_t kKolySize = 512;
constexpr uint64_t kSector = 512;
// A run's sector count times 512 must stay far from 2^64; real images are below 2^40.
constexpr uint64_t kMaxSectors = uint64_t{1} << 48;
constexpr size_t kMishHeader = 204;  // through the run count
constexpr size_t kRunSize = 40;
constexpr size_t kChunk = size_t{64} * 1024;

// Run types of a mish table.
constexpr uint32_t kZeroFill = 0x00000000;
constexpr uint32_t kRaw = 0x00000001;
constexpr uint32_t kIgnore = 0x00000002;
constexpr uint32_t kAdc = 0x80000004;
constexpr uint32_t kZlib = 0x80000005;
constexpr uint32_t kBzip2 = 0x80000006;
constexpr uint32_t kLzfse = 0x80000007;
constexpr uint32_t kLzma = 0x80000008;
constexpr uint32_t kComment = 0x7FFFFFFE;
constexpr uint32_t kTerminator = 0xFFFFFFFF;

uint32_t be32(std::span<const uint8_t> b, size_t at) {
  return (static_cast<uint32_t>(b[at]) << 24) | (static_cast<uint32_t>(b[at + 1]) << 16) |
         (static_cast<uint32_t>(b[at + 2]) << 8) | static_cast<uint32_t>(b[at + 3]);
}
uint64_t be64(std::span<const uint8_t> b, size_t at) { return (uint64_t{be32(b, at)} << 32) | be32(b, at + 4); }

struct Run {
  uint32_t type = 0;
  uint64_t sectors = 0;
  uint64_t offset = 0;  // from the start of the data fork
  uint64_t length = 0;
};

std::string hex32(uint32_t v) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s += kDigits[(v >> shift) & 0xF];
  return s;
}

// The member one partition becomes: its runs append to it in table order.
class PartitionWriter {
 public:
  PartitionWriter(MemberSink& sink, MemberHeader header) : sink_(sink), header_(std::move(header)) {
    blob_ = sink_.begin(header_);
    open_ = blob_ != nullptr;  // not wanted (a limit): no run is decoded, no zeros counted
  }
  PartitionWriter(const PartitionWriter&) = delete;
  PartitionWriter& operator=(const PartitionWriter&) = delete;
  ~PartitionWriter() { sink_.end(header_, std::move(blob_)); }

  // False once the sink wants no more (a limit): the rest of the partition is skipped.
  bool emit(std::span<const uint8_t> bytes) {
    if (open_) open_ = sink_.data(*blob_, bytes);
    return open_ && !sink_.stopped();
  }
  bool zeros(uint64_t n) {
    static const std::array<uint8_t, kChunk> kZeros{};
    while (n > 0) {
      const size_t part = static_cast<size_t>(std::min<uint64_t>(n, kChunk));
      if (!emit({kZeros.data(), part})) return false;
      n -= part;
    }
    return true;
  }

 private:
  MemberSink& sink_;
  MemberHeader header_;
  std::shared_ptr<Blob> blob_;
  bool open_ = true;
};

struct Reading {
  std::span<const uint8_t> fork;  // the data fork as far as the file holds it
  MemberSink& sink;
  ReadResult& result;

  void damage(const std::string& why) {
    if (!result.corrupt) {
      result.corrupt = true;
      result.error = why;
    }
  }

  // One run into the partition; false: stop this partition (damage or a limit).
  bool run(const Run& r, size_t index, PartitionWriter& w, const std::string& partition) {
    const std::string where = partition + " run " + std::to_string(index);
    if (r.type == kComment || r.type == kTerminator) return true;
    if (r.sectors > kMaxSectors) {
      damage(where + " declares " + std::to_string(r.sectors) + " sectors");
      return false;
    }
    const uint64_t expected = r.sectors * kSector;
    if (r.type == kZeroFill || r.type == kIgnore) return w.zeros(expected);
    if (r.offset > fork.size() || r.length > fork.size() - r.offset) {
      damage(where + " points past the end of the data fork (offset " + std::to_string(r.offset) + ", length " +
             std::to_string(r.length) + ", fork holds " + std::to_string(fork.size()) + ")");
      return false;
    }
    const auto in = fork.subspan(static_cast<size_t>(r.offset), static_cast<size_t>(r.length));
    if (r.type == kLzfse) {
      sink.unsupported("DMG LZFSE run (" + hex32(r.type) + ")");
      return w.zeros(expected);  // keep later runs at their offsets in the image
    }
    // A run may not write past its own sectors: that bounds every decoder by the table.
    uint64_t written = 0;
    bool overrun = false;
    bool go = true;
    const ChunkFn out = [&](std::span<const uint8_t> bytes) {
      if (bytes.size() > expected - written) {
        overrun = true;
        bytes = bytes.first(static_cast<size_t>(expected - written));
      }
      written += bytes.size();
      if (!bytes.empty()) go = w.emit(bytes);
      return go && !overrun;
    };
    DecodeResult d;
    switch (r.type) {
      case kRaw:
        for (size_t off = 0; off < in.size() && !d.stopped; off += kChunk)
          d.stopped = !out(in.subspan(off, std::min(kChunk, in.size() - off)));
        break;
      case kZlib: d = decode_zlib(in, out); break;
      case kBzip2: d = decode_bzip2(in, out); break;
      case kAdc: d = decode_adc(in, out); break;
      case kLzma:
        d = decode_xz(in, out);
        if (!d.ok && d.produced == 0) {
          sink.unsupported("DMG LZMA run in an unknown container (" + d.error + ")");
          return w.zeros(expected);
        }
        break;
      default: damage(where + " has the unknown type " + hex32(r.type)); return false;
    }
    if (overrun) {
      damage(where + " decompresses to more than its " + std::to_string(r.sectors) + " sectors");
      return false;
    }
    if (!d.ok) {
      damage(where + ": " + d.error);
      return false;
    }
    if (!go) return false;
    if (written != expected) damage(where + " holds fewer bytes than its " + std::to_string(r.sectors) + " sectors");
    return true;
  }

  void partition(const BlkxEntry& entry, size_t index) {
    const std::string label = entry.name.empty() ? "partition-" + std::to_string(index) : entry.name;
    const auto t = std::span<const uint8_t>(entry.table);
    if (t.size() < kMishHeader || std::memcmp(t.data(), "mish", 4) != 0) {
      damage("partition " + std::to_string(index) + " has no mish block table");
      return;
    }
    const uint64_t declared_runs = be32(t, 200);
    const uint64_t runs = std::min<uint64_t>(declared_runs, (t.size() - kMishHeader) / kRunSize);
    if (runs < declared_runs) damage("partition " + std::to_string(index) + "'s block table is cut short");
    MemberHeader header;
    header.name = label;
    const uint64_t sectors = be64(t, 16);
    if (sectors <= kMaxSectors) header.declared_size = sectors * kSector;
    ++result.members;
    PartitionWriter w(sink, std::move(header));
    for (uint64_t i = 0; i < runs && !sink.stopped(); ++i) {
      const auto rt = t.subspan(kMishHeader + static_cast<size_t>(i) * kRunSize, kRunSize);
      const Run r{be32(rt, 0), be64(rt, 16), be64(rt, 24), be64(rt, 32)};
      if (r.type == kTerminator) break;
      if (!run(r, static_cast<size_t>(i), w, "partition " + std::to_string(index))) break;
    }
  }
};

}  // namespace

std::optional<KolyTrailer> read_koly(std::span<const uint8_t> bytes) {
  if (bytes.size() < kKolySize) return std::nullopt;
  const auto k = bytes.subspan(bytes.size() - kKolySize);
  if (std::memcmp(k.data(), "koly", 4) != 0) return std::nullopt;
  KolyTrailer t;
  t.data_fork_offset = be64(k, 24);
  t.data_fork_length = be64(k, 32);
  t.xml_offset = be64(k, 216);
  t.xml_length = be64(k, 224);
  t.sector_count = be64(k, 492);
  return t;
}

int DmgReader::bid(std::string_view type, std::span<const uint8_t> bytes) const {
  return type == "dmg" && read_koly(bytes) ? 80 : 0;
}

ReadResult DmgReader::read(std::span<const uint8_t> bytes, std::string_view /*type*/,
                           std::string_view /*container_name*/, MemberSink& sink) const {
  ReadResult result;
  const auto koly = read_koly(bytes);
  if (!koly) {
    result.corrupt = true;
    result.error = "no koly trailer";
    return result;
  }
  const uint64_t body = bytes.size() - kKolySize;  // everything before the trailer
  Reading reading{{}, sink, result};
  if (koly->xml_length == 0) {
    // Pre-10.2 images keep their tables in a resource fork instead; none are made today.
    sink.unsupported("DMG without an XML property list (resource-fork block tables)");
    return result;
  }
  if (koly->xml_offset > body || koly->xml_length > body - koly->xml_offset) {
    reading.damage("the property list lies past the end of the file (offset " + std::to_string(koly->xml_offset) +
                   ", length " + std::to_string(koly->xml_length) + ")");
    return result;
  }
  if (koly->data_fork_offset > body) {
    reading.damage("the data fork starts past the end of the file");
    return result;
  }
  uint64_t fork_length = koly->data_fork_length;
  if (fork_length > body - koly->data_fork_offset) {
    reading.damage("the data fork runs past the end of the file");
    fork_length = body - koly->data_fork_offset;
  }
  reading.fork = bytes.subspan(static_cast<size_t>(koly->data_fork_offset), static_cast<size_t>(fork_length));
  const auto xml = bytes.subspan(static_cast<size_t>(koly->xml_offset), static_cast<size_t>(koly->xml_length));
  const BlkxList list = parse_blkx_plist({reinterpret_cast<const char*>(xml.data()), xml.size()});
  for (size_t i = 0; i < list.entries.size() && !sink.stopped(); ++i) reading.partition(list.entries[i], i);
  if (!list.error.empty()) reading.damage("property list: " + list.error);
  return result;
}

}  // namespace impostor::unpack
