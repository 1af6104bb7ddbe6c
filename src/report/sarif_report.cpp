#include "report/sarif_report.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "core/build_info.hpp"
#include "report/html_report.hpp"
#include "report/json_report.hpp"

namespace impostor::report {

namespace {

using json = nlohmann::json;

// Only valid UTF-8 goes into the tree, so building and dumping never throw.
std::string clean(std::string_view text) { return display_text(text); }

constexpr std::array<std::string_view, 5> kSeverities = {"info", "low", "medium", "high", "critical"};

size_t severity_rank(std::string_view s) {
  const auto it = std::find(kSeverities.begin(), kSeverities.end(), s);
  return it == kSeverities.end() ? 2 : static_cast<size_t>(it - kSeverities.begin());
}

// GitHub code scanning ranks security results by this property (CVSS-like, as a string).
std::string_view security_severity(size_t rank) {
  constexpr std::array<std::string_view, 5> kScores = {"0.0", "3.0", "5.5", "8.0", "9.5"};
  return kScores[std::min(rank, kScores.size() - 1)];
}

// Finding families of README "Finding ids"; a rule's description names its family.
std::string family_description(std::string_view id) {
  static const std::map<std::string_view, std::string_view> kFamilies = {
      {"domain", "Domain name"},       {"tls", "TLS certificate"},   {"http", "HTTP exchange"},
      {"page", "Page content"},        {"scam", "Scam page marker"}, {"yara", "YARA rule match"},
      {"sign", "Code signature"},      {"hash", "File hash"},        {"limits", "Analysis limit reached"},
      {"unpack", "Archive unpacking"}, {"net", "Network"},           {"file", "File"},
  };
  const std::string_view family = id.substr(0, id.find('.'));
  const auto it = kFamilies.find(family);
  return std::string(it == kFamilies.end() ? std::string_view("Finding") : it->second) + ": " + std::string(id);
}

json target_location(const json& target, const std::string& location) {
  const std::string kind = text_of(json_field(target, "kind"));
  const std::string input = text_of(json_field(target, "input"));
  json loc = json::object();
  json logical = json::array();
  if (kind == "url" || kind == "file") {
    loc["physicalLocation"] = {{"artifactLocation", {{"uri", sarif_uri(input, kind == "file")}}}};
  } else {
    logical.push_back({{"name", clean(input)}, {"fullyQualifiedName", clean(input)}, {"kind", "domain"}});
  }
  if (!location.empty() && location != input)
    logical.push_back({{"fullyQualifiedName", clean(location)}, {"kind", kind == "domain" ? "host" : "member"}});
  if (!logical.empty()) loc["logicalLocations"] = std::move(logical);
  return loc;
}

}  // namespace

std::string_view sarif_level(std::string_view severity) {
  if (severity == "critical" || severity == "high") return "error";
  if (severity == "low" || severity == "info") return "note";
  return "warning";
}

std::string sarif_uri(std::string_view target, bool is_file_path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  // RFC 3986 unreserved, sub-delims, ':', '@', '/'; plus '%', '?', '#', '[', ']' for URLs.
  static constexpr std::string_view kKept = "-._~!$&'()*+,;=:@/";
  static constexpr std::string_view kUrlOnly = "%?#[]";
  std::string out;
  if (is_file_path && !target.empty() && target.front() == '/') out = "file://";
  for (const char ch : target) {
    const auto c = static_cast<unsigned char>(ch);
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || kKept.find(ch) != std::string_view::npos ||
        (!is_file_path && kUrlOnly.find(ch) != std::string_view::npos)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

json to_sarif(const std::vector<json>& reports) {
  json rules = json::array();
  std::map<std::string, size_t> rule_index;
  json results = json::array();
  json notifications = json::array();
  std::map<std::string, size_t> verdicts;

  for (const auto& report : reports) {
    const json& target = json_field(report, "target");
    const std::string verdict = clean(text_of(json_field(report, "verdict")));
    ++verdicts[verdict];
    const json& findings = json_field(report, "findings");
    if (findings.is_array()) {
      for (const auto& f : findings) {
        const std::string id = clean(text_of(json_field(f, "id")));
        const std::string severity = clean(text_of(json_field(f, "severity")));
        const size_t rank = severity_rank(severity);
        auto [it, added] = rule_index.try_emplace(id, rules.size());
        if (added) {
          rules.push_back({{"id", id},
                           {"shortDescription", {{"text", family_description(id)}}},
                           {"defaultConfiguration", {{"level", sarif_level(severity)}}},
                           {"properties",
                            {{"tags", json::array({"security", id.substr(0, id.find('.'))})},
                             {"security-severity", security_severity(rank)},
                             {"severity", severity}}}});
        } else {
          // A rule's default is its most severe use in this run.
          json& props = rules[it->second]["properties"];
          if (rank > severity_rank(props["severity"].get<std::string>())) {
            props["severity"] = severity;
            props["security-severity"] = security_severity(rank);
            rules[it->second]["defaultConfiguration"]["level"] = sarif_level(severity);
          }
        }
        std::string message = clean(text_of(json_field(f, "summary")));
        if (message.empty()) message = id;
        json properties = {{"verdict", verdict},
                           {"severity", severity},
                           {"target", clean(text_of(json_field(target, "input")))},
                           {"targetKind", clean(text_of(json_field(target, "kind")))},
                           {"evidence", json_field(f, "evidence")}};
        const std::string change = text_of(json_field(target, "change"));
        if (!change.empty()) properties["change"] = clean(change);
        results.push_back({{"ruleId", id},
                           {"ruleIndex", it->second},
                           {"level", sarif_level(severity)},
                           {"message", {{"text", message}}},
                           {"locations", json::array({target_location(target, text_of(json_field(f, "location")))})},
                           {"properties", std::move(properties)}});
      }
    }
    const json& errors = json_field(report, "errors");
    if (errors.is_array()) {
      for (const auto& e : errors) {
        notifications.push_back({{"level", "error"},
                                 {"message", {{"text", clean(text_of(e))}}},
                                 {"locations", json::array({target_location(target, "")})}});
      }
    }
  }

  json driver = {{"name", "impostor"}, {"version", core::kVersion}, {"rules", std::move(rules)}};
  json run = {
      {"tool", {{"driver", std::move(driver)}}},
      {"invocations",
       json::array({{{"executionSuccessful", true}, {"toolExecutionNotifications", std::move(notifications)}}})},
      {"results", std::move(results)},
      {"properties", {{"targets", reports.size()}, {"verdicts", verdicts}}}};
  return {{"$schema", kSarifSchema}, {"version", "2.1.0"}, {"runs", json::array({std::move(run)})}};
}

std::string to_sarif_text(const std::vector<json>& reports, int indent) { return dump_json(to_sarif(reports), indent); }

}  // namespace impostor::report
