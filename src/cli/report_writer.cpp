#include "cli/report_writer.hpp"

#include <iostream>
#include <stdexcept>

#include <ctime>

#include "report/csv_report.hpp"
#include "report/html_report.hpp"
#include "report/json_report.hpp"
#include "report/sarif_report.hpp"
#include "report/text_report.hpp"

namespace impostor::cli {

ReportWriter::ReportWriter(const CommonOptions& options, bool flush_each)
    : options_(options), out_(&std::cout), flush_each_(flush_each) {
  if (!options.output.empty()) {
    file_.open(options.output, std::ios::binary | std::ios::trunc);
    if (!file_) throw std::runtime_error("cannot write " + options.output);
    out_ = &file_;
  }
}

void ReportWriter::add(core::Report report, const std::string& json_line) {
  if (options_.format != OutputFormat::jsonl) return add(std::move(report));
  tally(report);
  *out_ << json_line << '\n';
  if (flush_each_) out_->flush();
}

void ReportWriter::tally(const core::Report& report) {
  if (report.verdict == core::Verdict::error)
    errored_ = true;
  else if (core::flag_rank(report.verdict) >= core::flag_rank(options_.fail_on))
    flagged_ = true;
}

void ReportWriter::add(core::Report report) {
  tally(report);
  if (options_.format == OutputFormat::csv) {
    if (seen_++ == 0) *out_ << report::csv_header();
    *out_ << report::csv_row(report::to_json(std::move(report)));
    if (flush_each_) out_->flush();
    return;
  }
  if (options_.format == OutputFormat::html || options_.format == OutputFormat::sarif) {
    rendered_.push_back(report::to_json(std::move(report)));
    return;
  }
  if (options_.format == OutputFormat::jsonl) {
    *out_ << report::compact_json(report) << '\n';
    if (flush_each_) out_->flush();
    return;
  }
  if (options_.format == OutputFormat::text) {
    // A lone report is shown in full; from the second one on, rows stream as a table.
    ++seen_;
    if (seen_ == 1) {
      pending_.push_back(std::move(report));
      return;
    }
    if (seen_ == 2) {
      *out_ << report::table_header() << report::table_row(pending_.front());
      pending_.clear();
    }
    *out_ << report::table_row(report);
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
  } else if (options_.format == OutputFormat::html) {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    report::HtmlReportOptions html;
    html.generated_at = when;
    *out_ << report::to_html(rendered_, html);
  } else if (options_.format == OutputFormat::sarif) {
    *out_ << report::to_sarif_text(rendered_) << '\n';
  } else if (options_.format == OutputFormat::csv && seen_ == 0) {
    *out_ << report::csv_header();
  } else if (options_.format == OutputFormat::text && seen_ == 1) {
    *out_ << report::to_text(pending_.front());
  }
  pending_.clear();
  rendered_.clear();
  out_->flush();
  if (!*out_) throw std::runtime_error("writing the report failed");
}

int ReportWriter::exit_code() const {
  if (flagged_) return kExitFlagged;
  if (errored_) return kExitError;
  return kExitClean;
}

}  // namespace impostor::cli
