#pragma once
#include <array>
#include <string>
#include <string_view>

struct USpoofChecker;

namespace impostor::domain {

// Confusable skeletons after UTS #39 (ICU uspoof), so that two strings a reader cannot
// tell apart map to the same text: zооm (Cyrillic o), zoorn, z00m and zoom all become
// "zoom". ICU's skeleton is the base; on top of it, and written here because ICU's data
// does not cover them, digits that stand in for letters (3→e, 4→a, 5→s, 7→t, 8→b) and
// the pair "vv"→"w". The result is lower case and folds "rn" back to "m" so it reads as
// the name it imitates. Built once, shared read-only (uspoof checkers are thread-safe
// for skeletons once configured).
class ConfusableSkeleton {
 public:
  ConfusableSkeleton();
  ~ConfusableSkeleton();
  ConfusableSkeleton(const ConfusableSkeleton&) = delete;
  ConfusableSkeleton& operator=(const ConfusableSkeleton&) = delete;

  // `label` is UTF-8. ASCII input takes a table precomputed from ICU at construction.
  std::string of(std::string_view label) const;
  // The same into `out` (replacing its contents), so bulk callers reuse one buffer.
  void of(std::string_view label, std::string& out) const;
  // ICU on the whole text, never the ASCII table: the reference the table is tested against.
  std::string of_with_icu(std::string_view label) const;

  // True when a label mixes scripts beyond what UTS #39 "highly restrictive" allows
  // (Latin with Cyrillic, say; Han with Hiragana is fine), or mixes digit systems or
  // carries invisible characters.
  bool is_mixed_script(std::string_view label) const;

 private:
  void icu_into(std::string_view label, std::string& out) const;
  USpoofChecker* checker_ = nullptr;      // skeletons
  USpoofChecker* restriction_ = nullptr;  // mixed-script checks
  // ICU skeleton of each ASCII character with the digit and case folds applied: the
  // skeleton of an ASCII text is these pieces concatenated, then the pair folds (see of()).
  std::array<std::string, 128> ascii_;
  size_t longest_ascii_ = 1;  // the longest of them
};

}  // namespace impostor::domain
