#pragma once
#include <span>

#include "core/finding.hpp"
#include "core/report.hpp"
#include "core/verdict.hpp"

namespace impostor::core {

struct PolicyOutcome {
  Verdict verdict = Verdict::unknown;
  int score = 0;  // 0..100, how alarming; 0 for official
};

// The one place where findings become a verdict. README documents this table; keep
// the two in step. First row that matches wins:
//   1. any critical finding                                   -> malicious
//   2. high findings from two or more families (id prefixes)  -> malicious
//   3. any high or medium finding                             -> suspicious
//   4. the target could not be judged (errors)                -> error
//   5. a proof of officialness and nothing above info         -> official
//   6. otherwise                                              -> unknown
PolicyOutcome decide_verdict(std::span<const Finding> findings, bool has_errors);

// Sets report.verdict and report.score from its findings and errors.
void apply_verdict_policy(Report& report);

// Finding ids that prove a target is the vendor's own (rule 5).
bool is_official_proof(std::string_view finding_id);

}  // namespace impostor::core
