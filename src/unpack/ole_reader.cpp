#include "unpack/ole_reader.hpp"

#include "core/text_safety.hpp"

#include <gsf/gsf.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace impostor::unpack {

namespace {

constexpr std::array<uint8_t, 8> kOleMagic = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
constexpr uint32_t kEndOfChain = 0xFFFFFFFE;
constexpr uint32_t kFirstSpecial = 0xFFFFFFFC;  // DIFAT, FAT, end-of-chain, free
constexpr uint32_t kNoEntry = 0xFFFFFFFF;
constexpr size_t kHeaderSize = 512;
constexpr size_t kDirentSize = 128;
constexpr uint32_t kMiniCutoff = 4096;
constexpr size_t kMaxDirents = size_t{1} << 20;
// libgsf builds the directory by recursion over sibling and child links; writers such as
// wixl chain every stream as a right sibling, so depth grows with the stream count.
constexpr size_t kMaxTreeDepth = 8192;
constexpr size_t kMaxStorageNesting = 32;
constexpr size_t kMaxTableBytes = size_t{16} << 20;

uint16_t le16(std::span<const uint8_t> b, size_t at) { return static_cast<uint16_t>(b[at] | (b[at + 1] << 8)); }
uint32_t le32(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(b[at]) | (static_cast<uint32_t>(b[at + 1]) << 8) |
         (static_cast<uint32_t>(b[at + 2]) << 16) | (static_cast<uint32_t>(b[at + 3]) << 24);
}

// A directory entry name the way libgsf spells it (UTF-16LE to UTF-8; "" when the
// UTF-16 is ill-formed), so our verdict on an entry can be matched to libgsf's child.
std::string dirent_name(std::span<const uint8_t> entry) {
  const uint16_t len = le16(entry, 0x40);
  if (len == 0 || len > 64) return {};
  // libgsf's quirk for names some writers store as ASCII: a NUL-terminated UTF-8 string
  // whose length (with the NUL) equals the declared length is taken as is.
  const auto nul = std::find(entry.begin(), entry.begin() + 64, uint8_t{0});
  const auto ascii_len = static_cast<size_t>(nul - entry.begin());
  if (nul != entry.begin() + 64 && ascii_len + 1 == len) {
    bool plain = true;
    for (size_t i = 0; i < ascii_len; ++i) plain = plain && entry[i] < 0x80;
    if (plain) return std::string(reinterpret_cast<const char*>(entry.data()), ascii_len);
  }
  std::string out;
  for (size_t i = 0; i + 1 < len; i += 2) {
    uint32_t u = le16(entry, i);
    if (u == 0) break;
    if (u >= 0xD800 && u < 0xDC00) {
      if (i + 3 >= len) return {};
      const uint32_t lo = le16(entry, i + 2);
      if (lo < 0xDC00 || lo >= 0xE000) return {};
      u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
      i += 2;
    } else if (u >= 0xDC00 && u < 0xE000) {
      return {};
    }
    core::append_utf8(out, u);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The structural check. It reads the same header fields, allocation tables and directory
// libgsf will, with every index checked, every chain walked once with a visited set, and
// a budget on the total work.

struct Entry {
  std::string name;
  uint8_t type = 0;  // 1 storage, 2 stream, 5 root
  uint32_t start = 0;
  uint32_t size = 0;
  std::string damage;  // why libgsf must not open this stream; empty when it may
  std::vector<uint32_t> children;
};

struct Layout {
  std::string fatal;  // the container cannot be handed to libgsf at all
  std::vector<std::string> damage;
  std::map<uint32_t, Entry> entries;  // the ones reachable from the root
};

class Checker {
 public:
  explicit Checker(std::span<const uint8_t> b) : b_(b) {}

  Layout run() {
    Layout out;
    if (!header(out.fatal) || !fat(out.fatal) || !directory(out)) return out;
    streams(out);
    return out;
  }

 private:
  bool header(std::string& error) {
    if (b_.size() < kHeaderSize || !std::equal(kOleMagic.begin(), kOleMagic.end(), b_.begin())) {
      error = "not an OLE compound file (header shorter than 512 bytes or no signature)";
      return false;
    }
    bb_shift_ = le16(b_, 0x1E);
    sb_shift_ = le16(b_, 0x20);
    if (bb_shift_ < 7 || bb_shift_ > 16 || sb_shift_ < 2 || sb_shift_ > bb_shift_) {
      error = "unreasonable sector sizes in the header";
      return false;
    }
    // libgsf sizes each small stream's buffer from this field.
    if (le32(b_, 0x38) != kMiniCutoff) {
      error = "mini-stream cutoff is not 4096";
      return false;
    }
    bb_ = size_t{1} << bb_shift_;
    sb_ = size_t{1} << sb_shift_;
    first_block_at_ = std::max(kHeaderSize, bb_);
    max_block_ = b_.size() > first_block_at_ ? (b_.size() - first_block_at_) / bb_ : 0;
    return true;
  }

  std::span<const uint8_t> block(uint32_t n) const { return b_.subspan(first_block_at_ + size_t{n} * bb_, bb_); }

  bool fat(std::string& error) {
    const uint32_t num_fat = le32(b_, 0x2C);
    const uint32_t per_block = static_cast<uint32_t>(bb_ / 4);
    // A FAT that covers far more blocks than the file holds is a lie (a truncated file
    // still opens); libgsf would size a stack buffer from it.
    if (num_fat == 0 || num_fat > max_block_ || uint64_t{num_fat} * per_block > uint64_t{max_block_} * 8 + per_block) {
      error = "FAT size in the header does not fit the file (" + std::to_string(num_fat) + " FAT sectors, " +
              std::to_string(max_block_) + " sectors in the file)";
      return false;
    }
    std::vector<uint32_t> fat_blocks;
    for (uint32_t i = 0; i < std::min<uint32_t>(num_fat, 109); ++i) fat_blocks.push_back(le32(b_, 0x4C + 4 * i));
    uint32_t difat = le32(b_, 0x44);
    uint32_t num_difat = le32(b_, 0x48);
    std::vector<bool> seen(max_block_, false);
    while (fat_blocks.size() < num_fat) {
      if (num_difat-- == 0 || difat >= max_block_ || seen[difat]) {
        error = "DIFAT chain is broken, loops or ends before the FAT sectors it should list";
        return false;
      }
      seen[difat] = true;
      const auto d = block(difat);
      for (uint32_t i = 0; i + 1 < per_block && fat_blocks.size() < num_fat; ++i)
        fat_blocks.push_back(le32(d, size_t{4} * i));
      difat = le32(d, bb_ - 4);
    }
    fat_.reserve(size_t{num_fat} * per_block);
    for (const uint32_t fb : fat_blocks) {
      if (fb >= max_block_) {
        error = "a FAT sector lies outside the file";
        return false;
      }
      const auto d = block(fb);
      for (uint32_t i = 0; i < per_block; ++i) fat_.push_back(le32(d, size_t{4} * i));
    }
    // libgsf refuses a FAT entry that is neither a block nor a marker; say so first.
    for (const uint32_t v : fat_)
      if (v >= fat_.size() && v < kFirstSpecial) {
        error = "a FAT entry points past the FAT";
        return false;
      }
    budget_ = fat_.size() + 1024;
    return true;
  }

  // Blocks of the chain starting at `start` in `table`, or why it is bad. Each chain is
  // walked with a visited set; the shared budget stops many entries sharing one long
  // chain from costing entries x length.
  std::optional<std::vector<uint32_t>> chain(const std::vector<uint32_t>& table, uint32_t start, size_t max_len,
                                             std::string& why) {
    std::vector<uint32_t> out;
    std::vector<bool> seen(table.size(), false);
    uint32_t n = start;
    while (n < table.size()) {
      if (seen[n]) {
        why = "its sector chain loops (a FAT cycle)";
        return std::nullopt;
      }
      if (out.size() >= max_len || budget_ == 0) {
        why = "its sector chain is longer than the file allows";
        return std::nullopt;
      }
      --budget_;
      seen[n] = true;
      out.push_back(n);
      n = table[n];
    }
    if (n != kEndOfChain) {
      why = "its sector chain does not end with an end-of-chain marker";
      return std::nullopt;
    }
    return out;
  }

  bool directory(Layout& out) {
    std::string why;
    const auto dir = chain(fat_, le32(b_, 0x30), max_block_, why);
    if (!dir) {
      out.fatal = "directory: " + why;
      return false;
    }
    const size_t per_block = bb_ / kDirentSize;
    const size_t count = std::min(dir->size() * per_block, kMaxDirents);
    // Iterative walk of the red-black tree exactly as libgsf recurses over it (left,
    // right, then child for storages); an entry reached twice is a cycle.
    struct Visit {
      uint32_t id;
      uint32_t parent;
      size_t depth;
    };
    std::vector<Visit> stack{{0, kNoEntry, 1}};
    std::vector<bool> seen(count, false);
    while (!stack.empty()) {
      const Visit v = stack.back();
      stack.pop_back();
      if (v.id == kNoEntry || v.id >= count) continue;  // libgsf stops there too
      if (v.depth > kMaxTreeDepth) {
        out.fatal = "directory tree is deeper than " + std::to_string(kMaxTreeDepth) + " entries";
        return false;
      }
      const uint32_t blk = (*dir)[v.id / per_block];
      if (blk >= max_block_) {
        if (v.id == 0) {
          out.fatal = "the root directory entry lies outside the file";
          return false;
        }
        out.damage.push_back("directory entry " + std::to_string(v.id) + " lies outside the file");
        continue;
      }
      if (seen[v.id]) {
        out.fatal = "directory tree has a cycle (entry " + std::to_string(v.id) + " is reached twice)";
        return false;
      }
      seen[v.id] = true;
      const auto raw = block(blk).subspan((v.id % per_block) * kDirentSize, kDirentSize);
      Entry e;
      e.type = raw[0x42];
      if (e.type != 1 && e.type != 2 && e.type != 5) {
        if (v.id == 0) {
          out.fatal = "the first directory entry is not a root or storage";
          return false;
        }
        continue;  // libgsf drops it with its siblings
      }
      e.name = dirent_name(raw);
      e.start = le32(raw, 0x74);
      e.size = le32(raw, 0x78);
      const uint32_t left = le32(raw, 0x44);
      const uint32_t right = le32(raw, 0x48);
      const uint32_t child = le32(raw, 0x4C);
      if (e.type == 2 && e.size > b_.size()) continue;  // libgsf drops it with its siblings
      if (v.parent != kNoEntry) out.entries[v.parent].children.push_back(v.id);
      out.entries[v.id] = std::move(e);
      if (left != v.id) stack.push_back({left, v.parent, v.depth + 1});
      if (right != v.id) stack.push_back({right, v.parent, v.depth + 1});
      if (out.entries[v.id].type != 2) stack.push_back({child, v.id, v.depth + 1});
    }
    return true;
  }

  void streams(Layout& out) {
    bool mini_ready = false;
    std::string mini_damage;
    size_t mini_blocks = 0;
    for (auto& [id, e] : out.entries) {
      if (e.type != 2) continue;
      const bool small = e.size < kMiniCutoff;
      std::string why;
      if (small) {
        if (!mini_ready) {
          mini_ready = true;
          mini_blocks = mini_setup(out.entries[0], mini_damage);
        }
        if (!mini_damage.empty()) {
          e.damage = mini_damage;
          continue;
        }
        const auto c = chain(minifat_, e.start, kMiniCutoff >> sb_shift_, why);
        if (!c) {
          e.damage = why;
        } else if (c->size() * sb_ < e.size) {
          e.damage = "its sector chain is shorter than its size";
        } else if (std::any_of(c->begin(), c->end(), [&](uint32_t n) { return n >= mini_blocks; })) {
          e.damage = "its mini-stream sectors lie outside the file";
        }
      } else {
        const auto c = chain(fat_, e.start, max_block_, why);
        if (!c) {
          e.damage = why;
        } else if (c->size() * bb_ < e.size) {
          e.damage = "its sector chain is shorter than its size";
        } else if (std::any_of(c->begin(), c->end(), [&](uint32_t n) { return n >= max_block_; })) {
          e.damage = "its sectors lie outside the file (truncated)";
        }
      }
    }
  }

  // Builds the mini-FAT; returns how many mini sectors the root's mini stream holds.
  size_t mini_setup(const Entry& root, std::string& damage) {
    std::string why;
    const auto mf = chain(fat_, le32(b_, 0x3C), max_block_, why);
    if (!mf) {
      damage = "the mini-FAT: " + why;
      return 0;
    }
    for (const uint32_t n : *mf) {
      if (n >= max_block_) {
        damage = "the mini-FAT lies outside the file";
        return 0;
      }
      const auto d = block(n);
      for (size_t i = 0; i < bb_ / 4; ++i) minifat_.push_back(le32(d, 4 * i));
    }
    budget_ += minifat_.size();
    for (const uint32_t v : minifat_)
      if (v >= minifat_.size() && v < kFirstSpecial) {
        damage = "a mini-FAT entry points past the mini-FAT";
        return 0;
      }
    const auto ms = chain(fat_, root.start, max_block_, why);
    if (!ms) {
      damage = "the mini stream: " + why;
      return 0;
    }
    size_t usable = 0;
    while (usable < ms->size() && (*ms)[usable] < max_block_) ++usable;
    return usable * (bb_ / sb_);
  }

  std::span<const uint8_t> b_;
  unsigned bb_shift_ = 0;
  unsigned sb_shift_ = 0;
  size_t bb_ = 0;
  size_t sb_ = 0;
  size_t first_block_at_ = 0;
  size_t max_block_ = 0;
  std::vector<uint32_t> fat_;
  std::vector<uint32_t> minifat_;
  size_t budget_ = 0;
};

// ---------------------------------------------------------------------------------------
// libgsf

struct GObjectUnref {
  void operator()(void* p) const {
    if (p != nullptr) g_object_unref(p);
  }
};
using InputPtr = std::unique_ptr<GsfInput, GObjectUnref>;
using InfilePtr = std::unique_ptr<GsfInfile, GObjectUnref>;

void quiet_log(const gchar* /*domain*/, GLogLevelFlags /*level*/, const gchar* /*message*/, gpointer /*data*/) {}

void init_gsf() {
  static std::once_flag once;
  std::call_once(once, [] {
    gsf_init();
    // libgsf reports damaged files through g_warning/g_critical on stderr; here damage
    // is a finding, and stderr is for impostor's own log.
    g_log_set_handler("libgsf:msole", static_cast<GLogLevelFlags>(G_LOG_LEVEL_MASK), quiet_log, nullptr);
    g_log_set_handler("libgsf", static_cast<GLogLevelFlags>(G_LOG_LEVEL_MASK), quiet_log, nullptr);
  });
}

// ---------------------------------------------------------------------------------------
// MSI tables: the string pool and the Property table, parsed by hand because libmsi opens
// only paths and the package is a member in memory here.

struct StringPool {
  std::vector<std::string> strings;  // index 0 is the null string
  unsigned ref_bytes = 2;
};

std::string latin1_or_utf8(std::string_view s) {
  // Packages in code page 1252 store Latin-1 bytes; show them as their characters.
  bool ascii = std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return std::string(s);
  std::string out;
  for (const char c : s) core::append_utf8(out, static_cast<unsigned char>(c));
  return out;
}

std::optional<StringPool> load_string_pool(std::span<const uint8_t> pool, std::span<const uint8_t> data,
                                           uint32_t& codepage) {
  if (pool.size() < 4) return std::nullopt;
  StringPool sp;
  const uint16_t hi = le16(pool, 2);
  codepage = le16(pool, 0) | (static_cast<uint32_t>(hi & 0x7FFF) << 16);
  sp.ref_bytes = (hi & 0x8000) != 0 ? 3 : 2;
  sp.strings.emplace_back();
  const size_t count = pool.size() / 4;
  size_t offset = 0;
  for (size_t i = 1; i < count; ++i) {
    uint32_t len = le16(pool, i * 4);
    const uint16_t refs = le16(pool, i * 4 + 2);
    if (len == 0 && refs == 0) {
      sp.strings.emplace_back();
      continue;
    }
    // A string of 64 KiB or more: a zero length with the high word in the refs field,
    // then the low word in the next entry.
    if (len == 0) {
      if (i + 1 >= count) break;
      ++i;
      len = (static_cast<uint32_t>(refs) << 16) | le16(pool, i * 4);
    }
    if (offset + len > data.size()) break;
    sp.strings.emplace_back(reinterpret_cast<const char*>(data.data() + offset), len);
    offset += len;
  }
  return sp;
}

// The Property table holds two string columns (Property, Value), stored column by column.
void report_properties(const StringPool& sp, uint32_t codepage, std::span<const uint8_t> table, MemberSink& sink) {
  const size_t row = 2 * size_t{sp.ref_bytes};
  if (table.size() % row != 0) return;
  const size_t rows = table.size() / row;
  const auto ref = [&](size_t at) -> const std::string* {
    uint32_t idx = le16(table, at);
    if (sp.ref_bytes == 3) idx |= static_cast<uint32_t>(table[at + 2]) << 16;
    return idx < sp.strings.size() ? &sp.strings[idx] : nullptr;
  };
  for (size_t r = 0; r < rows; ++r) {
    const std::string* key = ref(r * sp.ref_bytes);
    const std::string* value = ref(rows * sp.ref_bytes + r * sp.ref_bytes);
    if (key == nullptr || value == nullptr) continue;
    if (*key == "Manufacturer" || *key == "ProductName" || *key == "ProductVersion" || *key == "ProductCode")
      sink.property(*key, codepage == 65001 ? *value : latin1_or_utf8(*value));
  }
}

// ---------------------------------------------------------------------------------------

struct Walk {
  MemberSink& sink;
  const Layout& layout;
  bool msi = false;
  ReadResult& result;
  std::map<std::string, std::vector<uint8_t>> tables;  // MSI tables kept for parsing

  void damage(const std::string& what) {
    if (!result.corrupt) {
      result.corrupt = true;
      result.error = what;
    }
  }

  std::string display(std::string_view raw) const {
    if (msi) return decode_msi_stream_name(raw);
    std::string out;
    for (const char c : raw) {
      if (static_cast<unsigned char>(c) < 0x20)
        out += "[" + std::to_string(static_cast<int>(c)) + "]";
      else
        out += c;
    }
    return out;
  }

  // Our verdict on a child of `parent` named `name` as libgsf spells it: empty when every
  // entry of that name there is safe to open.
  std::string verdict(uint32_t parent, std::string_view name, bool& known) const {
    known = false;
    const auto p = layout.entries.find(parent);
    if (p == layout.entries.end()) return "unknown storage";
    for (const uint32_t c : p->second.children) {
      const auto& e = layout.entries.at(c);
      if (e.name != name) continue;
      known = true;
      if (!e.damage.empty()) return e.damage;
    }
    return known ? std::string() : "not in the checked directory";
  }

  void storage(GsfInfile* dir, uint32_t id, const std::string& prefix, size_t nesting) {
    const int n = gsf_infile_num_children(dir);
    for (int i = 0; i < n && !sink.stopped(); ++i) {
      const char* raw_name = gsf_infile_name_by_index(dir, i);
      const std::string raw = raw_name != nullptr ? raw_name : "";
      const std::string shown = prefix + (raw.empty() ? "(unnamed #" + std::to_string(i) + ")" : display(raw));
      bool known = false;
      const std::string why = verdict(id, raw, known);
      if (!why.empty()) {
        damage("stream " + shown + ": " + why);
        continue;
      }
      // Which of our entries this is, to descend in step with libgsf.
      uint32_t entry = kNoEntry;
      for (const uint32_t c : layout.entries.at(id).children)
        if (layout.entries.at(c).name == raw) entry = c;
      if (layout.entries.at(entry).type != 2) {
        if (nesting >= kMaxStorageNesting) {
          damage("storages nested deeper than " + std::to_string(kMaxStorageNesting));
          continue;
        }
        InputPtr child(gsf_infile_child_by_index(dir, i));
        if (!child || !GSF_IS_INFILE(child.get())) {
          damage("storage " + shown + " cannot be opened");
          continue;
        }
        storage(GSF_INFILE(child.get()), entry, shown + "/", nesting + 1);
        continue;
      }
      stream(dir, i, shown);
    }
  }

  void stream(GsfInfile* dir, int index, const std::string& shown) {
    InputPtr child(gsf_infile_child_by_index(dir, index));
    MemberHeader header;
    header.name = shown;
    if (!child) {
      damage("stream " + shown + " cannot be opened");
      return;
    }
    header.declared_size = static_cast<uint64_t>(std::max<gsf_off_t>(gsf_input_size(child.get()), 0));
    ++result.members;
    auto blob = sink.begin(header);
    const bool keep = msi && (shown == "!_StringPool" || shown == "!_StringData" || shown == "!Property");
    std::vector<uint8_t>* table = keep ? &tables[shown] : nullptr;
    if (blob) {
      std::array<uint8_t, size_t{64} * 1024> buffer{};
      while (true) {
        const gsf_off_t left = gsf_input_remaining(child.get());
        if (left <= 0) break;
        const size_t want = static_cast<size_t>(std::min<gsf_off_t>(left, static_cast<gsf_off_t>(buffer.size())));
        if (gsf_input_read(child.get(), want, buffer.data()) == nullptr) {
          damage("stream " + shown + " is cut short");
          break;
        }
        const std::span<const uint8_t> got(buffer.data(), want);
        if (table != nullptr && table->size() + want <= kMaxTableBytes)
          table->insert(table->end(), got.begin(), got.end());
        if (!sink.data(*blob, got)) break;
      }
    }
    sink.end(header, std::move(blob));
  }
};

bool is_msi_name(std::string_view utf8) {
  // Table and packed stream names start with code points from U+3800..U+4840, whose
  // UTF-8 lead byte is 0xE3 or 0xE4.
  return !utf8.empty() && (static_cast<unsigned char>(utf8[0]) == 0xE3 || static_cast<unsigned char>(utf8[0]) == 0xE4);
}

}  // namespace

std::string decode_msi_stream_name(std::string_view s) {
  const auto mime = [](uint32_t x) -> char {
    if (x < 10) return static_cast<char>('0' + x);
    if (x < 36) return static_cast<char>('A' + x - 10);
    if (x < 62) return static_cast<char>('a' + x - 36);
    return x == 62 ? '.' : '_';
  };
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0 && i + 3 < s.size()) {
      cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu);
      len = 4;
    } else if (c >= 0xE0 && i + 2 < s.size()) {
      cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
      len = 3;
    } else if (c >= 0xC0 && i + 1 < s.size()) {
      cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
      len = 2;
    }
    if (cp >= 0x3800 && cp < 0x4800) {
      out += mime((cp - 0x3800) & 0x3F);
      out += mime(((cp - 0x3800) >> 6) & 0x3F);
    } else if (cp >= 0x4800 && cp < 0x4840) {
      out += mime(cp - 0x4800);
    } else if (cp == 0x4840) {
      out += '!';
    } else if (cp < 0x20) {
      out += "[" + std::to_string(cp) + "]";
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

int OleReader::bid(std::string_view type, std::span<const uint8_t> /*bytes*/) const {
  return type == "ole" || type == "msi" ? 60 : 0;
}

ReadResult OleReader::read(std::span<const uint8_t> bytes, std::string_view type, std::string_view /*container_name*/,
                           MemberSink& sink) const {
  ReadResult result;
  const Layout layout = Checker(bytes).run();
  if (!layout.fatal.empty()) {
    result.corrupt = true;
    result.error = layout.fatal;
    return result;
  }
  init_gsf();
  InputPtr input(gsf_input_memory_new(bytes.data(), static_cast<gsf_off_t>(bytes.size()), FALSE));
  if (!input) {
    result.corrupt = true;
    result.error = "libgsf: cannot open memory input";
    return result;
  }
  GError* err = nullptr;
  InfilePtr ole(gsf_infile_msole_new(input.get(), &err));
  if (!ole) {
    result.corrupt = true;
    result.error = std::string("libgsf: ") + (err != nullptr && err->message != nullptr ? err->message : "cannot open");
    if (err != nullptr) g_error_free(err);
    return result;
  }
  if (err != nullptr) g_error_free(err);

  Walk walk{sink, layout, type == "msi", result, {}};
  // The root may be missing from a damaged directory, and a child id may name no entry.
  if (const auto root = layout.entries.find(0); !walk.msi && root != layout.entries.end()) {
    for (const uint32_t c : root->second.children) {
      const auto child = layout.entries.find(c);
      walk.msi = walk.msi || (child != layout.entries.end() && is_msi_name(child->second.name));
    }
  }
  if (!layout.damage.empty()) walk.damage(layout.damage.front());
  walk.storage(ole.get(), 0, "", 0);

  if (walk.msi) {
    uint32_t codepage = 0;
    const auto pool = load_string_pool(walk.tables["!_StringPool"], walk.tables["!_StringData"], codepage);
    if (pool) report_properties(*pool, codepage, walk.tables["!Property"], sink);
  }
  return result;
}

}  // namespace impostor::unpack
