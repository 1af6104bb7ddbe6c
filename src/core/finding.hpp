#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "core/severity.hpp"

namespace impostor::core {

// A fact with its evidence. Verdicts are derived from findings, never the reverse.
struct Finding {
  std::string id;  // dotted and stable, documented in README (domain.homoglyph, ...)
  Severity severity = Severity::info;
  std::string summary;  // one sentence an analyst can read without the evidence
  nlohmann::json evidence = nlohmann::json::object();
  std::string location;  // where it was seen: a host, a URL, a member path
};

}  // namespace impostor::core
