#include "page/url_resolver.hpp"

#include <curl/curl.h>

#include <algorithm>

#include "page/text_util.hpp"

namespace impostor::page {

namespace {

constexpr size_t kMaxUrlBytes = 8192;
constexpr size_t kMaxKeptReference = 2048;

struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

constexpr unsigned kSetFlags = CURLU_NON_SUPPORT_SCHEME | CURLU_ALLOW_SPACE | CURLU_URLENCODE;

bool is_http(std::string_view scheme) { return scheme == "http" || scheme == "https"; }

// For http(s), browsers read '\' as '/' in the part before the query.
std::string backslashes_to_slashes(std::string s) {
  const size_t end = std::min(s.find_first_of("?#"), s.size());
  for (size_t i = 0; i < end; ++i)
    if (s[i] == '\\') s[i] = '/';
  return s;
}

std::string bounded(std::string_view s) { return std::string(text::utf8_prefix(s, kMaxKeptReference)); }

}  // namespace

void UrlResolver::Deleter::operator()(CURLU* h) const { curl_url_cleanup(h); }

std::string clean_reference(std::string_view reference) {
  while (!reference.empty() && static_cast<unsigned char>(reference.front()) <= 0x20) reference.remove_prefix(1);
  while (!reference.empty() && static_cast<unsigned char>(reference.back()) <= 0x20) reference.remove_suffix(1);
  std::string out;
  out.reserve(reference.size());
  for (char c : reference)
    if (c != '\t' && c != '\n' && c != '\r') out += c;
  return out;
}

std::string url_scheme(std::string_view reference) {
  const size_t colon = reference.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 32) return {};
  const char first = text::lower(reference[0]);
  if (first < 'a' || first > 'z') return {};
  std::string scheme;
  for (char c : reference.substr(0, colon)) {
    const char l = text::lower(c);
    if (!((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '+' || l == '-' || l == '.')) return {};
    scheme += l;
  }
  return scheme;
}

UrlResolver::UrlResolver(std::string_view document_url) : base_(curl_url()) {
  const std::string url = backslashes_to_slashes(clean_reference(document_url));
  if (base_ && url.size() <= kMaxUrlBytes &&
      curl_url_set(base_.get(), CURLUPART_URL, url.c_str(), kSetFlags) == CURLUE_OK) {
    char* out = nullptr;
    if (curl_url_get(base_.get(), CURLUPART_URL, &out, 0) == CURLUE_OK) base_url_ = CurlString(out).get();
  }
  if (base_url_.empty()) base_.reset();
}

UrlResolver::~UrlResolver() = default;

bool UrlResolver::set_base(std::string_view href) {
  const ResolvedUrl r = resolve(href);
  if (!r.fetchable) return false;
  std::unique_ptr<CURLU, Deleter> next(curl_url());
  if (!next || curl_url_set(next.get(), CURLUPART_URL, r.url.c_str(), kSetFlags) != CURLUE_OK) return false;
  base_ = std::move(next);
  base_url_ = r.url;
  return true;
}

ResolvedUrl UrlResolver::resolve(std::string_view reference) const {
  ResolvedUrl r;
  std::string ref = clean_reference(reference);
  r.scheme = url_scheme(ref);
  if (!r.scheme.empty() && !is_http(r.scheme)) {
    r.url = bounded(ref);
    r.error = "'" + r.scheme + ":' URL has no host to fetch";
    return r;
  }
  if (ref.size() > kMaxUrlBytes) {
    r.url = bounded(ref);
    r.error = "URL longer than 8192 bytes";
    return r;
  }
  const bool relative = r.scheme.empty();
  if (relative && !base_) {
    r.url = bounded(ref);
    r.error = "relative URL without a usable base";
    return r;
  }
  std::unique_ptr<CURLU, Deleter> h(relative ? curl_url_dup(base_.get()) : curl_url());
  if (!h) {
    r.error = "out of memory";
    return r;
  }
  if (is_http(r.scheme) || (relative && base_url_.rfind("http", 0) == 0)) ref = backslashes_to_slashes(ref);
  const CURLUcode rc = curl_url_set(h.get(), CURLUPART_URL, ref.c_str(), kSetFlags);
  if (rc != CURLUE_OK) {
    r.url = bounded(ref);
    r.error = curl_url_strerror(rc);
    return r;
  }
  // Host names are case-insensitive; browsers show them in lower case, and so do we.
  char* host = nullptr;
  if (curl_url_get(h.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK) {
    const CurlString owned(host);
    const std::string lowered = text::ascii_lower(host);
    if (lowered != host) curl_url_set(h.get(), CURLUPART_HOST, lowered.c_str(), 0);
  }
  char* out = nullptr;
  if (curl_url_get(h.get(), CURLUPART_URL, &out, 0) != CURLUE_OK) {
    r.url = bounded(ref);
    r.error = "libcurl could not give the URL back";
    return r;
  }
  r.url = CurlString(out).get();
  r.scheme = url_scheme(r.url);
  r.resolved = true;
  r.fetchable = is_http(r.scheme);
  return r;
}

}  // namespace impostor::page
