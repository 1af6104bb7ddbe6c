#include "cli/site_options.hpp"

#include <stdexcept>

#include "allowlist/allowlist_loader.hpp"
#include "analyze/page_judgement.hpp"
#include "cli/file_scanner_setup.hpp"
#include "core/text_safety.hpp"
#include "net/browser_profile.hpp"

namespace impostor::cli {

void add_site_options(CLI::App& sub, SiteOptions& options) {
  auto& f = options.fetch;
  auto& s = options.settings;
  sub.add_option("--resolve", f.resolve, "HOST:PORT:ADDR[,ADDR] pins a host to addresses (curl syntax); repeatable");
  sub.add_option("--ca-file", f.ca_files, "Trust these PEM roots instead of the system store; repeatable");
  sub.add_option("--proxy", f.proxy, "Fetch through this proxy (libcurl syntax, e.g. http://proxy:3128)");
  sub.add_flag("--allow-private-addresses", f.allow_private_addresses,
               "Also fetch from loopback, private, link-local and metadata addresses");
  sub.add_option("--profile", s.profile,
                 "How requests present themselves: chrome-windows (default), edge-windows, firefox-windows, "
                 "safari-mac, plain");
  sub.add_option("--user-agent", s.user_agent, "User-Agent for the main fetch (overrides the profile's)");
  sub.add_option("--connect-timeout", options.connect_timeout_s, "Seconds to connect, DNS included (default 10)")
      ->check(CLI::PositiveNumber);
  sub.add_option("--timeout", options.timeout_s, "Seconds per request (default 30)")->check(CLI::PositiveNumber);
  sub.add_option("--max-redirects", s.max_redirects, "Redirects followed (default 10)")->check(CLI::Range(0, 50));
  sub.add_option("--max-page-bytes", s.max_page_bytes, "Bytes of a page kept after decoding (default 5 MiB)");
  sub.add_option("--max-header-bytes", f.max_header_bytes, "Bytes of response headers (default 256 KiB)");
  sub.add_flag(
      "--no-cloaking-probe", [&s](int64_t) { s.cloaking_probe = false; },
      "Do not fetch a second time as a plain client");
  sub.add_flag("--fetch-every-download", options.fetch_every_download,
               "Fetch a download for every page that links it, instead of once per site every 5 minutes");
  sub.add_flag("--probe-every-url", options.probe_every_url,
               "Probe for cloaking at every URL, also one whose browser view another URL of the page already had");
}

SiteScanSetup::SiteScanSetup(const CommonOptions& common, SiteOptions& options) {
  auto load = allowlist::load_allowlist_dir(find_data_dir(common.allowlists, "allowlists"));
  if (!load.ok()) {
    std::string all;
    for (const auto& p : load.problems) all += (all.empty() ? "" : "\n") + core::for_terminal(p.to_string());
    throw std::runtime_error(all);
  }
  allowlist_ = std::make_shared<const allowlist::Allowlist>(std::move(load.allowlist));
  if (net::find_profile(options.settings.profile) == nullptr) {
    std::string names;
    for (const auto& n : net::profile_names()) names += (names.empty() ? "" : ", ") + n;
    throw std::runtime_error("unknown --profile '" + core::for_terminal(options.settings.profile) +
                             "'; known: " + names);
  }
  options.fetch.connect_timeout_ms = static_cast<long>(options.connect_timeout_s * 1000);
  options.fetch.total_timeout_ms = static_cast<long>(options.timeout_s * 1000);
  normalizer_ = std::make_unique<domain::HostNormalizer>(suffixes_);
  classifier_ = std::make_unique<domain::LookalikeClassifier>(
      *allowlist_, domain::EstablishedDomains::load(find_data_dir({}, "data") / "top-domains.list"));
  files_ = make_file_scanner(common, {}, 0, true, {}, allowlist_);
  if (!files_) throw std::runtime_error("the signatures could not be loaded (see above)");
  fetcher_ = std::make_unique<net::Fetcher>(options.fetch);
  judge_memo_ = std::make_unique<analyze::JudgeMemo>();
  favicons_ = std::make_unique<analyze::FaviconMemo>();
  if (!options.fetch_every_download) downloads_ = std::make_unique<analyze::DownloadMemo>();
  if (!options.probe_every_url) probes_ = std::make_unique<analyze::ProbeMemo>();
  context_ = std::make_unique<analyze::UrlContext>(analyze::UrlContext{{*normalizer_, *classifier_},
                                                                       *allowlist_,
                                                                       *fetcher_,
                                                                       options.settings,
                                                                       files_.get(),
                                                                       analyze::brand_terms(*allowlist_),
                                                                       judge_memo_.get(),
                                                                       favicons_.get(),
                                                                       downloads_.get(),
                                                                       probes_.get()});
}

SiteScanSetup::~SiteScanSetup() = default;

}  // namespace impostor::cli
