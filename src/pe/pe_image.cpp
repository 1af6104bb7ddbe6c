#include "pe/pe_image.hpp"

#include "core/text_safety.hpp"

#include <algorithm>
#include <set>

namespace impostor::pe {

namespace {

constexpr unsigned kMaxDirectories = 16;  // the loader ignores entries past 16
constexpr size_t kSectionHeaderSize = 40;
constexpr unsigned kCertificateDirectory = 4;
constexpr unsigned kResourceDirectory = 2;
constexpr uint32_t kRtVersion = 16;
constexpr size_t kMaxResourceEntriesRead = 65536;  // over the whole walk, however the tree is shaped
constexpr size_t kMaxVersionStrings = 256;
constexpr size_t kMaxVersionTextUnits = 4096;  // UTF-16 units per key or value
constexpr size_t kMaxLongNameBytes = 256;

// Little-endian reads that fail instead of reading past the end; every offset in this
// file comes from the attacker, so nothing indexes `bytes` without going through these.
std::optional<uint16_t> u16(std::span<const uint8_t> b, size_t off) {
  if (off > b.size() || b.size() - off < 2) return std::nullopt;
  return static_cast<uint16_t>(b[off] | (b[off + 1] << 8));
}

std::optional<uint32_t> u32(std::span<const uint8_t> b, size_t off) {
  if (off > b.size() || b.size() - off < 4) return std::nullopt;
  return static_cast<uint32_t>(b[off]) | (static_cast<uint32_t>(b[off + 1]) << 8) |
         (static_cast<uint32_t>(b[off + 2]) << 16) | (static_cast<uint32_t>(b[off + 3]) << 24);
}

bool fits(std::span<const uint8_t> b, uint64_t off, uint64_t len) { return off <= b.size() && len <= b.size() - off; }

std::optional<PeImage> fail(std::string* error, std::string why) {
  if (error) *error = std::move(why);
  return std::nullopt;
}

// NUL-terminated UTF-16LE in [pos, end) to UTF-8 (unpaired surrogates become U+FFFD so
// the result is always valid UTF-8 for JSON). Returns the units consumed including the
// terminator, or the units up to `end` when there is none.
size_t read_utf16z(std::span<const uint8_t> b, size_t pos, size_t end, std::string& out) {
  size_t units = 0;
  while (units < kMaxVersionTextUnits) {
    const size_t at = pos + units * 2;
    if (at + 2 > end) break;
    const uint16_t c = *u16(b, at);
    ++units;
    if (c == 0) return units;
    if (c >= 0xD800 && c <= 0xDBFF && at + 4 <= end) {
      const uint16_t lo = *u16(b, at + 2);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        core::append_utf8(out, 0x10000 + ((uint32_t{c} - 0xD800) << 10) + (lo - 0xDC00));
        ++units;
        continue;
      }
    }
    core::append_utf8(out, c);  // a lone surrogate becomes U+FFFD there
  }
  return units;
}

size_t align4(size_t v) { return (v + 3) & ~size_t{3}; }

// One node of a VS_VERSIONINFO tree: wLength, wValueLength, wType, szKey, padding,
// Value, padding, Children. Positions are relative to the resource blob, where the
// format's 32-bit alignment is measured.
struct VersionNode {
  std::string key;
  size_t value_pos = 0;
  size_t value_units = 0;  // wValueLength as stored (words for text, bytes for binary)
  bool text = false;
  size_t children_pos = 0;
  size_t end = 0;  // wLength clamped to the parent: lengths are not believed past it
};

std::optional<VersionNode> version_node(std::span<const uint8_t> blob, size_t pos, size_t parent_end) {
  if (pos >= parent_end || parent_end - pos < 6) return std::nullopt;
  const uint16_t length = *u16(blob, pos);
  if (length < 6) return std::nullopt;
  VersionNode n;
  n.end = std::min(parent_end, pos + length);
  n.value_units = *u16(blob, pos + 2);
  n.text = *u16(blob, pos + 4) == 1;
  const size_t key_units = read_utf16z(blob, pos + 6, n.end, n.key);
  n.value_pos = std::min(n.end, align4(pos + 6 + key_units * 2));
  const size_t value_bytes = n.text ? n.value_units * 2 : n.value_units;
  n.children_pos = std::min(n.end, align4(n.value_pos + value_bytes));
  return n;
}

std::string long_section_name(std::span<const uint8_t> b, uint64_t string_table, std::string_view digits) {
  uint64_t offset = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9' || offset > 10'000'000) return {};
    offset = offset * 10 + static_cast<uint64_t>(c - '0');
  }
  std::string name;
  for (uint64_t at = string_table + offset; at < b.size() && b[at] != 0 && name.size() < kMaxLongNameBytes; ++at)
    name += static_cast<char>(b[at]);
  return name;
}

}  // namespace

