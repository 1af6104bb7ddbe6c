#include "core/verdict_policy.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string>

namespace impostor::core {

namespace {

constexpr std::array<std::string_view, 2> kOfficialProofs = {"domain.official", "sign.valid-vendor"};
constexpr std::array<std::string_view, 2> kUnprovenVendorClaims = {"sign.claims-vendor-unsigned",
                                                                   "sign.wrong-publisher"};

std::string_view family_of(std::string_view id) { return id.substr(0, id.find('.')); }

int base_score(Severity s) {
  switch (s) {
    case Severity::info: return 0;
    case Severity::low: return 15;
    case Severity::medium: return 45;
    case Severity::high: return 75;
    case Severity::critical: return 95;
  }
  return 0;
}

}  // namespace

bool is_official_proof(std::string_view finding_id) {
  return std::find(kOfficialProofs.begin(), kOfficialProofs.end(), finding_id) != kOfficialProofs.end();
}

bool is_unproven_vendor_claim(std::string_view finding_id) {
  return std::find(kUnprovenVendorClaims.begin(), kUnprovenVendorClaims.end(), finding_id) !=
         kUnprovenVendorClaims.end();
}

bool is_bundled_payload(const Finding& f) {
  return f.severity >= Severity::medium && (f.id.starts_with("yara.") || f.id == "hash.known-bad");
}

PolicyOutcome decide_verdict(std::span<const Finding> findings, bool has_errors) {
  Severity worst = Severity::info;
  bool proof = false;
  bool unproven_claim = false;
  bool bundled = false;
  int notable = 0;
  std::set<std::string_view> high_families;
  for (const auto& f : findings) {
    worst = std::max(worst, f.severity);
    // A vendor's signature on a member vouches for that member, not for the archive around it.
    const bool nested = f.evidence.is_object() && f.evidence.contains("depth") && f.evidence["depth"] != 0;
    proof = proof || (is_official_proof(f.id) && !nested);
    unproven_claim = unproven_claim || is_unproven_vendor_claim(f.id);
    bundled = bundled || is_bundled_payload(f);
    if (f.severity >= Severity::low) ++notable;
    if (f.severity >= Severity::high) high_families.insert(family_of(f.id));
  }
  const int score = std::min(100, base_score(worst) + 5 * std::max(0, notable - 1));

  if (worst == Severity::critical) return {Verdict::malicious, score};
  if (high_families.size() >= 2) return {Verdict::malicious, score};
  // A repackaged installer: it passes itself off as the vendor's and carries something more.
  if (unproven_claim && bundled) return {Verdict::malicious, score};
  if (worst >= Severity::medium) return {Verdict::suspicious, score};
  if (has_errors) return {Verdict::error, score};
  if (proof && worst == Severity::info) return {Verdict::official, 0};
  return {Verdict::unknown, score};
}

void apply_verdict_policy(Report& report) {
  const auto outcome = decide_verdict(report.findings, !report.errors.empty());
  report.verdict = outcome.verdict;
  report.score = outcome.score;
}

}  // namespace impostor::core
