#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace impostor::page {

// A navigation written in JavaScript with a string literal as its target:
//   location = "…"; location.href = "…"; window.location.href = '…'; top.location = `…`;
//   document.location = "…"; location.assign("…"); location.replace('…'); window.open("…", …)
struct ScriptNavigation {
  std::string via;       // "location", "location.href", "location.assign", "window.open", prefixed as written
  std::string literal;   // the decoded string literal
  bool partial = false;  // followed by '+' or cut at "${": only the start of the URL
  size_t offset = 0;     // of the accessor in the script
};

// Written by hand rather than with a JavaScript parser (none is packaged for this, and a
// full parser would be a second attack surface): a bounded forward scan for the accessors
// above followed by a quoted literal. Expressions that are not literals are skipped.
// At most `max_bytes` of the script are read and `max_results` navigations returned.
std::vector<ScriptNavigation> find_script_navigations(std::string_view script, size_t max_bytes, size_t max_results);

}  // namespace impostor::page
