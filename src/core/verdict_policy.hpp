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
//   3. a vendor claim without the vendor's valid signature
//      (sign.claims-vendor-unsigned, sign.wrong-publisher)
//      with a bundled payload (a yara.* or hash.known-bad
//      finding at medium or above)                            -> malicious
//   4. any high or medium finding                             -> suspicious
//   5. the target could not be judged (errors)                -> error
//   6. a proof of officialness and nothing above info         -> official
//   7. otherwise                                              -> unknown
PolicyOutcome decide_verdict(std::span<const Finding> findings, bool has_errors);

// Sets report.verdict and report.score from its findings and errors.
void apply_verdict_policy(Report& report);

// Finding ids that prove a target is the vendor's own (rule 6); a sign.valid-vendor on
// a nested member (evidence depth > 0) proves that member only and does not count.
bool is_official_proof(std::string_view finding_id);

// Rule 3's two halves: a file that claims a vendor it is not signed by, and a payload
// bundled into it.
bool is_unproven_vendor_claim(std::string_view finding_id);
bool is_bundled_payload(const Finding& finding);

}  // namespace impostor::core
