#include "page/page_json.hpp"

#include "core/text_safety.hpp"

namespace impostor::page {

namespace {

using nlohmann::json;

std::string safe(std::string_view s) { return core::to_valid_utf8(s); }

}  // namespace

json to_json(const Link& link) {
  json j = {{"kind", std::string(to_string(link.kind))},
            {"url", safe(link.url)},
            {"scheme", safe(link.scheme)},
            {"fetchable", link.fetchable},
            {"location", safe(link.location)}};
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
  return {{"url", safe(c.url)},
          {"fetchable", c.fetchable},
          {"filename", safe(c.filename)},
          {"extension", c.extension},
          {"reasons", reasons},
          {"details", details},
          {"kind", std::string(to_string(c.kind))},
          {"text", safe(c.text)},
          {"location", safe(c.location)},
          {"occurrences", c.occurrences},
          {"strong", c.strong()}};
}

json to_json(const BrandAssessment& b) {
  json claims = json::array();
  for (const auto& c : b.claims)
    claims.push_back({{"source", std::string(to_string(c.source))},
                      {"strong", c.strong},
                      {"reason", c.reason},
                      {"matched", safe(c.matched)},
                      {"snippet", safe(c.snippet)},
                      {"location", safe(c.location)}});
  json j = {{"vendor", b.vendor_id}, {"presents_as_vendor", b.presents_as_vendor}, {"claims", claims}};
  if (b.claims_dropped > 0) j["claims_dropped"] = b.claims_dropped;
  if (!b.other_site_name.empty()) j["other_site_name"] = safe(b.other_site_name);
  return j;
}

json to_json(const PageAnalysis& a, size_t max_links) {
  const PageContent& c = a.content;
  json j;
  j["url"] = safe(c.document_url);
  j["base_url"] = safe(c.base_url);
  j["title"] = safe(c.title);
  j["lang"] = safe(c.lang);
  if (!c.og_site_name.empty()) j["og_site_name"] = safe(c.og_site_name);
  j["charset"] = {{"name", a.decoding.charset},
                  {"source", std::string(to_string(a.decoding.source))},
                  {"declared", safe(a.decoding.declared)},
                  {"replaced", a.decoding.replaced},
                  {"nul_characters", a.decoding.nul_characters}};
  j["counts"] = {{"input_bytes", a.decoding.input_bytes},
                 {"elements", c.element_count},
                 {"links", c.links_seen},
                 {"links_kept", c.links.size()},
                 {"links_dropped", c.links_dropped},
                 {"images", c.images.size()},
                 {"inline_scripts", c.inline_script_count},
                 {"visible_text_bytes", c.visible_text.size()}};
  json downloads = json::array();
  for (const auto& d : a.downloads.items) downloads.push_back(to_json(d));
  j["downloads"] = downloads;
  if (a.downloads.dropped > 0) j["downloads_dropped"] = a.downloads.dropped;
  json brands = json::array();
  for (const auto& b : a.brands) brands.push_back(to_json(b));
  j["brands"] = brands;
  if (const Link* refresh = a.meta_refresh()) j["meta_refresh"] = to_json(*refresh);
  if (a.favicon) j["favicon"] = {{"mmh3", a.favicon->mmh3}, {"sha256", a.favicon->sha256}, {"size", a.favicon->size}};
  json links = json::array();
  for (size_t i = 0; i < c.links.size() && i < max_links; ++i) links.push_back(to_json(c.links[i]));
  j["links"] = links;
  return j;
}

}  // namespace impostor::page
