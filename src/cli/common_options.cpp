#include "cli/common_options.hpp"

#include <map>
#include <stdexcept>

#include "core/build_info.hpp"

namespace impostor::cli {

void add_common_options(CLI::App& app, CommonOptions& o) {
  app.add_option("--allowlists", o.allowlists,
                 "Vendor allowlist folder (default: beside the binary, then the install prefix)");
  app.add_option("--signatures", o.signatures,
                 "YARA signature folder (default: beside the binary, then the install prefix)");
  app.add_option("--trust-file", o.trust_files,
                 "Also trust the roots in this PEM file for code signatures (repeatable; the system store is used too)")
      ->check(CLI::ExistingFile)
      ->allow_extra_args(false);  // one file per --trust-file: the paths after it stay positional
  const std::map<std::string, OutputFormat> formats = {{"text", OutputFormat::text},   {"json", OutputFormat::json},
                                                       {"jsonl", OutputFormat::jsonl}, {"html", OutputFormat::html},
                                                       {"sarif", OutputFormat::sarif}, {"csv", OutputFormat::csv}};
  app.add_option("--format", o.format, "Output format: text, json, jsonl, html (one self-contained file), sarif or csv")
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
      ->each([&o](const std::string&) { o.format_given = true; });
  app.add_option("-o,--output", o.output, "Write the report to FILE instead of standard output");
  app.add_option_function<std::string>(
         "--fail-on", [&o](const std::string& level) { o.fail_on = *core::parse_verdict(level); },
         "Exit 1 when a verdict is at least this: suspicious (default) or malicious")
      ->check(CLI::IsMember({"suspicious", "malicious"}));
  app.add_flag_function(
      "-v,--verbose", [&o](std::int64_t n) { o.verbosity += static_cast<int>(n); },
      "More log output on standard error (repeatable)");
  app.add_flag_function(
      "-q,--quiet", [&o](std::int64_t n) { o.verbosity -= static_cast<int>(n); }, "Less log output on standard error");
}

std::filesystem::path find_data_dir(const std::string& explicit_dir, const std::string& name) {
  namespace fs = std::filesystem;
  if (!explicit_dir.empty()) {
    if (!fs::is_directory(explicit_dir)) throw std::runtime_error(explicit_dir + ": not a directory");
    return explicit_dir;
  }
  std::vector<fs::path> tried;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    tried.push_back(exe.parent_path() / name);
    tried.push_back(exe.parent_path().parent_path() / core::kDataSubdir / name);
  }
  tried.push_back(fs::path(core::kInstallPrefix) / core::kDataSubdir / name);
  for (const auto& p : tried)
    if (fs::is_directory(p, ec)) return p;
  std::string list;
  for (const auto& p : tried) list += "\n  " + p.string();
  throw std::runtime_error("cannot find the " + name + " folder; tried:" + list + "\n(use --" + name + " DIR)");
}

}  // namespace impostor::cli
