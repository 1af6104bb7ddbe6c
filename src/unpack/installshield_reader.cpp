#include "unpack/installshield_reader.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "unpack/unshield_messages.hpp"

namespace impostor::unpack {

namespace {

constexpr std::string_view kSignature = "ISc(";
constexpr size_t kCommonHeaderSize = 20;
constexpr size_t kCabDescriptorSize = 0x276;  // fixed part libunshield reads
constexpr size_t kListCount = 71;             // file-group and component list heads
constexpr size_t kMaxListNodes = 4096;        // over all lists; real cabinets hold dozens
constexpr uint32_t kMaxFiles = 1'000'000;
constexpr size_t kReadChunk = size_t{64} * 1024;
constexpr int kPollSliceMs = 200;
// The child must show progress (a message or data) this often. The walker's own clock is
// consulted through the sink on every piece of data; this bounds a child stuck in
// libunshield, which the walker cannot see.
constexpr int kMaxIdleMs = 60'000;

uint32_t le32(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(b[at]) | (static_cast<uint32_t>(b[at + 1]) << 8) |
         (static_cast<uint32_t>(b[at + 2]) << 16) | (static_cast<uint32_t>(b[at + 3]) << 24);
}

bool fits(std::span<const uint8_t> b, uint64_t at, uint64_t length) {
  return at <= b.size() && length <= b.size() - at;
}

using unshield::Kind;
using unshield::Message;

// mkdtemp under TMPDIR: mode 0700, only fixed names inside, removed whatever happens.
class PrivateDir {
 public:
  PrivateDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/impostor-is-XXXXXX";
    if (::mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~PrivateDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  PrivateDir(const PrivateDir&) = delete;
  PrivateDir& operator=(const PrivateDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool write_file(const std::string& path, std::span<const uint8_t> bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  return ::close(fd) == 0 && done == bytes.size();
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

constexpr std::string_view kHelperName = "impostor-unshield";

// The helper beside an installed impostor (PREFIX/bin/../libexec/impostor, wherever the
// package was unpacked), under the configured prefix, or, for a program that runs from
// the build tree (build/<preset>/impostor, the tests), the one built beside it. The build
// tree's copy is never taken by an installed program: the build folder may be anywhere,
// /tmp included, and a scanner running as root (guard) must not start a file that any
// user could have put there. Empty when none is there.
const std::string& helper_path() {
  static const std::string path = [] {
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates;
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back(exe.parent_path().parent_path() / "libexec/impostor" / kHelperName);
    candidates.emplace_back(IMPOSTOR_UNSHIELD_HELPER_INSTALLED);
    std::error_code build_ec;
    const auto build_dir = fs::weakly_canonical(IMPOSTOR_BUILD_DIR, build_ec).string() + "/";
    if (!ec && !build_ec && exe.string().starts_with(build_dir))
      candidates.emplace_back(IMPOSTOR_UNSHIELD_HELPER_BUILT);
    for (const auto& candidate : candidates)
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    return std::string{};
  }();
  return path;
}

// Starts the helper with `sock` as its fd 3, /dev/null for its standard streams and no
// other descriptor of ours (a bare fork would also hand it every other scan's FIFO and
// socket ends, holding their pipes open). Returns 0 or an errno value.
int spawn_helper(const std::string& helper, const std::string& cab, const std::string& fifo, uint64_t cab_size,
                 int sock, pid_t& pid) {
  Fd moved;  // fd 3 itself would be dup2'ed onto itself, which keeps its close-on-exec flag
  if (sock == unshield::kHelperSocketFd) {
    moved.reset(::fcntl(sock, F_DUPFD_CLOEXEC, unshield::kHelperSocketFd + 1));
    if (moved.get() < 0) return errno;
    sock = moved.get();
  }
  posix_spawn_file_actions_t actions;
  if (const int err = ::posix_spawn_file_actions_init(&actions); err != 0) return err;
  // The socket first: with our standard streams closed it may itself be 0, 1 or 2.
  int err = ::posix_spawn_file_actions_adddup2(&actions, sock, unshield::kHelperSocketFd);
  if (err == 0) err = ::posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (err == 0) err = ::posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  if (err == 0) err = ::posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  if (err == 0) err = ::posix_spawn_file_actions_addclosefrom_np(&actions, unshield::kHelperSocketFd + 1);
  if (err == 0) {
    std::string size = std::to_string(cab_size);
    std::string parent = std::to_string(::getpid());
    std::array<char*, 6> argv{const_cast<char*>(helper.c_str()),
                              const_cast<char*>(cab.c_str()),
                              const_cast<char*>(fifo.c_str()),
                              size.data(),
                              parent.data(),
                              nullptr};
    err = ::posix_spawn(&pid, helper.c_str(), &actions, nullptr, argv.data(), environ);
  }
  ::posix_spawn_file_actions_destroy(&actions);
  if (err != 0) pid = -1;
  return err;
}

// Waits for `fd` to be readable (or hung up). False after kMaxIdleMs of nothing.
bool wait_readable(int fd) {
  for (int waited = 0; waited < kMaxIdleMs; waited += kPollSliceMs) {
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, kPollSliceMs);
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return true;  // let the read report it
  }
  return false;
}

struct Child {
  pid_t pid = -1;
  bool killed = false;
  int status = 0;

  ~Child() { stop(); }
  void stop() {
    if (pid <= 0) return;
    ::kill(pid, SIGKILL);
    killed = true;
    reap();
  }
  void reap() {
    if (pid <= 0) return;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    pid = -1;
  }
  std::string how_it_ended() const {
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    return "unknown status";
  }
  bool failed() const { return !killed && (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0)); }
};

struct Reading {
  MemberSink& sink;
  ReadResult& result;
  int sock;
  std::string fifo;
  Child& child;
  bool timed_out = false;
  bool finished = false;  // the child closed its end: it has exited or is exiting

  void damage(const std::string& why) {
    if (!result.corrupt) {
      result.corrupt = true;
      result.error = why;
    }
  }

  // The next message, or nullopt when the child is gone or silent too long.
  std::optional<Message> next() {
    if (!wait_readable(sock)) {
      timed_out = true;
      return std::nullopt;
    }
    std::array<uint8_t, unshield::kMaxPacketBytes + 1> buf{};  // one more: a longer packet is refused
    ssize_t n = -1;
    do n = ::recv(sock, buf.data(), buf.size(), 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
      finished = true;
      return std::nullopt;
    }
    return unshield::parse_message({buf.data(), static_cast<size_t>(n)});
  }

  // Streams one saved file from the FIFO into the sink. False: the member was cut short
  // on purpose (a limit), so libunshield's failure to finish it is no damage.
  bool stream(int fifo_fd, const MemberHeader& header, const std::shared_ptr<Blob>& blob) {
    std::vector<uint8_t> buf(kReadChunk);
    for (;;) {
      if (!wait_readable(fifo_fd)) {
        timed_out = true;
        damage(header.name + ": libunshield stopped producing data");
        return false;
      }
      const ssize_t n = ::read(fifo_fd, buf.data(), buf.size());
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) return true;
      if (!sink.data(*blob, {buf.data(), static_cast<size_t>(n)})) return false;
    }
  }

  void run() {
    const auto first = next();
    if (!first) return;  // reported from the child's status by the caller
    if (first->kind == Kind::open_failed) {
      damage("libunshield cannot open the InstallShield cabinet");
      return;
    }
    if (first->kind != Kind::opened) return;
    while (!sink.stopped()) {
      // Opened before the child's writer, which waits for the go below.
      Fd fifo_fd(::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
      if (fifo_fd.get() < 0) {
        damage(std::string("cannot open the private FIFO: ") + std::strerror(errno));
        return;
      }
      const uint8_t go = 1;
      ::send(sock, &go, 1, MSG_NOSIGNAL);  // fails once the child is done: next() sees the end
      const auto m = next();
      if (!m) return;  // the end of the list, or a crash the caller reports
      if (m->kind != Kind::file) return;
      MemberHeader header;
      header.name = m->name.empty() ? "file-" + std::to_string(m->index) : m->name;
      header.declared_size = m->value;
      ++result.members;
      auto blob = sink.begin(header);
      if (!blob) {  // a limit: nothing more is wanted
        sink.end(header, nullptr);
        return;
      }
      const bool complete = stream(fifo_fd.get(), header, blob);
      fifo_fd.reset();  // a writer still going gets EPIPE and gives up on this file
      sink.end(header, std::move(blob));
      if (timed_out) return;
      const auto done = next();
      if (!done || done->kind != Kind::done) {
        damage(header.name + ": libunshield stopped while extracting it");
        return;
      }
      if (!done->ok && complete) damage(header.name + ": libunshield could not extract it");
    }
  }
};

}  // namespace

std::optional<std::string> installshield_header_problem(std::span<const uint8_t> b) {
  if (b.size() < kCommonHeaderSize || std::memcmp(b.data(), kSignature.data(), kSignature.size()) != 0)
    return "no InstallShield cabinet signature";
  const uint64_t desc = le32(b, 12);
  if (le32(b, 16) == 0) return "no cabinet descriptor";
  if (!fits(b, desc, kCabDescriptorSize)) return "cabinet descriptor lies past the end of the file";
  const uint64_t table = desc + le32(b, desc + 0x0C);
  const uint64_t dirs = le32(b, desc + 0x1C);
  const uint64_t files = le32(b, desc + 0x28);
  if (files > kMaxFiles || dirs > kMaxFiles) return "implausible file or directory count";
  if (!fits(b, table, (dirs + files) * 4)) return "file table lies past the end of the file";
  size_t nodes = 0;
  for (size_t list = 0; list < 2 * kListCount; ++list) {
    uint64_t next = le32(b, desc + 0x3E + list * 4);
    while (next != 0) {
      if (++nodes > kMaxListNodes) return "file-group or component lists loop or are too long";
      if (!fits(b, desc + next, 12)) return "file-group or component list points past the end of the file";
      const uint64_t descriptor = le32(b, desc + next + 4);
      if (!fits(b, desc + descriptor, 0x20)) return "file-group or component descriptor lies past the end";
      next = le32(b, desc + next + 8);
    }
  }
  return std::nullopt;
}

int InstallShieldReader::bid(std::string_view type, std::span<const uint8_t> bytes) const {
  return type == "installshield-cab" && bytes.size() >= kSignature.size() &&
                 std::memcmp(bytes.data(), kSignature.data(), kSignature.size()) == 0
             ? 80
             : 0;
}

ReadResult InstallShieldReader::read(std::span<const uint8_t> bytes, std::string_view /*type*/,
                                     std::string_view /*container_name*/, MemberSink& sink) const {
  ReadResult result;
  if (auto problem = installshield_header_problem(bytes)) {
    result.corrupt = true;
    result.error = *problem;
    return result;
  }
  const std::string& helper = helper_path();
  if (helper.empty()) {
    sink.unsupported("InstallShield cabinet (its helper, " + std::string(kHelperName) + ", is not installed)");
    return result;
  }
  const PrivateDir dir;
  if (dir.path().empty()) {
    result.corrupt = true;
    result.error = std::string("cannot create a private temporary directory: ") + std::strerror(errno);
    return result;
  }
  // Fixed names: libunshield finds the header by the data1.cab name.
  const std::string cab = dir.path() + "/data1.cab";
  const std::string fifo = dir.path() + "/member";
  if (!write_file(cab, bytes) || ::mkfifo(fifo.c_str(), 0600) != 0) {
    result.corrupt = true;
    result.error = std::string("cannot stage the cabinet in the private directory: ") + std::strerror(errno);
    return result;
  }
  std::array<int, 2> socks{};
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, socks.data()) != 0) {
    result.corrupt = true;
    result.error = std::string("cannot create a socket pair: ") + std::strerror(errno);
    return result;
  }
  Fd parent_end(socks[0]);
  Fd child_end(socks[1]);
  Child child;
  if (const int err = spawn_helper(helper, cab, fifo, bytes.size(), child_end.get(), child.pid); err != 0) {
    result.corrupt = true;
    result.error = "cannot start " + helper + ": " + std::strerror(err);
    return result;
  }
  child_end.reset();
  Reading r{sink, result, parent_end.get(), fifo, child};
  r.run();
  if (!r.finished) {
    child.stop();  // stopped by a limit, silent too long, or left waiting on the FIFO
    if (r.timed_out) r.damage("libunshield made no progress for " + std::to_string(kMaxIdleMs / 1000) + " s");
    return result;
  }
  child.reap();
  if (child.failed()) {
    const std::string how = "libunshield ended abnormally (" + child.how_it_ended() + ")";
    if (result.corrupt)
      result.error += " - " + how;
    else
      r.damage(how);
  }
  return result;
}

}  // namespace impostor::unpack