std::optional<PeImage> PeImage::parse(std::span<const uint8_t> b, std::string* error) {
  if (b.size() < 64) return fail(error, "too small for a DOS header (" + std::to_string(b.size()) + " bytes)");
  if (b[0] != 'M' || b[1] != 'Z') return fail(error, "no MZ signature");
  const uint32_t lfanew = *u32(b, 0x3C);
  if (!fits(b, lfanew, 24))
    return fail(error, "e_lfanew " + std::to_string(lfanew) + " leaves no room for the PE header in " +
                           std::to_string(b.size()) + " bytes");
  if (b[lfanew] != 'P' || b[lfanew + 1] != 'E' || b[lfanew + 2] != 0 || b[lfanew + 3] != 0)
    return fail(error, "no PE signature at e_lfanew " + std::to_string(lfanew));

  PeImage pe;
  pe.bytes_ = b;
  const size_t coff = size_t{lfanew} + 4;
  pe.machine_ = *u16(b, coff);
  const uint16_t section_count = *u16(b, coff + 2);
  pe.time_date_stamp_ = *u32(b, coff + 4);
  const uint16_t optional_size = *u16(b, coff + 16);
  pe.characteristics_ = *u16(b, coff + 18);

  const size_t opt = coff + 20;
  const auto magic = u16(b, opt);
  if (!magic) return fail(error, "optional header truncated");
  if (*magic != 0x10B && *magic != 0x20B) return fail(error, "unknown optional header magic " + std::to_string(*magic));
  pe.pe32_plus_ = *magic == 0x20B;
  // The fixed part ends with NumberOfRvaAndSizes; the directories follow it.
  const size_t directories_at = pe.pe32_plus_ ? 112 : 96;
  if (optional_size < directories_at)
    return fail(error, "SizeOfOptionalHeader " + std::to_string(optional_size) + " is smaller than the fixed fields (" +
                           std::to_string(directories_at) + ")");
  if (!fits(b, opt, directories_at)) return fail(error, "optional header truncated");
  pe.entry_point_rva_ = *u32(b, opt + 16);
  pe.size_of_headers_ = *u32(b, opt + 60);
  pe.checksum_offset_ = opt + 64;
  pe.subsystem_ = *u16(b, opt + 68);
  pe.number_of_rva_and_sizes_ = *u32(b, opt + directories_at - 4);

  const size_t directory_room = (optional_size - directories_at) / 8;
  const size_t directory_count = std::min<size_t>({pe.number_of_rva_and_sizes_, kMaxDirectories, directory_room});
  if (!fits(b, opt + directories_at, directory_count * 8)) return fail(error, "data directories truncated");
  for (size_t i = 0; i < directory_count; ++i) {
    const size_t at = opt + directories_at + i * 8;
    pe.directories_.push_back({*u32(b, at), *u32(b, at + 4)});
  }
  if (directory_count > kCertificateDirectory)
    pe.security_directory_offset_ = opt + directories_at + size_t{kCertificateDirectory} * 8;

  const size_t table = opt + optional_size;
  if (!fits(b, table, uint64_t{section_count} * kSectionHeaderSize))
    return fail(error, "section table (" + std::to_string(section_count) + " sections at " + std::to_string(table) +
                           ") runs past the end of the file");
  const uint32_t symbol_table = *u32(b, coff + 8);
  const uint32_t symbol_count = *u32(b, coff + 12);
  const uint64_t string_table = uint64_t{symbol_table} + uint64_t{symbol_count} * 18;
  pe.sections_.reserve(section_count);
  uint64_t furthest = std::min<uint64_t>(pe.size_of_headers_, b.size());
  for (size_t i = 0; i < section_count; ++i) {
    const size_t at = table + i * kSectionHeaderSize;
    Section s;
    for (size_t k = 0; k < 8 && b[at + k] != 0; ++k) s.name += static_cast<char>(b[at + k]);
    s.virtual_size = *u32(b, at + 8);
    s.virtual_address = *u32(b, at + 12);
    s.raw_size = *u32(b, at + 16);
    s.raw_offset = *u32(b, at + 20);
    if (s.name.size() > 1 && s.name[0] == '/' && symbol_table != 0)
      s.long_name = long_section_name(b, string_table, s.name.substr(1));
    if (s.raw_size != 0) furthest = std::max<uint64_t>(furthest, uint64_t{s.raw_offset} + s.raw_size);
    pe.sections_.push_back(std::move(s));
  }
  pe.image_end_ = static_cast<size_t>(std::min<uint64_t>(furthest, b.size()));

  if (auto dir = pe.directory(kCertificateDirectory); dir && dir->rva != 0 && dir->size != 0) {
    if (fits(b, dir->rva, dir->size)) {
      pe.certificate_table_ = FileRange{dir->rva, dir->size};
    } else {
      pe.certificate_table_error_ = "certificate table [" + std::to_string(dir->rva) + ", +" +
                                    std::to_string(dir->size) + ") lies outside the file (" + std::to_string(b.size()) +
                                    " bytes)";
    }
  }

  // The overlay is what follows the image, except the certificate table: before the
  // table when something is there (the usual place for an installer's payload), else
  // whatever was appended after it.
  const size_t end = b.size();
  size_t start = pe.image_end_;
  size_t stop = end;
  if (pe.certificate_table_ && pe.certificate_table_->offset >= start) {
    const size_t cert_end = pe.certificate_table_->offset + pe.certificate_table_->size;
    if (pe.certificate_table_->offset > start) {
      stop = pe.certificate_table_->offset;
    } else {
      start = cert_end;
    }
  }
  if (stop > start) pe.overlay_ = {start, stop - start};
  return pe;
}

