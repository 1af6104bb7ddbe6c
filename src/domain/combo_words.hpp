#pragma once
#include <bitset>
#include <string_view>

namespace impostor::domain {

// Words that lookalike domains glue to a brand (zoom-download, us05webzoom, anydesk-pro).
// Drawn from the 2020–2025 threat reports behind ../shared/data/reported-lookalikes.tsv.
bool is_combo_word(std::string_view word);

// True when `text` is empty or splits entirely into combo words (also stretched, as in
// "meeetiing"), short codes with a digit ("us05", "w03", "2day"), "www"-like runs of w/v
// and plural "s": e.g. "us05web", "downloadnow", "meetings2day".
bool splits_into_combo_words(std::string_view text);

// Both directions of the split at once, for callers that try many cut points:
// prefix[p] says text[0, p) splits into combo words, suffix[p] says text[p, end) does
// (exact words only, no stretched forms). Texts longer than 64 bytes are cut at 64.
struct ComboSplits {
  std::bitset<65> prefix;
  std::bitset<65> suffix;
};
ComboSplits combo_splits(std::string_view text);

// For a whole hyphen-separated segment that is not a combo word: a two-letter code
// (cn-zoom, zoom-uk) or a misspelt long combo word (webex-busines, zoom-iinviite).
bool is_near_combo_word(std::string_view segment);

}  // namespace impostor::domain
