#include "domain/combo_words.hpp"

#include <algorithm>
#include <array>
#include <bitset>

namespace impostor::domain {

namespace {

// Sorted, for binary search. Short words ("in", "s", "my") are left out on purpose:
// they would make ordinary names such as "zoomin" or "myteams" look like combosquats;
// so is "info", which would make ZoomInfo one.
constexpr std::array<std::string_view, 103> kWords = {
    "access", "account", "android", "api", "app", "apps", "auth", "beta", "business", "call",
    "calls", "cdn", "chat", "cisco", "client", "cloud", "com", "communication", "communications",
    "conf", "conference", "connect", "corp", "desk", "desktop", "dl", "download", "downloads",
    "enterprise", "eu", "files", "free", "get", "global", "group", "help", "hub", "id", "idbroker",
    "inc", "install", "installer", "invite", "invitee", "ios", "join", "latest", "link", "linux",
    "live", "login", "mac", "macos", "mail", "media", "meet", "meeting", "meetings", "meets",
    "microsoft", "mobile", "ms", "net", "new", "now", "office", "official", "online", "org", "pc",
    "portal", "pro", "room", "rooms", "safe", "sdk", "secure", "service", "services", "setup",
    "share", "sharing", "signin", "site", "soft", "software", "support", "team", "tech",
    "technologies", "update", "updates", "us", "version", "video", "web", "webapi", "webinar",
    "win", "windows", "work", "workplace", "x64",
};

}  // namespace

bool is_combo_word(std::string_view word) {
  return std::binary_search(kWords.begin(), kWords.end(), word);
}

bool splits_into_combo_words(std::string_view text) {
  const size_t n = text.size();
  if (n == 0) return true;
  if (n > 63) return false;
  std::bitset<64> reachable;  // reachable[i]: text[0, i) splits cleanly
  reachable[0] = true;
  for (size_t i = 0; i < n; ++i) {
    if (!reachable[i]) continue;
    // digit run
    size_t j = i;
    while (j < n && text[j] >= '0' && text[j] <= '9') ++j;
    if (j > i) reachable[j] = true;
    // www-like run: at least two of w/v starting with w
    j = i;
    while (j < n && (text[j] == 'w' || text[j] == 'v')) ++j;
    if (text[i] == 'w' && j - i >= 2)
      for (size_t k = i + 2; k <= j; ++k) reachable[k] = true;
    for (size_t len = 2; len <= 14 && i + len <= n; ++len)
      if (is_combo_word(text.substr(i, len))) reachable[i + len] = true;
  }
  return reachable[n];
}

}  // namespace impostor::domain
