#pragma once
#include <algorithm>
#include <string>
#include <string_view>

namespace impostor::core {

// ASCII-only helpers: host names, header values and markup keywords are compared and folded in
// ASCII; everything beyond ASCII goes through libidn2 and ICU instead.
inline bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

}  // namespace impostor::core
