#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "core/verdict.hpp"

namespace impostor::core {

enum class TargetKind { url, file, domain };
std::string_view to_string(TargetKind k);

struct Target {
  TargetKind kind = TargetKind::domain;
  std::string input;  // exactly what the user gave, attacker-controlled
  // How impostor read the input (normalised host, registrable domain, ...); rendered as
  // extra keys of "target" beside kind and input.
  nlohmann::json details = nlohmann::json::object();
};

// A part of a report already written as compact JSON (core::JsonWriter, keys sorted, as
// nlohmann's objects print them). The page and the hops are written once, straight from
// the analysis: every URL of a crawl carries them, and building a tree only to print it
// and tear it down was a third of a crawl's analysis. tree() reads the part back for the
// writers that walk trees (json, html, sarif, csv, text).
struct RenderedJson {
  std::string text;
  nlohmann::json tree() const;
  static RenderedJson of(const nlohmann::json& value);
};

// The report contract of DESIGN.md ("impostor.report/1"). Sections that a given analysis
// does not fill stay empty; renderers still emit them so consumers see a stable shape.
struct Report {
  Target target;
  Verdict verdict = Verdict::unknown;
  int score = 0;
  std::string vendor;  // the vendor the target is, or imitates; empty when none
  std::vector<Finding> findings;
  RenderedJson hops{"[]"};  // one object per request of the redirect chain
  RenderedJson page{"{}"};  // what the landing page is and offers; empty when there is none
  nlohmann::json artifacts = nlohmann::json::array();
  std::vector<std::string> errors;  // why the target could not be (fully) judged
  std::int64_t elapsed_ms = 0;
};

}  // namespace impostor::core
