#include "scan/yara_scanner.hpp"

#include <yara.h>

#include <algorithm>
#include <stdexcept>

#include "core/severity.hpp"

namespace impostor::scan {

namespace {

constexpr size_t kMaxStringsPerRule = 8;
constexpr size_t kMaxMatchesPerString = 4;
constexpr size_t kMaxShownBytes = 64;

// Matched bytes as text an analyst can read: printable ASCII kept, the rest \xNN.
std::string shown(const uint8_t* data, size_t length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < std::min(length, kMaxShownBytes); ++i) {
    const uint8_t c = data[i];
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  if (length > kMaxShownBytes) out += "…";
  return out;
}

struct CallbackState {
  const ScanContext* context;
  std::vector<core::Finding>* findings;
};

// libyara 4.2 hands out match records at 4-byte offsets inside its arenas; walking them
// with its own yr_*_foreach macros is a misaligned access that UBSan reports although the
// records are libyara's and x86-64 reads them fine. The check is off for this function only.
__attribute__((no_sanitize("alignment"))) int on_scan_event(YR_SCAN_CONTEXT* scan, int message, void* message_data,
                                                            void* user) {
  if (message != CALLBACK_MSG_RULE_MATCHING) return CALLBACK_CONTINUE;
  auto* state = static_cast<CallbackState*>(user);
  const auto* rule = static_cast<YR_RULE*>(message_data);
  core::Finding f;
  f.id = std::string("yara.") + rule->identifier;
  f.severity = core::Severity::medium;
  f.location = state->context->filepath;
  nlohmann::json meta = nlohmann::json::object();
  const YR_META* m = nullptr;
  yr_rule_metas_foreach(rule, m) {
    if (m->type == META_TYPE_STRING) {
      meta[m->identifier] = m->string;
      if (std::string_view(m->identifier) == "severity")
        if (auto s = core::parse_severity(m->string)) f.severity = *s;
    } else if (m->type == META_TYPE_INTEGER) {
      meta[m->identifier] = m->integer;
    } else {
      meta[m->identifier] = m->integer != 0;
    }
  }
  f.summary = meta.contains("description") && meta["description"].is_string()
                  ? meta["description"].get<std::string>()
                  : std::string("YARA rule ") + rule->identifier + " matched";
  nlohmann::json strings = nlohmann::json::array();
  const YR_STRING* s = nullptr;
  size_t shown_strings = 0;
  yr_rule_strings_foreach(rule, s) {
    if (shown_strings >= kMaxStringsPerRule) break;
    const YR_MATCH* match = nullptr;
    size_t n = 0;
    nlohmann::json offsets = nlohmann::json::array();
    std::string sample;
    yr_string_matches_foreach(scan, s, match) {
      if (n == 0) sample = shown(match->data, static_cast<size_t>(match->data_length));
      if (n < kMaxMatchesPerString) offsets.push_back(match->base + match->offset);
      ++n;
    }
    if (n == 0) continue;
    strings.push_back({{"id", s->identifier}, {"offsets", offsets}, {"matches", n}, {"data", sample}});
    ++shown_strings;
  }
  f.evidence = {{"rule", rule->identifier},
                {"namespace", rule->ns->name},
                {"meta", meta},
                {"strings", strings},
                {"member", state->context->filepath}};
  state->findings->push_back(std::move(f));
  return CALLBACK_CONTINUE;
}

// Windows of a large input for yr_scanner_scan_mem_blocks. Each window reaches
// kOverlap bytes into the next, so a match shorter than that is never cut in two (one
// found in both windows is the same match at the same offset, which libyara keeps once).
// Conditions that read at an offset (uint32(x)) restart the iteration from first(): the
// released pages fault back in from the page cache, correct if slower.
struct WindowWalk {
  static constexpr size_t kWindow = size_t{32} << 20;
  static constexpr size_t kOverlap = size_t{64} << 10;

  std::span<const uint8_t> bytes;
  const PageRelease* release = nullptr;
  size_t start = 0;
  YR_MEMORY_BLOCK block{};

