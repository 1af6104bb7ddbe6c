#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "page/brand_claims.hpp"
#include "page/charset_decoder.hpp"
#include "page/download_candidates.hpp"
#include "page/favicon_hash.hpp"
#include "page/markup_guard.hpp"
#include "page/page_content.hpp"
#include "page/page_limits.hpp"
#include "page/scam_markers.hpp"

namespace impostor::page {

// One fetched page, as the fetcher hands it over. Nothing here does network I/O: what the
// analysis points at (downloads, favicon, scripts, meta refresh) the caller fetches.
struct PageInput {
  std::string_view url;                             // the page's final URL, after redirects
  std::string_view body;                            // the response body, any bytes
  std::string_view content_type;                    // the Content-Type header, may be empty
  std::span<const BrandTerms> brands;               // vendors to look for
  std::span<const ExternalScript> scripts;          // <script src> bodies the caller fetched, if any
  std::optional<std::span<const uint8_t>> favicon;  // the favicon's bytes, if the caller fetched it
  // The caller's own cap cut `body` (the fetcher keeps at most --max-page-bytes): reported
  // as limits.page-input like a cut at PageLimits::max_input_bytes.
  bool body_truncated = false;
};

struct PageAnalysis {
  DecodedText decoding;             // charset, its source, replacements; .utf8 is cleared (content has the text)
  bool body_cut_by_caller = false;  // PageInput::body_truncated
  MarkupGuardStats guard;           // dropped tags and attributes
  PageContent content;              // title, text, links, images, headings, scripts...
  DownloadCandidates downloads;
  std::vector<BrandAssessment> brands;  // vendors the page names or claims to be
  std::optional<FaviconHash> favicon;
  // scam.* markers and limits.page-* (info) for every bound that was hit.
  std::vector<core::Finding> findings;

  const Link* meta_refresh() const;  // the first meta refresh with a fetchable URL: the fetcher's next hop
  std::vector<const Link*> favicon_links() const;  // fetchable <link rel=icon> URLs
  std::vector<const Link*> script_links() const;   // fetchable <script src> URLs
};

// Decodes, parses, extracts and judges one page. Never fails and never throws on content:
// every input gives an analysis, and every bound hit is a limits.page-* finding.
PageAnalysis analyze_page(const PageInput& input, const PageLimits& limits = {});

// Decodes, parses and extracts only: the content and its links (meta_refresh(), ...) as
// analyze_page has them, but no downloads, brands or findings. For a second view of a
// page (the cloaking probe) that needs only where the page leads, not what it claims.
PageAnalysis extract_page(const PageInput& input, const PageLimits& limits = {});

// After the caller fetched the scripts listed in script_links(): adds the navigations they
// hold (resolved against the page's base URL) to the links, and recomputes downloads,
// brand claims and the scam.* findings over the page and `scripts` together. Call it once,
// with every fetched script, on an analysis made without input.scripts (the scripts are
// not kept, so a second call judges only the scripts given to it).
void add_external_scripts(PageAnalysis& analysis, std::span<const ExternalScript> scripts,
                          std::span<const BrandTerms> brands, const PageLimits& limits = {});

// After the caller fetched the favicon: hashes it and adds favicon brand claims.
void add_favicon(PageAnalysis& analysis, std::span<const uint8_t> favicon, std::span<const BrandTerms> brands);
// The same, with the favicon already hashed (an icon the run fetched for another page).
void add_favicon(PageAnalysis& analysis, FaviconHash favicon, std::span<const BrandTerms> brands);

}  // namespace impostor::page
