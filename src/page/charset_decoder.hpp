#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace impostor::page {

// Where the character encoding of a page came from, in the order they are tried
// (WHATWG "encoding sniffing", plus ICU's detector before the last-resort default).
enum class CharsetSource {
  bom,           // byte order mark
  content_type,  // charset= of the Content-Type header
  meta,          // <meta charset> or <meta http-equiv=Content-Type> in the first 4 KiB
  sniffed,       // "<\0" or "\0<" at the start: UTF-16 without a BOM
  utf8_valid,    // nothing declared, and the bytes are valid UTF-8
  detected,      // nothing declared, ICU's charset detector was confident enough
  fallback,      // windows-1252, as browsers in most locales
};
std::string_view to_string(CharsetSource s);

struct DecodedText {
  std::string utf8;      // always valid UTF-8, no U+0000
  std::string charset;   // the converter used, e.g. "UTF-8", "Shift_JIS", "UTF-16LE"
  std::string declared;  // the label as declared (bounded), when one was
  CharsetSource source = CharsetSource::fallback;
  size_t input_bytes = 0;     // size of the body as given
  bool truncated = false;     // the body was longer than the input cap and was cut
  size_t replaced = 0;        // ill-formed or unmappable sequences replaced by U+FFFD
  size_t nul_characters = 0;  // U+0000 replaced by U+FFFD (C strings inside Gumbo would stop at them)
};

// Decodes at most `max_input_bytes` of `bytes` to UTF-8 with ICU's ucnv. Never fails:
// an unknown label falls back to the next source, an invalid byte becomes U+FFFD.
DecodedText decode_to_utf8(std::string_view bytes, std::string_view content_type, size_t max_input_bytes);

// The charset parameter of a Content-Type value ("text/html; charset=\"Shift_JIS\"").
std::optional<std::string> charset_from_content_type(std::string_view content_type);

// The pre-scan of the first bytes for <meta charset=...> / http-equiv Content-Type.
std::optional<std::string> charset_from_meta(std::string_view head);

}  // namespace impostor::page
