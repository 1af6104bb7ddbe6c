#pragma once
#include <span>
#include <string>

#include "core/report.hpp"

namespace impostor::report {

// Human-readable report of one target: verdict, then each finding with its evidence.
// All attacker text passes through core::for_terminal.
std::string to_text(const core::Report& report);

// One row per target (input, verdict, vendor, finding ids), for bulk runs.
std::string to_table(std::span<const core::Report> reports);

}  // namespace impostor::report
