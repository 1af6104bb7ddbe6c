#pragma once
#include <memory>

#include "allowlist/vendor.hpp"
#include "analyze/file_analysis.hpp"
#include "cli/common_options.hpp"
#include "unpack/walk_limits.hpp"

namespace impostor::cli {

// Compiles (or loads the cached) YARA rules and the known-hash lists and builds the one
// FileScanner of a run; used by `file`, `url` downloads and `guard`. Problems go to
// stderr; nullptr when any of them is fatal. `vendors`: the run's allowlist when the
// caller has loaded it already (it is read from the allowlist folder otherwise).
std::unique_ptr<analyze::FileScanner> make_file_scanner(const CommonOptions& common, const unpack::WalkLimits& limits,
                                                        size_t threads, bool use_rule_cache,
                                                        analyze::DigestChoice digests = {},
                                                        std::shared_ptr<const allowlist::Allowlist> vendors = nullptr);

}  // namespace impostor::cli
