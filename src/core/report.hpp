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

// The report contract of DESIGN.md ("impostor.report/1"). Sections that a given analysis
// does not fill stay empty; renderers still emit them so consumers see a stable shape.
struct Report {
  Target target;
  Verdict verdict = Verdict::unknown;
  int score = 0;
  std::string vendor;  // the vendor the target is, or imitates; empty when none
  std::vector<Finding> findings;
  nlohmann::json hops = nlohmann::json::array();
  nlohmann::json page = nlohmann::json::object();
  nlohmann::json artifacts = nlohmann::json::array();
  std::vector<std::string> errors;  // why the target could not be (fully) judged
  std::int64_t elapsed_ms = 0;
};

}  // namespace impostor::core
