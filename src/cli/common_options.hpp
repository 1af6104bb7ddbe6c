#pragma once
#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "core/verdict.hpp"

namespace impostor::cli {

enum class OutputFormat { text, json, jsonl, html, sarif, csv };

// Options every subcommand shares, parsed in one place (the curl model: the tool is a
// thin client whose every option lives in the CLI layer).
struct CommonOptions {
  std::string allowlists;  // empty: found beside the binary or under the install prefix
  std::string signatures;
  // Extra roots a code signer may chain to (PEM), besides the system store: --trust-file.
  std::vector<std::string> trust_files;
  OutputFormat format = OutputFormat::text;
  bool format_given = false;  // crawl defaults to jsonl when --format is not given
  std::string output;         // empty: stdout
  core::Verdict fail_on = core::Verdict::suspicious;
  int verbosity = 0;  // -v raises, -q lowers
};

void add_common_options(CLI::App& app, CommonOptions& options);

// Finds a data folder (allowlists, signatures, data): the explicit option if given, else
// beside the binary (the build tree links them there), else <prefix>/share/impostor.
// Throws std::runtime_error naming every place tried.
std::filesystem::path find_data_dir(const std::string& explicit_dir, const std::string& name);

// Exit codes (README): 0 nothing at or above --fail-on, 1 flagged, 2 usage, configuration
// or operational error.
inline constexpr int kExitClean = 0;
inline constexpr int kExitFlagged = 1;
inline constexpr int kExitError = 2;

}  // namespace impostor::cli