std::optional<DataDirectory> PeImage::directory(unsigned index) const {
  if (index >= directories_.size()) return std::nullopt;
  return directories_[index];
}

std::optional<size_t> PeImage::rva_to_offset(uint32_t rva) const {
  for (const auto& s : sections_) {
    const uint32_t span = s.virtual_size != 0 ? s.virtual_size : s.raw_size;
    if (rva < s.virtual_address || rva - s.virtual_address >= span) continue;
    const uint32_t delta = rva - s.virtual_address;
    if (delta >= s.raw_size) return std::nullopt;  // zero-filled by the loader, nothing on disk
    const uint64_t off = uint64_t{s.raw_offset} + delta;
    if (off >= bytes_.size()) return std::nullopt;
    return static_cast<size_t>(off);
  }
  if (rva < size_of_headers_ && rva < bytes_.size()) return rva;  // headers map at their file offsets
  return std::nullopt;
}

std::optional<FileRange> PeImage::section_data(const Section& s) const {
  if (s.raw_size == 0 || s.raw_offset >= bytes_.size()) return std::nullopt;
  return FileRange{s.raw_offset, std::min<size_t>(s.raw_size, bytes_.size() - s.raw_offset)};
}

const Section* PeImage::find_section(std::string_view name) const {
  for (const auto& s : sections_)
    if (s.name == name || s.long_name == name) return &s;
  return nullptr;
}

