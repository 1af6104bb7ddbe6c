#include "page/installer_types.hpp"

#include <algorithm>
#include <array>

#include "core/text_safety.hpp"
#include "page/text_util.hpp"

namespace impostor::page {

namespace {

constexpr size_t kMaxFilename = 255;

// Longest first where one is the suffix of another (.tar.gz before .gz is not listed).
constexpr auto kExtensions = std::to_array<std::string_view>(
    {".msixbundle", ".appxbundle", ".appimage", ".tar.gz", ".tar.xz", ".tar.bz2", ".application", ".exe",  ".msi",
     ".msix",       ".msp",        ".appx",     ".pkg",    ".mpkg",   ".dmg",     ".deb",         ".rpm",  ".zip",
     ".7z",         ".rar",        ".cab",      ".tgz",    ".iso",    ".img",     ".vhd",         ".vhdx", ".bat",
     ".cmd",        ".ps1",        ".vbs",      ".vbe",    ".js",     ".jse",     ".wsf",         ".hta",  ".scr",
     ".pif",        ".cpl",        ".lnk",      ".apk",    ".xapk",   ".jar",     ".run",         ".sh"});

constexpr auto kContentTypes = std::to_array<std::string_view>({"application/octet-stream",
                                                                "binary/octet-stream",
                                                                "application/x-msdownload",
                                                                "application/x-msdos-program",
                                                                "application/x-dosexec",
                                                                "application/x-executable",
                                                                "application/vnd.microsoft.portable-executable",
                                                                "application/x-ms-installer",
                                                                "application/x-msi",
                                                                "application/x-ole-storage",
                                                                "application/msix",
                                                                "application/appx",
                                                                "application/vnd.ms-appx",
                                                                "application/msixbundle",
                                                                "application/appxbundle",
                                                                "application/x-ms-application",
                                                                "application/x-apple-diskimage",
                                                                "application/x-newton-compatible-pkg",
                                                                "application/vnd.apple.installer+xml",
                                                                "application/x-xar",
                                                                "application/vnd.debian.binary-package",
                                                                "application/x-debian-package",
                                                                "application/x-rpm",
                                                                "application/x-redhat-package-manager",
                                                                "application/zip",
                                                                "application/x-zip-compressed",
                                                                "application/x-7z-compressed",
                                                                "application/x-rar-compressed",
                                                                "application/vnd.rar",
                                                                "application/x-iso9660-image",
                                                                "application/java-archive",
                                                                "application/vnd.android.package-archive",
                                                                "application/x-sh",
                                                                "application/x-bat",
                                                                "application/hta",
                                                                "application/x-download",
                                                                "application/force-download",
                                                                "application/download",
                                                                "application/x-msdos-windows",
                                                                "application/vnd.ms-cab-compressed",
                                                                "application/x-cab"});

std::string_view base_type(std::string_view content_type) {
  return text::trim(content_type.substr(0, std::min(content_type.find(';'), content_type.size())));
}

// The value of a parameter of a header value (name=token or name="quoted"), raw.
std::optional<std::string> parameter(std::string_view header, std::string_view name) {
  const std::string lowered = text::ascii_lower(header);
  for (size_t at = lowered.find(name); at != std::string::npos; at = lowered.find(name, at + 1)) {
    if (at > 0 && lowered[at - 1] != ';' && !text::is_space(lowered[at - 1])) continue;
    size_t i = at + name.size();
    while (i < header.size() && text::is_space(header[i])) ++i;
    if (i >= header.size() || header[i] != '=') continue;
    ++i;
    while (i < header.size() && text::is_space(header[i])) ++i;
    std::string value;
    if (i < header.size() && header[i] == '"') {
      for (++i; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i];
      }
    } else {
      while (i < header.size() && header[i] != ';') value += header[i++];
      value = std::string(text::trim(value));
    }
    return value;
  }
  return std::nullopt;
}

std::string last_path_part(std::string_view name) {
  const size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  return core::to_valid_utf8(text::utf8_prefix(text::trim(name), kMaxFilename));
}

}  // namespace

std::string installer_extension(std::string_view filename) {
  const std::string lowered = text::ascii_lower(text::trim(filename));
  for (auto ext : kExtensions) {
    if (lowered.size() > ext.size() && lowered.compare(lowered.size() - ext.size(), ext.size(), ext) == 0 &&
        lowered[lowered.size() - ext.size() - 1] != '/')
      return std::string(ext);
  }
  return {};
}

bool is_installer_content_type(std::string_view content_type, std::string_view content_disposition) {
  const std::string type = text::ascii_lower(base_type(content_type));
  for (auto t : kContentTypes)
    if (type == t) return true;
  if (auto name = content_disposition_filename(content_disposition)) return !installer_extension(*name).empty();
  return false;
}

std::optional<std::string> content_disposition_filename(std::string_view content_disposition) {
  if (auto extended = parameter(content_disposition, "filename*")) {
    // charset'language'percent-encoded
    const size_t first = extended->find('\'');
    const size_t second = first == std::string::npos ? std::string::npos : extended->find('\'', first + 1);
    if (second != std::string::npos) {
      const std::string charset = text::ascii_lower(extended->substr(0, first));
      std::string decoded = text::percent_decode(std::string_view(*extended).substr(second + 1), false);
      if (charset == "iso-8859-1") {
        std::string utf8;
        for (char c : decoded) {
          const auto b = static_cast<unsigned char>(c);
          if (b < 0x80) {
            utf8 += c;
          } else {
            utf8 += static_cast<char>(0xC0 | (b >> 6));
            utf8 += static_cast<char>(0x80 | (b & 0x3F));
          }
        }
        decoded = std::move(utf8);
      }
      std::string name = last_path_part(decoded);
      if (!name.empty()) return name;
    }
  }
  if (auto plain = parameter(content_disposition, "filename")) {
    std::string name = last_path_part(*plain);
    if (!name.empty()) return name;
  }
  return std::nullopt;
}

std::string data_url_media_type(std::string_view url) {
  const std::string head = text::ascii_lower(url.substr(0, 128));
  if (head.rfind("data:", 0) != 0) return {};
  const size_t end = std::min({head.find(','), head.find(';'), head.size()});
  return std::string(text::trim(std::string_view(head).substr(5, end - 5)));
}

}  // namespace impostor::page
