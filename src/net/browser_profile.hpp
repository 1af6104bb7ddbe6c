#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace impostor::net {

// How a request presents itself. Fake download sites serve victims (a desktop browser
// arriving from a search result) differently from scanners, so the main fetch looks like
// the victim and the cloaking probe like a plain client.
struct BrowserProfile {
  std::string name;
  std::string user_agent;
  std::vector<std::string> headers;  // "Name: value", in the order the browser sends them
};

// "chrome-windows" (default, arrives from a search engine), "edge-windows",
// "firefox-windows", "safari-mac", "plain" (no Referer, no browser headers).
const BrowserProfile* find_profile(std::string_view name);
std::vector<std::string> profile_names();

}  // namespace impostor::net
