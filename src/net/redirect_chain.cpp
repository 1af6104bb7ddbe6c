#include "net/redirect_chain.hpp"

#include <algorithm>

namespace impostor::net {

bool is_redirect_status(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

RedirectChain::RedirectChain(Fetcher& fetcher, FetchRequest request, int max_redirects)
    : fetcher_(fetcher), template_(std::move(request)), max_redirects_(max_redirects) {}

const Hop* RedirectChain::follow(const std::string& start) {
  if (!stop_reason_.empty()) return nullptr;
  std::string url = start;
  bool first = hops_.empty();
  while (true) {
    const auto target = check_fetchable(url);
    if (!target.ok()) {
      stop_reason_ = target.error.starts_with("unsupported scheme") ? "unsupported-scheme" : "error";
      stop_detail_ = target.error;
      unfollowed_ = url;
      return hops_.empty() ? nullptr : &hops_.back();
    }
    if (!first) {
      // The hop count is checked before the request: the 11th redirect is never fetched.
      if (redirects_ >= max_redirects_) {
        stop_reason_ = "too-many-redirects";
        stop_detail_ = "more than " + std::to_string(max_redirects_) + " redirects";
        unfollowed_ = target.url;
        return &hops_.back();
      }
      if (std::find(seen_.begin(), seen_.end(), target.url) != seen_.end()) {
        stop_reason_ = "loop";
        stop_detail_ = "redirect back to " + target.url;
        unfollowed_ = target.url;
        return &hops_.back();
      }
      ++redirects_;
    }
    first = false;
    seen_.push_back(target.url);
    FetchRequest request = template_;
    request.url = target.url;
    hops_.push_back(fetcher_.fetch(std::move(request)));
    const Hop& hop = hops_.back();
    if (hop.refused && !hop.error.empty()) {
      stop_reason_ = "refused";
      stop_detail_ = hop.error;
      return &hops_.back();
    }
    if (!hop.error.empty() && hop.status == 0) {
      stop_reason_ = "error";
      stop_detail_ = hop.error;
      return &hops_.back();
    }
    const auto location = hop.headers.find("location");
    if (!is_redirect_status(hop.status) || location == hop.headers.end()) return &hops_.back();
    url = resolve_reference(hop.url, location->second);
    if (url.empty()) {
      stop_reason_ = "error";
      stop_detail_ = "unreadable Location header";
      unfollowed_ = location->second;
      return &hops_.back();
    }
  }
}

}  // namespace impostor::net
