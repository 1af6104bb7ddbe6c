#include "report/csv_report.hpp"

#include <algorithm>
#include <array>

#include "report/html_report.hpp"
#include "report/json_report.hpp"

namespace impostor::report {

namespace {

using json = nlohmann::json;

const json& at(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  const auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return {};
  return dump_json(v, -1);
}

constexpr std::array<std::string_view, 5> kSeverities = {"critical", "high", "medium", "low", "info"};

size_t severity_rank(const json& finding) {
  const std::string s = text_of(at(finding, "severity"));
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
  const json& target = at(report, "target");
  std::string ids;
  std::vector<std::string> seen;
  const json* top = nullptr;
  const json& findings = at(report, "findings");
  if (findings.is_array()) {
    for (const auto& f : findings) {
      if (top == nullptr || severity_rank(f) < severity_rank(*top)) top = &f;
      std::string id = text_of(at(f, "id"));
      if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
      ids += (ids.empty() ? "" : " ") + id;
      seen.push_back(std::move(id));
    }
  }
  std::string errors;
  const json& error_list = at(report, "errors");
  if (error_list.is_array())
    for (const auto& e : error_list) errors += (errors.empty() ? "" : "; ") + text_of(e);
  return line({text_of(at(target, "input")), text_of(at(target, "kind")), text_of(at(report, "verdict")),
               text_of(at(report, "score")), text_of(at(report, "vendor")), text_of(at(target, "change")),
               text_of(at(target, "final_url")), ids, top == nullptr ? std::string() : text_of(at(*top, "summary")),
               errors});
}

std::string to_csv(const std::vector<json>& reports) {
  std::string out = csv_header();
  for (const auto& r : reports) out += csv_row(r);
  return out;
}

}  // namespace impostor::report
