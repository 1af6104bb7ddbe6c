#include "domain/host_input.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <memory>

namespace impostor::domain {

namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* h) const { curl_url_cleanup(h); }
};
struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

CurlString get_part(CURLU* h, CURLUPart part) {
  char* out = nullptr;
  if (curl_url_get(h, part, &out, 0) != CURLUE_OK) return nullptr;
  return CurlString(out);
}

constexpr size_t kMaxInput = 8192;

std::string_view trim(std::string_view s) {
  const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

bool lower_alpha(char c) { return c >= 'a' && c <= 'z'; }

// "javascript:x", "data:..." — a scheme followed by something that is not "//".
// A bare "host:port" also has this shape, so only a port-looking tail is let through.
std::optional<std::string> hostless_scheme(std::string_view s) {
  const size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string scheme;
  for (char c : s.substr(0, colon)) {
    const char l = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (!(lower_alpha(l) || (l >= '0' && l <= '9') || l == '+' || l == '-' || l == '.')) return std::nullopt;
    scheme += l;
  }
  if (!lower_alpha(scheme.front())) return std::nullopt;
  const auto rest = s.substr(colon + 1);
  if (rest.substr(0, 2) == "//") return std::nullopt;
  const size_t digits = std::min(rest.find_first_not_of("0123456789"), rest.size());
  if (digits > 0 && (digits == rest.size() || rest[digits] == '/')) return std::nullopt;  // host:port
  return scheme;
}

// Plain host names skip libcurl's URL parser, which dominates the cost of bulk runs.
// Names whose last label is a number go through it anyway: browsers read those as IPv4
// (WHATWG "ends in a number"), and libcurl canonicalises them the same way.
bool is_plain_host(std::string_view s) {
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
          c == '_'))
      return false;
  std::string_view last = s;
  while (!last.empty() && last.back() == '.') last.remove_suffix(1);
  last = last.substr(last.rfind('.') == std::string_view::npos ? 0 : last.rfind('.') + 1);
  if (last.empty()) return true;
  const bool digits = last.find_first_not_of("0123456789") == std::string_view::npos;
  const bool hex = last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X');
  return !digits && !hex;
}

}  // namespace

HostInputResult parse_host_input(std::string_view raw) {
  HostInputResult result;
  if (raw.size() > kMaxInput) {
    result.error = "input longer than 8192 bytes";
    return result;
  }
  const std::string_view text = trim(raw);
  if (text.empty()) {
    result.error = "empty name";
    return result;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      result.error = "control character 0x" + std::string(1, "0123456789abcdef"[c >> 4]) +
                     std::string(1, "0123456789abcdef"[c & 0xF]) + " at byte " + std::to_string(i);
      return result;
    }
    if (c == ' ') {
      result.error = "space at byte " + std::to_string(i);
      return result;
    }
  }
  if (auto scheme = hostless_scheme(text)) {
    result.error = "'" + *scheme + ":' URL has no host to judge";
    return result;
  }

  if (is_plain_host(text)) {
    result.input = HostInput{std::string(text), {}, {}, std::nullopt, false};
    return result;
  }

  std::unique_ptr<CURLU, CurlUrlDeleter> url(curl_url());
  if (!url) {
    result.error = "out of memory";
    return result;
  }
  const std::string copy(text);
  const CURLUcode rc =
      curl_url_set(url.get(), CURLUPART_URL, copy.c_str(), CURLU_NON_SUPPORT_SCHEME | CURLU_DEFAULT_SCHEME);
  if (rc != CURLUE_OK) {
    result.error = std::string("not a host name or URL: ") + curl_url_strerror(rc);
    return result;
  }
  HostInput in;
  in.was_url = copy.find("://") != std::string::npos;
  if (auto host = get_part(url.get(), CURLUPART_HOST)) in.host = host.get();
  if (auto user = get_part(url.get(), CURLUPART_USER)) in.userinfo = user.get();
  if (auto password = get_part(url.get(), CURLUPART_PASSWORD)) in.userinfo += ":" + std::string(password.get());
  if (in.was_url) {
    if (auto scheme = get_part(url.get(), CURLUPART_SCHEME)) in.scheme = scheme.get();
  }
  if (auto port = get_part(url.get(), CURLUPART_PORT)) in.port = static_cast<unsigned>(std::stoul(port.get()));
  if (in.host.empty()) {
    result.error = "no host in input";
    return result;
  }
  result.input = std::move(in);
  return result;
}

}  // namespace impostor::domain
