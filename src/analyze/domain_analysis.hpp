#pragma once
#include <string_view>

#include "core/report.hpp"
#include "domain/host_name.hpp"
#include "domain/lookalike_classifier.hpp"

namespace impostor::analyze {

// The pieces a domain analysis needs, loaded once and shared read-only.
struct DomainContext {
  const domain::HostNormalizer& normalizer;
  const domain::LookalikeClassifier& classifier;
};

// `impostor domain NAME|URL`: normalise, classify, apply the verdict policy. Never throws
// for bad input: an unreadable name becomes a report with verdict `error` and the reason.
// With Detail::ids the findings carry only id and severity and the target no details:
// enough for a table row (verdict, vendor, finding ids), which are the same either way.
core::Report analyze_domain(const DomainContext& context, std::string_view input,
                            domain::LookalikeClassifier::Detail detail = domain::LookalikeClassifier::Detail::full);

}  // namespace impostor::analyze
