#include "report/json_report.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>

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

namespace {

// A string that needs no escaping and cannot be invalid UTF-8: printable ASCII without
// quote and backslash. Everything else is left to nlohmann's serializer.
bool plain_ascii(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

void append_integer(std::string& out, auto number) {
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), number).ptr;
  out.append(digits.data(), end);
}

void append_key(std::string& out, const std::string& key) {
  if (plain_ascii(key)) {
    out += '"';
    out += key;
    out += '"';
  } else {
    out += nlohmann::json(key).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

// nlohmann's compact dump, byte for byte, without its per-byte UTF-8 state machine on the
// plain text that is most of a report (URLs, ids, hashes, names): reports are rendered
// once per URL, and the generic serializer was a large share of a crawl's time.
void append_compact(std::string& out, const nlohmann::json& value) {
  using value_t = nlohmann::json::value_t;
  switch (value.type()) {
    case value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        append_key(out, key);
        out += ':';
        append_compact(out, item);
      }
      out += '}';
      return;
    }
    case value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value.get_ref<const nlohmann::json::array_t&>()) {
        if (!first) out += ',';
        first = false;
        append_compact(out, item);
      }
      out += ']';
      return;
    }
    case value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      if (!plain_ascii(text)) break;
      out += '"';
      out += text;
      out += '"';
      return;
    }
    case value_t::number_integer: append_integer(out, value.get<std::int64_t>()); return;
    case value_t::number_unsigned: append_integer(out, value.get<std::uint64_t>()); return;
    case value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case value_t::null: out += "null"; return;
    default: break;  // floating point, binary: as nlohmann writes them
  }
  out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_string(std::string& out, std::string_view text) {
  if (plain_ascii(text)) {
    out += '"';
    out += text;
    out += '"';
  } else {
    out += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

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
      append_compact(out, v);
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
  append_compact(out, report.artifacts);
  out += ",\"elapsed_ms\":";
  append_integer(out, report.elapsed_ms);
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
    append_compact(out, f.evidence);
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
  append_compact(out, report.hops);
  out += ",\"page\":";
  append_compact(out, report.page);
  out += ",\"schema\":";
  append_string(out, kSchema);
  out += ",\"score\":";
  append_integer(out, report.score);
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
  append_compact(out, value);
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
