#include "report/csv_report.hpp"

#include <algorithm>
#include <array>

#include "report/html_report.hpp"
#include "report/json_report.hpp"

namespace impostor::report {

namespace {

using json = nlohmann::json;

constexpr std::array<std::string_view, 5> kSeverities = {"critical", "high", "medium", "low", "info"};

size_t severity_rank(const json& finding) {
  const std::string s = text_of(json_field(finding, "severity"));
  return static_cast<size_t>(std::find(kSeverities.begin(), kSeverities.end(), s) - kSeverities.begin());
}

bool formula_start(char c) { return c == '=' || c == '+' || c == '-' || c == '@'; }

std::string line(std::initializer_list<std::string_view> cells) {
  std::string out;
  for (const auto cell : cells) {
    if (!out.empty()) out += ',';
    out += csv_cell(cell);
  }
  out += "\r\n";
  return out;
}

}  // namespace

std::string csv_cell(std::string_view text) {
  std::string value = display_text(text, true);
  if (!value.empty()) {
    const size_t first = value.find_first_not_of(' ');
    const bool formula = value[0] == '\t' || value[0] == '\r' || formula_start(value[0]) ||
                         (first != std::string::npos && formula_start(value[first]));
    if (formula) value.insert(value.begin(), '\'');
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string csv_header() {
  return line(
      {"input", "kind", "verdict", "score", "vendor", "change", "final_url", "findings", "top_finding", "errors"});
}

std::string csv_row(const json& report) {
  const json& target = json_field(report, "target");
  std::string ids;
  std::vector<std::string> seen;
  const json* top = nullptr;
  const json& findings = json_field(report, "findings");
  if (findings.is_array()) {
    for (const auto& f : findings) {
      if (top == nullptr || severity_rank(f) < severity_rank(*top)) top = &f;
      std::string id = text_of(json_field(f, "id"));
      if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
      ids += (ids.empty() ? "" : " ") + id;
      seen.push_back(std::move(id));
    }
  }
  std::string errors;
  const json& error_list = json_field(report, "errors");
  if (error_list.is_array())
    for (const auto& e : error_list) errors += (errors.empty() ? "" : "; ") + text_of(e);
  return line({text_of(json_field(target, "input")), text_of(json_field(target, "kind")),
               text_of(json_field(report, "verdict")), text_of(json_field(report, "score")),
               text_of(json_field(report, "vendor")), text_of(json_field(target, "change")),
               text_of(json_field(target, "final_url")), ids,
               top == nullptr ? std::string() : text_of(json_field(*top, "summary")), errors});
}

std::string to_csv(const std::vector<json>& reports) {
  std::string out = csv_header();
  for (const auto& r : reports) out += csv_row(r);
  return out;
}

}  // namespace impostor::report
