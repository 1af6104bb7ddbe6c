#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "core/report.hpp"

namespace impostor::report {

inline constexpr const char* kSchema = "impostor.report/1";

// The report contract of DESIGN.md as a JSON value.
nlohmann::json to_json(const core::Report& report);
nlohmann::json to_json(core::Report&& report);  // cheaper: moves the report's parts

// Serialises with every string forced to valid UTF-8 (ill-formed bytes become U+FFFD), so
// attacker bytes can never make the output unparsable. `indent` < 0 gives one line (jsonl).
std::string dump_json(const nlohmann::json& value, int indent);

}  // namespace impostor::report
