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

// True for the types an archive reader may open.
bool is_container_type(std::string_view type);

}  // namespace impostor::unpack
