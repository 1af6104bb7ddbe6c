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

  // True when a label mixes scripts beyond what UTS #39 "highly restrictive" allows
  // (Latin with Cyrillic, say; Han with Hiragana is fine), or mixes digit systems or
  // carries invisible characters.
  bool is_mixed_script(std::string_view label) const;

 private:
  std::string fold(std::string skeleton) const;
  USpoofChecker* checker_ = nullptr;      // skeletons
  USpoofChecker* restriction_ = nullptr;  // mixed-script checks
  std::array<std::string, 128> ascii_;    // ICU skeleton of each ASCII character
};

}  // namespace impostor::domain
