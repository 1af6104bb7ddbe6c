#include <iostream>

#include "allowlist/allowlist_loader.hpp"
#include "cli/commands.hpp"
#include "core/text_safety.hpp"

namespace impostor::cli {

namespace {

int run_allowlist_check(const CommonOptions& common) {
  const auto dir = find_data_dir(common.allowlists, "allowlists");
  const auto load = allowlist::load_allowlist_dir(dir);
  for (const auto& p : load.problems) std::cerr << core::for_terminal(p.to_string()) << '\n';
  if (!load.ok()) {
    std::cerr << load.problems.size() << " problem(s) in " << dir.string() << '\n';
    return kExitError;
  }
  for (const auto& v : load.allowlist.vendors) {
    std::cout << v.id << ": " << v.name << ", " << v.official_domains.size() << " official domain(s), "
              << v.brand_tokens.size() + v.distinctive_tokens.size() << " brand token(s), "
              << v.authenticode_publishers.size() << " publisher(s) (" << v.source_file << ")\n";
  }
  std::cout << load.allowlist.vendors.size() << " vendor(s) OK in " << dir.string() << '\n';
  return kExitClean;
}

}  // namespace

void add_allowlist_command(CLI::App& app, const CommonOptions& common, Action& action) {
  auto* sub = app.add_subcommand("allowlist", "Work with the vendor allowlists");
  sub->fallthrough();
  sub->require_subcommand(1);
  auto* check = sub->add_subcommand("check", "Load every allowlist file and report problems with file:line:column");
  check->fallthrough();
  check->callback([&common, &action] { action = [&common] { return run_allowlist_check(common); }; });
}

}  // namespace impostor::cli
