#pragma once
#include <optional>
#include <string_view>

namespace impostor::core {

// Declaration order is the contract's order; `flag_rank` orders by how alarming a verdict is.
enum class Verdict { official, unknown, suspicious, malicious, error };

std::string_view to_string(Verdict v);
std::optional<Verdict> parse_verdict(std::string_view text);

// official < unknown < suspicious < malicious. `error` is not on this scale (rank -1):
// it means "could not be judged", which is neither clean nor flagged.
int flag_rank(Verdict v);

}  // namespace impostor::core
