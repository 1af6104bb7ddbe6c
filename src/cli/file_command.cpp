#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <thread>

#include "analyze/file_analysis.hpp"
#include "cli/commands.hpp"
#include "cli/file_scanner_setup.hpp"
#include "cli/report_writer.hpp"
#include "core/text_safety.hpp"
#include "scan/hash_list.hpp"
#include "scan/yara_rules.hpp"

namespace impostor::cli {

namespace {

struct FileOptions {
  std::vector<std::string> paths;
  unpack::WalkLimits limits;
  size_t threads = 0;  // 0: one per core
  bool no_cache = false;
  analyze::DigestChoice digests;
};

int run_file(const CommonOptions& common, const FileOptions& options) {
  const scan::YaraLibrary yara;
  auto scanner = make_file_scanner(common, options.limits, options.threads, !options.no_cache, options.digests);
  if (!scanner) return kExitError;
  ReportWriter writer(common);
  for (const auto& path : options.paths) writer.add(scanner->analyze(path));
  writer.finish();
  return writer.exit_code();
}

int run_rules_check(const CommonOptions& common) {
  const scan::YaraLibrary yara;
  const auto dir = find_data_dir(common.signatures, "signatures");
  auto compiled = scan::YaraRules::compile_dir(dir, false);
  for (const auto& p : compiled.problems) std::cerr << core::for_terminal(p.to_string()) << '\n';
  if (!compiled.rules) return kExitError;
  std::cout << compiled.rules->rule_count() << " rule(s) from " << compiled.files << " file(s) OK in " << dir.string()
            << '\n';
  return kExitClean;
}

}  // namespace

void add_file_command(CLI::App& app, const CommonOptions& common, Action& action) {
  auto options = std::make_shared<FileOptions>();
  auto* sub = app.add_subcommand("file", "Unpack installers and archives recursively and scan every member");
  sub->fallthrough();
  sub->add_option("paths", options->paths, "Files to scan; '-' reads standard input")->required();
  auto& l = options->limits;
  sub->add_option("--max-depth", l.max_depth, "Containers inside containers (default 8)")->check(CLI::Range(0, 64));
  sub->add_option("--max-members", l.max_members, "Members in one file (default 100000)");
  sub->add_option("--max-total-bytes", l.max_total_bytes, "Expanded bytes per file (default 4 GiB)");
  sub->add_option("--max-member-bytes", l.max_member_bytes, "Expanded bytes per member (default 1 GiB)");
  sub->add_option("--max-ratio", l.max_ratio, "Expansion ratio past the first MiB (default 1000)");
  sub->add_option("--timeout", l.max_seconds, "Seconds per top-level file (default 120)")->check(CLI::PositiveNumber);
  sub->add_option("--threads", options->threads, "Scanning threads (default: one per core, at most 32)");
  sub->add_flag("--md5", options->digests.md5,
                "Give every member's MD5 too (computed anyway when a rule reads the `md5` external)");
  sub->add_flag("--no-rule-cache", options->no_cache, "Compile the rules afresh instead of using the cache");
  sub->callback([&common, &action, options] { action = [&common, options] { return run_file(common, *options); }; });

  auto* rules = app.add_subcommand("rules", "Work with the YARA signatures");
  rules->fallthrough();
  rules->require_subcommand(1);
  auto* check = rules->add_subcommand("check", "Compile every signature and report errors with file:line");
  check->fallthrough();
  check->callback([&common, &action] { action = [&common] { return run_rules_check(common); }; });
}

}  // namespace impostor::cli
