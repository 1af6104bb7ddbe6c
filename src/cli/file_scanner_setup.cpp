#include "cli/file_scanner_setup.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

#include "allowlist/allowlist_loader.hpp"
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

// The vendors and the roots code signers must chain to; nothing when either cannot be loaded.
std::optional<analyze::SignatureChecks> load_signature_checks(const CommonOptions& common,
                                                              std::shared_ptr<const allowlist::Allowlist> vendors) {
  if (!vendors) {
    auto load = allowlist::load_allowlist_dir(find_data_dir(common.allowlists, "allowlists"));
    if (!load.ok()) {
      for (const auto& p : load.problems) std::cerr << core::for_terminal(p.to_string()) << '\n';
      return std::nullopt;
    }
    vendors = std::make_shared<const allowlist::Allowlist>(std::move(load.allowlist));
  }
  sign::TrustStoreConfig config;
  config.pem_files = common.trust_files;
  std::string error;
  auto trust = sign::TrustStore::load(config, &error);
  if (!trust) {
    std::cerr << core::for_terminal(error) << '\n';
    return std::nullopt;
  }
  spdlog::debug("code signatures: {} vendor(s), {} extra trusted certificate(s)", vendors->vendors.size(),
                trust->extra_certificates());
  return analyze::SignatureChecks{std::move(vendors), std::make_shared<const sign::TrustStore>(std::move(*trust))};
}

}  // namespace

std::unique_ptr<analyze::FileScanner> make_file_scanner(const CommonOptions& common, const unpack::WalkLimits& limits,
                                                        size_t threads, bool use_rule_cache,
                                                        analyze::DigestChoice digests,
                                                        std::shared_ptr<const allowlist::Allowlist> vendors) {
  auto rules = load_rules(common, use_rule_cache);
  if (!rules) return nullptr;
  std::vector<std::string> problems;
  auto good = scan::HashList::load_dir(find_data_dir(common.allowlists, "allowlists") / "hashes", problems);
  auto bad = scan::HashList::load_dir(find_data_dir(common.signatures, "signatures") / "hashes", problems);
  if (!problems.empty()) {
    for (const auto& p : problems) std::cerr << core::for_terminal(p) << '\n';
    return nullptr;
  }
  auto signatures = load_signature_checks(common, std::move(vendors));
  if (!signatures) return nullptr;
  const size_t n = threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  return std::make_unique<analyze::FileScanner>(unpack::FormatRegistry::standard(), limits, std::move(rules),
                                                std::move(good), std::move(bad), n, std::move(*signatures), digests);
}

}  // namespace impostor::cli
