#include <spdlog/spdlog.h>

#include <deque>
#include <future>
#include <iostream>
#include <memory>

#include "allowlist/allowlist_loader.hpp"
#include "analyze/url_analysis.hpp"
#include "cli/commands.hpp"
#include "cli/report_writer.hpp"
#include "core/text_safety.hpp"
#include "domain/host_name.hpp"
#include "domain/lookalike_classifier.hpp"
#include "domain/public_suffixes.hpp"
#include "net/browser_profile.hpp"
#include "net/fetcher.hpp"

namespace impostor::cli {

namespace {

struct UrlOptions {
  std::vector<std::string> urls;
  net::FetchOptions fetch;
  analyze::UrlSettings settings;
  double connect_timeout_s = 10;
  double timeout_s = 30;
  size_t concurrency = 8;
};

int run_url(const CommonOptions& common, UrlOptions& options) {
  const auto allowlist_dir = find_data_dir(common.allowlists, "allowlists");
  auto load = allowlist::load_allowlist_dir(allowlist_dir);
  if (!load.ok()) {
    for (const auto& p : load.problems) std::cerr << core::for_terminal(p.to_string()) << '\n';
    return kExitError;
  }
  if (net::find_profile(options.settings.profile) == nullptr) {
    std::string names;
    for (const auto& n : net::profile_names()) names += (names.empty() ? "" : ", ") + n;
    std::cerr << "impostor: unknown --profile '" << core::for_terminal(options.settings.profile)
              << "'; known: " << names << '\n';
    return kExitError;
  }
  options.fetch.connect_timeout_ms = static_cast<long>(options.connect_timeout_s * 1000);
  options.fetch.total_timeout_ms = static_cast<long>(options.timeout_s * 1000);

  const domain::PublicSuffixes suffixes;
  const domain::HostNormalizer normalizer(suffixes);
  const domain::LookalikeClassifier classifier(
      load.allowlist, domain::EstablishedDomains::load(find_data_dir({}, "data") / "top-domains.list"));
  net::Fetcher fetcher(options.fetch);
  const analyze::UrlContext context{{normalizer, classifier}, load.allowlist, fetcher, options.settings};

  std::vector<std::string> urls;
  for (const auto& u : options.urls) {
    if (u != "-") {
      urls.push_back(u);
      continue;
    }
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line[first] == '#') continue;
      urls.push_back(line.substr(first));
    }
  }

  // A sliding window of analyses: each blocks on its own hops while the one network
  // thread serves them all; reports come out in input order.
  ReportWriter writer(common);
  std::deque<std::future<core::Report>> window;
  const size_t width = std::max<size_t>(1, options.concurrency);
  for (const auto& url : urls) {
    if (window.size() >= width) {
      writer.add(window.front().get());
      window.pop_front();
    }
    window.push_back(std::async(std::launch::async, [&context, url] { return analyze::analyze_url(context, url); }));
  }
  while (!window.empty()) {
    writer.add(window.front().get());
    window.pop_front();
  }
  writer.finish();
  return writer.exit_code();
}

}  // namespace

void add_url_command(CLI::App& app, const CommonOptions& common, Action& action) {
  auto options = std::make_shared<UrlOptions>();
  auto* sub = app.add_subcommand("url", "Fetch a link as a victim's browser would and judge every hop and page");
  sub->fallthrough();
  sub->add_option("urls", options->urls, "URLs to check; '-' reads them from standard input, one a line")->required();
  auto& f = options->fetch;
  auto& s = options->settings;
  sub->add_option("--resolve", f.resolve, "HOST:PORT:ADDR[,ADDR] pins a host to addresses (curl syntax); repeatable");
  sub->add_option("--ca-file", f.ca_files, "Trust these PEM roots instead of the system store; repeatable");
  sub->add_option("--proxy", f.proxy, "Fetch through this proxy (libcurl syntax, e.g. http://proxy:3128)");
  sub->add_flag("--allow-private-addresses", f.allow_private_addresses,
                "Also fetch from loopback, private, link-local and metadata addresses");
  sub->add_option("--profile", s.profile,
                  "How requests present themselves: chrome-windows (default), edge-windows, "
                  "firefox-windows, safari-mac, plain");
  sub->add_option("--user-agent", s.user_agent, "User-Agent for the main fetch (overrides the profile's)");
  sub->add_option("--connect-timeout", options->connect_timeout_s, "Seconds to connect, DNS included (default 10)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--timeout", options->timeout_s, "Seconds per request (default 30)")->check(CLI::PositiveNumber);
  sub->add_option("--max-redirects", s.max_redirects, "Redirects followed (default 10)")->check(CLI::Range(0, 50));
  sub->add_option("--max-page-bytes", s.max_page_bytes, "Bytes of a page kept after decoding (default 5 MiB)");
  sub->add_option("--max-header-bytes", f.max_header_bytes, "Bytes of response headers (default 256 KiB)");
  sub->add_flag(
      "--no-cloaking-probe", [s = &options->settings](int64_t) { s->cloaking_probe = false; },
      "Do not fetch a second time as a plain client");
  sub->add_option("--concurrency", options->concurrency, "URLs analysed at once (default 8)")
      ->check(CLI::Range(1, 1024));
  sub->callback([&common, &action, options] { action = [&common, options] { return run_url(common, *options); }; });
}

}  // namespace impostor::cli