std::vector<PeImage::Resource> PeImage::resources(size_t max_leaves) const {
  std::vector<Resource> out;
  const auto dir = directory(kResourceDirectory);
  if (!dir || dir->rva == 0 || dir->size == 0) return out;
  const uint32_t root = dir->rva;
  size_t budget = kMaxResourceEntriesRead;
  std::set<uint32_t> visited;  // directory offsets already walked: a cycle is read once

  // Offsets inside the tree are relative to its root RVA; each is mapped on its own
  // because a hostile tree can point anywhere, including into another section.
  auto read32 = [&](uint32_t rel) -> std::optional<uint32_t> {
    if (rel > UINT32_MAX - root) return std::nullopt;
    const auto off = rva_to_offset(root + rel);
    if (!off) return std::nullopt;
    return u32(bytes_, *off);
  };

  struct Frame {
    uint32_t rel;
    unsigned level;
    uint32_t type, name;
  };
  std::vector<Frame> stack{{0, 0, 0, 0}};  // explicit: the depth is fixed, never recursive
  while (!stack.empty() && out.size() < max_leaves && budget > 0) {
    const Frame f = stack.back();
    stack.pop_back();
    if (!visited.insert(f.rel).second) continue;
    const auto counts = read32(f.rel + 12);  // NumberOfNamedEntries, NumberOfIdEntries
    if (!counts) continue;
    const size_t named = *counts & 0xFFFF;
    const size_t total = named + (*counts >> 16);
    std::vector<Frame> children;
    for (size_t i = 0; i < total && budget > 0 && out.size() < max_leaves; ++i, --budget) {
      const uint64_t entry = uint64_t{f.rel} + 16 + i * 8;
      if (entry + 8 > UINT32_MAX) break;
      const auto id = read32(static_cast<uint32_t>(entry));
      const auto target = read32(static_cast<uint32_t>(entry + 4));
      if (!id || !target) break;
      if (*id & 0x80000000U) continue;  // named entries: not addressed by id
      const bool subdirectory = (*target & 0x80000000U) != 0;
      const uint32_t rel = *target & 0x7FFFFFFFU;
      if (f.level < 2) {
        if (!subdirectory) continue;  // a leaf above the language level is malformed
        children.push_back({rel, f.level + 1, f.level == 0 ? *id : f.type, f.level == 1 ? *id : f.name});
        continue;
      }
      if (subdirectory) continue;  // deeper than three levels: not a resource
      const auto data_rva = read32(rel);
      const auto data_size = read32(rel + 4);
      if (!data_rva || !data_size) continue;
      const auto data_off = rva_to_offset(*data_rva);
      if (!data_off) continue;
      const size_t size = std::min<size_t>(*data_size, bytes_.size() - *data_off);
      out.push_back({f.type, f.name, *id, FileRange{*data_off, size}});
    }
    // Pushed in reverse so the walk visits entries in directory order.
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
  return out;
}

std::optional<FileRange> PeImage::resource(uint32_t type_id, uint32_t name_id) const {
  for (const auto& r : resources())
    if (r.type_id == type_id && r.name_id == name_id) return r.data;
  return std::nullopt;
}

std::map<std::string, std::string> PeImage::version_strings() const {
  std::map<std::string, std::string> out;
  std::optional<FileRange> where;
  for (const auto& r : resources())
    if (r.type_id == kRtVersion) {
      where = r.data;
      break;
    }
  if (!where) return out;
  const auto blob = bytes_.subspan(where->offset, where->size);
  const auto root = version_node(blob, 0, blob.size());
  if (!root || root->key != "VS_VERSION_INFO") return out;

  // Every step moves forward by at least the 6-byte node header, so a lying wLength can
  // shorten the walk but never loop it.
  for (size_t pos = root->children_pos; pos < root->end;) {
    const auto child = version_node(blob, pos, root->end);
    if (!child) break;
    if (child->key == "StringFileInfo") {
      const auto table = version_node(blob, child->children_pos, child->end);  // the first language block
      if (!table) break;
      for (size_t at = table->children_pos; at < table->end && out.size() < kMaxVersionStrings;) {
        const auto str = version_node(blob, at, table->end);
        if (!str) break;
        // wValueLength counts words for some compilers and bytes for others: the value
        // is read up to its terminator within the node instead.
        std::string value;
        if (str->value_units != 0) read_utf16z(blob, str->value_pos, str->end, value);
        if (!str->key.empty()) out.emplace(str->key, std::move(value));
        at = align4(str->end);
      }
      break;
    }
    pos = align4(child->end);
  }
  return out;
}

}  // namespace impostor::pe
