#include "analyze/page_judgement.hpp"

#include <algorithm>
#include <set>

#include "core/text_safety.hpp"
#include "page/page_json.hpp"

namespace impostor::analyze {
namespace {

using core::Finding;
using core::Severity;

bool official_download(const allowlist::Vendor& vendor, const std::string& host, const std::string& url) {
  if (std::find(vendor.download_hosts.begin(), vendor.download_hosts.end(), host) != vendor.download_hosts.end())
    return true;
  return std::any_of(vendor.download_url_prefixes.begin(), vendor.download_url_prefixes.end(),
                     [&](const std::string& p) { return url.starts_with(p); });
}

bool official_host(const allowlist::Vendor& vendor, const std::string& host) {
  return std::any_of(vendor.official_domains.begin(), vendor.official_domains.end(), [&](const std::string& d) {
    return host == d || (host.size() > d.size() && host.ends_with(d) && host[host.size() - d.size() - 1] == '.');
  });
}

nlohmann::json claims_evidence(const page::BrandAssessment& a) {
  nlohmann::json claims = nlohmann::json::array();
  for (const auto& c : a.claims) {
    if (claims.size() == 8) break;
    // Key by key: an initializer list builds each pair as an array first, for every claim.
    nlohmann::json claim = nlohmann::json::object();
    claim["source"] = std::string(page::to_string(c.source));
    claim["strong"] = c.strong;
    claim["reason"] = c.reason;
    claim["matched"] = c.matched;
    claim["snippet"] = c.snippet;
    claim["location"] = c.location;
    claims.push_back(std::move(claim));
  }
  return claims;
}

}  // namespace

std::vector<page::BrandTerms> brand_terms(const allowlist::Allowlist& allowlist) {
  std::vector<page::BrandTerms> out;
  for (const auto& v : allowlist.vendors) {
    page::BrandTerms t;
    t.vendor_id = v.id;
    t.display_name = v.name;
    t.brand_tokens = v.brand_tokens;
    t.brand_tokens.insert(t.brand_tokens.end(), v.distinctive_tokens.begin(), v.distinctive_tokens.end());
    t.product_names = v.product_names;
    if (std::find(t.product_names.begin(), t.product_names.end(), v.name) == t.product_names.end())
      t.product_names.push_back(v.name);
    t.favicon_mmh3 = v.favicon_mmh3;
    t.favicon_sha256 = v.favicon_sha256;
    out.push_back(std::move(t));
  }
  return out;
}

void judge_page(const page::PageAnalysis& analysis, const HostStanding& host, const allowlist::Allowlist& allowlist,
                std::span<const DownloadOutcome> downloads, core::Report& report) {
  const std::string where = core::to_valid_utf8(analysis.content.document_url);
  for (auto f : analysis.findings) {
    if (f.location.empty()) f.location = where;
    report.findings.push_back(std::move(f));
  }

  // A tech-support scam is its markers together (the page module raises them to high
  // only then): one finding names the page for what it is.
  std::vector<std::string> scam_high;
  for (const auto& f : report.findings)
    if (f.id.starts_with("scam.") && f.severity >= Severity::high) scam_high.push_back(f.id);
  if (scam_high.size() >= 2) {
    report.findings.push_back(
        {"scam.tech-support-page",
         Severity::critical,
         "A tech-support scam page: " + std::to_string(scam_high.size()) +
             " scam markers together (phone number with alarm words, browser lock, fake system screen)",
         {{"markers", scam_high}, {"title", analysis.content.title}},
         where});
  }

  std::vector<const DownloadOutcome*> installers;
  for (const auto& d : downloads)
    if (d.installer) installers.push_back(&d);

  for (const auto& a : analysis.brands) {
    if (!a.presents_as_vendor) continue;
    const auto* vendor = allowlist.find(a.vendor_id);
    if (vendor == nullptr) continue;
    if (report.vendor.empty()) report.vendor = vendor->id;
    const bool on_official = official_host(*vendor, host.host);
    if (!on_official) {
      report.findings.push_back({"page.brand-impersonation",
                                 Severity::medium,
                                 "The page presents itself as " + vendor->name + " on " + host.host +
                                     ", which is not one of " + vendor->name + "'s domains",
                                 {{"vendor", vendor->id}, {"host", host.host}, {"claims", claims_evidence(a)}},
                                 where});
      // An installer from the vendor's own download host, unflagged, is the genuine one
      // linked from an impersonating page: impersonation, not a fake download.
      std::vector<const DownloadOutcome*> foreign;
      for (const auto* d : installers) {
        const bool flagged = std::any_of(d->findings.begin(), d->findings.end(),
                                         [](const Finding& f) { return f.severity >= Severity::high; });
        if (flagged || !official_download(*vendor, d->final_host, d->final_url)) foreign.push_back(d);
      }
      if (!foreign.empty()) {
        nlohmann::json offered = nlohmann::json::array();
        bool flagged_file = false;
        for (const auto* d : foreign) {
          offered.push_back({{"url", core::to_valid_utf8(d->final_url)},
                             {"sha256", d->artifact.value("sha256", "")},
                             {"type", d->artifact.value("type", "")},
                             {"findings", d->artifact.value("findings", nlohmann::json::array())}});
          for (const auto& f : d->findings) flagged_file = flagged_file || f.severity >= Severity::high;
        }
        // On a lookalike host, or with a flagged file, this is the 2020 fake Zoom site.
        const bool certain = host.lookalike || flagged_file;
        report.findings.push_back({"page.fake-download",
                                   certain ? Severity::critical : Severity::high,
                                   "A page posing as " + vendor->name + " on " + host.host + " hands out " +
                                       std::to_string(foreign.size()) + " installer(s)" +
                                       (host.lookalike ? " from a lookalike domain" : "") +
                                       (flagged_file ? ", one of them flagged" : ""),
                                   {{"vendor", vendor->id},
                                    {"host", host.host},
                                    {"lookalike_host", host.lookalike},
                                    {"installers", std::move(offered)},
                                    {"claims", claims_evidence(a)}},
                                   where});
      }
    }
    // The vendor's own page, or a page posing as it: its installers must come from the
    // vendor's download hosts.
    for (const auto* d : installers) {
      if (official_download(*vendor, d->final_host, d->final_url)) continue;
      report.findings.push_back({"page.offsite-installer",
                                 Severity::medium,
                                 "A " + vendor->name + " page offers an installer from " + d->final_host +
                                     ", not an official " + vendor->name + " download host",
                                 {{"vendor", vendor->id},
                                  {"installer_url", core::to_valid_utf8(d->final_url)},
                                  {"installer_host", d->final_host},
                                  {"official_download_hosts", vendor->download_hosts}},
                                 core::to_valid_utf8(d->final_url)});
    }
  }
}

}  // namespace impostor::analyze
