#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace impostor::unpack {

// A short, stable token for what the bytes are ("zip", "pe", "elf", "deb", "html", ...),
// from magic numbers. Written here rather than through libmagic because the walker and
// YARA's `filetype` external need a fixed vocabulary, not libmagic's prose, and it runs
// on every member. "data" when nothing matches, "text" for plain UTF-8/ASCII text.
std::string_view detect_file_type(std::span<const uint8_t> bytes);

// True for the types that are containers by their magic alone (archives, OLE/MSI, DMG).
// A "pe" is not one, though NSIS, Inno Setup and self-extracting PEs carry members: their
// readers bid on "pe" after looking for their own signature in the bytes.
bool is_container_type(std::string_view type);
// The subset libarchive opens.
bool is_libarchive_type(std::string_view type);

}  // namespace impostor::unpack
