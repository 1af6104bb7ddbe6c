#pragma once
#include <memory>
#include <string>
#include <string_view>

typedef struct Curl_URL CURLU;  // NOLINT(modernize-use-using): libcurl's own spelling

namespace impostor::page {

struct ResolvedUrl {
  std::string url;         // absolute and normalised by libcurl when resolvable; otherwise the reference, bounded
  std::string scheme;      // lower case ("https", "data", "javascript", "mailto", "tel", ...); empty if unknown
  bool resolved = false;   // url is an absolute URL libcurl accepted
  bool fetchable = false;  // resolved and http or https: the fetcher may follow it
  std::string error;       // why it could not be resolved, if it could not
};

// Resolves references found in a page against its base URL with libcurl's URL API
// (curl_url(): set the base, then set the reference). References are first cleaned as
// browsers do (WHATWG URL): surrounding spaces and controls stripped, tabs and newlines
// removed, and for http(s) '\' read as '/'. Schemes without a host to fetch (data:,
// javascript:, mailto:, tel:, blob:, about:, file:, ...) are kept with their scheme but
// are never resolvable nor fetchable.
class UrlResolver {
 public:
  explicit UrlResolver(std::string_view document_url);
  ~UrlResolver();
  UrlResolver(const UrlResolver&) = delete;
  UrlResolver& operator=(const UrlResolver&) = delete;

  // <base href>: resolved against the document URL; ignored unless the result is http(s).
  bool set_base(std::string_view href);
  const std::string& base() const { return base_url_; }

  ResolvedUrl resolve(std::string_view reference) const;

 private:
  struct Deleter {
    void operator()(CURLU* h) const;
  };
  std::unique_ptr<CURLU, Deleter> base_;
  std::string base_url_;
};

// The scheme of a cleaned reference ("JavaScript:x" -> "javascript"), empty when relative.
std::string url_scheme(std::string_view reference);

// The reference as a browser reads it: trimmed, tabs and newlines removed.
std::string clean_reference(std::string_view reference);

}  // namespace impostor::page
