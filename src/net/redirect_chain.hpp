#pragma once
#include <string>
#include <vector>

#include "net/fetcher.hpp"

namespace impostor::net {

// Follows redirects by hand, one recorded Hop per request, so every hop's host, address
// and certificate can be judged. Also takes redirects the fetcher cannot see (a page's
// <meta refresh> or a Refresh header), so they count against the same limit and loop check.
class RedirectChain {
 public:
  // `request` is the template for every hop (profile headers, body cap); its url is ignored.
  RedirectChain(Fetcher& fetcher, FetchRequest request, int max_redirects = 10);

  // Fetches `url` and follows HTTP redirects until a response that is not one. Returns
  // the last hop, or nullptr when nothing was fetched (check stop_reason()).
  const Hop* follow(const std::string& url);

  const std::vector<Hop>& hops() const { return hops_; }
  // Why following stopped early: "loop", "too-many-redirects", "unsupported-scheme",
  // "refused", "error"; empty when the chain ended at a final response.
  const std::string& stop_reason() const { return stop_reason_; }
  const std::string& stop_detail() const { return stop_detail_; }
  // The redirect target that was not followed (loop or limit), for the evidence.
  const std::string& unfollowed() const { return unfollowed_; }
  // Extra redirects (meta refresh) may be followed while this is true.
  bool can_continue() const { return stop_reason_.empty(); }

 private:
  Fetcher& fetcher_;
  FetchRequest template_;
  int max_redirects_;
  int redirects_ = 0;
  std::vector<Hop> hops_;
  std::vector<std::string> seen_;
  std::string stop_reason_;
  std::string stop_detail_;
  std::string unfollowed_;
};

bool is_redirect_status(long status);

}  // namespace impostor::net
