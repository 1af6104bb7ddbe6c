#include "page/text_util.hpp"

#include <algorithm>

#include "core/text_safety.hpp"

namespace impostor::page::text {

namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool append_bounded(std::string& out, std::string_view piece, size_t max_bytes) {
  bool pending_space = !out.empty() && out.back() != ' ';
  for (size_t i = 0; i < piece.size(); ++i) {
    const char c = piece[i];
    const bool nbsp = c == '\xC2' && i + 1 < piece.size() && piece[i + 1] == '\xA0';
    if (is_space(c) || nbsp) {
      if (nbsp) ++i;
      if (!out.empty() && out.back() != ' ') pending_space = true;
      continue;
    }
    if (pending_space) {
      if (out.size() + 1 > max_bytes) return false;
      out += ' ';
      pending_space = false;
    }
    if (out.size() + 1 > max_bytes) {
      while (!out.empty() && is_continuation(out.back())) out.pop_back();  // drop a cut sequence
      if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
      return false;
    }
    out += c;
  }
  return true;
}

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_bounded(out, s, s.size() + 1);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string_view utf8_prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t end = max_bytes;
  while (end > 0 && is_continuation(s[end])) --end;
  return s.substr(0, end);
}

std::string snippet(std::string_view s, size_t pos, size_t len, size_t max_bytes) {
  pos = std::min(pos, s.size());
  len = std::min({len, s.size() - pos, max_bytes});
  const size_t room = (max_bytes - len) / 2;
  size_t begin = pos - std::min(pos, room);
  size_t end = std::min(s.size(), begin + max_bytes);
  while (begin > 0 && is_continuation(s[begin])) --begin;
  while (end < s.size() && is_continuation(s[end])) ++end;
  std::string out;
  if (begin > 0) out += kEllipsis;
  out += collapse_whitespace(s.substr(begin, end - begin));
  if (end < s.size()) out += kEllipsis;
  return core::to_valid_utf8(out);
}

bool at_word_boundary(std::string_view lowered, size_t pos, size_t len) {
  const bool left = pos == 0 || !is_alnum(lowered[pos - 1]);
  const bool right = pos + len >= lowered.size() || !is_alnum(lowered[pos + len]);
  return left && right;
}

size_t find_word(std::string_view lowered, std::string_view needle, size_t from) {
  if (needle.empty()) return std::string_view::npos;
  const bool ascii =
      std::all_of(needle.begin(), needle.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  for (size_t at = lowered.find(needle, from); at != std::string_view::npos; at = lowered.find(needle, at + 1)) {
    if (!ascii || at_word_boundary(lowered, at, needle.size())) return at;
  }
  return std::string_view::npos;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += plus_is_space && s[i] == '+' ? ' ' : s[i];
  }
  return out;
}

}  // namespace impostor::page::text
