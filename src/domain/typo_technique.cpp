#include "domain/typo_technique.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <string>
#include <vector>

namespace impostor::domain {

const char* to_string(TypoTechnique t) {
  switch (t) {
    case TypoTechnique::omission: return "omission";
    case TypoTechnique::insertion: return "insertion";
    case TypoTechnique::repetition: return "repetition";
    case TypoTechnique::transposition: return "transposition";
    case TypoTechnique::keyboard_adjacent: return "keyboard-adjacent replacement";
    case TypoTechnique::vowel_swap: return "vowel swap";
    case TypoTechnique::bit_flip: return "bit flip";
    case TypoTechnique::replacement: return "replacement";
    case TypoTechnique::hyphen_insertion: return "hyphen insertion";
    case TypoTechnique::double_edit: return "two edits";
  }
  return "typo";
}

namespace {

// QWERTY neighbours, including the row above and below.
bool keyboard_adjacent(char a, char b) {
  static constexpr std::array<const char*, 4> kRows = {"1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm"};
  int ra = -1, ca = -1, rb = -1, cb = -1;
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; kRows[static_cast<size_t>(r)][c] != '\0'; ++c) {
      if (kRows[static_cast<size_t>(r)][c] == a) ra = r, ca = c;
      if (kRows[static_cast<size_t>(r)][c] == b) rb = r, cb = c;
    }
  }
  if (ra < 0 || rb < 0) return false;
  return std::abs(ra - rb) <= 1 && std::abs(ca - cb) <= 1 && !(ra == rb && ca == cb);
}

bool vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }

std::string strip_hyphens(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '-') out += c;
  return out;
}

// Classifies a distance-1 pair.
TypoTechnique single_edit(std::string_view cand, std::string_view ref) {
  if (cand.size() == ref.size()) {
    size_t i = 0;
    while (cand[i] == ref[i]) ++i;
    if (i + 1 < cand.size() && cand[i] == ref[i + 1] && cand[i + 1] == ref[i] &&
        cand.substr(i + 2) == ref.substr(i + 2))
      return TypoTechnique::transposition;
    const char a = ref[i], b = cand[i];
    if (keyboard_adjacent(a, b)) return TypoTechnique::keyboard_adjacent;
    if (vowel(a) && vowel(b)) return TypoTechnique::vowel_swap;
    if (std::popcount(static_cast<unsigned>(static_cast<unsigned char>(a) ^ static_cast<unsigned char>(b))) == 1)
      return TypoTechnique::bit_flip;
    return TypoTechnique::replacement;
  }
  if (cand.size() + 1 == ref.size()) return TypoTechnique::omission;
  // insertion: find the inserted character
  size_t i = 0;
  while (i < ref.size() && cand[i] == ref[i]) ++i;
  const char inserted = cand[i];
  if ((i > 0 && cand[i - 1] == inserted) || (i + 1 < cand.size() && cand[i + 1] == inserted))
    return TypoTechnique::repetition;
  return TypoTechnique::insertion;
}

}  // namespace

// Distance 0 or 1 (or more, as 2) in one linear pass: strip the common prefix and suffix
// and look at what is left. Bulk classification asks this for every segment and brand.
size_t osa_distance_up_to_1(std::string_view a, std::string_view b) {
  size_t p = 0;
  const size_t common = std::min(a.size(), b.size());
  while (p < common && a[p] == b[p]) ++p;
  if (p == a.size() && p == b.size()) return 0;
  size_t s = 0;
  while (s < common - p && a[a.size() - 1 - s] == b[b.size() - 1 - s]) ++s;
  const size_t ra = a.size() - p - s, rb = b.size() - p - s;
  if ((ra == 1 && rb <= 1) || (rb == 1 && ra <= 1)) return 1;
  if (ra == 2 && rb == 2 && a[p] == b[p + 1] && a[p + 1] == b[p]) return 1;  // transposition
  return 2;
}

size_t bounded_osa_distance(std::string_view a, std::string_view b, size_t limit) {
  const size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  if (limit <= 1) return std::min(osa_distance_up_to_1(a, b), limit + 1);
  // Three rolling rows; names are at most 63 bytes per label, so this stays on the stack.
  // Left uninitialised: every cell is written before it is read, and clearing 2 KiB per
  // call showed in bulk profiles.
  std::array<size_t, 256> storage;
  if (m + 1 > storage.size() / 3) return limit + 1;
  size_t* prev2 = storage.data();
  size_t* prev = prev2 + (m + 1);
  size_t* cur = prev + (m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

size_t typo_edit_limit(std::string_view reference) { return reference.size() >= 9 ? 2 : 1; }

std::optional<TypoTechnique> typo_technique(std::string_view candidate, std::string_view reference) {
  if (candidate == reference || reference.empty()) return std::nullopt;
  if (candidate.find('-') != std::string_view::npos && strip_hyphens(candidate) == reference)
    return TypoTechnique::hyphen_insertion;
  const size_t len = reference.size();
  const size_t limit = typo_edit_limit(reference);
  const size_t d = bounded_osa_distance(candidate, reference, limit);
  if (d > limit) return std::nullopt;
  if (d == 2) return TypoTechnique::double_edit;
  const TypoTechnique t = single_edit(candidate, reference);
  if (len <= 5) {
    const bool unmistakable =
        t == TypoTechnique::repetition || t == TypoTechnique::transposition || t == TypoTechnique::keyboard_adjacent;
    if (!unmistakable) return std::nullopt;
  }
  return t;
}

}  // namespace impostor::domain
