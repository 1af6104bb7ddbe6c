#pragma once
// Shared fixtures for unit tests: the real allowlists and public-suffix data, loaded once.
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>

#include "allowlist/allowlist_loader.hpp"
#include "analyze/domain_analysis.hpp"
#include "domain/host_name.hpp"
#include "domain/lookalike_classifier.hpp"
#include "domain/public_suffixes.hpp"

namespace impostor::test {

inline std::filesystem::path source_dir() { return IMPOSTOR_SOURCE_DIR; }

inline const allowlist::Allowlist& real_allowlist() {
  static const allowlist::Allowlist list = [] {
    auto load = allowlist::load_allowlist_dir(source_dir() / "allowlists");
    REQUIRE(load.ok());
    return load.allowlist;
  }();
  return list;
}

inline const domain::PublicSuffixes& suffixes() {
  static const domain::PublicSuffixes psl;
  return psl;
}

inline const domain::HostNormalizer& normalizer() {
  static const domain::HostNormalizer n(suffixes());
  return n;
}

// With the shipped established-domain list, or with none (the stricter setting).
inline const domain::LookalikeClassifier& classifier(bool with_established = true) {
  static const domain::LookalikeClassifier with(
      real_allowlist(), domain::EstablishedDomains::load(source_dir() / "data/top-domains.list"));
  static const domain::LookalikeClassifier without(real_allowlist(), domain::EstablishedDomains{});
  return with_established ? with : without;
}

inline core::Report judge(std::string_view name, bool with_established = true) {
  return analyze::analyze_domain({normalizer(), classifier(with_established)}, name);
}

inline bool has_finding(const core::Report& r, std::string_view id) {
  for (const auto& f : r.findings)
    if (f.id == id) return true;
  return false;
}

inline const core::Finding* finding(const core::Report& r, std::string_view id) {
  for (const auto& f : r.findings)
    if (f.id == id) return &f;
  return nullptr;
}

}  // namespace impostor::test
