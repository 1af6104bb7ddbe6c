#include <spdlog/spdlog.h>

#include <deque>
#include <future>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/report_writer.hpp"
#include "cli/site_options.hpp"
#include "core/text_safety.hpp"

namespace impostor::cli {

namespace {

struct UrlOptions {
  std::vector<std::string> urls;
  SiteOptions site;
  size_t concurrency = 8;
};

int run_url(const CommonOptions& common, UrlOptions& options) {
  SiteScanSetup setup(common, options.site);
  const auto& context = setup.context();

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
  add_site_options(*sub, options->site);
  sub->add_option("--concurrency", options->concurrency, "URLs analysed at once (default 8)")
      ->check(CLI::Range(1, 1024));
  sub->callback([&common, &action, options] { action = [&common, options] { return run_url(common, *options); }; });
}

}  // namespace impostor::cli
