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

// One report as one line: the same bytes as dump_json(to_json(report), -1), written
// without building the JSON tree (jsonl output of bulk runs).
std::string compact_json(const core::Report& report);

// For renderers that read reports back from their JSON: a missing key (or a value that
// is not an object) gives null, and any value reads as text (null as "", strings as they
// are, the rest as compact JSON).
const nlohmann::json& json_field(const nlohmann::json& object, const char* key);
std::string text_of(const nlohmann::json& value);

}  // namespace impostor::report
