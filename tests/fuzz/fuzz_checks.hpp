#pragma once
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "core/finding.hpp"

namespace impostor::fuzz {

// Renders JSON the way report/json_report.cpp does (invalid UTF-8 in attacker text is
// replaced there, not refused), so an exception here is one the report would throw too.
inline std::string dump_like_report(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What every output path relies on: a finding has a dotted id and renders.
inline void check_findings(std::span<const core::Finding> findings) {
  for (const auto& finding : findings) {
    if (finding.id.empty() || finding.id.find('.') == std::string::npos) std::abort();
    const nlohmann::json rendered = {{"id", finding.id},
                                     {"summary", finding.summary},
                                     {"evidence", finding.evidence},
                                     {"location", finding.location}};
    (void)dump_like_report(rendered);
  }
}

}  // namespace impostor::fuzz
