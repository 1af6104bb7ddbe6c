#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace impostor::report {

inline constexpr const char* kSarifSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

// SARIF 2.1.0 over reports in the report contract: one run; tool.driver.rules are the
// distinct finding ids; one result per finding with its level (critical/high: error,
// medium: warning, low/info: note), the summary as message, the target as location (an
// artifactLocation uri for url and file targets, a logicalLocation for domains, plus the
// finding's own location, e.g. an archive member, as a logicalLocation), and the verdict,
// severity and evidence as properties. Reports' errors become tool execution notifications.
nlohmann::json to_sarif(const std::vector<nlohmann::json>& reports);

// to_sarif serialised: always valid JSON in valid UTF-8. `indent` < 0 gives one line.
std::string to_sarif_text(const std::vector<nlohmann::json>& reports, int indent = 2);

// The SARIF level of a finding severity ("error", "warning" or "note"; unknown: "warning").
std::string_view sarif_level(std::string_view severity);

// A target as a URI reference: bytes outside the URI character set are percent-encoded.
// File paths also get '%', '?' and '#' encoded (they are never URI syntax in a path), and
// absolute paths become file:// URIs.
std::string sarif_uri(std::string_view target, bool is_file_path);

}  // namespace impostor::report
