#include <fcntl.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "core/build_info.hpp"
#include "core/text_safety.hpp"

using namespace impostor;

namespace {

void set_up_logging(int verbosity) {
  auto logger = spdlog::stderr_logger_st("impostor");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("impostor: %l: %v");
  spdlog::set_level(verbosity >= 2   ? spdlog::level::trace
                    : verbosity == 1 ? spdlog::level::debug
                    : verbosity == 0 ? spdlog::level::warn
                                     : spdlog::level::err);
}

// Whoever started us may have closed stdin, stdout or stderr (a daemon, `>&-`): the next
// file opened would take that number, and a spill file or a download would then receive
// what was meant for the terminal, and the InstallShield helper's socket its /dev/null.
void keep_standard_streams_open() {
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    const int null = ::open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);  // the lowest free: fd
    if (null > fd) {
      ::dup2(null, fd);
      ::close(null);
    }
  }
}

int run(int argc, char** argv) {
  keep_standard_streams_open();
  std::ios::sync_with_stdio(false);  // bulk runs read and write millions of lines
  std::cin.tie(nullptr);             // and must not flush stdout before every line read
  CLI::App app{"impostor: catches fake download sites and fake installers"};
  app.set_version_flag("--version", std::string("impostor ") + core::kVersion);
  app.require_subcommand(1);
  cli::CommonOptions common;
  cli::add_common_options(app, common);
  cli::Action action;
  cli::add_domain_command(app, common, action);
  cli::add_allowlist_command(app, common, action);
  cli::add_file_command(app, common, action);
  cli::add_url_command(app, common, action);
  cli::add_crawl_command(app, common, action);
  cli::add_history_command(app, common, action);
  cli::add_guard_command(app, common, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return cli::kExitError;
  }
  set_up_logging(common.verbosity);
  try {
    return action ? action() : cli::kExitError;
  } catch (const std::exception& e) {
    std::cerr << "impostor: " << core::for_terminal(e.what()) << '\n';
    return cli::kExitError;
  }
}

}  // namespace

// Nothing may escape main: every failure is a message and exit code 2.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "impostor: " << core::for_terminal(e.what()) << '\n';
  } catch (...) {
    std::cerr << "impostor: unexpected failure\n";
  }
  return cli::kExitError;
}
