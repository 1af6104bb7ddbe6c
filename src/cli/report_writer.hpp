#pragma once
#include <fstream>
#include <memory>
#include <ostream>
#include <vector>

#include "cli/common_options.hpp"
#include "core/report.hpp"

namespace impostor::cli {

// Sends reports to stdout or --output in the chosen format and keeps the tally that
// decides the exit code. jsonl reports are written and flushed as they come; text and
// json gather them (a table needs its widths, a JSON array its closing bracket).
class ReportWriter {
 public:
  explicit ReportWriter(const CommonOptions& options);  // throws std::runtime_error if --output cannot be opened
  void add(core::Report report);
  void finish();
  int exit_code() const;

 private:
  const CommonOptions& options_;
  std::ofstream file_;
  std::ostream* out_;
  std::vector<core::Report> pending_;
  bool flagged_ = false;
  bool errored_ = false;
};

}  // namespace impostor::cli
