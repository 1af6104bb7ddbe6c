#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "allowlist/vendor.hpp"
#include "analyze/domain_analysis.hpp"
#include "core/report.hpp"
#include "net/redirect_chain.hpp"

namespace impostor::analyze {

// What the domain classifier said about one hop's host.
struct HostStanding {
  std::string host;
  std::string registrable;
  std::string vendor;      // the vendor it is or imitates
  bool official = false;   // an official domain of `vendor`
  bool lookalike = false;  // a domain finding of medium or worse
  std::vector<core::Finding> findings;
};

// Turns a fetched redirect chain into findings: every hop's host through the domain
// classifier, its certificate against the allowlist, and the redirects between hops
// (tls.*, http.*). One judge per analysed URL; hosts are classified once each.
class HopJudge {
 public:
  HopJudge(const DomainContext& domain, const allowlist::Allowlist& allowlist, int fresh_days, std::int64_t now);

  // `main`: the chain of the URL itself, whose refused addresses make the report an
  // error; a download's refusals are only recorded in its artifact.
  void judge_chain(const net::RedirectChain& chain, core::Report& report, bool main = true);
  // http.cloaking: the victim's view (`main`) against a plain client's (`probe`).
  void compare_for_cloaking(const net::RedirectChain& main, const net::RedirectChain& probe, core::Report& report);

  const HostStanding& standing(const std::string& url);

 private:
  void judge_tls(const net::Hop& hop, const HostStanding& host, core::Report& report);
  void add(core::Report& report, core::Finding finding);

  const DomainContext& domain_;
  const allowlist::Allowlist& allowlist_;
  int fresh_days_;
  std::int64_t now_;
  std::map<std::string, HostStanding> hosts_;
};

}  // namespace impostor::analyze
