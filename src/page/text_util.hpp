#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "core/ascii_text.hpp"

// Small text helpers shared by the page module. Everything here is ASCII-folding only:
// brand tokens, keywords and JavaScript identifiers are ASCII, and non-ASCII keywords
// (Japanese, Russian, ...) are matched byte for byte in UTF-8.
namespace impostor::page::text {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
inline bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
inline char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

using core::ascii_lower;
std::string_view trim(std::string_view s);

// Collapses runs of ASCII whitespace (and U+00A0) to one space and trims the ends.
std::string collapse_whitespace(std::string_view s);

// Appends `piece` to `out`, whitespace-collapsed, without letting `out` grow past `max_bytes`
// (cut on a UTF-8 boundary). Returns false once something had to be cut.
bool append_bounded(std::string& out, std::string_view piece, size_t max_bytes);

// The longest prefix of `s` of at most `max_bytes` that ends on a UTF-8 boundary.
std::string_view utf8_prefix(std::string_view s, size_t max_bytes);

// An evidence quote: about `max_bytes` of `s` around [pos, pos+len), on UTF-8 boundaries,
// whitespace collapsed, always valid UTF-8, with "…" where it was cut.
std::string snippet(std::string_view s, size_t pos, size_t len, size_t max_bytes);

// True when lowered[pos, pos+len) is not glued to ASCII letters or digits on either side.
bool at_word_boundary(std::string_view lowered, size_t pos, size_t len);

// Finds `needle` (already lower case ASCII, or any UTF-8) in `lowered` as a whole word
// (ASCII needles) or anywhere (non-ASCII needles, since CJK text has no spaces).
size_t find_word(std::string_view lowered, std::string_view needle, size_t from = 0);

// Percent-decodes (and '+' to space when `plus_is_space`), bounded by the input size.
std::string percent_decode(std::string_view s, bool plus_is_space);

}  // namespace impostor::page::text
