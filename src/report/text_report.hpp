#pragma once
#include <span>
#include <string>

#include "core/report.hpp"

namespace impostor::report {

// Human-readable report of one target: verdict, then each finding with its evidence.
// All attacker text passes through core::for_terminal.
std::string to_text(const core::Report& report);

// One row per target (input, verdict, vendor, finding ids), for bulk runs. Columns have
// fixed minimum widths so rows can be streamed as results arrive; a longer value pushes
// its row's later columns right rather than being cut.
std::string table_header();
std::string table_row(const core::Report& report);
std::string to_table(std::span<const core::Report> reports);

}  // namespace impostor::report
