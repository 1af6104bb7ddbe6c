#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "allowlist/vendor.hpp"
#include "analyze/domain_analysis.hpp"
#include "analyze/download_analysis.hpp"
#include "analyze/download_memo.hpp"
#include "analyze/file_analysis.hpp"
#include "analyze/hop_judgement.hpp"
#include "analyze/probe_memo.hpp"
#include "analyze/shared_answers.hpp"
#include "core/report.hpp"
#include "net/fetcher.hpp"
#include "page/brand_claims.hpp"

namespace impostor::analyze {

struct UrlSettings {
  std::string profile = "chrome-windows";  // how the main fetch presents itself
  std::string user_agent;                  // overrides the profile's when set
  int max_redirects = 10;
  uint64_t max_page_bytes = uint64_t{5} << 20;
  bool cloaking_probe = true;  // fetch again as a plain client and compare
  int fresh_certificate_days = 30;
  DownloadSettings downloads;  // what a page offers is fetched and examined
  size_t max_scripts = 8;      // external <script src> fetched for scam markers
  uint64_t max_script_bytes = 1 << 20;
  uint64_t max_favicon_bytes = uint64_t{256} << 10;
};

// Favicons this run fetched, by URL: a crawl meets one site's icon page after page, and a
// browser too fetches it once, not once per page; pages of one site that start together
// wait for the one fetch (SharedAnswers). An entry lasts a few minutes, so a long crawl
// still sees an icon that changes. Answers are an icon, or "no usable icon there" (4xx,
// empty, over the cap); a fetch that failed in transport is not kept.
class FaviconMemo {
 public:
  static constexpr size_t kMaxEntries = 4096;
  static constexpr std::chrono::seconds kLifetime{300};

  struct Answer {
    std::optional<page::FaviconHash> icon;  // none: the server had no usable icon there
    bool transient = false;                 // the fetch failed in transport
  };
  std::shared_ptr<const Answer> get(const std::string& url, const std::function<Answer()>& fetch) {
    bool reused = false;
    return answers_.get(url, fetch, reused);
  }

 private:
  SharedAnswers<Answer> answers_{kMaxEntries, kLifetime, [](const Answer& a) { return a.transient; }};
};

// The pieces a URL analysis needs, shared by every URL of a run (and by crawl).
struct UrlContext {
  DomainContext domain;
  const allowlist::Allowlist& allowlist;
  net::Fetcher& fetcher;
  UrlSettings settings;
  FileScanner* files = nullptr;          // examines downloads and runs YARA over pages; none: downloads only hashed
  std::vector<page::BrandTerms> brands;  // brand_terms(allowlist), built once
  JudgeMemo* judge_memo = nullptr;       // host and certificate classifications shared by the run's URLs
  FaviconMemo* favicons = nullptr;       // favicons shared by the run's URLs; none: fetched for every page
  DownloadMemo* downloads = nullptr;     // downloads shared by a site's pages; none: fetched for every page
  ProbeMemo* probes = nullptr;           // cloaking probes shared by URLs of one page; none: one probe per URL
};

// `impostor url URL`: fetch as a victim's browser would, hop by hop, judge every hop's
// host, address, certificate and redirect, probe for cloaking, apply the policy. Never
// throws for bad input: an unfetchable URL is a report with an error.
core::Report analyze_url(const UrlContext& context, std::string_view input);

}  // namespace impostor::analyze
