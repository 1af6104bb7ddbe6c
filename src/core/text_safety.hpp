#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace impostor::core {

// Attacker-controlled text is data in every output (DESIGN.md). These are the two
// primitives the renderers and the log sink build on.

// Replaces every ill-formed UTF-8 sequence with U+FFFD, so JSON output is always valid.
std::string to_valid_utf8(std::string_view text);

// Whether `text` is well-formed UTF-8 (to_valid_utf8 would return it unchanged), without
// copying it.
bool is_valid_utf8(std::string_view text);

// For terminals and log lines: valid UTF-8, with C0/C1 controls, DEL and ESC (so every ANSI
// escape sequence) shown as \xNN instead of being interpreted. Newlines and tabs too.
std::string for_terminal(std::string_view text);

// Appends one code point as UTF-8; a surrogate half or a value past U+10FFFF becomes
// U+FFFD, so decoders of UTF-16 and escape sequences never emit ill-formed UTF-8.
void append_utf8(std::string& out, uint32_t code_point);

}  // namespace impostor::core
