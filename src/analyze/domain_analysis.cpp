#include "analyze/domain_analysis.hpp"

#include <chrono>

#include "core/verdict_policy.hpp"

namespace impostor::analyze {

namespace {

// The host's forms as the target's details, moved in (the normalised name is not needed
// afterwards) and in key order, so that each goes in at the end of the JSON object's map.
void put_details(domain::HostName& host, nlohmann::json& details) {
  auto& map = details.get_ref<nlohmann::json::object_t&>();
  const bool has_unicode = host.unicode != host.ascii;
  map.emplace_hint(map.end(), "host", std::move(host.ascii));
  if (has_unicode) map.emplace_hint(map.end(), "host_unicode", std::move(host.unicode));
  if (!host.suffix.public_suffix.empty()) {
    map.emplace_hint(map.end(), "public_suffix", std::move(host.suffix.public_suffix));
    map.emplace_hint(map.end(), "public_suffix_private", host.suffix.private_suffix);
  }
  if (!host.suffix.registrable.empty())
    map.emplace_hint(map.end(), "registrable_domain", std::move(host.suffix.registrable));
}

}  // namespace

core::Report analyze_domain(const DomainContext& context, std::string_view input,
                            domain::LookalikeClassifier::Detail detail) {
  const auto started = std::chrono::steady_clock::now();
  const bool full = detail == domain::LookalikeClassifier::Detail::full;
  core::Report report;
  report.target = {core::TargetKind::domain, std::string(input)};

  auto normalized = context.normalizer.normalize(input);
  if (!normalized.ok()) {
    report.errors.push_back(normalized.error);
  } else {
    auto classification = context.classifier.classify(normalized.host, detail);
    report.findings = std::move(classification.findings);
    report.vendor = std::move(classification.vendor);

    // https://zoom.us@evil.example/ shows "zoom.us" first but goes to evil.example.
    const auto& in = normalized.input;
    if (!in.userinfo.empty()) {
      if (auto brand = context.classifier.brand_in_text(in.userinfo)) {
        if (full)
          report.findings.push_back({"domain.userinfo-trick",
                                     core::Severity::medium,
                                     "The URL starts with '" + in.userinfo + "' but leads to " + normalized.host.ascii,
                                     {{"userinfo", in.userinfo},
                                      {"host", normalized.host.ascii},
                                      {"vendor", brand->first},
                                      {"imitates", brand->second}},
                                     normalized.host.ascii});
        else
          report.findings.push_back(
              {"domain.userinfo-trick", core::Severity::medium, {}, nlohmann::json::object(), {}});
        if (report.vendor.empty()) report.vendor = brand->first;
      }
    }
    if (full) put_details(normalized.host, report.target.details);
  }
  core::apply_verdict_policy(report);
  report.elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace impostor::analyze
