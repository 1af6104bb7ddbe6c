#include "page/script_navigation.hpp"

#include "core/text_safety.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace impostor::page {

namespace {

constexpr size_t kMaxLiteral = 8192;

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool js_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

size_t skip_space(std::string_view s, size_t i) {
  while (i < s.size() && js_space(s[i])) ++i;
  return i;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Literal {
  std::string value;
  bool partial = false;
  size_t end = 0;  // just past the closing quote
};

// A JavaScript string or template literal starting at s[i] (a quote).
std::optional<Literal> read_literal(std::string_view s, size_t i, size_t& budget) {
  if (i >= s.size()) return std::nullopt;
  const char quote = s[i];
  if (quote != '"' && quote != '\'' && quote != '`') return std::nullopt;
  Literal lit;
  for (size_t k = i + 1; k < s.size(); ++k) {
    if (lit.value.size() > kMaxLiteral || budget == 0) return std::nullopt;
    --budget;
    const char c = s[k];
    if (c == quote) {
      lit.end = k + 1;
      return lit;
    }
    if (quote == '`' && c == '$' && k + 1 < s.size() && s[k + 1] == '{') {
      lit.partial = true;
      lit.end = k;
      return lit;
    }
    if ((c == '\n' || c == '\r') && quote != '`') return std::nullopt;
    if (c != '\\') {
      lit.value += c;
      continue;
    }
    if (++k >= s.size()) return std::nullopt;
    const char e = s[k];
    switch (e) {
      case 'n': lit.value += '\n'; break;
      case 't': lit.value += '\t'; break;
      case 'r': lit.value += '\r'; break;
      case 'b':
      case 'f':
      case 'v':
      case '\n': break;  // control characters dropped; backslash-newline continues the line
      case 'x':
        if (k + 2 < s.size() && hex(s[k + 1]) >= 0 && hex(s[k + 2]) >= 0) {
          core::append_utf8(lit.value, static_cast<uint32_t>(hex(s[k + 1]) * 16 + hex(s[k + 2])));
          k += 2;
        }
        break;
      case 'u': {
        uint32_t cp = 0;
        if (k + 1 < s.size() && s[k + 1] == '{') {
          size_t m = k + 2;
          while (m < s.size() && m < k + 10 && hex(s[m]) >= 0) cp = cp * 16 + static_cast<uint32_t>(hex(s[m++]));
          if (m < s.size() && s[m] == '}') {
            core::append_utf8(lit.value, cp);
            k = m;
          }
        } else if (k + 4 < s.size() && hex(s[k + 1]) >= 0 && hex(s[k + 2]) >= 0 && hex(s[k + 3]) >= 0 &&
                   hex(s[k + 4]) >= 0) {
          for (size_t m = 1; m <= 4; ++m) cp = cp * 16 + static_cast<uint32_t>(hex(s[k + m]));
          core::append_utf8(lit.value, cp);
          k += 4;
        }
        break;
      }
      default: lit.value += e;  // \" \' \\ \/ and the rest stand for themselves
    }
  }
  return std::nullopt;
}

// The identifier that ends just before s[end] (s[end - 1] is its last character).
std::string_view identifier_before(std::string_view s, size_t end) {
  size_t begin = end;
  while (begin > 0 && end - begin < 16 && ident_char(s[begin - 1])) --begin;
  return s.substr(begin, end - begin);
}

// "window." / "top." / "document." ... written before the accessor at `at`, if any.
std::string object_prefix(std::string_view s, size_t at) {
  size_t k = at;
  while (k > 0 && at - k < 16 && js_space(s[k - 1])) --k;
  if (k == 0 || s[k - 1] != '.') return {};
  --k;
  const size_t dot = k;
  while (k > 0 && dot - k < 16 && js_space(s[k - 1])) --k;
  const std::string_view name = identifier_before(s, k);
  static constexpr std::array<std::string_view, 6> kObjects = {"window", "document", "top", "self", "parent", "this"};
  for (auto o : kObjects)
    if (name == o) return std::string(name) + ".";
  return {};
}

bool whole_identifier(std::string_view s, size_t at, size_t len) {
  return (at == 0 || !ident_char(s[at - 1])) && (at + len >= s.size() || !ident_char(s[at + len]));
}

// '=' that is an assignment, not '==' / '===' / '=>'.
bool assignment_at(std::string_view s, size_t i) {
  return i < s.size() && s[i] == '=' && (i + 1 >= s.size() || (s[i + 1] != '=' && s[i + 1] != '>'));
}

// Reading literals costs at most `budget` characters over the whole script, so a script of
// a million unterminated `location = "` stays linear.
struct Scan {
  std::string_view s;
  std::vector<ScriptNavigation>& out;
  size_t budget;
};

void add(Scan& scan, std::string via, size_t literal_at, size_t offset) {
  const std::string_view s = scan.s;
  auto lit = read_literal(s, skip_space(s, literal_at), scan.budget);
  if (!lit) return;
  const size_t after = skip_space(s, lit->end);
  ScriptNavigation nav;
  nav.via = std::move(via);
  nav.literal = std::move(lit->value);
  nav.partial = lit->partial || (after < s.size() && s[after] == '+');
  nav.offset = offset;
  if (!nav.literal.empty()) scan.out.push_back(std::move(nav));
}

}  // namespace

std::vector<ScriptNavigation> find_script_navigations(std::string_view script, size_t max_bytes, size_t max_results) {
  const std::string_view s = script.substr(0, max_bytes);
  std::vector<ScriptNavigation> out;
  Scan scan{s, out, 2 * s.size() + 65536};

  for (size_t at = s.find("location"); at != std::string_view::npos && out.size() < max_results && scan.budget > 0;
       at = s.find("location", at + 1)) {
    if (!whole_identifier(s, at, 8)) continue;
    const std::string prefix = object_prefix(s, at) + "location";
    size_t i = skip_space(s, at + 8);
    if (assignment_at(s, i)) {
      add(scan, prefix, i + 1, at);
      continue;
    }
    if (i >= s.size() || s[i] != '.') continue;
    i = skip_space(s, i + 1);
    const std::string_view member = s.substr(i, 7);
    if (member.substr(0, 4) == "href" && whole_identifier(s, i, 4)) {
      const size_t eq = skip_space(s, i + 4);
      if (assignment_at(s, eq)) add(scan, prefix + ".href", eq + 1, at);
    } else if ((member.substr(0, 6) == "assign" && whole_identifier(s, i, 6)) ||
               (member == "replace" && whole_identifier(s, i, 7))) {
      const size_t len = member.substr(0, 6) == "assign" ? 6 : 7;
      const size_t paren = skip_space(s, i + len);
      if (paren < s.size() && s[paren] == '(') add(scan, prefix + "." + std::string(s.substr(i, len)), paren + 1, at);
    }
  }

  for (size_t at = s.find("open"); at != std::string_view::npos && out.size() < max_results && scan.budget > 0;
       at = s.find("open", at + 1)) {
    if (!whole_identifier(s, at, 4)) continue;
    const std::string prefix = object_prefix(s, at);
    if (prefix.empty() || prefix == "document." || prefix == "this.") continue;  // document.open() is not a navigation
    const size_t paren = skip_space(s, at + 4);
    if (paren < s.size() && s[paren] == '(') add(scan, prefix + "open", paren + 1, at);
  }
  return out;
}

}  // namespace impostor::page
