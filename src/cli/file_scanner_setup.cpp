#include "cli/file_scanner_setup.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

#include "core/text_safety.hpp"
#include "scan/hash_list.hpp"
#include "scan/yara_rules.hpp"

namespace impostor::cli {

namespace {

// Loads compiled rules or reports every problem; nullptr on errors.
std::shared_ptr<scan::YaraRules> load_rules(const CommonOptions& common, bool use_cache) {
  const auto dir = find_data_dir(common.signatures, "signatures");
  auto compiled = scan::YaraRules::compile_dir(dir, use_cache);
  for (const auto& p : compiled.problems)
    if (p.warning || !compiled.rules) std::cerr << core::for_terminal(p.to_string()) << '\n';
  if (compiled.rules)
    spdlog::debug("{} YARA rules from {} files in {}{}", compiled.rules->rule_count(), compiled.files, dir.string(),
                  compiled.from_cache ? " (cached)" : "");
  return compiled.rules;
}

}  // namespace

std::unique_ptr<analyze::FileScanner> make_file_scanner(const CommonOptions& common, const unpack::WalkLimits& limits,
                                                        size_t threads, bool use_rule_cache) {
  auto rules = load_rules(common, use_rule_cache);
  if (!rules) return nullptr;
  std::vector<std::string> problems;
  auto good = scan::HashList::load_dir(find_data_dir(common.allowlists, "allowlists") / "hashes", problems);
  auto bad = scan::HashList::load_dir(find_data_dir(common.signatures, "signatures") / "hashes", problems);
  if (!problems.empty()) {
    for (const auto& p : problems) std::cerr << core::for_terminal(p) << '\n';
    return nullptr;
  }
  const size_t n = threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  return std::make_unique<analyze::FileScanner>(unpack::FormatRegistry::standard(), limits, std::move(rules),
                                                std::move(good), std::move(bad), n);
}

}  // namespace impostor::cli
