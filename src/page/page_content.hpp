#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "page/html_document.hpp"
#include "page/link.hpp"
#include "page/page_limits.hpp"

namespace impostor::page {

struct Heading {
  int level = 1;  // 1..6
  std::string text;
  std::string location;
};

struct Image {
  std::string src;  // resolved when possible, else as written (bounded)
  std::string alt;
  std::string title;
  std::string location;
};

// JavaScript found on the page (or handed in by the caller): inline <script> bodies,
// on* attributes, javascript: URLs, and external scripts fetched by the caller.
enum class ScriptOrigin { inline_script, event_handler, javascript_url, external };
std::string_view to_string(ScriptOrigin origin);

struct ScriptText {
  ScriptOrigin origin = ScriptOrigin::inline_script;
  std::string text;      // at most PageLimits::max_script_bytes
  std::string location;  // "inline script #2", "div#x > button @onclick", "external script https://..."
  bool truncated = false;
};

struct StyleText {
  std::string text;  // a <style> body, or a style attribute that mentions the cursor
  std::string location;
};

struct MediaElement {  // <audio>/<video>
  std::string tag;
  std::string src;
  bool autoplay = false;
  bool loop = false;
  std::string location;
};

// Where a stretch of visible text came from, for quoting evidence. Only text nodes that
// hold digits (phone numbers) get one.
struct TextAnchor {
  size_t offset = 0;  // into PageContent::visible_text
  std::string location;
};

// Everything the analysis reads from one parsed page. Strings are valid UTF-8 and bounded.
struct PageContent {
  std::string document_url;
  std::string base_url;  // the document URL, or the first <base href> when it is http(s)
  std::string title;
  std::string lang;
  std::string og_site_name;
  std::string og_title;
  std::string application_name;
  std::string visible_text;  // text outside script/style/template..., whitespace collapsed
  bool visible_text_truncated = false;
  std::vector<TextAnchor> text_anchors;

  std::vector<Link> links;
  size_t links_seen = 0;     // all URL-bearing attributes and navigations found
  size_t links_dropped = 0;  // beyond PageLimits::max_links
  std::vector<Image> images;
  size_t images_dropped = 0;
  std::vector<Heading> headings;
  std::vector<ScriptText> scripts;
  size_t scripts_dropped = 0;  // beyond max_scripts or the total script budget
  size_t inline_script_count = 0;
  std::vector<StyleText> styles;
  std::vector<MediaElement> media;
  size_t element_count = 0;
};

// Reads a parsed page. `document_url` is the page's final URL (after redirects).
PageContent extract_content(const HtmlDocument& document, std::string_view document_url, const PageLimits& limits);

// "5; url=https://x/" -> {5, "https://x/"}; nullopt when there is no URL to go to.
struct MetaRefresh {
  double delay = 0;
  std::string url;
};
std::optional<MetaRefresh> parse_meta_refresh(std::string_view content);

}  // namespace impostor::page
