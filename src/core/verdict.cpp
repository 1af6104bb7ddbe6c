#include "core/verdict.hpp"

#include <array>

namespace impostor::core {

namespace {
constexpr std::array<std::string_view, 5> kNames = {"official", "unknown", "suspicious", "malicious", "error"};
}

std::string_view to_string(Verdict v) { return kNames.at(static_cast<size_t>(v)); }

std::optional<Verdict> parse_verdict(std::string_view text) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == text) return static_cast<Verdict>(i);
  return std::nullopt;
}

int flag_rank(Verdict v) {
  switch (v) {
    case Verdict::official: return 0;
    case Verdict::unknown: return 1;
    case Verdict::suspicious: return 2;
    case Verdict::malicious: return 3;
    case Verdict::error: return -1;
  }
  return -1;
}

}  // namespace impostor::core
