#include "domain/combo_words.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <cctype>
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

// Keywords with doubled letters collapsed ("meeting" -> "meting"), sorted: kits stretch
// words (zoommeeetiing, iinviitee), so stretched text is compared in collapsed form.
const std::vector<std::string>& collapsed_words() {
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

// Word-break over combo words (exact or collapsed), digit runs, short codes that carry a
// digit (us05, ua02, w03, 2day: Zoom's meeting hosts are usNNweb.zoom.us), "www"-like
// runs, and a plural "s" after a word.
bool splits(std::string_view text, bool collapsed) {
  const size_t n = text.size();
  if (n == 0) return true;
  if (n > 63) return false;
  const auto& cw = collapsed_words();
  const auto word = [&](std::string_view w) {
    return collapsed ? std::binary_search(cw.begin(), cw.end(), w)
                     : std::binary_search(kWords.begin(), kWords.end(), w);
  };
  std::bitset<65> reachable;  // reachable[i]: text[0, i) splits cleanly
  reachable[0] = true;
  for (size_t i = 0; i < n; ++i) {
    if (!reachable[i]) continue;
    bool digit = false;
    for (size_t j = i; j < n && j - i < 6 && std::isalnum(static_cast<unsigned char>(text[j])); ++j) {
      digit = digit || (text[j] >= '0' && text[j] <= '9');
      if (digit) reachable[j + 1] = true;
    }
    size_t j = i;
    while (j < n && (text[j] == 'w' || text[j] == 'v')) ++j;
    if (text[i] == 'w' && j - i >= 2)
      for (size_t k = i + 2; k <= j; ++k) reachable[k] = true;
    for (size_t len = 2; len <= 14 && i + len <= n; ++len) {
      if (!word(text.substr(i, len))) continue;
      reachable[i + len] = true;
      if (i + len < n && text[i + len] == 's') reachable[i + len + 1] = true;
    }
  }
  return reachable[n];
}

}  // namespace

bool is_combo_word(std::string_view word) { return std::binary_search(kWords.begin(), kWords.end(), word); }

bool splits_into_combo_words(std::string_view text) {
  if (splits(text, false)) return true;
  const std::string collapsed = collapse_runs(text);
  return collapsed.size() != text.size() && splits(collapsed, true);
}

bool is_near_combo_word(std::string_view segment) {
  if (segment.size() <= 2)
    return std::all_of(segment.begin(), segment.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  const std::string collapsed = collapse_runs(segment);
  if (collapsed.size() < 5) return false;
  for (const auto& w : collapsed_words())
    if (w.size() >= 6 && bounded_osa_distance(collapsed, w, 1) <= 1) return true;
  return false;
}

}  // namespace impostor::domain
