#include "report/json_report.hpp"

#include "core/build_info.hpp"

namespace impostor::report {

nlohmann::json to_json(const core::Report& report) { return to_json(core::Report(report)); }

// Built key by key and moving the report's parts in: nlohmann's nested initializer lists
// copy every value, which dominated bulk output.
nlohmann::json to_json(core::Report&& report) {
  nlohmann::json findings = nlohmann::json::array();
  findings.get_ref<nlohmann::json::array_t&>().reserve(report.findings.size());
  for (auto& f : report.findings) {
    nlohmann::json item = nlohmann::json::object();
    item["id"] = std::move(f.id);
    item["severity"] = core::to_string(f.severity);
    item["summary"] = std::move(f.summary);
    item["evidence"] = std::move(f.evidence);
    item["location"] = std::move(f.location);
    findings.push_back(std::move(item));
  }
  nlohmann::json target = nlohmann::json::object();
  target["kind"] = core::to_string(report.target.kind);
  target["input"] = std::move(report.target.input);
  for (auto& [key, value] : report.target.details.items())
    if (key != "kind" && key != "input") target[key] = std::move(value);
  nlohmann::json tool = nlohmann::json::object();
  tool["name"] = "impostor";
  tool["version"] = core::kVersion;

  nlohmann::json out = nlohmann::json::object();
  out["schema"] = kSchema;
  out["tool"] = std::move(tool);
  out["target"] = std::move(target);
  out["verdict"] = core::to_string(report.verdict);
  out["score"] = report.score;
  out["vendor"] = report.vendor.empty() ? nlohmann::json(nullptr) : nlohmann::json(std::move(report.vendor));
  out["findings"] = std::move(findings);
  out["hops"] = std::move(report.hops);
  out["page"] = std::move(report.page);
  out["artifacts"] = std::move(report.artifacts);
  out["errors"] = std::move(report.errors);
  out["elapsed_ms"] = report.elapsed_ms;
  return out;
}

std::string dump_json(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

const nlohmann::json& json_field(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string text_of(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return {};
  return dump_json(value, -1);
}

}  // namespace impostor::report
