#include "unpack/layout_check.hpp"

#include <algorithm>
#include <array>

#include "core/ascii_text.hpp"
#include "core/text_safety.hpp"
#include "pe/pe_image.hpp"
#include "unpack/little_endian.hpp"

namespace impostor::unpack {

namespace {

std::optional<std::string> resource_damage(const pe::PeImage& pe, std::span<const uint8_t> bytes);

std::optional<std::string> pe_damage(std::span<const uint8_t> bytes) {
  std::string error;
  const auto pe = pe::PeImage::parse(bytes, &error);
  if (!pe) {
    // "MZ" with no PE header inside the file is a DOS program (or text that happens to
    // start so), not a damaged PE; everything else that fails to parse is.
    if (error.rfind("no PE signature", 0) == 0 || error.rfind("too small", 0) == 0) return std::nullopt;
    return "PE headers: " + error;
  }
  for (const auto& s : pe->sections()) {
    if (s.raw_size == 0 || s.raw_offset == 0) continue;
    const uint64_t end = uint64_t{s.raw_offset} + s.raw_size;
    if (end > bytes.size())
      return "section " + core::to_valid_utf8(s.name) + " raw data [" + std::to_string(s.raw_offset) + ", " +
             std::to_string(end) + ") ends past the end of the file (" + std::to_string(bytes.size()) + " bytes)";
  }
  if (!pe->certificate_table_error().empty()) return pe->certificate_table_error();
  return resource_damage(*pe, bytes);
}

// The resource directory is where version info, icons and the Inno Setup loader's data
// live; one that maps to no bytes, or whose root claims more entries than the bytes hold,
// was cut off or built to mislead parsers (the walk in PeImage is bounded either way).
std::optional<std::string> resource_damage(const pe::PeImage& pe, std::span<const uint8_t> bytes) {
  constexpr unsigned kResourceDirectory = 2;
  constexpr size_t kDirectoryHeader = 16;
  constexpr size_t kEntry = 8;
  const auto dir = pe.directory(kResourceDirectory);
  if (!dir || dir->rva == 0 || dir->size == 0) return std::nullopt;
  const auto at = pe.rva_to_offset(dir->rva);
  if (!at) return "resource directory RVA " + std::to_string(dir->rva) + " maps to no bytes of the file";
  if (*at + kDirectoryHeader > bytes.size()) return "resource directory header runs past the end of the file";
  const size_t named = le(bytes, *at + 12, 2);
  const size_t ids = le(bytes, *at + 14, 2);
  if (*at + kDirectoryHeader + (named + ids) * kEntry > bytes.size())
    return "resource directory declares " + std::to_string(named + ids) + " entries, more than the file holds";
  return std::nullopt;
}

// Extensions that promise a container the walker opens. A file so named whose bytes
// start like none of them had its header damaged (or its name chosen to mislead): either
// way nothing inside was scanned, and an analyst should hear so.
constexpr std::array<std::string_view, 24> kContainerExtensions = {
    ".zip", ".jar", ".apk",  ".7z",  ".rar", ".cab", ".gz",  ".tgz", ".xz",  ".txz",  ".bz2", ".tbz2",
    ".zst", ".lz4", ".lzma", ".deb", ".rpm", ".iso", ".msi", ".pkg", ".xar", ".cpio", ".tar", ".mpkg"};

}  // namespace

std::optional<std::string> layout_damage(std::string_view type, std::string_view name, std::span<const uint8_t> bytes) {
  if (type == "pe") return pe_damage(bytes);
  if (type != "dmg" && core::ascii_lower(name).ends_with(".dmg"))
    return "named .dmg but no koly trailer ends the file: the image is truncated or not a disk image";
  if (type == "data") {
    const std::string lower = core::ascii_lower(name.substr(name.size() - std::min<size_t>(name.size(), 8)));
    for (const auto ext : kContainerExtensions)
      if (lower.ends_with(ext))
        return "named " + std::string(ext) + " but its bytes match no container format: damaged header, or a disguise";
  }
  return std::nullopt;
}

}  // namespace impostor::unpack
