#include "unpack/pe_overlay_reader.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "pe/pe_image.hpp"
#include "unpack/file_type.hpp"
#include "unpack/libarchive_reader.hpp"

namespace impostor::unpack {

namespace {

// SFX stubs put their archive right after the image or after a small config block
// (7-Zip's ";!@Install@!UTF-8!" script, WinRAR's comment); 16 MiB of search covers them
// and keeps the cost of a PE without an archive bounded.
constexpr size_t kSearchLimit = size_t{16} << 20;

struct Magic {
  std::string_view bytes;
  std::string_view type;
};

using namespace std::string_view_literals;
// A cab's signature is followed by four reserved zero bytes.
constexpr std::array<Magic, 5> kMagics = {{{"PK\x03\x04"sv, "zip"},
                                           {"7z\xBC\xAF\x27\x1C"sv, "7z"},
                                           {"Rar!\x1A\x07"sv, "rar"},
                                           {"MSCF\0\0\0\0"sv, "cab"},
                                           {"PK\x05\x06"sv, "zip"}}};

}  // namespace

std::optional<OverlayArchive> find_overlay_archive(std::span<const uint8_t> bytes) {
  const auto pe = pe::PeImage::parse(bytes);
  if (!pe) return std::nullopt;
  const auto ov = pe->overlay();
  if (ov.size == 0 || ov.offset >= bytes.size()) return std::nullopt;
  const auto overlay = bytes.subspan(ov.offset, std::min(ov.size, bytes.size() - ov.offset));
  const size_t limit = std::min(overlay.size(), kSearchLimit);
  for (size_t i = 0; i < limit; ++i) {
    const uint8_t c = overlay[i];
    if (c != 'P' && c != '7' && c != 'R' && c != 'M') continue;
    for (const auto& m : kMagics) {
      if (i + m.bytes.size() > overlay.size() || std::memcmp(overlay.data() + i, m.bytes.data(), m.bytes.size()) != 0)
        continue;
      return OverlayArchive{ov.offset + i, overlay.size() - i, m.type};
    }
  }
  return std::nullopt;
}

int PeOverlayReader::bid(std::string_view type, std::span<const uint8_t> bytes) const {
  return type == "pe" && find_overlay_archive(bytes) ? 30 : 0;
}

ReadResult PeOverlayReader::read(std::span<const uint8_t> bytes, std::string_view /*type*/,
                                 std::string_view container_name, MemberSink& sink) const {
  const auto found = find_overlay_archive(bytes);
  if (!found) {
    ReadResult r;
    r.corrupt = true;
    r.error = "no archive in the PE overlay";
    return r;
  }
  ReadResult r = LibarchiveReader().read(bytes.subspan(found->offset, found->size), found->type, container_name, sink);
  if (r.corrupt)
    r.error = std::string(found->type) + " at overlay offset " + std::to_string(found->offset) + ": " + r.error;
  return r;
}

}  // namespace impostor::unpack
