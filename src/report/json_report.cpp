#include "report/json_report.hpp"

#include <cstdint>
#include <string_view>

#include "core/build_info.hpp"
#include "core/json_writer.hpp"

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
  out["hops"] = report.hops.tree();
  out["page"] = report.page.tree();
  out["artifacts"] = std::move(report.artifacts);
  out["errors"] = std::move(report.errors);
  out["elapsed_ms"] = report.elapsed_ms;
  return out;
}

namespace {

using core::append_json;

void append_string(std::string& out, std::string_view text) { core::append_json_string(out, text); }

// The merged "target" object: kind and input beside the details, in the key order a
// std::map-backed json object has (details that spell "kind" or "input" are dropped,
// as to_json drops them).
void append_target(std::string& out, const core::Target& target) {
  out += '{';
  bool first = true;
  const auto key = [&](std::string_view k) {
    if (!first) out += ',';
    first = false;
    append_string(out, k);
    out += ':';
  };
  bool input_done = false, kind_done = false;
  const auto fixed_before = [&](std::string_view next) {
    if (!input_done && std::string_view("input") < next) {
      key("input");
      append_string(out, target.input);
      input_done = true;
    }
    if (!kind_done && std::string_view("kind") < next) {
      key("kind");
      append_string(out, core::to_string(target.kind));
      kind_done = true;
    }
  };
  if (target.details.is_object()) {
    for (const auto& [k, v] : target.details.get_ref<const nlohmann::json::object_t&>()) {
      if (k == "kind" || k == "input") continue;
      fixed_before(k);
      key(k);
      append_json(out, v);
    }
  }
  if (!input_done) {
    key("input");
    append_string(out, target.input);
  }
  if (!kind_done) {
    key("kind");
    append_string(out, core::to_string(target.kind));
  }
  out += '}';
}

}  // namespace

// Written straight from the report: building the nlohmann tree first (to_json) cost more
// than writing it out, for the one line per name or URL that bulk runs print. The keys go
// in the order to_json's std::map objects give them, so both paths print the same bytes
// (tests/unit/report_formats_test.cpp holds them to it).
std::string compact_json(const core::Report& report) {
  std::string out;
  out.reserve(4096);
  out += "{\"artifacts\":";
  append_json(out, report.artifacts);
  out += ",\"elapsed_ms\":";
  core::append_json_integer(out, report.elapsed_ms);
  out += ",\"errors\":[";
  for (size_t i = 0; i < report.errors.size(); ++i) {
    if (i > 0) out += ',';
    append_string(out, report.errors[i]);
  }
  out += "],\"findings\":[";
  for (size_t i = 0; i < report.findings.size(); ++i) {
    const auto& f = report.findings[i];
    if (i > 0) out += ',';
    out += "{\"evidence\":";
    append_json(out, f.evidence);
    out += ",\"id\":";
    append_string(out, f.id);
    out += ",\"location\":";
    append_string(out, f.location);
    out += ",\"severity\":";
    append_string(out, core::to_string(f.severity));
    out += ",\"summary\":";
    append_string(out, f.summary);
    out += '}';
  }
  out += "],\"hops\":";
  out += report.hops.text;
  out += ",\"page\":";
  out += report.page.text;
  out += ",\"schema\":";
  append_string(out, kSchema);
  out += ",\"score\":";
  core::append_json_integer(out, report.score);
  out += ",\"target\":";
  append_target(out, report.target);
  out += ",\"tool\":{\"name\":\"impostor\",\"version\":";
  append_string(out, core::kVersion);
  out += "},\"vendor\":";
  if (report.vendor.empty())
    out += "null";
  else
    append_string(out, report.vendor);
  out += ",\"verdict\":";
  append_string(out, core::to_string(report.verdict));
  out += '}';
  return out;
}

std::string dump_json(const nlohmann::json& value, int indent) {
  if (indent >= 0) return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(8192);  // a crawl's report line is a few KiB: one allocation, not a dozen
  append_json(out, value);
  return out;
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
