#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "allowlist/vendor.hpp"
#include "analyze/domain_analysis.hpp"
#include "analyze/probe_memo.hpp"
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

// What the domain classifier said about the names of one certificate: the vendors they
// imitate (a vendor's own domains left out), up to five names each.
using CertificateBrands = std::map<std::string, std::vector<std::string>>;

// Classifications that depend only on the run's allowlist and classifier, shared by every
// URL of a run (a crawl meets the same hosts and certificates again and again). Each
// table is bounded: it starts over when full, so a crawl of a million hosts stays flat.
// Thread-safe.
class JudgeMemo {
 public:
  static constexpr size_t kMaxEntries = 4096;  // per table

  std::shared_ptr<const HostStanding> host(const std::string& name) const { return hosts_.find(name); }
  void remember(const std::string& name, std::shared_ptr<const HostStanding> standing) {
    hosts_.put(name, std::move(standing));
  }
  // By the certificate's SHA-256: its names are part of what is hashed.
  std::shared_ptr<const CertificateBrands> certificate(const std::string& sha256) const {
    return certificates_.find(sha256);
  }
  void remember(const std::string& sha256, std::shared_ptr<const CertificateBrands> brands) {
    certificates_.put(sha256, std::move(brands));
  }

 private:
  template <class Value>
  class Table {
   public:
    std::shared_ptr<const Value> find(const std::string& key) const {
      std::lock_guard lock(mutex_);
      const auto it = entries_.find(key);
      return it == entries_.end() ? nullptr : it->second;
    }
    void put(const std::string& key, std::shared_ptr<const Value> value) {
      std::lock_guard lock(mutex_);
      if (entries_.size() >= kMaxEntries) entries_.clear();
      entries_.emplace(key, std::move(value));
    }

   private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<const Value>> entries_;
  };
  Table<HostStanding> hosts_;
  Table<CertificateBrands> certificates_;
};

// Adds `finding` unless the report has one with its id at its location already.
void add_finding_once(core::Report& report, core::Finding finding);

// Turns a fetched redirect chain into findings: every hop's host through the domain
// classifier, its certificate against the allowlist, and the redirects between hops
// (tls.*, http.*). One judge per analysed URL; hosts are classified once each.
class HopJudge {
 public:
  // `memo`, when given, is shared with other judges of the run (and outlives this one).
  HopJudge(const DomainContext& domain, const allowlist::Allowlist& allowlist, int fresh_days, std::int64_t now,
           JudgeMemo* memo = nullptr);

  // `main`: the chain of the URL itself, whose refused addresses make the report an
  // error; a download's refusals are only recorded in its artifact.
  void judge_chain(const net::RedirectChain& chain, core::Report& report, bool main = true);
  // A download's chain judged on its own, as a report of its findings (kept apart to be
  // shared with other pages): nothing left out for having been judged into another report.
  core::Report judge_apart(const net::RedirectChain& chain);
  // The victim's view (`main`) against a plain client's (`probe`) of `probed_url`.
  static CloakingComparison compare_views(const net::RedirectChain& main, const net::RedirectChain& probe,
                                          const std::string& probed_url);
  // http.cloaking when the views differ. `shared`: the comparison was made for another URL
  // whose browser view was this one's (ProbeMemo), and the evidence names it.
  void report_cloaking(const CloakingComparison& comparison, const net::RedirectChain& main, bool shared,
                       core::Report& report);

  const HostStanding& standing(const std::string& url);

 private:
  const HostStanding& standing_of_host(const std::string& host);
  CertificateBrands certificate_brands(const net::CertificateInfo& leaf);
  void judge_tls(const net::Hop& hop, const HostStanding& host, core::Report& report);
  void add(core::Report& report, core::Finding finding);

  const DomainContext& domain_;
  const allowlist::Allowlist& allowlist_;
  int fresh_days_;
  std::int64_t now_;
  JudgeMemo* memo_;
  std::map<std::string, std::shared_ptr<const HostStanding>> hosts_;
  // (host, chain, verification) already judged into `tls_report_`: judging them again
  // could only add findings add() drops as repeats (same id, same host).
  std::set<std::string> tls_judged_;
  const core::Report* tls_report_ = nullptr;
};

}  // namespace impostor::analyze
