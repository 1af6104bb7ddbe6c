#include <fcntl.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "analyze/guard_policy.hpp"
#include "cli/commands.hpp"
#include "cli/file_scanner_setup.hpp"
#include "core/build_info.hpp"
#include "core/text_safety.hpp"
#include "core/verdict_policy.hpp"
#include "scan/yara_rules.hpp"
#include "unpack/blob.hpp"
#include "unpack/file_type.hpp"

namespace impostor::cli {

namespace {

// guard's own exit codes, in the style of timeout(1) and env(1): the command's code
// otherwise passes through.
constexpr int kGuardBlocked = 126;
constexpr int kGuardError = 125;
constexpr int kCommandNotFound = 127;

struct GuardOptions {
  std::vector<std::string> command;
  std::vector<std::string> files;  // --file: installers named explicitly
  std::string policy;
  bool dry_run = false;
  unpack::WalkLimits limits;
};

struct FdCloser {
  int fd = -1;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

// One installer argument, checked: the bytes scanned are the bytes the command gets.
struct CheckedFile {
  size_t argument = 0;         // index into the command
  std::string original;        // the path as given
  std::filesystem::path copy;  // the private copy the command runs on
  core::Report report;
  analyze::GuardDecision decision;
  std::string sha256;
};

// The types an installer argument may have; others (a config file, a text file) are left alone.
bool installer_type(std::string_view type) {
  return unpack::is_container_type(type) || type == "pe" || type == "elf" || type == "macho" || type == "script" ||
         type == "msi" || type == "ole" || type == "dmg";
}

std::string command_text(const std::vector<std::string>& command) {
  std::string out;
  for (const auto& a : command) out += (out.empty() ? "" : " ") + a;
  return core::for_terminal(out);
}

// Opens the argument once (never blocking on a FIFO, never following into a device) and
// copies it, from that one descriptor, into `dir`: what is scanned is what is run.
std::shared_ptr<unpack::Blob> take_private_copy(const std::string& path, const std::filesystem::path& dir,
                                                std::filesystem::path& copy, uint64_t max_bytes, std::string& error) {
  FdCloser in{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (in.fd < 0) {
    error = "cannot open " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  struct stat st {};
  if (::fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = path + " is not a regular file";
    return nullptr;
  }
  ::fcntl(in.fd, F_SETFL, ::fcntl(in.fd, F_GETFL) & ~O_NONBLOCK);
  copy = dir / std::filesystem::path(path).filename();
  FdCloser out{::open(copy.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)};
  if (out.fd < 0) {
    error = "cannot write the private copy: " + std::string(std::strerror(errno));
    return nullptr;
  }
  auto blob = std::make_shared<unpack::Blob>();
  std::array<uint8_t, 1 << 16> buffer{};
  uint64_t total = 0;
  while (true) {
    const ssize_t n = ::read(in.fd, buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      error = "cannot read " + path + ": " + std::strerror(errno);
      return nullptr;
    }
    total += static_cast<uint64_t>(n);
    if (total > max_bytes) {
      error = path + " is larger than the per-file limit (" + std::to_string(max_bytes) + " bytes)";
      return nullptr;
    }
    const std::span<const uint8_t> bytes(buffer.data(), static_cast<size_t>(n));
    if (!blob->append(bytes)) {
      error = blob->error();
      return nullptr;
    }
    for (size_t done = 0; done < bytes.size();) {
      const ssize_t w = ::write(out.fd, bytes.data() + done, bytes.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        error = "cannot write the private copy: " + std::string(std::strerror(errno));
        return nullptr;
      }
      done += static_cast<size_t>(w);
    }
  }
  // Read-only (and executable, for `-- ./setup.run`) once written; the folder is ours alone.
  if (::fchmod(out.fd, (st.st_mode & 0111) != 0 ? 0555 : 0444) != 0 || !blob->seal()) {
    error = "cannot seal the private copy";
    return nullptr;
  }
  return blob;
}

std::shared_ptr<spdlog::logger> decision_log() {
  // Decisions go to syslog/journald where there is one, else to stderr.
  if (::access("/dev/log", W_OK) == 0)
    return std::make_shared<spdlog::logger>("impostor-guard", std::make_shared<spdlog::sinks::syslog_sink_mt>(
                                                                  "impostor-guard", LOG_PID, LOG_AUTHPRIV, false));
  auto logger = std::make_shared<spdlog::logger>("impostor-guard", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("impostor guard: %v");
  return logger;
}

int run_command(std::vector<std::string> command) {
  std::vector<char*> argv;
  argv.reserve(command.size() + 1);
  for (auto& a : command) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Like system(3): the terminal's SIGINT/SIGQUIT reach the command (same process group);
  // guard ignores them while it waits, and passes SIGTERM/SIGHUP on.
  struct sigaction ignore {
  }, old_int{}, old_quit{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);
  int exec_pipe[2];
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) return kGuardError;
  const pid_t pid = ::fork();
  if (pid < 0) return kGuardError;
  if (pid == 0) {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGQUIT, &old_quit, nullptr);
    ::execvp(argv[0], argv.data());
    const int err = errno;
    (void)!::write(exec_pipe[1], &err, sizeof err);
    ::_exit(kCommandNotFound);
  }
  ::close(exec_pipe[1]);
  static pid_t child = 0;
  child = pid;
  struct sigaction forward {};
  forward.sa_handler = [](int sig) {
    if (child > 0) ::kill(child, sig);
  };
  sigaction(SIGTERM, &forward, nullptr);
  sigaction(SIGHUP, &forward, nullptr);
  int exec_errno = 0;
  const bool exec_failed = ::read(exec_pipe[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno;
  ::close(exec_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGQUIT, &old_quit, nullptr);
  if (exec_failed) {
    std::cerr << "impostor guard: cannot run " << core::for_terminal(command.front()) << ": "
              << std::strerror(exec_errno) << '\n';
    return exec_errno == ENOENT ? kCommandNotFound : kGuardError;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return kGuardError;
}

int run_guard(const CommonOptions& common, const GuardOptions& options) {
  if (options.command.empty()) {
    std::cerr << "impostor guard: no command given (impostor guard [options] -- COMMAND ARGS...)\n";
    return kGuardError;
  }
  analyze::GuardPolicy policy;
  try {
    if (!options.policy.empty()) {
      policy = analyze::load_guard_policy(options.policy);
    } else if (std::filesystem::exists("/etc/impostor/policy.toml")) {
      policy = analyze::load_guard_policy("/etc/impostor/policy.toml");
    } else if (const auto shipped = find_data_dir({}, "data") / "guard-policy.toml"; std::filesystem::exists(shipped)) {
      policy = analyze::load_guard_policy(shipped);
    }
  } catch (const std::exception& e) {
    std::cerr << "impostor guard: " << core::for_terminal(e.what()) << '\n';
    return kGuardError;
  }
  auto log = decision_log();

  // The installers: every argument naming an existing regular file of an installer or
  // archive type, plus --file. The command name itself only when given as a relative
  // path (`-- ./setup.run`): /usr/bin/dpkg is the tool, not the thing installed.
  std::vector<size_t> candidates;
  for (size_t i = 0; i < options.command.size(); ++i) {
    const auto& arg = options.command[i];
    const bool named = std::find(options.files.begin(), options.files.end(), arg) != options.files.end();
    if (i == 0 && !named && !(arg.starts_with("./") || arg.starts_with("../"))) continue;
    std::error_code ec;
    if (named) {
      candidates.push_back(i);
      continue;
    }
    if (!std::filesystem::is_regular_file(arg, ec)) continue;
    FdCloser fd{::open(arg.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
    if (fd.fd < 0) continue;
    std::array<uint8_t, 4096> head{};
    const ssize_t n = ::read(fd.fd, head.data(), head.size());
    if (n > 0 && installer_type(unpack::detect_file_type({head.data(), static_cast<size_t>(n)})))
      candidates.push_back(i);
  }
  for (const auto& f : options.files) {
    if (std::find(options.command.begin(), options.command.end(), f) == options.command.end()) {
      std::cerr << "impostor guard: --file " << core::for_terminal(f) << " is not an argument of the command\n";
      return kGuardError;
    }
  }
  if (candidates.empty()) {
    std::cerr << "impostor guard: no installer among the arguments (name it with --file)\n";
    log->warn("decision=error reason=\"no installer argument\" command=\"{}\"", command_text(options.command));
    return kGuardError;
  }

  std::error_code ec;
  const auto base = std::filesystem::temp_directory_path(ec);
  std::string templ = (ec ? std::filesystem::path("/tmp") : base) / "impostor-guard-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) {
    std::cerr << "impostor guard: cannot make a private folder: " << std::strerror(errno) << '\n';
    return kGuardError;
  }
  const std::filesystem::path dir = templ;
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code e;
      std::filesystem::permissions(dir, std::filesystem::perms::owner_all, e);
      std::filesystem::remove_all(dir, e);
    }
  } cleanup{dir};

  const scan::YaraLibrary yara;
  auto scanner = make_file_scanner(common, options.limits, 0, true);
  if (!scanner) return kGuardError;

  std::vector<CheckedFile> checked;
  bool blocked = false;
  for (const size_t i : candidates) {
    CheckedFile c;
    c.argument = i;
    c.original = options.command[i];
    std::string error;
    // Each file gets its own sub-folder so two installers with one name do not collide.
    const auto sub = dir / std::to_string(i);
    std::filesystem::create_directory(sub, ec);
    auto blob = take_private_copy(c.original, sub, c.copy, options.limits.max_member_bytes, error);
    c.report.target = {core::TargetKind::file, c.original};
    if (!blob) {
      c.report.errors.push_back(error);
    } else {
      scanner->examine(c.original, blob, c.report);
      c.sha256 = analyze::examined_sha256(c.report, *blob);
    }
    core::apply_verdict_policy(c.report);
    c.decision = analyze::decide_guard(policy, c.report);
    blocked = blocked || c.decision.block;
    log->info("decision={} file=\"{}\" sha256={} verdict={} policy=\"{}\" command=\"{}\"",
              c.decision.block ? (options.dry_run ? "would-block" : "blocked") : "allowed",
              core::for_terminal(c.original), c.sha256.empty() ? "-" : c.sha256, core::to_string(c.report.verdict),
              core::for_terminal(policy.source), command_text(options.command));
    checked.push_back(std::move(c));
  }
  std::filesystem::permissions(dir, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec, ec);

  if (blocked) {
    std::cerr << "impostor guard: " << (options.dry_run ? "WOULD BLOCK" : "BLOCKED") << ": "
              << command_text(options.command) << '\n';
    for (const auto& c : checked) {
      if (!c.decision.block) continue;
      std::cerr << "  " << core::for_terminal(c.original) << "  verdict " << core::to_string(c.report.verdict)
                << (c.sha256.empty() ? "" : "  sha256 " + c.sha256) << '\n';
      for (const auto& r : c.decision.reasons) std::cerr << "    - " << core::for_terminal(r) << '\n';
    }
    if (!options.dry_run) return kGuardBlocked;
  }
  if (options.dry_run) {
    if (!blocked) std::cerr << "impostor guard: would allow: " << command_text(options.command) << '\n';
    return blocked ? kGuardBlocked : 0;
  }
  auto command = options.command;
  for (const auto& c : checked) command[c.argument] = c.copy.string();
  return run_command(std::move(command));
}

}  // namespace

void add_guard_command(CLI::App& app, const CommonOptions& common, Action& action) {
  auto options = std::make_shared<GuardOptions>();
  auto* sub = app.add_subcommand("guard", "Scan the installer of an install command and run it only if it passes");
  sub->fallthrough();
  sub->add_option("--policy", options->policy,
                  "Policy file (default /etc/impostor/policy.toml, else the shipped data/guard-policy.toml)");
  sub->add_option("--file", options->files, "The argument that is the installer (repeatable)");
  sub->add_flag("--dry-run", options->dry_run, "Only report the decision; never run the command");
  sub->add_option("--max-member-bytes", options->limits.max_member_bytes, "Bytes of one installer or member");
  sub->add_option("command", options->command, "-- COMMAND ARGS...")->required();
  sub->positionals_at_end();
  sub->callback([&common, &action, options] { action = [&common, options] { return run_guard(common, *options); }; });
}

}  // namespace impostor::cli
