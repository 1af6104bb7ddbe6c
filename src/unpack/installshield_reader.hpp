#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "unpack/format_reader.hpp"

namespace impostor::unpack {

// InstallShield cabinets (data1.cab holding its own header, "ISc(" at offset 0), read
// through Debian's libunshield. libunshield opens files by name only and trusts every
// offset in the header, so the reader copies the cabinet into a private directory
// (mkdtemp, mode 0700, the fixed name data1.cab, removed afterwards) and runs libunshield
// in a helper process (impostor-unshield, under resource limits): a crash or a hang there
// is `unpack.corrupt`, never the scanner's. The helper lists the files and saves each one
// into a FIFO with a fixed name in that directory; the reader streams it into the walker's
// sink, so the walker's limits bound every member and nothing extracted ever lands on
// disk. Members are named "directory/file" as the cabinet spells them (display only).
// Without the helper installed, the cabinet is `unpack.unsupported`.
class InstallShieldReader final : public FormatReader {
 public:
  std::string_view name() const override { return "installshield"; }
  int bid(std::string_view type, std::span<const uint8_t> bytes) const override;
  ReadResult read(std::span<const uint8_t> bytes, std::string_view type, std::string_view container_name,
                  MemberSink& sink) const override;
};

// Why libunshield must not be given these bytes (an offset or list it would follow out
// of the file, or a list too long to be real), or nullopt when the header's tables lie
// inside the file. Checked before the helper runs so a looping list cannot eat memory.
std::optional<std::string> installshield_header_problem(std::span<const uint8_t> bytes);

}  // namespace impostor::unpack
