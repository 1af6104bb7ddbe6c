#include "domain/combo_words.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "domain/typo_technique.hpp"

namespace impostor::domain {

namespace {

// Sorted, for binary search. Short words ("in", "s", "my") are left out on purpose:
// they would make ordinary names such as "zoomin" or "myteams" look like combosquats;
// so is "info", which would make ZoomInfo one.
constexpr std::array<std::string_view, 106> kWords = {
    "access",
    "account",
    "android",
    "api",
    "app",
    "apps",
    "auth",
    "beta",
    "biz",
    "business",
    "call",
    "calls",
    "cdn",
    "chat",
    "cisco",
    "client",
    "cloud",
    "com",
    "communication",
    "communications",
    "conf",
    "conference",
    "connect",
    "contact",
    "corp",
    "desk",
    "desktop",
    "dl",
    "download",
    "downloads",
    "enterprise",
    "eu",
    "files",
    "free",
    "get",
    "global",
    "group",
    "help",
    "hub",
    "id",
    "idbroker",
    "inc",
    "install",
    "installer",
    "invite",
    "invitee",
    "ios",
    "join",
    "latest",
    "link",
    "linux",
    "live",
    "login",
    "mac",
    "macos",
    "mail",
    "media",
    "meet",
    "meeting",
    "meetings",
    "meets",
    "microsoft",
    "mobile",
    "ms",
    "net",
    "new",
    "now",
    "office",
    "official",
    "online",
    "org",
    "pc",
    "portal",
    "pro",
    "room",
    "rooms",
    "safe",
    "sdk",
    "secure",
    "service",
    "services",
    "setup",
    "share",
    "sharing",
    "signin",
    "site",
    "soft",
    "software",
    "support",
    "team",
    "tech",
    "technologies",
    "update",
    "updates",
    "us",
    "use",
    "version",
    "video",
    "web",
    "webapi",
    "webinar",
    "win",
    "windows",
    "work",
    "workplace",
    "x64",
};

std::string collapse_runs(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    if (out.empty() || out.back() != c) out += c;
  return out;
}

constexpr size_t kMaxWord = 14;

// Words bucketed by first letter and length, so a look-up compares against one or two
// candidates instead of binary-searching the list (the word-break below asks ~13 times
// per position, and bulk runs classify hundreds of thousands of names a second).
class WordTable {
 public:
  explicit WordTable(const std::vector<std::string>& words) {
    for (const auto& w : words)
      if (w.size() >= 2 && w.size() <= kMaxWord && w[0] >= 'a' && w[0] <= 'z') {
        buckets_[static_cast<size_t>(w[0] - 'a')][w.size()].push_back(w);
        lengths_[static_cast<size_t>(w[0] - 'a')] |= 1u << w.size();
      }
  }
  bool contains(std::string_view text) const {
    if (text.size() < 2 || text.size() > kMaxWord || text[0] < 'a' || text[0] > 'z') return false;
    for (const auto& w : buckets_[static_cast<size_t>(text[0] - 'a')][text.size()])
      if (w == text) return true;
    return false;
  }
  // Bit n set: some word of n letters starts with `c`; the word-break asks about every
  // length at every position, and most (letter, length) buckets are empty.
  uint32_t lengths(char c) const { return c >= 'a' && c <= 'z' ? lengths_[static_cast<size_t>(c - 'a')] : 0; }

 private:
  std::array<std::array<std::vector<std::string>, kMaxWord + 1>, 26> buckets_;
  std::array<uint32_t, 26> lengths_{};
};

const WordTable& exact_words() {
  static const WordTable table(std::vector<std::string>(kWords.begin(), kWords.end()));
  return table;
}

// Keywords with doubled letters collapsed ("meeting" -> "meting"): kits stretch words
// (zoommeeetiing, iinviitee), so stretched text is compared in collapsed form.
const std::vector<std::string>& collapsed_word_list() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> out;
    out.reserve(kWords.size());
    for (auto w : kWords) out.push_back(collapse_runs(w));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  return words;
}

const WordTable& collapsed_words() {
  static const WordTable table(collapsed_word_list());
  return table;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z'); }

// Calls piece(i, j) for every piece text[i, j) that may start at i: a combo word (and the
// word plus a plural "s"), a short code of letters and digits that carries a digit (us05,
// ua02, w03, 2day: Zoom's meeting hosts are usNNweb.zoom.us), or a "www"-like run.
template <typename Piece>
void pieces_from(std::string_view text, size_t i, const WordTable& words, Piece&& piece) {
  const size_t n = text.size();
  bool digit = false;
  for (size_t j = i; j < n && j - i < 6 && is_alnum(text[j]); ++j) {
    digit = digit || is_digit(text[j]);
    if (digit) piece(j + 1);
  }
  if (text[i] == 'w') {
    size_t j = i;
    while (j < n && (text[j] == 'w' || text[j] == 'v')) ++j;
    for (size_t k = i + 2; k <= j; ++k) piece(k);
  }
  const uint32_t lengths = words.lengths(text[i]);
  for (size_t len = 2; len <= kMaxWord && i + len <= n; ++len) {
    if ((lengths >> len & 1u) == 0 || !words.contains(text.substr(i, len))) continue;
    piece(i + len);
    if (i + len < n && text[i + len] == 's') piece(i + len + 1);
  }
}

bool splits(std::string_view text, const WordTable& words) {
  const size_t n = text.size();
  if (n == 0) return true;
  if (n > 63) return false;
  std::bitset<65> reachable;  // reachable[i]: text[0, i) splits cleanly
  reachable[0] = true;
  for (size_t i = 0; i < n; ++i)
    if (reachable[i]) pieces_from(text, i, words, [&](size_t j) { reachable[j] = true; });
  return reachable[n];
}

}  // namespace

ComboSplits combo_splits(std::string_view text) {
  ComboSplits out;
  const size_t n = std::min<size_t>(text.size(), 64);
  text = text.substr(0, n);
  const auto& words = exact_words();
  out.prefix[0] = true;
  for (size_t i = 0; i < n; ++i)
    if (out.prefix[i]) pieces_from(text, i, words, [&](size_t j) { out.prefix[j] = true; });
  out.suffix[n] = true;
  for (size_t i = n; i-- > 0;)
    pieces_from(text, i, words, [&](size_t j) {
      if (out.suffix[j]) out.suffix[i] = true;
    });
  return out;
}

bool is_combo_word(std::string_view word) { return std::binary_search(kWords.begin(), kWords.end(), word); }

bool splits_into_combo_words(std::string_view text) {
  if (splits(text, exact_words())) return true;
  const std::string collapsed = collapse_runs(text);
  return collapsed.size() != text.size() && splits(collapsed, collapsed_words());
}

bool is_near_combo_word(std::string_view segment) {
  if (segment.size() <= 2)
    return std::all_of(segment.begin(), segment.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  const std::string collapsed = collapse_runs(segment);
  if (collapsed.size() < 5) return false;
  for (const auto& w : collapsed_word_list())
    if (w.size() >= 6 && bounded_osa_distance(collapsed, w, 1) <= 1) return true;
  return false;
}

}  // namespace impostor::domain
