#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace impostor::report {

// RFC 4180 CSV, one row per report in the report contract, CRLF line ends. Columns:
// input, kind, verdict, score, vendor, change, final_url, findings (distinct ids joined by
// a space), top_finding (summary of the most severe finding), errors (joined by "; ").
// Streaming: write csv_header() once, then csv_row(report) as each report arrives.
std::string csv_header();
std::string csv_row(const nlohmann::json& report);
std::string to_csv(const std::vector<nlohmann::json>& reports);

// One cell: attacker text made inert (display_text, keeping newlines and tabs), prefixed
// with ' when a spreadsheet would read it as a formula (it starts with = + - @ tab or CR,
// or with spaces then = + - @), and quoted (quotes doubled) when it holds , " CR or LF.
std::string csv_cell(std::string_view text);

}  // namespace impostor::report
