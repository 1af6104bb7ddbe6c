#include "domain/confusable_skeleton.hpp"

#include <unicode/uspoof.h>

#include <algorithm>
#include <stdexcept>

namespace impostor::domain {

namespace {

// The folds ICU's data lacks, one byte at a time: digits that stand in for letters, and
// lower case (ICU maps 0→O, I→l).
char fold_char(char c) {
  switch (c) {
    case '3': return 'e';
    case '4': return 'a';
    case '5': return 's';
    case '7': return 't';
    case '8': return 'b';
    default: return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
  }
}

// The pair folds, "rn"→m and "vv"→w, left to right, in place (the text only shrinks);
// returns the new length.
size_t fold_pairs(char* s, size_t size) {
  size_t w = 0;
  for (size_t r = 0; r < size; ++r) {
    const char c = s[r];
    if (r + 1 < size && ((c == 'r' && s[r + 1] == 'n') || (c == 'v' && s[r + 1] == 'v'))) {
      s[w++] = c == 'r' ? 'm' : 'w';
      ++r;
    } else {
      s[w++] = c;
    }
  }
  return w;
}

void fold_pairs(std::string& s) { s.resize(fold_pairs(s.data(), s.size())); }

}  // namespace

ConfusableSkeleton::ConfusableSkeleton() {
  UErrorCode status = U_ZERO_ERROR;
  checker_ = uspoof_open(&status);
  restriction_ = uspoof_open(&status);
  if (U_SUCCESS(status)) {
    uspoof_setChecks(restriction_, USPOOF_RESTRICTION_LEVEL | USPOOF_INVISIBLE | USPOOF_MIXED_NUMBERS, &status);
    uspoof_setRestrictionLevel(restriction_, USPOOF_HIGHLY_RESTRICTIVE);
  }
  if (U_FAILURE(status)) {
    uspoof_close(checker_);
    uspoof_close(restriction_);
    throw std::runtime_error(std::string("ICU spoof checker: ") + u_errorName(status));
  }
  // UTS #39 maps each code point on its own and ends with NFD. ASCII characters are
  // neither decomposed nor combining, and their prototypes are already in NFD, so the
  // skeleton of an ASCII text is exactly the concatenation of these per-character
  // skeletons; the byte folds commute with concatenation too (tested against ICU over
  // generated labels in tests/unit/confusable_skeleton_test.cpp).
  for (int c = 0; c < 128; ++c) {
    const char one[2] = {static_cast<char>(c), '\0'};
    char buf[32];
    status = U_ZERO_ERROR;
    const int32_t n = uspoof_getSkeletonUTF8(checker_, 0, one, 1, buf, sizeof buf, &status);
    std::string mapped = U_SUCCESS(status) ? std::string(buf, static_cast<size_t>(n)) : std::string(1, one[0]);
    for (char& m : mapped) m = fold_char(m);
    longest_ascii_ = std::max(longest_ascii_, mapped.size());
    ascii_[static_cast<size_t>(c)] = std::move(mapped);
  }
}

ConfusableSkeleton::~ConfusableSkeleton() {
  uspoof_close(checker_);
  uspoof_close(restriction_);
}

void ConfusableSkeleton::icu_into(std::string_view label, std::string& out) const {
  UErrorCode status = U_ZERO_ERROR;
  char buf[1024];
  const int32_t n =
      uspoof_getSkeletonUTF8(checker_, 0, label.data(), static_cast<int32_t>(label.size()), buf, sizeof buf, &status);
  if (U_FAILURE(status))
    out.assign(label);  // over-long or ill-formed: compare as is
  else
    out.assign(buf, static_cast<size_t>(n));
  for (char& c : out) c = fold_char(c);
  fold_pairs(out);
}

void ConfusableSkeleton::of(std::string_view label, std::string& out) const {
  // Host labels are at most 63 bytes: they are mapped in a buffer on the stack and
  // copied out once.
  std::array<char, 512> buffer;
  if (label.size() * longest_ascii_ > buffer.size()) {
    out.clear();
    for (const char c : label) {
      if (static_cast<unsigned char>(c) >= 0x80) return icu_into(label, out);
      out += ascii_[static_cast<unsigned char>(c)];
    }
    fold_pairs(out);
    return;
  }
  size_t size = 0;
  for (const char c : label) {
    if (static_cast<unsigned char>(c) >= 0x80) return icu_into(label, out);
    const std::string& mapped = ascii_[static_cast<unsigned char>(c)];
    if (mapped.size() == 1) {
      buffer[size++] = mapped[0];
    } else {
      mapped.copy(buffer.data() + size, mapped.size());
      size += mapped.size();
    }
  }
  out.assign(buffer.data(), fold_pairs(buffer.data(), size));
}

std::string ConfusableSkeleton::of(std::string_view label) const {
  std::string out;
  of(label, out);
  return out;
}

std::string ConfusableSkeleton::of_with_icu(std::string_view label) const {
  std::string out;
  icu_into(label, out);
  return out;
}

bool ConfusableSkeleton::is_mixed_script(std::string_view label) const {
  UErrorCode status = U_ZERO_ERROR;
  const int32_t result =
      uspoof_checkUTF8(restriction_, label.data(), static_cast<int32_t>(label.size()), nullptr, &status);
  return U_SUCCESS(status) && result != 0;
}

}  // namespace impostor::domain
