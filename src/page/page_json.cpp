#include "page/page_json.hpp"

#include <utility>

#include "core/text_safety.hpp"

namespace impostor::page {

namespace {

using nlohmann::json;

std::string safe(std::string_view s) { return core::to_valid_utf8(s); }

}  // namespace

// Objects are built key by key: an initializer list builds every pair as a two-element
// array first, which doubled the cost of rendering a page.

json to_json(const Link& link) {
  json j = json::object();
  j["kind"] = std::string(to_string(link.kind));
  j["url"] = safe(link.url);
  j["scheme"] = safe(link.scheme);
  j["fetchable"] = link.fetchable;
  j["location"] = safe(link.location);
  if (!link.resolved) j["raw"] = safe(link.raw);
  if (!link.text.empty()) j["text"] = safe(link.text);
  if (link.download) j["download"] = safe(*link.download);
  if (link.refresh_delay) j["refresh_delay"] = *link.refresh_delay;
  if (!link.via.empty()) j["via"] = safe(link.via);
  if (link.partial) j["partial"] = true;
  return j;
}

json to_json(const DownloadCandidate& c) {
  json reasons = json::array();
  for (auto r : c.reasons) reasons.push_back(std::string(to_string(r)));
  json details = json::array();
  for (const auto& d : c.details) details.push_back(safe(d));
  json j = json::object();
  j["url"] = safe(c.url);
  j["fetchable"] = c.fetchable;
  j["filename"] = safe(c.filename);
  j["extension"] = c.extension;
  j["reasons"] = std::move(reasons);
  j["details"] = std::move(details);
  j["kind"] = std::string(to_string(c.kind));
  j["text"] = safe(c.text);
  j["location"] = safe(c.location);
  j["occurrences"] = c.occurrences;
  j["strong"] = c.strong();
  return j;
}

json to_json(const BrandAssessment& b) {
  json claims = json::array();
  for (const auto& c : b.claims) {
    json claim = json::object();
    claim["source"] = std::string(to_string(c.source));
    claim["strong"] = c.strong;
    claim["reason"] = c.reason;
    claim["matched"] = safe(c.matched);
    claim["snippet"] = safe(c.snippet);
    claim["location"] = safe(c.location);
    claims.push_back(std::move(claim));
  }
  json j = json::object();
  j["vendor"] = b.vendor_id;
  j["presents_as_vendor"] = b.presents_as_vendor;
  j["claims"] = std::move(claims);
  if (b.claims_dropped > 0) j["claims_dropped"] = b.claims_dropped;
  if (!b.other_site_name.empty()) j["other_site_name"] = safe(b.other_site_name);
  return j;
}

json to_json(const PageAnalysis& a, size_t max_links) {
  const PageContent& c = a.content;
  json j = json::object();
  j["url"] = safe(c.document_url);
  j["base_url"] = safe(c.base_url);
  j["title"] = safe(c.title);
  j["lang"] = safe(c.lang);
  if (!c.og_site_name.empty()) j["og_site_name"] = safe(c.og_site_name);
  json charset = json::object();
  charset["name"] = a.decoding.charset;
  charset["source"] = std::string(to_string(a.decoding.source));
  charset["declared"] = safe(a.decoding.declared);
  charset["replaced"] = a.decoding.replaced;
  charset["nul_characters"] = a.decoding.nul_characters;
  j["charset"] = std::move(charset);
  json counts = json::object();
  counts["input_bytes"] = a.decoding.input_bytes;
  counts["elements"] = c.element_count;
  counts["links"] = c.links_seen;
  counts["links_kept"] = c.links.size();
  counts["links_dropped"] = c.links_dropped;
  counts["images"] = c.images.size();
  counts["inline_scripts"] = c.inline_script_count;
  counts["visible_text_bytes"] = c.visible_text.size();
  j["counts"] = std::move(counts);
  json downloads = json::array();
  for (const auto& d : a.downloads.items) downloads.push_back(to_json(d));
  j["downloads"] = std::move(downloads);
  if (a.downloads.dropped > 0) j["downloads_dropped"] = a.downloads.dropped;
  json brands = json::array();
  for (const auto& b : a.brands) brands.push_back(to_json(b));
  j["brands"] = std::move(brands);
  if (const Link* refresh = a.meta_refresh()) j["meta_refresh"] = to_json(*refresh);
  if (a.favicon) j["favicon"] = {{"mmh3", a.favicon->mmh3}, {"sha256", a.favicon->sha256}, {"size", a.favicon->size}};
  json links = json::array();
  for (size_t i = 0; i < c.links.size() && i < max_links; ++i) links.push_back(to_json(c.links[i]));
  j["links"] = std::move(links);
  return j;
}

}  // namespace impostor::page
