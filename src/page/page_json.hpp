#pragma once
#include "core/json_writer.hpp"
#include "core/report.hpp"
#include "page/page_analysis.hpp"

namespace impostor::page {

// The report's "page" object: what the page is (title, language, charset, base), what it
// offers (download candidates, meta refresh, favicon), whom it claims to be, and its links
// (the first `max_links`; counts are always complete). Every string is valid UTF-8.
core::RenderedJson render_json(const PageAnalysis& analysis, size_t max_links = 200);

// Its parts, written where the writer stands. Keys go in sorted order (JsonWriter's rule).
void write_json(core::JsonWriter& out, const Link& link);
void write_json(core::JsonWriter& out, const DownloadCandidate& candidate);
void write_json(core::JsonWriter& out, const BrandAssessment& assessment);

}  // namespace impostor::page
