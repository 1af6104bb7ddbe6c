#include "cli/report_writer.hpp"

#include <iostream>
#include <stdexcept>

#include "report/json_report.hpp"
#include "report/text_report.hpp"

namespace impostor::cli {

ReportWriter::ReportWriter(const CommonOptions& options) : options_(options), out_(&std::cout) {
  if (!options.output.empty()) {
    file_.open(options.output, std::ios::binary | std::ios::trunc);
    if (!file_) throw std::runtime_error("cannot write " + options.output);
    out_ = &file_;
  }
}

void ReportWriter::add(core::Report report) {
  if (report.verdict == core::Verdict::error)
    errored_ = true;
  else if (core::flag_rank(report.verdict) >= core::flag_rank(options_.fail_on))
    flagged_ = true;
  if (options_.format == OutputFormat::jsonl) {
    *out_ << report::dump_json(report::to_json(report), -1) << '\n';
    out_->flush();
    return;
  }
  pending_.push_back(std::move(report));
}

void ReportWriter::finish() {
  if (options_.format == OutputFormat::json) {
    if (pending_.size() == 1) {
      *out_ << report::dump_json(report::to_json(pending_.front()), 2) << '\n';
    } else {
      nlohmann::json all = nlohmann::json::array();
      for (const auto& r : pending_) all.push_back(report::to_json(r));
      *out_ << report::dump_json(all, 2) << '\n';
    }
  } else if (options_.format == OutputFormat::text) {
    if (pending_.size() == 1)
      *out_ << report::to_text(pending_.front());
    else if (!pending_.empty())
      *out_ << report::to_table(pending_);
  }
  pending_.clear();
  out_->flush();
  if (!*out_) throw std::runtime_error("writing the report failed");
}

int ReportWriter::exit_code() const {
  if (flagged_) return kExitFlagged;
  if (errored_) return kExitError;
  return kExitClean;
}

}  // namespace impostor::cli
