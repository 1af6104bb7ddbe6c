#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

// What the InstallShield reader and its helper process (impostor-unshield, which runs
// libunshield) say to each other over a SOCK_SEQPACKET pair: one message per packet.
namespace impostor::unpack::unshield {

// The helper finds its end of the socket pair here.
inline constexpr int kHelperSocketFd = 3;
inline constexpr size_t kMaxNameBytes = 1024;

enum class Kind : uint8_t {
  opened = 1,       // value: the cabinet's file count
  open_failed = 2,  // libunshield cannot open the cabinet
  file = 3,         // index, value: declared size, name: directory/file; its bytes follow in the FIFO
  done = 4,         // index, ok: libunshield saved the whole file
};

struct Message {
  Kind kind{};
  bool ok = false;
  uint32_t index = 0;
  uint64_t value = 0;
  std::string name;
};

// The largest packet a message makes (a name is at most kMaxNameBytes).
inline constexpr size_t kMaxPacketBytes = 1 + 1 + 4 + 8 + kMaxNameBytes;

bool send_message(int sock, const Message& m);
std::optional<Message> parse_message(std::span<const uint8_t> packet);

}  // namespace impostor::unpack::unshield

namespace impostor::unpack {

// A member name from libunshield's directory and file names: backslashes become '/',
// control bytes '_', bounded in length.
std::string installshield_member_name(std::string_view directory, std::string_view file);

}  // namespace impostor::unpack