  YR_MEMORY_BLOCK* at(size_t offset) {
    if (offset >= bytes.size()) return nullptr;
    start = offset;
    block.base = offset;
    block.size = std::min(kWindow + kOverlap, bytes.size() - offset);
    block.context = this;
    block.fetch_data = [](YR_MEMORY_BLOCK* b) {
      auto* walk = static_cast<WindowWalk*>(b->context);
      return walk->bytes.data() + b->base;
    };
    return &block;
  }
  static YR_MEMORY_BLOCK* first(YR_MEMORY_BLOCK_ITERATOR* it) { return static_cast<WindowWalk*>(it->context)->at(0); }
  static YR_MEMORY_BLOCK* next(YR_MEMORY_BLOCK_ITERATOR* it) {
    auto* walk = static_cast<WindowWalk*>(it->context);
    (*walk->release)(walk->bytes.subspan(walk->start, std::min(kWindow, walk->bytes.size() - walk->start)));
    return walk->at(walk->start + kWindow);
  }
  static uint64_t size(YR_MEMORY_BLOCK_ITERATOR* it) { return static_cast<WindowWalk*>(it->context)->bytes.size(); }
};

}  // namespace

YaraScanner::YaraScanner(const YaraRules& rules, int timeout_seconds, bool in_memory) {
  if (yr_scanner_create(rules.get(), &scanner_) != ERROR_SUCCESS)
    throw std::runtime_error("cannot create a YARA scanner (libyara allows 32 at once)");
  yr_scanner_set_timeout(scanner_, timeout_seconds);
  yr_scanner_set_flags(scanner_, SCAN_FLAGS_FAST_MODE | (in_memory ? SCAN_FLAGS_NO_TRYCATCH : 0));
}

YaraScanner::~YaraScanner() {
  if (scanner_ != nullptr) yr_scanner_destroy(scanner_);
}

std::vector<core::Finding> YaraScanner::scan(std::span<const uint8_t> bytes, const ScanContext& context,
                                             const PageRelease& release) {
  std::vector<core::Finding> findings;
  yr_scanner_define_string_variable(scanner_, "filename", context.filename.c_str());
  yr_scanner_define_string_variable(scanner_, "filepath", context.filepath.c_str());
  yr_scanner_define_string_variable(scanner_, "extension", context.extension.c_str());
  yr_scanner_define_string_variable(scanner_, "filetype", context.filetype.c_str());
  yr_scanner_define_string_variable(scanner_, "md5", context.md5.c_str());
  yr_scanner_define_string_variable(scanner_, "owner", context.owner.c_str());
  yr_scanner_define_string_variable(scanner_, "vendor", context.vendor.c_str());
  yr_scanner_define_integer_variable(scanner_, "depth", context.depth);
  CallbackState state{&context, &findings};
  yr_scanner_set_callback(scanner_, on_scan_event, &state);
  static const uint8_t kEmpty = 0;
  int rc = ERROR_SUCCESS;
  if (release && bytes.size() > 2 * WindowWalk::kWindow) {
    WindowWalk walk{bytes, &release};
    YR_MEMORY_BLOCK_ITERATOR it{&walk, WindowWalk::first, WindowWalk::next, WindowWalk::size, ERROR_SUCCESS};
    rc = yr_scanner_scan_mem_blocks(scanner_, &it);
  } else {
    rc = yr_scanner_scan_mem(scanner_, bytes.empty() ? &kEmpty : bytes.data(), bytes.size());
  }
  if (rc != ERROR_SUCCESS) {
    const char* why = rc == ERROR_SCAN_TIMEOUT          ? "timed out"
                      : rc == ERROR_TOO_MANY_MATCHES    ? "too many matches"
                      : rc == ERROR_INSUFFICIENT_MEMORY ? "out of memory"
                                                        : "failed";
    findings.push_back({"scan.error",
                        core::Severity::low,
                        std::string("YARA scan ") + why,
                        {{"code", rc}, {"member", context.filepath}},
                        context.filepath});
  }
  return findings;
}

}  // namespace impostor::scan
