#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace impostor::unpack {

// Damage visible in a file's own layout, whichever reader (if any) opens it: a PE whose
// headers or sections point past the end of the file (a truncated download, or a stub
// built to crash parsers), a file named .dmg without the trailer every DMG ends with.
// Without this a truncated installer that no reader claims reads as a clean file.
// nullopt when nothing is wrong; else what is, for the analyst.
std::optional<std::string> layout_damage(std::string_view type, std::string_view name, std::span<const uint8_t> bytes);

}  // namespace impostor::unpack
