#include "analyze/hop_judgement.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "core/ascii_text.hpp"
#include "core/text_safety.hpp"
#include "net/fetcher.hpp"
#include "net/tls_inspection.hpp"

namespace impostor::analyze {
namespace {

using core::Finding;
using core::Severity;

std::string host_of(const std::string& url) {
  const auto parsed = net::check_fetchable(url);
  return parsed.ok() ? parsed.host : std::string();
}

// The scheme and host of a hop's URL, read once per hop (a failed parse leaves both empty).
struct HopAddress {
  std::string scheme;
  std::string host;
};

HopAddress address_of(const std::string& url) {
  auto parsed = net::check_fetchable(url);
  if (!parsed.ok()) return {};
  return {std::move(parsed.scheme), std::move(parsed.host)};
}

// What makes two TLS sessions judge alike: the chain as sent and how it verified.
std::string tls_key(const std::string& host, const net::TlsSession& tls) {
  std::string key = host;
  key += tls.verified ? "|ok|" : "|fail|";
  key += std::to_string(tls.verify_code);
  for (const auto& c : tls.chain) {
    key += '|';
    key += c.sha256;
  }
  return key;
}

// Words of the visible text (tags, scripts and styles dropped): enough to tell "the same
// page" from "another page" without a parser; page analysis gives finer evidence.
std::set<std::string> page_words(std::string_view html) {
  std::set<std::string> words;
  std::string word;
  bool in_tag = false;
  constexpr size_t kMaxWords = 5000;
  for (const char c : html) {
    if (c == '<') in_tag = true;
    if (in_tag) {
      if (c == '>') in_tag = false;
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || (static_cast<unsigned char>(c) & 0x80) != 0) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      if (word.size() > 1) words.insert(word);
      word.clear();
      if (words.size() >= kMaxWords) break;
    }
  }
  if (word.size() > 1) words.insert(word);
  return words;
}

double jaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (a.empty() && b.empty()) return 1.0;
  size_t common = 0;
  for (const auto& w : a) common += b.count(w);
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

std::string title_of(std::string_view html) {
  const std::string lower = core::ascii_lower(html.substr(0, size_t{64} * 1024));
  const auto open = lower.find("<title");
  if (open == std::string::npos) return {};
  const auto start = lower.find('>', open);
  const auto end = lower.find("</title", start == std::string::npos ? open : start);
  if (start == std::string::npos || end == std::string::npos) return {};
  return core::to_valid_utf8(html.substr(start + 1, std::min<size_t>(end - start - 1, 200)));
}

nlohmann::json side(const net::RedirectChain& chain) {
  nlohmann::json out = nlohmann::json::object();
  if (chain.hops().empty()) return out;
  const auto& last = chain.hops().back();
  out["final_url"] = core::to_valid_utf8(last.url);
  out["status"] = last.status;
  out["hops"] = chain.hops().size();
  out["body_bytes"] = last.body_bytes;
  out["title"] = title_of(last.body);
  if (!last.error.empty()) out["error"] = last.error;
  return out;
}

}  // namespace

HopJudge::HopJudge(const DomainContext& domain, const allowlist::Allowlist& allowlist, int fresh_days, std::int64_t now,
                   JudgeMemo* memo)
    : domain_(domain), allowlist_(allowlist), fresh_days_(fresh_days), now_(now), memo_(memo) {}

const HostStanding& HopJudge::standing(const std::string& url) { return standing_of_host(host_of(url)); }

