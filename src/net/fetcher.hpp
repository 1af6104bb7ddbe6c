#pragma once
#include <future>
#include <memory>

#include "net/fetch_types.hpp"

namespace impostor::net {

// All HTTP(S) I/O: one libcurl multi loop on one network thread, many transfers at once.
// Callers on any thread submit requests and wait on futures, so a crawl with hundreds of
// sessions still has exactly one socket loop. Redirects are never followed here.
//
// Every transfer: only http/https; the host resolved here (or pinned by --resolve) and
// every address checked by the guard before libcurl sees it, the socket address checked
// again at connect time and the connected address once more before the request is sent
// (so DNS rebinding between check and use cannot reach a refused address); the chain
// read from the live TLS connection and verified against the trust store, recorded even
// when it fails; headers, body and time bounded.
class Fetcher {
 public:
  explicit Fetcher(FetchOptions options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  std::future<Hop> submit(FetchRequest request);
  Hop fetch(FetchRequest request) { return submit(std::move(request)).get(); }

  const FetchOptions& options() const;
  const TrustStore& trust() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The URL as it will be fetched (normalised by libcurl, userinfo dropped, https assumed
// when no scheme is given), or the reason it is refused before any I/O: malformed, or a
// scheme other than http and https (file:, ftp:, data:, javascript:, ...).
struct FetchableUrl {
  std::string url;
  std::string scheme;
  std::string host;  // without brackets for IPv6
  long port = 0;
  std::string error;
  bool ok() const { return error.empty(); }
};
FetchableUrl check_fetchable(std::string_view url);

// `reference` resolved against `base` (RFC 3986, through libcurl); empty when invalid.
std::string resolve_reference(std::string_view base, std::string_view reference);

}  // namespace impostor::net
