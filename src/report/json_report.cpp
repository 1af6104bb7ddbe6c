#include "report/json_report.hpp"

#include "core/build_info.hpp"

namespace impostor::report {

nlohmann::json to_json(const core::Report& report) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : report.findings) {
    findings.push_back({{"id", f.id},
                        {"severity", core::to_string(f.severity)},
                        {"summary", f.summary},
                        {"evidence", f.evidence},
                        {"location", f.location}});
  }
  nlohmann::json target = {{"kind", core::to_string(report.target.kind)}, {"input", report.target.input}};
  for (const auto& [key, value] : report.target.details.items())
    if (key != "kind" && key != "input") target[key] = value;
  return {{"schema", kSchema},
          {"tool", {{"name", "impostor"}, {"version", core::kVersion}}},
          {"target", std::move(target)},
          {"verdict", core::to_string(report.verdict)},
          {"score", report.score},
          {"vendor", report.vendor.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.vendor)},
          {"findings", std::move(findings)},
          {"hops", report.hops},
          {"page", report.page},
          {"artifacts", report.artifacts},
          {"errors", report.errors},
          {"elapsed_ms", report.elapsed_ms}};
}

std::string dump_json(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace impostor::report
