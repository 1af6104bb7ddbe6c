#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "core/text_safety.hpp"
#include "store/scan_history.hpp"

namespace impostor::cli {

namespace {

struct HistoryOptions {
  std::string db;
  std::vector<int64_t> diff;  // two scan ids
  size_t limit = 50;
};

int run_history(const CommonOptions& common, const HistoryOptions& options) {
  store::ScanHistory history(options.db);
  const bool json = common.format != OutputFormat::text;
  if (options.diff.empty()) {
    const auto scans = history.scans(options.limit);
    if (json) {
      for (const auto& s : scans)
        std::cout << nlohmann::json{{"scan", s.id},        {"started_at", s.started_at}, {"finished_at", s.finished_at},
                                    {"input", s.input},    {"shard", s.shard},           {"results", s.results},
                                    {"flagged", s.flagged}}
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                  << '\n';
      return kExitClean;
    }
    std::cout << "SCAN  STARTED               FINISHED              RESULTS  FLAGGED  INPUT\n";
    for (const auto& s : scans) {
      std::cout << s.id << "  " << s.started_at << "  "
                << (s.finished_at.empty() ? "(unfinished)        " : s.finished_at) << "  " << s.results << "  "
                << s.flagged << "  " << core::for_terminal(s.input) << (s.shard.empty() ? "" : " shard " + s.shard)
                << '\n';
    }
    return kExitClean;
  }
  const auto rows = history.diff(options.diff[0], options.diff[1]);
  for (const auto& r : rows) {
    if (json) {
      std::cout << nlohmann::json{{"url", r.url},
                                  {"before", r.before},
                                  {"after", r.after},
                                  {"findings_added", r.findings_added},
                                  {"findings_removed", r.findings_removed}}
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                << '\n';
      continue;
    }
    std::cout << core::for_terminal(r.url) << "  " << (r.before.empty() ? "(absent)" : r.before) << " -> "
              << (r.after.empty() ? "(absent)" : r.after) << '\n';
    for (const auto& f : r.findings_added) std::cout << "    + " << core::for_terminal(f) << '\n';
    for (const auto& f : r.findings_removed) std::cout << "    - " << core::for_terminal(f) << '\n';
  }
  if (!json)
    std::cout << rows.size() << " URL(s) differ between scan " << options.diff[0] << " and " << options.diff[1] << '\n';
  return kExitClean;
}

}  // namespace

void add_history_command(CLI::App& app, const CommonOptions& common, Action& action) {
  auto options = std::make_shared<HistoryOptions>();
  auto* sub = app.add_subcommand("history", "List the scans kept by crawl --db, or show what changed between two");
  sub->fallthrough();
  sub->add_option("--db", options->db, "The crawl history database")->required();
  sub->add_option("--diff", options->diff, "Two scan ids: the URLs whose verdict or findings changed")->expected(2);
  sub->add_option("--limit", options->limit, "Scans listed (default 50)");
  sub->callback([&common, &action, options] { action = [&common, options] { return run_history(common, *options); }; });
}

}  // namespace impostor::cli
