#include "net/browser_profile.hpp"

#include <array>

#include "core/build_info.hpp"

namespace impostor::net {
namespace {

const std::vector<BrowserProfile>& profiles() {
  static const std::vector<BrowserProfile> all = [] {
    const std::vector<std::string> browser_headers = {
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        "Accept-Language: en-US,en;q=0.9",
        "Referer: https://www.google.com/",
        "Upgrade-Insecure-Requests: 1",
    };
    return std::vector<BrowserProfile>{
        {"chrome-windows",
         "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
         "Safari/537.36",
         browser_headers},
        {"edge-windows",
         "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
         "Safari/537.36 Edg/131.0.0.0",
         {browser_headers[0], browser_headers[1], "Referer: https://www.bing.com/", browser_headers[3]}},
        {"firefox-windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
         browser_headers},
        {"safari-mac",
         "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
         "Safari/605.1.15",
         browser_headers},
        {"plain", std::string("impostor/") + core::kVersion, {"Accept: */*"}},
    };
  }();
  return all;
}

}  // namespace

const BrowserProfile* find_profile(std::string_view name) {
  for (const auto& p : profiles())
    if (p.name == name) return &p;
  return nullptr;
}

std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  for (const auto& p : profiles()) names.push_back(p.name);
  return names;
}

}  // namespace impostor::net
