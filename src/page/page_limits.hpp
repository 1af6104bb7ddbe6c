#pragma once
#include <cstddef>

namespace impostor::page {

// Every bound the page analysis keeps. Hitting one is reported (PageAnalysis::findings,
// `limits.page-*`), never a silent skip. The defaults suit one crawled page.
struct PageLimits {
  size_t max_input_bytes = size_t{5} << 20;         // raw bytes read from the body; the rest is cut
  size_t max_nesting_depth = 512;                   // open elements kept; deeper start tags are dropped (as Chrome)
  size_t max_links = 10'000;                        // links kept; the count of dropped ones is reported
  size_t max_visible_text_bytes = 256 << 10;        // visible text kept (UTF-8 bytes)
  size_t max_script_bytes = 1 << 20;                // per script (inline, handler or external) scanned
  size_t max_total_script_bytes = size_t{8} << 20;  // over all scripts of the page
  size_t max_scripts = 2'000;                       // inline scripts + event handlers kept
  size_t max_images = 2'000;
  size_t max_headings = 200;
  size_t max_link_text_bytes = 256;
  size_t max_snippet_bytes = 160;  // evidence quotes
  size_t max_download_candidates = 500;
  size_t max_evidence_instances = 10;  // quoted instances per finding (all are counted)
  size_t max_navigations_per_script = 200;
};

}  // namespace impostor::page
