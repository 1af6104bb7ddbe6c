// impostor-unshield: libunshield's side of the InstallShield reader, in its own process.
//
//   impostor-unshield CABINET FIFO CABINET_BYTES PARENT_PID   (socket pair end on fd 3)
//
// The reader starts it with posix_spawn rather than running libunshield in a bare fork():
// a child forked from the multi-threaded scanner may only make async-signal-safe calls,
// and libunshield allocates, uses stdio and (under ASan) the sanitizer's allocator, whose
// locks another thread may have held at the fork. A fresh process has none of that, and
// inherits only the descriptors it is given. It lists the cabinet's files and saves each
// into the FIFO when the reader asks (see unshield_messages.hpp); it trusts nothing it
// reads, and the reader bounds it (resource limits set here, a silence timeout there).
#include <fcntl.h>
#include <libunshield.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "unpack/unshield_messages.hpp"

namespace {

using impostor::unpack::installshield_member_name;
namespace unshield = impostor::unpack::unshield;

constexpr rlim_t kCpuSeconds = 120;
constexpr rlim_t kSpareMemory = rlim_t{512} << 20;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// A C string libunshield hands out (it points into the header and may run on).
std::string_view bounded(const char* s) {
  return s == nullptr ? std::string_view{} : std::string_view(s, ::strnlen(s, unshield::kMaxNameBytes));
}

bool parse_number(const char* text, unsigned long long& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(text, &end, 10);
  return errno == 0 && end != text && *end == '\0';
}

void limit_resources(uint64_t cab_size) {
  const rlimit cpu{kCpuSeconds, kCpuSeconds};
  ::setrlimit(RLIMIT_CPU, &cpu);
  const rlimit no_files{0, 0};  // it writes only into the FIFO; a regular file is SIGXFSZ
  ::setrlimit(RLIMIT_FSIZE, &no_files);
  if (kSanitized) return;  // ASan reserves terabytes of shadow address space
  // What this process maps now, plus the header copy libunshield makes, plus room to work.
  long pages = 0;
  if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
    std::array<char, 64> line{};
    if (std::fgets(line.data(), static_cast<int>(line.size()), statm) != nullptr) {
      char* end = nullptr;
      pages = std::strtol(line.data(), &end, 10);
      if (end == line.data()) pages = 0;
    }
    std::fclose(statm);
  }
  if (pages <= 0) return;
  const rlim_t now = static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE));
  const rlimit as{now + 2 * cab_size + kSpareMemory, now + 2 * cab_size + kSpareMemory};
  ::setrlimit(RLIMIT_AS, &as);
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long long cab_size = 0;
  unsigned long long parent = 0;
  if (argc != 5 || !parse_number(argv[3], cab_size) || !parse_number(argv[4], parent)) {
    std::fputs("usage: impostor-unshield CABINET FIFO CABINET_BYTES PARENT_PID (started by impostor)\n", stderr);
    return 2;
  }
  const int sock = unshield::kHelperSocketFd;
  // Die with the thread that started us; if it is already gone, so are we.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (static_cast<unsigned long long>(::getppid()) != parent) ::_exit(1);
  ::signal(SIGPIPE, SIG_IGN);  // the reader closes the FIFO on a member it stops reading
  limit_resources(cab_size);
  const std::string fifo = argv[2];
  // _exit throughout: libunshield's allocations are not ours to account for at exit.
  unshield_set_log_level(UNSHIELD_LOG_LEVEL_LOWEST);
  Unshield* u = unshield_open(argv[1]);
  if (u == nullptr) {
    unshield::send_message(sock, {unshield::Kind::open_failed, false, 0, 0, {}});
    ::_exit(0);
  }
  const int count = unshield_file_count(u);
  if (!unshield::send_message(sock, {unshield::Kind::opened, true, 0, static_cast<uint64_t>(std::max(count, 0)), {}}))
    ::_exit(1);
  for (int i = 0; i < count; ++i) {
    if (!unshield_file_is_valid(u, i)) continue;  // not in this cabinet, as unshield skips it
    const std::string name = installshield_member_name(
        bounded(unshield_directory_name(u, unshield_file_directory(u, i))), bounded(unshield_file_name(u, i)));
    // Wait for the reader's fresh FIFO reader: opening the FIFO while its previous reader
    // is still open would hand this file's bytes to a descriptor about to be closed.
    uint8_t go = 0;
    if (::recv(sock, &go, 1, 0) != 1) ::_exit(0);
    // Held open across the save so the reader sees end-of-file only once the file is done.
    const int writer = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
    if (writer < 0) ::_exit(1);
    if (!unshield::send_message(sock,
                                {unshield::Kind::file, true, static_cast<uint32_t>(i), unshield_file_size(u, i), name}))
      ::_exit(1);
    const bool ok = unshield_file_save(u, i, fifo.c_str());
    ::close(writer);
    if (!unshield::send_message(sock, {unshield::Kind::done, ok, static_cast<uint32_t>(i), 0, {}})) ::_exit(1);
  }
  ::_exit(0);
}
