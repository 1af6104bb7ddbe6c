#include "domain/confusable_skeleton.hpp"

#include <unicode/uspoof.h>

#include <stdexcept>

namespace impostor::domain {

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
  for (int c = 0; c < 128; ++c) {
    const char one[2] = {static_cast<char>(c), '\0'};
    char buf[32];
    status = U_ZERO_ERROR;
    const int32_t n = uspoof_getSkeletonUTF8(checker_, 0, one, 1, buf, sizeof buf, &status);
    ascii_[static_cast<size_t>(c)] =
        U_SUCCESS(status) ? std::string(buf, static_cast<size_t>(n)) : std::string(1, one[0]);
  }
}

ConfusableSkeleton::~ConfusableSkeleton() {
  uspoof_close(checker_);
  uspoof_close(restriction_);
}

std::string ConfusableSkeleton::fold(std::string s) const {
  bool pairs = false;  // any "rn" or "vv" to fold; most names have none
  for (char& c : s) {
    switch (c) {
      case '3': c = 'e'; break;
      case '4': c = 'a'; break;
      case '5': c = 's'; break;
      case '7': c = 't'; break;
      case '8': c = 'b'; break;
      default:
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);  // ICU maps 0→O, I→l
    }
  }
  for (size_t i = 0; i + 1 < s.size() && !pairs; ++i)
    pairs = (s[i] == 'r' && s[i + 1] == 'n') || (s[i] == 'v' && s[i + 1] == 'v');
  if (!pairs) return s;
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == 'r' && i + 1 < s.size() && s[i + 1] == 'n') {
      out += 'm';
      ++i;
    } else if (s[i] == 'v' && i + 1 < s.size() && s[i + 1] == 'v') {
      out += 'w';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string ConfusableSkeleton::of(std::string_view label) const {
  bool ascii = true;
  for (char c : label) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  std::string skeleton;
  if (ascii) {
    skeleton.reserve(label.size() + 8);
    for (char c : label) {
      const std::string& mapped = ascii_[static_cast<unsigned char>(c)];
      if (mapped.size() == 1)
        skeleton.push_back(mapped[0]);
      else
        skeleton.append(mapped);
    }
  } else {
    UErrorCode status = U_ZERO_ERROR;
    char buf[1024];
    const int32_t n =
        uspoof_getSkeletonUTF8(checker_, 0, label.data(), static_cast<int32_t>(label.size()), buf, sizeof buf, &status);
    if (U_FAILURE(status)) return fold(std::string(label));  // over-long or ill-formed: compare as is
    skeleton.assign(buf, static_cast<size_t>(n));
  }
  return fold(std::move(skeleton));
}

bool ConfusableSkeleton::is_mixed_script(std::string_view label) const {
  UErrorCode status = U_ZERO_ERROR;
  const int32_t result =
      uspoof_checkUTF8(restriction_, label.data(), static_cast<int32_t>(label.size()), nullptr, &status);
  return U_SUCCESS(status) && result != 0;
}

}  // namespace impostor::domain