const HostStanding& HopJudge::standing_of_host(const std::string& host) {
  if (auto it = hosts_.find(host); it != hosts_.end()) return *it->second;
  std::shared_ptr<const HostStanding> known = memo_ != nullptr ? memo_->host(host) : nullptr;
  if (!known) {
    auto s = std::make_shared<HostStanding>();
    s->host = host;
    const auto normalized = domain_.normalizer.normalize(host);
    if (normalized.ok()) {
      s->registrable = normalized.host.suffix.registrable;
      auto c = domain_.classifier.classify(normalized.host);
      s->vendor = c.vendor;
      for (const auto& f : c.findings) {
        if (f.id == "domain.official") s->official = true;
        if (f.severity >= Severity::medium) s->lookalike = true;
      }
      s->findings = std::move(c.findings);
    }
    known = std::move(s);
    if (memo_ != nullptr) memo_->remember(host, known);
  }
  return *hosts_.emplace(host, std::move(known)).first->second;
}

void add_finding_once(core::Report& report, Finding finding) {
  for (const auto& f : report.findings)
    if (f.id == finding.id && f.location == finding.location) return;
  report.findings.push_back(std::move(finding));
}

void HopJudge::add(core::Report& report, Finding finding) { add_finding_once(report, std::move(finding)); }

void HopJudge::judge_chain(const net::RedirectChain& chain, core::Report& report, bool main) {
  const auto& hops = chain.hops();
  std::vector<HopAddress> addresses;
  addresses.reserve(hops.size());
  for (const auto& hop : hops) addresses.push_back(address_of(hop.url));
  for (size_t i = 0; i < hops.size(); ++i) {
    const auto& hop = hops[i];
    const HostStanding& host = standing_of_host(addresses[i].host);
    for (auto f : host.findings) {
      f.location = host.host;
      add(report, std::move(f));
    }
    if (report.vendor.empty() && !host.vendor.empty()) report.vendor = host.vendor;
    judge_tls(hop, host, report);

    if (!hop.error.empty() && !hop.refused) {
      add(report, {"http.error",
                   Severity::low,
                   "Fetching " + core::to_valid_utf8(hop.url) + " failed: " + hop.error,
                   {{"url", core::to_valid_utf8(hop.url)}, {"error", hop.error}, {"ip", hop.ip}},
                   core::to_valid_utf8(hop.url)});
    } else if (hop.status >= 400) {
      add(report, {"http.error",
                   Severity::info,
                   "The server answered " + std::to_string(hop.status) + " for " + core::to_valid_utf8(hop.url),
                   {{"url", core::to_valid_utf8(hop.url)}, {"status", hop.status}},
                   core::to_valid_utf8(hop.url)});
    }
    if (hop.refused && main) {
      report.errors.push_back(hop.error.empty() ? "refused address " + hop.refused->address : hop.error);
    }

    if (i + 1 >= hops.size()) continue;
    const auto& next = hops[i + 1];
    const HostStanding& to = standing_of_host(addresses[i + 1].host);
    const nlohmann::json step{{"from", core::to_valid_utf8(hop.url)},
                              {"to", core::to_valid_utf8(next.url)},
                              {"status", hop.status},
                              {"hop", i}};
    if (addresses[i].scheme == "https" && addresses[i + 1].scheme == "http") {
      add(report, {"http.downgrade", Severity::medium,
                   "A redirect leaves HTTPS for plain HTTP (" + to.host + "), where the page can be altered in transit",
                   step, core::to_valid_utf8(next.url)});
    }
    if (host.official && !to.official) {
      add(report, {"http.offsite-redirect", to.lookalike ? Severity::medium : Severity::low,
                   "An official " + host.host + " page redirects away from the vendor's domains, to " + to.host, step,
                   core::to_valid_utf8(next.url)});
    }
    if (to.lookalike && to.host != host.host) {
      auto evidence = step;
      evidence["vendor"] = to.vendor;
      add(report, {"http.redirect-to-lookalike", Severity::high,
                   "A redirect leads to " + to.host + ", a lookalike of " + to.vendor, std::move(evidence),
                   core::to_valid_utf8(next.url)});
    }
  }

  const std::string& reason = chain.stop_reason();
  if (reason == "too-many-redirects" || reason == "loop") {
    nlohmann::json chain_urls = nlohmann::json::array();
    for (const auto& hop : hops) chain_urls.push_back(core::to_valid_utf8(hop.url));
    const bool loop = reason == "loop";
    add(report, {loop ? "http.redirect-loop" : "http.too-many-redirects",
                 Severity::medium,
                 loop ? "The redirects loop back to " + core::to_valid_utf8(chain.unfollowed())
                      : "More than " + std::to_string(hops.size() - 1) + " redirects; the rest were not followed",
                 {{"chain", std::move(chain_urls)}, {"not_followed", core::to_valid_utf8(chain.unfollowed())}},
                 hops.empty() ? std::string() : core::to_valid_utf8(hops.back().url)});
  }
}

