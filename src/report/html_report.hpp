#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace impostor::report {

struct HtmlReportOptions {
  std::string title = "impostor report";
  std::string generated_at;                       // shown as given (e.g. "2024-05-01T06:00:00Z"); empty: not shown
  size_t max_members = 500;                       // member rows shown per report; the rest are counted
  size_t max_findings = 1000;                     // finding rows shown per report
  size_t max_evidence_bytes = size_t{16} * 1024;  // pretty-printed evidence (and page JSON) kept per item
  size_t max_text_bytes = 4096;                   // any one attacker string (URL, title, header value)
};

// One self-contained HTML file over reports in the report contract (url, file, domain and
// crawl alike): summary counts by verdict, rows new-and-changed first then by verdict, per
// target a <details> section with the redirect chain, certificates, findings with their
// evidence, downloads and member trees. Sortable and filterable by an inline script; the
// view can also be preset from the fragment: #q=TEXT&verdict=a,b&changed=1&sort=KEY&dir=asc|desc&open=1.
//
// Every attacker string is shown as text: passed through display_text, HTML-escaped, never
// a link, never in a script context raw. A Content-Security-Policy meta tag allows only the
// one inline script and style by their SHA-256 hashes, and nothing is loaded from anywhere.
std::string to_html(const std::vector<nlohmann::json>& reports, const HtmlReportOptions& options = {});

// --- building blocks, shared with the other renderers and exposed for tests ---

// Attacker text made inert for display: valid UTF-8, with C0/C1 controls, DEL, bidi
// overrides and isolates, zero-width and other invisible format characters, and U+2028/9
// written as visible escapes (\x07, \u0085, \u202e). `keep_newlines` keeps \n and \t.
std::string display_text(std::string_view text, bool keep_newlines = false);

// Escapes & < > " ' so the result is safe in element content and in quoted attribute values.
std::string escape_html(std::string_view text);

// JSON for a <script type="application/json"> block: valid UTF-8, and < > & U+2028 U+2029
// written as \u003c \u003e \u0026 \u2028 \u2029, so no string can close the element.
std::string json_for_script(const nlohmann::json& value);

// The CSP source expression for an inline script or style: "sha256-" + base64(SHA-256).
std::string csp_source_hash(std::string_view content);

}  // namespace impostor::report
