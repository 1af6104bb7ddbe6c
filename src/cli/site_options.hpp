#pragma once
#include <CLI/CLI.hpp>
#include <memory>

#include "allowlist/vendor.hpp"
#include "analyze/url_analysis.hpp"
#include "cli/common_options.hpp"
#include "domain/host_name.hpp"
#include "domain/lookalike_classifier.hpp"
#include "domain/public_suffixes.hpp"
#include "net/fetcher.hpp"
#include "scan/yara_rules.hpp"

namespace impostor::cli {

// The fetch and page options `url` and `crawl` share, parsed in one place.
struct SiteOptions {
  net::FetchOptions fetch;
  analyze::UrlSettings settings;
  double connect_timeout_s = 10;
  double timeout_s = 30;
  bool fetch_every_download = false;  // no DownloadMemo: each page fetches its links itself
  bool probe_every_url = false;       // no ProbeMemo: each URL makes its own cloaking probe
};

void add_site_options(CLI::App& sub, SiteOptions& options);

// Everything a site analysis needs, loaded once for the run: allowlists, public suffixes,
// the classifier and the one fetcher. Throws std::runtime_error with every problem.
class SiteScanSetup {
 public:
  SiteScanSetup(const CommonOptions& common, SiteOptions& options);
  ~SiteScanSetup();
  const analyze::UrlContext& context() const { return *context_; }
  net::Fetcher& fetcher() { return *fetcher_; }

 private:
  scan::YaraLibrary yara_;                                 // first in, last out: libyara outlives every scanner
  std::shared_ptr<const allowlist::Allowlist> allowlist_;  // shared with the file scanner's signature checks
  domain::PublicSuffixes suffixes_;
  std::unique_ptr<domain::HostNormalizer> normalizer_;
  std::unique_ptr<domain::LookalikeClassifier> classifier_;
  std::unique_ptr<analyze::FileScanner> files_;
  std::unique_ptr<net::Fetcher> fetcher_;
  std::unique_ptr<analyze::JudgeMemo> judge_memo_;
  std::unique_ptr<analyze::FaviconMemo> favicons_;
  std::unique_ptr<analyze::DownloadMemo> downloads_;
  std::unique_ptr<analyze::ProbeMemo> probes_;
  std::unique_ptr<analyze::UrlContext> context_;
};

}  // namespace impostor::cli
