#include "analyze/domain_analysis.hpp"

#include <chrono>

#include "core/verdict_policy.hpp"

namespace impostor::analyze {

core::Report analyze_domain(const DomainContext& context, std::string_view input) {
  const auto started = std::chrono::steady_clock::now();
  core::Report report;
  report.target = {core::TargetKind::domain, std::string(input)};

  const auto normalized = context.normalizer.normalize(input);
  if (!normalized.ok()) {
    report.errors.push_back(normalized.error);
  } else {
    auto classification = context.classifier.classify(normalized.host);
    report.findings = std::move(classification.findings);
    report.vendor = std::move(classification.vendor);
    auto& details = report.target.details;
    details["host"] = normalized.host.ascii;
    if (normalized.host.unicode != normalized.host.ascii) details["host_unicode"] = normalized.host.unicode;
    if (!normalized.host.suffix.registrable.empty()) details["registrable_domain"] = normalized.host.suffix.registrable;
    if (!normalized.host.suffix.public_suffix.empty()) {
      details["public_suffix"] = normalized.host.suffix.public_suffix;
      details["public_suffix_private"] = normalized.host.suffix.private_suffix;
    }

    // https://zoom.us@evil.example/ shows "zoom.us" first but goes to evil.example.
    const auto& in = normalized.input;
    if (!in.userinfo.empty()) {
      if (auto brand = context.classifier.brand_in_text(in.userinfo)) {
        report.findings.push_back({"domain.userinfo-trick",
                                   core::Severity::medium,
                                   "The URL starts with '" + in.userinfo + "' but leads to " + normalized.host.ascii,
                                   {{"userinfo", in.userinfo},
                                    {"host", normalized.host.ascii},
                                    {"vendor", brand->first},
                                    {"imitates", brand->second}},
                                   normalized.host.ascii});
        if (report.vendor.empty()) report.vendor = brand->first;
      }
    }
  }
  core::apply_verdict_policy(report);
  report.elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace impostor::analyze
