#pragma once
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/report.hpp"
#include "core/verdict.hpp"

namespace impostor::analyze {

// What `impostor guard` lets run, from /etc/impostor/policy.toml or --policy:
//   block_at = "suspicious"            # or "malicious"
//   require_vendor_signature = true    # a file claiming a vendor must carry its valid signature
//   on_scan_error = "block"            # or "allow": a scan that errs or hits a limit
//   allow_sha256 = ["…"]               # files let through whatever the scan says
struct GuardPolicy {
  core::Verdict block_at = core::Verdict::suspicious;
  bool require_vendor_signature = true;
  bool block_on_scan_error = true;  // fail closed
  std::set<std::string> allow_sha256;
  std::string source = "built-in defaults";
};

// Throws std::runtime_error naming file:line:column for a bad file (unknown key, wrong
// type, bad value): a guard with a policy it cannot read must not run.
GuardPolicy load_guard_policy(const std::filesystem::path& path);

struct GuardDecision {
  bool block = false;
  std::vector<std::string> reasons;  // one line each, the most important first
};

// The decision for one scanned file (the report of `impostor file`).
GuardDecision decide_guard(const GuardPolicy& policy, const core::Report& file_report);

}  // namespace impostor::analyze
