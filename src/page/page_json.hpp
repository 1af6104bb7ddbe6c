#pragma once
#include <nlohmann/json.hpp>

#include "page/page_analysis.hpp"

namespace impostor::page {

// The report's "page" object: what the page is (title, language, charset, base), what it
// offers (download candidates, meta refresh, favicon), whom it claims to be, and its links
// (the first `max_links`; counts are always complete). Every string is valid UTF-8.
nlohmann::json to_json(const PageAnalysis& analysis, size_t max_links = 200);

nlohmann::json to_json(const Link& link);
nlohmann::json to_json(const DownloadCandidate& candidate);
nlohmann::json to_json(const BrandAssessment& assessment);

}  // namespace impostor::page
