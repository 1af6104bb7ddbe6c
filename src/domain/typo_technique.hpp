#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace impostor::domain {

// The single typing mistake (or deliberate twist) that turns `reference` into `candidate`.
enum class TypoTechnique {
  omission,           // zom
  insertion,          // zoiom
  repetition,         // zooom
  transposition,      // zomo
  keyboard_adjacent,  // xoom (x is next to z on QWERTY)
  vowel_swap,         // zoam
  bit_flip,           // one bit of one byte differs
  replacement,        // any other single replacement
  hyphen_insertion,   // zo-om
  double_edit,        // two edits, only for long names
};

const char* to_string(TypoTechnique t);

// Returns the technique when `candidate` is a typo of `reference` under the length-scaled
// rule: references of up to 5 letters accept only the unmistakable twists (repetition,
// transposition, keyboard-adjacent replacement, hyphen insertion) because every other
// single edit of a short word is usually another word (zoom→room, boom, zoo); 6 to 8
// letters accept any single edit; 9 or more accept two. ASCII only; identical strings
// are not typos.
std::optional<TypoTechnique> typo_technique(std::string_view candidate, std::string_view reference);

// The most edits typo_technique() accepts against `reference` (1, or 2 from nine letters
// up); callers use it to rule candidates out before asking.
size_t typo_edit_limit(std::string_view reference);

// Optimal-string-alignment distance (Damerau–Levenshtein without repeated edits on a
// substring), giving up early: returns limit + 1 when the distance exceeds `limit`.
size_t bounded_osa_distance(std::string_view a, std::string_view b, size_t limit);

}  // namespace impostor::domain
