#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "allowlist/allowlist_loader.hpp"
#include "analyze/domain_analysis.hpp"
#include "cli/commands.hpp"
#include "cli/report_writer.hpp"
#include "core/text_safety.hpp"
#include "domain/host_name.hpp"
#include "domain/lookalike_classifier.hpp"
#include "domain/public_suffixes.hpp"

namespace impostor::cli {

namespace {

struct DomainOptions {
  std::vector<std::string> names;
  std::string established_list;  // empty: data/top-domains.list
};

// Reads names from stdin, one a line; '#' comments and blank lines skipped. Lines longer
// than the input cap are truncated here and refused by the parser with a message.
template <typename Fn>
void for_each_stdin_line(Fn&& fn) {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    fn(line);
  }
}

int run_domain(const CommonOptions& common, const DomainOptions& options) {
  const auto allowlist_dir = find_data_dir(common.allowlists, "allowlists");
  auto load = allowlist::load_allowlist_dir(allowlist_dir);
  if (!load.ok()) {
    for (const auto& p : load.problems) std::cerr << core::for_terminal(p.to_string()) << '\n';
    return kExitError;
  }
  const auto established_file = options.established_list.empty() ? find_data_dir({}, "data") / "top-domains.list"
                                                                 : std::filesystem::path(options.established_list);
  const domain::PublicSuffixes suffixes;
  spdlog::debug("public-suffix data: {}", suffixes.source());
  const domain::HostNormalizer normalizer(suffixes);
  const domain::LookalikeClassifier classifier(load.allowlist, domain::EstablishedDomains::load(established_file));
  const analyze::DomainContext context{normalizer, classifier};

  ReportWriter writer(common);
  size_t count = 0;
  // The text format shows a lone report in full and, from the second report on, one table
  // row per name (verdict, vendor, finding ids): those reports need no evidence, and
  // building it was most of their cost.
  const auto judge = [&](std::string_view name) {
    const bool row_only = common.format == OutputFormat::text && count > 0;
    writer.add(analyze::analyze_domain(
        context, name,
        row_only ? domain::LookalikeClassifier::Detail::ids : domain::LookalikeClassifier::Detail::full));
    ++count;
  };
  for (const auto& name : options.names) {
    if (name == "-")
      for_each_stdin_line(judge);
    else
      judge(name);
  }
  writer.finish();
  spdlog::debug("classified {} names", count);
  return writer.exit_code();
}

}  // namespace

void add_domain_command(CLI::App& app, const CommonOptions& common, Action& action) {
  auto options = std::make_shared<DomainOptions>();
  auto* sub = app.add_subcommand("domain", "Judge host names or URLs: official, lookalike or unknown");
  sub->fallthrough();
  sub->add_option("names", options->names, "Host names or URLs; '-' reads one a line from standard input")->required();
  sub->add_option("--established", options->established_list,
                  "Popular-domain list that is never flagged (default: data/top-domains.list)");
  sub->callback([&common, &action, options] { action = [&common, options] { return run_domain(common, *options); }; });
}

}  // namespace impostor::cli
