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
core::Report analyze_domain(const DomainContext& context, std::string_view input);

}  // namespace impostor::analyze
