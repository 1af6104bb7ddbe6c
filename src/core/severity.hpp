#pragma once
#include <optional>
#include <string_view>

namespace impostor::core {

// Ordered: comparisons mean "at least as severe as".
enum class Severity { info, low, medium, high, critical };

std::string_view to_string(Severity s);
std::optional<Severity> parse_severity(std::string_view text);

}  // namespace impostor::core
