#pragma once
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "cli/common_options.hpp"
#include "core/report.hpp"

namespace impostor::cli {

// Sends reports to stdout or --output in the chosen format and keeps the tally that
// decides the exit code. jsonl lines, csv rows and text table rows are written as they
// come, so memory stays flat however long the input; json, html and sarif gather them for
// their one document.
class ReportWriter {
 public:
  // `flush_each`: flush after every jsonl line, for long runs whose readers follow along
  // (crawl); bulk runs that finish in seconds leave it off. Throws std::runtime_error if
  // --output cannot be opened.
  explicit ReportWriter(const CommonOptions& options, bool flush_each = false);
  void add(core::Report report);
  // The same, with the report already rendered as one JSON line (its jsonl form), so
  // callers on many threads render outside the lock that serialises writing.
  void add(core::Report report, const std::string& json_line);
  void finish();
  int exit_code() const;

 private:
  void tally(const core::Report& report);
  const CommonOptions& options_;
  std::ofstream file_;
  std::ostream* out_;
  std::vector<core::Report> pending_;
  std::vector<nlohmann::json> rendered_;  // html and sarif: one document for all reports
  bool flush_each_;
  size_t seen_ = 0;  // text reports so far
  bool flagged_ = false;
  bool errored_ = false;
};

}  // namespace impostor::cli
