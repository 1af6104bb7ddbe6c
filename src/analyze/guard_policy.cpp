#include "analyze/guard_policy.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace impostor::analyze {
namespace {

std::string where(const std::filesystem::path& path, const toml::source_region& r) {
  std::ostringstream out;
  out << path.string() << ':' << r.begin.line << ':' << r.begin.column;
  return out.str();
}

bool is_sha256(const std::string& s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

GuardPolicy load_guard_policy(const std::filesystem::path& path) {
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(where(path, e.source()) + ": " + std::string(e.description()));
  }
  GuardPolicy policy;
  policy.source = path.string();
  for (const auto& [key, node] : table) {
    const std::string k(key.str());
    const auto at = where(path, node.source());
    if (k == "block_at") {
      const auto v = node.value<std::string>();
      if (!v || (*v != "suspicious" && *v != "malicious"))
        throw std::runtime_error(at + ": block_at must be \"suspicious\" or \"malicious\"");
      policy.block_at = *v == "malicious" ? core::Verdict::malicious : core::Verdict::suspicious;
    } else if (k == "require_vendor_signature") {
      const auto v = node.value<bool>();
      if (!v) throw std::runtime_error(at + ": require_vendor_signature must be true or false");
      policy.require_vendor_signature = *v;
    } else if (k == "on_scan_error") {
      const auto v = node.value<std::string>();
      if (!v || (*v != "block" && *v != "allow"))
        throw std::runtime_error(at + ": on_scan_error must be \"block\" or \"allow\"");
      policy.block_on_scan_error = *v == "block";
    } else if (k == "allow_sha256") {
      const auto* list = node.as_array();
      if (list == nullptr) throw std::runtime_error(at + ": allow_sha256 must be a list of SHA-256 hex strings");
      for (const auto& item : *list) {
        auto v = item.value<std::string>();
        if (v) std::transform(v->begin(), v->end(), v->begin(), [](unsigned char c) { return std::tolower(c); });
        if (!v || !is_sha256(*v))
          throw std::runtime_error(where(path, item.source()) + ": not a SHA-256 (64 hex digits)");
        policy.allow_sha256.insert(*v);
      }
    } else {
      throw std::runtime_error(at + ": unknown key '" + k +
                               "' (known: block_at, require_vendor_signature, on_scan_error, allow_sha256)");
    }
  }
  return policy;
}

GuardDecision decide_guard(const GuardPolicy& policy, const core::Report& report) {
  GuardDecision d;
  const auto sha = report.target.details.find("sha256");
  if (sha != report.target.details.end() && sha->is_string() &&
      policy.allow_sha256.count(sha->get<std::string>()) != 0) {
    d.reasons.push_back("its SHA-256 is allowed by " + policy.source);
    return d;
  }
  const bool limited = std::any_of(report.findings.begin(), report.findings.end(), [](const core::Finding& f) {
    return f.id.starts_with("limits.") || f.id == "scan.error";
  });
  if (report.verdict == core::Verdict::error || limited) {
    if (policy.block_on_scan_error) {
      d.block = true;
      d.reasons.push_back(report.verdict == core::Verdict::error
                              ? "the scan failed (" +
                                    (report.errors.empty() ? std::string("no reason") : report.errors.front()) + ")"
                              : "the scan stopped at a limit or could not finish a member");
    }
  }
  if (core::flag_rank(report.verdict) >= core::flag_rank(policy.block_at) && report.verdict != core::Verdict::error) {
    d.block = true;
    d.reasons.push_back("verdict " + std::string(core::to_string(report.verdict)) + " (blocked at " +
                        std::string(core::to_string(policy.block_at)) + ")");
  }
  if (policy.require_vendor_signature) {
    for (const auto& f : report.findings) {
      // A signature that is only untrusted (no root for it here) still is not a valid one.
      const bool claims_vendor = f.evidence.is_object() && f.evidence.contains("claim");
      if (f.id == "sign.claims-vendor-unsigned" || f.id == "sign.wrong-publisher" ||
          ((f.id == "sign.invalid" || f.id == "sign.untrusted") && claims_vendor)) {
        d.block = true;
        d.reasons.push_back("it claims a vendor without that vendor's valid signature (" + f.id + ": " + f.summary +
                            (f.location.empty() ? "" : " [" + f.location + "]") + ")");
        break;
      }
    }
  }
  // The findings an analyst reads first, worst first.
  std::vector<const core::Finding*> worst;
  for (const auto& f : report.findings)
    if (f.severity >= core::Severity::medium) worst.push_back(&f);
  std::stable_sort(worst.begin(), worst.end(), [](auto* a, auto* b) { return a->severity > b->severity; });
  for (size_t i = 0; i < worst.size() && i < 5; ++i)
    d.reasons.push_back(worst[i]->id + ": " + worst[i]->summary +
                        (worst[i]->location.empty() ? "" : " [" + worst[i]->location + "]"));
  return d;
}

}  // namespace impostor::analyze
