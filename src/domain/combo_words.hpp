#pragma once
#include <string_view>

namespace impostor::domain {

// Words that lookalike domains glue to a brand (zoom-download, us05webzoom, anydesk-pro).
// Drawn from the 2020–2025 threat reports behind ../shared/data/reported-lookalikes.tsv.
bool is_combo_word(std::string_view word);

// True when `text` is empty or splits entirely into combo words, digit runs and "www"-like
// runs of w/v ("wwww", "wwv"), e.g. "us05web" or "downloadnow".
bool splits_into_combo_words(std::string_view text);

}  // namespace impostor::domain
