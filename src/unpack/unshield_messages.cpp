#include "unpack/unshield_messages.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace impostor::unpack::unshield {

namespace {
constexpr size_t kFixedPart = 1 + 1 + 4 + 8;
}  // namespace

bool send_message(int sock, const Message& m) {
  const size_t name_size = std::min(m.name.size(), kMaxNameBytes);
  std::vector<uint8_t> buf(kFixedPart + name_size);
  buf[0] = static_cast<uint8_t>(m.kind);
  buf[1] = m.ok ? 1 : 0;
  std::memcpy(buf.data() + 2, &m.index, 4);
  std::memcpy(buf.data() + 6, &m.value, 8);
  std::memcpy(buf.data() + kFixedPart, m.name.data(), name_size);
  return ::send(sock, buf.data(), buf.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(buf.size());
}

std::optional<Message> parse_message(std::span<const uint8_t> packet) {
  if (packet.size() < kFixedPart || packet.size() > kMaxPacketBytes) return std::nullopt;
  Message m;
  if (packet[0] < static_cast<uint8_t>(Kind::opened) || packet[0] > static_cast<uint8_t>(Kind::done))
    return std::nullopt;
  m.kind = static_cast<Kind>(packet[0]);
  m.ok = packet[1] != 0;
  std::memcpy(&m.index, packet.data() + 2, 4);
  std::memcpy(&m.value, packet.data() + 6, 8);
  m.name.assign(reinterpret_cast<const char*>(packet.data() + kFixedPart), packet.size() - kFixedPart);
  return m;
}

}  // namespace impostor::unpack::unshield

namespace impostor::unpack {

std::string installshield_member_name(std::string_view directory, std::string_view file) {
  std::string out;
  const auto add = [&out](std::string_view part) {
    for (const char c : part) {
      if (out.size() >= unshield::kMaxNameBytes) return;
      const auto u = static_cast<unsigned char>(c);
      out += c == '\\' ? '/' : (u < 0x20 || u == 0x7F) ? '_' : c;
    }
  };
  add(directory);
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (!out.empty()) out += '/';
  add(file);
  const size_t lead = out.find_first_not_of('/');
  return lead == std::string::npos ? std::string{} : out.substr(lead);
}

}  // namespace impostor::unpack