CertificateBrands HopJudge::certificate_brands(const net::CertificateInfo& leaf) {
  std::shared_ptr<const CertificateBrands> known =
      memo_ != nullptr && !leaf.sha256.empty() ? memo_->certificate(leaf.sha256) : nullptr;
  if (known) return *known;
  CertificateBrands brands;
  for (const auto& name : leaf.dns_names) {
    std::string bare = name.starts_with("*.") ? name.substr(2) : name;
    const auto normalized = domain_.normalizer.normalize(bare);
    if (!normalized.ok()) continue;
    const auto c = domain_.classifier.classify(normalized.host);
    const bool official =
        std::any_of(c.findings.begin(), c.findings.end(), [](const Finding& f) { return f.id == "domain.official"; });
    if (official || c.vendor.empty()) continue;
    auto& names = brands[c.vendor];
    if (names.size() < 5) names.push_back(name);
  }
  if (memo_ != nullptr && !leaf.sha256.empty())
    memo_->remember(leaf.sha256, std::make_shared<CertificateBrands>(brands));
  return brands;
}

core::Report HopJudge::judge_apart(const net::RedirectChain& chain) {
  core::Report apart;
  tls_report_ = nullptr;
  judge_chain(chain, apart, /*main=*/false);
  // `apart` leaves with this call and its address may come back for the next one: a
  // stale pointer would take that report's certificates as judged already.
  tls_report_ = nullptr;
  return apart;
}

void HopJudge::judge_tls(const net::Hop& hop, const HostStanding& host, core::Report& report) {
  if (!hop.tls || hop.tls->chain.empty()) return;
  const auto& tls = *hop.tls;
  if (tls_report_ != &report) {
    tls_judged_.clear();
    tls_report_ = &report;
  }
  if (!tls_judged_.insert(tls_key(host.host, tls)).second) return;
  const auto& leaf = tls.chain.front();
  const std::string where = host.host;
  // The evidence every tls.* finding starts from; built only for a finding.
  const auto cert = [&] {
    nlohmann::json out = nlohmann::json::object();
    out["host"] = host.host;
    out["subject"] = leaf.subject;
    out["issuer"] = leaf.issuer;
    out["not_before"] = net::iso_time(leaf.not_before);
    out["not_after"] = net::iso_time(leaf.not_after);
    out["sha256"] = leaf.sha256;
    out["dns_names"] = leaf.dns_names;
    return out;
  };
  if (!tls.verified) {
    auto evidence = cert();
    evidence["verify_error"] = tls.verify_error;
    evidence["verify_code"] = tls.verify_code;
    add(report,
        {"tls.invalid", host.official ? Severity::high : Severity::medium,
         "The certificate of " + host.host + " does not verify: " + tls.verify_error, std::move(evidence), where});
  }

  if (host.official) {
    if (const auto* vendor = allowlist_.find(host.vendor)) {
      std::vector<std::string> problems;
      if (vendor->tls_organization && leaf.organization != *vendor->tls_organization)
        problems.push_back("organisation is '" + leaf.organization + "', the allowlist expects '" +
                           *vendor->tls_organization + "'");
      if (!vendor->tls_spki_sha256.empty()) {
        bool pinned = false;
        for (const auto& c : tls.chain)
          pinned = pinned || std::find(vendor->tls_spki_sha256.begin(), vendor->tls_spki_sha256.end(), c.spki_sha256) !=
                                 vendor->tls_spki_sha256.end();
        if (!pinned) problems.emplace_back("no certificate of the chain matches the allowlist's SPKI pins");
      }
      if (!problems.empty()) {
        auto evidence = cert();
        evidence["organization"] = leaf.organization;
        evidence["problems"] = problems;
        evidence["allowlist"] = vendor->source_file;
        add(report, {"tls.official-mismatch", Severity::critical,
                     "The certificate of official host " + host.host + " breaks the allowlist: " + problems.front(),
                     std::move(evidence), where});
      }
    }
  }

  const std::int64_t age_days = (now_ - leaf.not_before) / 86400;
  if (host.lookalike && age_days >= 0 && age_days < fresh_days_) {
    auto evidence = cert();
    evidence["age_days"] = age_days;
    add(report,
        {"tls.fresh-certificate", Severity::low,
         "The lookalike " + host.host + " uses a certificate issued " + std::to_string(age_days) + " day(s) ago",
         std::move(evidence), where});
  }

  // Kits put many brands on one certificate; a vendor's own domains do not count.
  const CertificateBrands brands = certificate_brands(leaf);
  if (brands.size() >= 2) {
    auto evidence = cert();
    evidence["brands"] = brands;
    std::string list;
    for (const auto& [v, names] : brands) list += (list.empty() ? "" : ", ") + v;
    add(report, {"tls.multi-brand", Severity::high,
                 "One certificate names lookalikes of several vendors (" + list + ")", std::move(evidence), where});
  }
}

