#pragma once
#include <CLI/CLI.hpp>
#include <functional>

#include "cli/common_options.hpp"

namespace impostor::cli {

// Each subcommand lives in its own file and registers itself here. The action it sets
// runs after parsing and returns the process exit code.
using Action = std::function<int()>;

void add_domain_command(CLI::App& app, const CommonOptions& common, Action& action);
void add_allowlist_command(CLI::App& app, const CommonOptions& common, Action& action);
void add_file_command(CLI::App& app, const CommonOptions& common, Action& action);  // file, rules
void add_url_command(CLI::App& app, const CommonOptions& common, Action& action);
void add_crawl_command(CLI::App& app, const CommonOptions& common, Action& action);
void add_history_command(CLI::App& app, const CommonOptions& common, Action& action);
void add_guard_command(CLI::App& app, const CommonOptions& common, Action& action);

}  // namespace impostor::cli
