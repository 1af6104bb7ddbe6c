#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace impostor::page {

// Gumbo 0.10.1 has no depth or attribute limit, and parts of the HTML tree builder scan
// the whole stack of open elements (or every earlier attribute) per tag: 50,000 nested
// <div>s take ~5 s, 40,000 attributes on one tag ~8 s (measured on Debian's build), and a
// 5 MiB page can hold a million tags. Before parsing, this pass walks the tags with a
// small tokenizer (comments, raw-text elements and quoted attribute values respected)
// and keeps the work per tag bounded, as browsers do (Chrome caps the tree depth at 512):
//   - a start tag that would open an element deeper than `max_depth` is dropped, with the
//     end tag that closes it; its text stays, in the deepest kept element;
//   - attributes after the first `max_attributes` of one tag are dropped.
// Elements that close themselves (p, li, td, option, ... and void elements) are not
// counted, so real pages are never touched. The parse then costs O(tags × max_depth).
struct MarkupGuardStats {
  size_t dropped_start_tags = 0;
  size_t dropped_end_tags = 0;
  size_t dropped_attributes = 0;
  size_t max_depth_seen = 0;  // deepest counted nesting in the input (before dropping)
  bool changed() const { return dropped_start_tags + dropped_end_tags + dropped_attributes > 0; }
};

struct GuardedMarkup {
  std::string html;  // the input, or the input without the dropped tags and attributes
  MarkupGuardStats stats;
};

GuardedMarkup guard_markup(std::string_view html, size_t max_depth, size_t max_attributes = 256);

}  // namespace impostor::page