CloakingComparison HopJudge::compare_views(const net::RedirectChain& main, const net::RedirectChain& probe,
                                           const std::string& probed_url) {
  CloakingComparison out;
  out.probed_url = probed_url;
  if (main.hops().empty() || probe.hops().empty()) return out;
  const auto& a = main.hops().back();
  const auto& b = probe.hops().back();
  out.transient = b.status == 0;
  if (host_of(a.url) != host_of(b.url))
    out.differences.emplace_back("final host");
  else if (a.url != b.url)
    out.differences.emplace_back("final URL");
  if (a.status / 100 != b.status / 100) out.differences.emplace_back("status");
  // The same bytes are the same words: similarity 1 without splitting either page.
  if (a.status / 100 == 2 && b.status / 100 == 2 && a.body != b.body) {
    out.similarity = jaccard(page_words(a.body), page_words(b.body));
    // Below half the words in common is a different page, not a rotating banner.
    if (out.similarity < 0.5) out.differences.emplace_back("content");
  }
  if (!out.differences.empty()) out.as_plain_client = side(probe);
  return out;
}

void HopJudge::report_cloaking(const CloakingComparison& comparison, const net::RedirectChain& main, bool shared,
                               core::Report& report) {
  if (comparison.differences.empty() || main.hops().empty()) return;
  std::string what;
  for (const auto& d : comparison.differences) what += (what.empty() ? "" : ", ") + d;
  nlohmann::json evidence = {{"differences", comparison.differences},
                             {"content_similarity", comparison.similarity},
                             {"as_browser", side(main)},
                             {"as_plain_client", comparison.as_plain_client}};
  std::string summary =
      "The site shows a browser arriving from a search engine something else than a plain client (" + what + ")";
  if (shared) {
    evidence["probed_url"] = core::to_valid_utf8(comparison.probed_url);
    summary += "; seen probing " + core::to_valid_utf8(comparison.probed_url) +
               ", whose browser view was this one's byte for byte";
  }
  add(report, {"http.cloaking", Severity::medium, std::move(summary), std::move(evidence),
               core::to_valid_utf8(main.hops().back().url)});
}

}  // namespace impostor::analyze
