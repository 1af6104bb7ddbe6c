#include "sign/compound_file.hpp"

#include <algorithm>
#include <cstring>

namespace impostor::sign::detail {

namespace {

constexpr std::array<uint8_t, 8> kMagic = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
constexpr uint32_t kMaxRegular = 0xFFFFFFFA;  // above: DIFAT, FAT, end-of-chain, free markers
constexpr uint32_t kNoStream = 0xFFFFFFFF;
constexpr size_t kDirentSize = 128;
constexpr size_t kMaxEntries = size_t{1} << 18;
constexpr size_t kMaxNesting = 32;

uint16_t le16(std::span<const uint8_t> b, size_t at) { return static_cast<uint16_t>(b[at] | (b[at + 1] << 8)); }
uint32_t le32(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(b[at]) | (static_cast<uint32_t>(b[at + 1]) << 8) |
         (static_cast<uint32_t>(b[at + 2]) << 16) | (static_cast<uint32_t>(b[at + 3]) << 24);
}

template <size_t N>
std::array<uint8_t, N> copy_array(std::span<const uint8_t> b, size_t at) {
  std::array<uint8_t, N> out{};
  std::memcpy(out.data(), b.data() + at, N);
  return out;
}

}  // namespace

std::span<const uint8_t> CompoundFile::sector(uint32_t index) const {
  const uint64_t offset = (uint64_t{index} + 1) * sector_size_;
  if (index > kMaxRegular || offset + sector_size_ > bytes_.size()) return {};
  return bytes_.subspan(static_cast<size_t>(offset), sector_size_);
}

// Follows a chain through `table`; false when it leaves the table, runs past `limit`
// links or (for the tables' own chains, read once) visits a link twice. A stream's chain
// is bounded by its size instead: a loop there only re-reads bytes the budget counts.
bool CompoundFile::chain(uint32_t start, const std::vector<uint32_t>& table, size_t limit,
                         std::vector<uint32_t>& out) const {
  out.clear();
  const bool check_loops = limit >= table.size();
  std::vector<bool> seen(check_loops ? table.size() : 0, false);
  for (uint32_t s = start; s != 0xFFFFFFFE;) {
    if (s >= table.size() || out.size() >= limit || (check_loops && seen[s])) return false;
    if (check_loops) seen[s] = true;
    out.push_back(s);
    s = table[s];
  }
  return true;
}

std::optional<CompoundFile> CompoundFile::open(std::span<const uint8_t> bytes, std::string* error) {
  auto fail = [error](const std::string& why) -> std::optional<CompoundFile> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (bytes.size() < 512 || !std::equal(kMagic.begin(), kMagic.end(), bytes.begin()))
    return fail("not an OLE compound file");
  CompoundFile cf;
  cf.bytes_ = bytes;
  const uint16_t shift = le16(bytes, 0x1E);
  if (shift != 9 && shift != 12) return fail("unsupported sector size");
  cf.sector_size_ = size_t{1} << shift;
  if (le16(bytes, 0x20) != 6) return fail("unsupported mini-sector size");
  cf.mini_cutoff_ = le32(bytes, 0x38);
  const size_t sectors = bytes.size() / cf.sector_size_;  // an upper bound on any index that can be read
  const size_t per_sector = cf.sector_size_ / 4;

  // The FAT's own sectors: 109 in the header, the rest in the DIFAT chain.
  const uint32_t fat_sectors = le32(bytes, 0x2C);
  if (fat_sectors > sectors) return fail("the header declares more FAT sectors than the file has");
  std::vector<uint32_t> fat_list;
  for (size_t i = 0; i < 109 && fat_list.size() < fat_sectors; ++i) fat_list.push_back(le32(bytes, 0x4C + 4 * i));
  uint32_t difat = le32(bytes, 0x44);
  std::vector<bool> difat_seen(sectors + 1, false);
  while (fat_list.size() < fat_sectors) {
    const auto s = cf.sector(difat);
    if (s.empty() || difat >= difat_seen.size() || difat_seen[difat]) return fail("broken DIFAT chain");
    difat_seen[difat] = true;
    for (size_t i = 0; i + 1 < per_sector && fat_list.size() < fat_sectors; ++i) fat_list.push_back(le32(s, 4 * i));
    difat = le32(s, cf.sector_size_ - 4);
  }
  for (const uint32_t f : fat_list) {
    const auto s = cf.sector(f);
    if (s.empty()) return fail("a FAT sector lies outside the file");
    for (size_t i = 0; i < per_sector; ++i) cf.fat_.push_back(le32(s, 4 * i));
  }

  // Directory entries, then the mini FAT and the mini stream the root entry holds.
  std::vector<uint32_t> links;
  if (!cf.chain(le32(bytes, 0x30), cf.fat_, sectors, links)) return fail("broken directory chain");
  for (const uint32_t d : links) {
    const auto s = cf.sector(d);
    if (s.empty()) return fail("a directory sector lies outside the file");
    for (size_t at = 0; at + kDirentSize <= s.size() && cf.entries_.size() < kMaxEntries; at += kDirentSize) {
      const auto e = s.subspan(at, kDirentSize);
      CfbEntry entry;
      const uint16_t name_len = le16(e, 0x40);
      entry.type = e[0x42];
      if (name_len >= 2 && name_len <= 64 && name_len % 2 == 0) entry.raw_name.assign(e.begin(), e.begin() + name_len);
      entry.clsid = copy_array<16>(e, 0x50);
      entry.state_bits = copy_array<4>(e, 0x60);
      entry.created = copy_array<8>(e, 0x64);
      entry.modified = copy_array<8>(e, 0x6C);
      entry.start = le32(e, 0x74);
      entry.size = le32(e, 0x78);  // version 3 files keep garbage in the high half
      if (cf.sector_size_ == 4096) entry.size |= uint64_t{le32(e, 0x7C)} << 32;
      // Tree links are kept in the children vector temporarily: left, right, child.
      entry.children = {le32(e, 0x44), le32(e, 0x48), le32(e, 0x4C)};
      cf.entries_.push_back(std::move(entry));
    }
  }
  if (cf.entries_.empty() || cf.entries_[0].type != kRoot) return fail("no root entry");
  if (!cf.chain(le32(bytes, 0x3C), cf.fat_, sectors, links) && le32(bytes, 0x3C) != 0xFFFFFFFE)
    return fail("broken mini-FAT chain");
  for (const uint32_t m : links) {
    const auto s = cf.sector(m);
    if (s.empty()) return fail("a mini-FAT sector lies outside the file");
    for (size_t i = 0; i < per_sector; ++i) cf.mini_fat_.push_back(le32(s, 4 * i));
  }
  const CfbEntry& root = cf.entries_[0];
  if (root.size > 0) {
    if (!cf.chain(root.start, cf.fat_, sectors, links)) return fail("broken mini-stream chain");
    for (const uint32_t m : links) {
      const auto s = cf.sector(m);
      if (s.empty()) return fail("a mini-stream sector lies outside the file");
      cf.mini_stream_.insert(cf.mini_stream_.end(), s.begin(), s.end());
    }
  }

  // The red-black sibling trees become child lists: each entry visited once, storages
  // nested at most kMaxNesting deep.
  std::vector<std::array<uint32_t, 3>> tree(cf.entries_.size());
  for (size_t i = 0; i < cf.entries_.size(); ++i) {
    const auto& c = cf.entries_[i].children;
    tree[i] = {c[0], c[1], c[2]};
    cf.entries_[i].children.clear();
  }
  std::vector<bool> seen(cf.entries_.size(), false);
  seen[0] = true;
  struct Storage {
    uint32_t index;
    size_t depth;
  };
  std::vector<Storage> storages = {{0, 0}};
  while (!storages.empty()) {
    const Storage parent = storages.back();
    storages.pop_back();
    std::vector<uint32_t> pending = {tree[parent.index][2]};
    while (!pending.empty()) {
      const uint32_t i = pending.back();
      pending.pop_back();
      if (i == kNoStream) continue;
      if (i >= cf.entries_.size() || seen[i]) return fail("the directory tree links outside itself or loops");
      seen[i] = true;
      auto& child = cf.entries_[i];
      if (child.raw_name.empty() || (child.type != kStorage && child.type != kStream))
        return fail("a directory entry has no name or an unknown type");
      cf.entries_[parent.index].children.push_back(i);
      pending.push_back(tree[i][0]);
      pending.push_back(tree[i][1]);
      if (child.type == kStorage) {
        if (parent.depth + 1 > kMaxNesting) return fail("storages nested too deep");
        storages.push_back({i, parent.depth + 1});
      }
    }
  }
  // Reads may return each byte of the file a few times over (a signature digest with two
  // algorithms, say), never more: streams that share sectors cannot multiply the work.
  cf.budget_ = 8 * uint64_t{bytes.size()} + (1u << 20);
  return cf;
}

bool CompoundFile::read(const CfbEntry& stream, const std::function<void(std::span<const uint8_t>)>& sink,
                        std::string* error) const {
  auto fail = [error](const char* why) {
    if (error) *error = why;
    return false;
  };
  if (stream.size == 0) return true;
  if (stream.size > budget_) return fail("the streams declare more bytes than the file could hold");
  budget_ -= stream.size;
  uint64_t left = stream.size;
  std::vector<uint32_t> links;
  if (stream.size < mini_cutoff_) {
    const size_t need = static_cast<size_t>((stream.size + mini_sector_size_ - 1) / mini_sector_size_);
    if (!chain(stream.start, mini_fat_, need, links) && links.size() < need) return fail("broken mini-stream chain");
    for (const uint32_t m : links) {
      const uint64_t at = uint64_t{m} * mini_sector_size_;
      if (left == 0) break;
      if (at + mini_sector_size_ > mini_stream_.size()) return fail("a mini sector lies outside the mini stream");
      const size_t n = static_cast<size_t>(std::min<uint64_t>(left, mini_sector_size_));
      sink(std::span(mini_stream_).subspan(static_cast<size_t>(at), n));
      left -= n;
    }
  } else {
    const size_t need = static_cast<size_t>((stream.size + sector_size_ - 1) / sector_size_);
    if (!chain(stream.start, fat_, need, links) && links.size() < need) return fail("broken sector chain");
    for (const uint32_t s : links) {
      if (left == 0) break;
      const auto bytes = sector(s);
      if (bytes.empty()) return fail("a stream sector lies outside the file");
      const size_t n = static_cast<size_t>(std::min<uint64_t>(left, sector_size_));
      sink(bytes.first(n));
      left -= n;
    }
  }
  return left == 0 || fail("a stream's chain is shorter than its size");
}

}  // namespace impostor::sign::detail
