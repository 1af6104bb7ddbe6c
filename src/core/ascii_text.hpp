#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace impostor::core {

// ASCII-only helpers: host names, header values and markup keywords are compared and folded in
// ASCII; everything beyond ASCII goes through libidn2 and ICU instead.

// Eight bytes at a time (SWAR): every URL, name and page a report carries passes through
// these checks, and a byte-at-a-time loop was a measurable part of rendering one.
namespace swar {
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
inline std::uint64_t load(const char* p) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}
// Nonzero when some byte of `x` is below `n` (n <= 0x80) or, for has_byte, equals `c`.
// Exact as a yes/no answer: a borrow only starts at a byte that matches.
constexpr std::uint64_t has_below(std::uint64_t x, unsigned n) { return (x - kOnes * n) & ~x & kHigh; }
constexpr std::uint64_t has_byte(std::uint64_t x, unsigned char c) { return has_below(x ^ (kOnes * c), 1); }
}  // namespace swar

// Bytes before the first one outside ASCII.
inline size_t ascii_prefix_length(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8)
    if ((swar::load(s.data() + i) & swar::kHigh) != 0) break;
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

inline bool is_ascii(std::string_view s) { return ascii_prefix_length(s) == s.size(); }

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

}  // namespace impostor::core
