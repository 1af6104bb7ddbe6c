#pragma once
#include <optional>

#include "unpack/format_reader.hpp"

namespace impostor::unpack {

// Self-extracting PEs: a zip, 7z, rar or cab appended after the image. The overlay is
// found from the section table and the certificate table (pe::PeImage), the archive's
// signature is searched for in its first bytes (bounded), and the bytes from there to the
// overlay's end are read through libarchive, whose own search finds a 7z only between
// 0x27000 and 0x60000 and a zip only when it can seek. Members appear directly under the
// PE (setup.exe!/payload.txt).
class PeOverlayReader final : public FormatReader {
 public:
  std::string_view name() const override { return "pe-overlay"; }
  int bid(std::string_view type, std::span<const uint8_t> bytes) const override;
  ReadResult read(std::span<const uint8_t> bytes, std::string_view type, std::string_view container_name,
                  MemberSink& sink) const override;
};

struct OverlayArchive {
  size_t offset = 0;  // in the file
  size_t size = 0;
  std::string_view type;  // detect_file_type() of the carved bytes: "zip", "7z", "rar", "cab"
};

// The first archive in a PE's overlay, if any.
std::optional<OverlayArchive> find_overlay_archive(std::span<const uint8_t> bytes);

}  // namespace impostor::unpack
