// URL parsing before any I/O: net::check_fetchable (scheme refusal, userinfo dropped,
// host and port taken out through libcurl's URL API) and net::resolve_reference (how a
// page's relative links and Location headers become the next URL). The input is one URL,
// or a base URL and a reference separated by the first newline.
#include <cstdlib>
#include <string_view>

#include "fuzz_target.hpp"
#include "net/fetcher.hpp"

namespace {

using namespace impostor;

void check_url(std::string_view text) {
  const auto url = net::check_fetchable(text);
  if (!url.ok()) return;
  // What the fetcher relies on once a URL is accepted.
  if (url.scheme != "http" && url.scheme != "https") std::abort();
  if (url.host.empty() || url.url.empty()) std::abort();
  if (url.port < 0 || url.port > 65535) std::abort();
  // Normalising is idempotent: the URL as fetched is accepted again, with the same host.
  const auto again = net::check_fetchable(url.url);
  if (!again.ok() || again.host != url.host) std::abort();
}

}  // namespace

IMPOSTOR_FUZZ_TARGET(url) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_url(text);
  const auto newline = text.find('\n');
  if (newline != std::string_view::npos) {
    const auto base = text.substr(0, newline);
    const auto reference = text.substr(newline + 1);
    check_url(base);
    const auto resolved = net::resolve_reference(base, reference);
    if (!resolved.empty()) (void)net::check_fetchable(resolved);
  }
  return 0;
}
