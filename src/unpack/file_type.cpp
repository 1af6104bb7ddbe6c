#include "unpack/file_type.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace impostor::unpack {

namespace {

bool starts_with(std::span<const uint8_t> b, std::string_view magic, size_t offset = 0) {
  return b.size() >= offset + magic.size() && std::memcmp(b.data() + offset, magic.data(), magic.size()) == 0;
}

bool looks_textual(std::span<const uint8_t> b) {
  const size_t n = std::min<size_t>(b.size(), 4096);
  if (n == 0) return false;
  size_t odd = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t c = b[i];
    if (c == 0) return false;
    if (c < 0x09 || (c > 0x0D && c < 0x20 && c != 0x1B)) ++odd;
  }
  return odd * 100 < n;  // under 1% control bytes
}

bool contains_nocase(std::span<const uint8_t> b, std::string_view needle, size_t limit) {
  const size_t n = std::min(b.size(), limit);
  if (needle.size() > n) return false;
  for (size_t i = 0; i + needle.size() <= n; ++i) {
    size_t k = 0;
    while (k < needle.size() && std::tolower(b[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

uint32_t le32_at(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(b[at]) | (static_cast<uint32_t>(b[at + 1]) << 8) |
         (static_cast<uint32_t>(b[at + 2]) << 16) | (static_cast<uint32_t>(b[at + 3]) << 24);
}

// An OLE compound file whose root entry carries the Windows Installer class id
// {000C1084-...} (package; 000C1082 transform, 000C1086 patch): "msi".
bool ole_is_msi(std::span<const uint8_t> b) {
  if (b.size() < 512) return false;
  const unsigned shift = b[0x1E] | (b[0x1F] << 8);
  if (shift < 7 || shift > 16) return false;
  const size_t sector = size_t{1} << shift;
  const uint64_t root = std::max<uint64_t>(512, sector) + uint64_t{le32_at(b, 0x30)} * sector;
  if (root + 0x60 > b.size()) return false;
  const uint8_t* clsid = b.data() + root + 0x50;
  static constexpr std::array<uint8_t, 13> kTail = {0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00,
                                                    0xC0, 0x00, 0x00, 0x00, 0x00, 0x00};
  return (clsid[0] == 0x82 || clsid[0] == 0x84 || clsid[0] == 0x86) &&
         std::memcmp(clsid + 1, kTail.data(), kTail.size()) == 0 && clsid[14] == 0x00 && clsid[15] == 0x46;
}

// A UDIF trailer: "koly", version 4, header size 512, in the last 512 bytes.
bool has_koly_trailer(std::span<const uint8_t> b) {
  if (b.size() < 512) return false;
  const uint8_t* k = b.data() + b.size() - 512;
  static constexpr std::array<uint8_t, 12> kHead = {'k', 'o', 'l', 'y', 0, 0, 0, 4, 0, 0, 2, 0};
  return std::memcmp(k, kHead.data(), kHead.size()) == 0;
}

}  // namespace

std::string_view detect_file_type(std::span<const uint8_t> b) {
  if (b.empty()) return "empty";
  if (starts_with(b, "MZ")) return "pe";
  if (starts_with(b,
                  "\x7f"
                  "ELF"))
    return "elf";
  if (starts_with(b, "\xCF\xFA\xED\xFE") || starts_with(b, "\xCE\xFA\xED\xFE") || starts_with(b, "\xCA\xFE\xBA\xBE"))
    return "macho";
  // Before the other magics: a UDIF image starts with its first run's bytes (a bzip2
  // stream in UDBZ images, raw ISO sectors in UDRO ones), only the trailer says "dmg".
  if (has_koly_trailer(b)) return "dmg";
  if (starts_with(b, "PK\x03\x04") || starts_with(b, "PK\x05\x06") || starts_with(b, "PK\x07\x08")) return "zip";
  if (starts_with(b, "7z\xBC\xAF\x27\x1C")) return "7z";
  if (starts_with(b, "Rar!\x1A\x07")) return "rar";
  if (starts_with(b, "MSCF")) return "cab";
  if (starts_with(b, "ISc(")) return "installshield-cab";
  if (starts_with(b, "\x1F\x8B")) return "gzip";
  if (starts_with(b,
                  "\xFD"
                  "7zXZ\x00"))
    return "xz";
  if (starts_with(b, "BZh")) return "bzip2";
  if (starts_with(b, "\x28\xB5\x2F\xFD")) return "zstd";
  if (starts_with(b, "\x04\x22\x4D\x18")) return "lz4";
  if (starts_with(b, "\x5D\x00\x00")) return "lzma";
  if (starts_with(b, "!<arch>\ndebian-binary")) return "deb";
  if (starts_with(b, "!<arch>\n")) return "ar";
  if (starts_with(b, "\xED\xAB\xEE\xDB")) return "rpm";
  if (starts_with(b, "070701") || starts_with(b, "070702") || starts_with(b, "070707") || starts_with(b, "\xC7\x71") ||
      starts_with(b, "\x71\xC7"))
    return "cpio";
  if (starts_with(b, "xar!")) return "xar";
  if (starts_with(b, "ustar", 257)) return "tar";
  if (starts_with(b, "CD001", 32769)) return "iso9660";
  if (starts_with(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return ole_is_msi(b) ? "msi" : "ole";
  if (starts_with(b, "%PDF-")) return "pdf";
  if (starts_with(b, "#!")) return "script";
  if (looks_textual(b)) {
    if (contains_nocase(b, "<html", 1024) || contains_nocase(b, "<!doctype html", 1024) ||
        contains_nocase(b, "<hta:application", 4096))
      return "html";
    const auto first = std::find_if(b.begin(), b.end(), [](uint8_t c) { return c > ' '; });
    if (first != b.end() && (*first == '{' || *first == '[')) return "json";
    if (contains_nocase(b, "<?xml", 64)) return "xml";
    return "text";
  }
  return "data";
}

bool is_libarchive_type(std::string_view type) {
  static constexpr std::array<std::string_view, 17> kTypes = {"zip",   "7z",   "rar", "cab",  "gzip",   "xz",
                                                              "bzip2", "zstd", "lz4", "lzma", "deb",    "ar",
                                                              "rpm",   "cpio", "xar", "tar",  "iso9660"};
  return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

bool is_container_type(std::string_view type) {
  return is_libarchive_type(type) || type == "ole" || type == "msi" || type == "dmg" || type == "installshield-cab";
}

}  // namespace impostor::unpack
