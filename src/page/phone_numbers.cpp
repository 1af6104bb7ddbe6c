#include "page/phone_numbers.hpp"

#include <algorithm>
#include <array>

namespace impostor::page {

namespace {

constexpr size_t kMaxDigits = 15;
constexpr size_t kMaxRunBytes = 64;

enum class CharType { digit, separator, plus, open_paren, close_paren, other };

struct Char {
  CharType type = CharType::other;
  char digit = 0;
  size_t len = 1;
};

Char classify(std::string_view s, size_t i) {
  const auto b = [&](size_t k) -> unsigned char { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  const unsigned char c = b(0);
  if (c >= '0' && c <= '9') return {CharType::digit, static_cast<char>(c), 1};
  if (c == ' ' || c == '-' || c == '.') return {CharType::separator, 0, 1};
  if (c == '+') return {CharType::plus, 0, 1};
  if (c == '(') return {CharType::open_paren, 0, 1};
  if (c == ')') return {CharType::close_paren, 0, 1};
  if (c == 0xC2 && b(1) == 0xA0) return {CharType::separator, 0, 2};  // no-break space
  if (c == 0xEF && b(1) == 0xBC) {                                    // full-width forms
    const unsigned char d = b(2);
    if (d >= 0x90 && d <= 0x99) return {CharType::digit, static_cast<char>('0' + (d - 0x90)), 3};
    if (d == 0x8D) return {CharType::separator, 0, 3};    // －
    if (d == 0x8B) return {CharType::plus, 0, 3};         // ＋
    if (d == 0x88) return {CharType::open_paren, 0, 3};   // （
    if (d == 0x89) return {CharType::close_paren, 0, 3};  // ）
  }
  if (c == 0xE2 && b(1) == 0x80 && b(2) >= 0x90 && b(2) <= 0x95) return {CharType::separator, 0, 3};  // ‐ ‑ ‒ – —
  if (c == 0xE2 && b(1) == 0x88 && b(2) == 0x92) return {CharType::separator, 0, 3};                  // −
  if (c == 0xE3 && b(1) == 0x83 && b(2) == 0xBC)
    return {CharType::separator, 0, 3};  // ー, used as a hyphen in Japanese
  if (c == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return {CharType::separator, 0, 3};  // ideographic space
  return {CharType::other, 0, 1};
}

// Bytes that, right before a digit run, make it part of something else (a word, a URL,
// a decimal, an identifier).
bool glued_before(std::string_view s, size_t i) {
  if (i == 0) return false;
  const char p = s[i - 1];
  return (p >= 'a' && p <= 'z') || (p >= 'A' && p <= 'Z') || (p >= '0' && p <= '9') || p == '/' || p == '.' ||
         p == '_' || p == '%' || p == '#' || p == '=' || p == '&' || p == '?' || p == '-' || p == '$';
}

bool nanp(const std::string& d) {  // 10 digits: [2-9]XX [2-9]XX XXXX
  return d.size() == 10 && d[0] >= '2' && d[3] >= '2';
}

bool toll_free_area(std::string_view area) {
  static constexpr auto kAreas = std::to_array<std::string_view>({"800", "833", "844", "855", "866", "877", "888"});
  for (auto a : kAreas)
    if (a == area) return true;
  return false;
}

}  // namespace

std::string_view to_string(PhoneKind kind) {
  switch (kind) {
    case PhoneKind::toll_free: return "toll-free";
    case PhoneKind::international: return "international";
    case PhoneKind::national: return "national";
  }
  return "national";
}

std::vector<PhoneNumber> find_phone_numbers(std::string_view s, size_t max_results) {
  std::vector<PhoneNumber> out;
  size_t i = 0;
  while (i < s.size() && out.size() < max_results) {
    const Char first = classify(s, i);
    const bool can_start =
        first.type == CharType::digit || first.type == CharType::plus || first.type == CharType::open_paren;
    if (!can_start || glued_before(s, i)) {
      i += first.len;
      continue;
    }
    // Consume the run.
    std::string digits;
    std::vector<size_t> groups;
    size_t separators_in_row = 0;
    bool plus = false;
    bool formatted = false;
    size_t end = i;  // just past the last digit or ')'
    size_t k = i;
    size_t open_parens = 0;
    while (k < s.size() && k - i < kMaxRunBytes) {
      const Char c = classify(s, k);
      if (c.type == CharType::digit) {
        if (groups.empty() || separators_in_row > 0) groups.push_back(0);
        ++groups.back();
        digits += c.digit;
        separators_in_row = 0;
        end = k + c.len;
      } else if (c.type == CharType::plus && k == i) {
        plus = true;
      } else if (c.type == CharType::separator || c.type == CharType::open_paren || c.type == CharType::close_paren) {
        if (++separators_in_row > 3) break;
        if (c.type == CharType::open_paren) ++open_parens;
        if (c.type == CharType::close_paren) {
          if (open_parens == 0) break;
          --open_parens;
          end = k + c.len;
        }
        formatted = true;
        if (groups.empty() && c.type != CharType::open_paren) break;
      } else {
        break;
      }
      if (digits.size() > kMaxDigits) break;
      k += c.len;
    }
    const size_t next = std::max(end, i + first.len);
    const Char after = classify(s, end);
    const bool glued_after =
        end < s.size() && ((s[end] >= 'a' && s[end] <= 'z') || (s[end] >= 'A' && s[end] <= 'Z') || s[end] == '%' ||
                           s[end] == '/' || s[end] == '_' || (after.type == CharType::digit));
    if (digits.size() > kMaxDigits || digits.size() < 7 || glued_after) {
      i = std::max(next, k);
      continue;
    }
    PhoneNumber p;
    bool ok = false;
    if (plus && digits.size() >= 8) {
      ok = true;
      p.kind = digits[0] == '1' && digits.size() == 11 && toll_free_area(std::string_view(digits).substr(1, 3))
                   ? PhoneKind::toll_free
                   : PhoneKind::international;
    } else if (!plus && formatted) {
      const std::string local = digits.size() == 11 && digits[0] == '1' ? digits.substr(1) : digits;
      const bool nanp_groups =
          (groups.size() == 3 && groups[0] == 3 && groups[1] == 3 && groups[2] == 4) ||
          (groups.size() == 4 && groups[0] == 1 && groups[1] == 3 && groups[2] == 3 && groups[3] == 4);
      if (nanp(local) && nanp_groups) {
        ok = true;
        p.kind = toll_free_area(std::string_view(local).substr(0, 3)) ? PhoneKind::toll_free : PhoneKind::national;
      } else if (digits[0] == '0' && digits.size() >= 10 && digits.size() <= 11 && groups.size() >= 2) {
        ok = true;
        const std::string_view d(digits);
        p.kind = d.substr(0, 4) == "0120" || d.substr(0, 4) == "0800" || d.substr(0, 4) == "0808" ? PhoneKind::toll_free
                                                                                                  : PhoneKind::national;
      }
    }
    if (ok) {
      p.pos = i;
      p.len = end - i;
      p.written = std::string(s.substr(i, end - i));
      p.digits = (plus ? "+" : "") + digits;
      out.push_back(std::move(p));
    }
    i = std::max(next, i + 1);
  }
  return out;
}

}  // namespace impostor::page
