#include "page/page_json.hpp"

namespace impostor::page {

// Every object below lists its keys in sorted order, as the tree it replaces printed them.

void write_json(core::JsonWriter& out, const Link& link) {
  out.begin_object();
  if (link.download) {
    out.key("download");
    out.safe_string(*link.download);
  }
  out.field("fetchable", link.fetchable);
  out.field("kind", to_string(link.kind));
  out.key("location");
  out.safe_string(link.location);
  if (link.partial) out.field("partial", true);
  if (!link.resolved) {
    out.key("raw");
    out.safe_string(link.raw);
  }
  if (link.refresh_delay) out.field("refresh_delay", *link.refresh_delay);
  out.key("scheme");
  out.safe_string(link.scheme);
  if (!link.text.empty()) {
    out.key("text");
    out.safe_string(link.text);
  }
  out.key("url");
  out.safe_string(link.url);
  if (!link.via.empty()) {
    out.key("via");
    out.safe_string(link.via);
  }
  out.end_object();
}

void write_json(core::JsonWriter& out, const DownloadCandidate& c) {
  out.begin_object();
  out.key("details");
  out.begin_array();
  for (const auto& d : c.details) out.safe_string(d);
  out.end_array();
  out.field("extension", c.extension);
  out.field("fetchable", c.fetchable);
  out.key("filename");
  out.safe_string(c.filename);
  out.field("kind", to_string(c.kind));
  out.key("location");
  out.safe_string(c.location);
  out.field("occurrences", c.occurrences);
  out.key("reasons");
  out.begin_array();
  for (auto r : c.reasons) out.string(to_string(r));
  out.end_array();
  out.field("strong", c.strong());
  out.key("text");
  out.safe_string(c.text);
  out.key("url");
  out.safe_string(c.url);
  out.end_object();
}

void write_json(core::JsonWriter& out, const BrandAssessment& b) {
  out.begin_object();
  out.key("claims");
  out.begin_array();
  for (const auto& c : b.claims) {
    out.begin_object();
    out.key("location");
    out.safe_string(c.location);
    out.key("matched");
    out.safe_string(c.matched);
    out.field("reason", c.reason);
    out.key("snippet");
    out.safe_string(c.snippet);
    out.field("source", to_string(c.source));
    out.field("strong", c.strong);
    out.end_object();
  }
  out.end_array();
  if (b.claims_dropped > 0) out.field("claims_dropped", b.claims_dropped);
  if (!b.other_site_name.empty()) {
    out.key("other_site_name");
    out.safe_string(b.other_site_name);
  }
  out.field("presents_as_vendor", b.presents_as_vendor);
  out.field("vendor", b.vendor_id);
  out.end_object();
}

core::RenderedJson render_json(const PageAnalysis& a, size_t max_links) {
  const PageContent& c = a.content;
  core::RenderedJson rendered;
  rendered.text.reserve(2048);
  core::JsonWriter out(rendered.text);
  out.begin_object();
  out.key("base_url");
  out.safe_string(c.base_url);
  out.key("brands");
  out.begin_array();
  for (const auto& b : a.brands) write_json(out, b);
  out.end_array();
  out.key("charset");
  out.begin_object();
  out.key("declared");
  out.safe_string(a.decoding.declared);
  out.field("name", a.decoding.charset);
  out.field("nul_characters", a.decoding.nul_characters);
  out.field("replaced", a.decoding.replaced);
  out.field("source", to_string(a.decoding.source));
  out.end_object();
  out.key("counts");
  out.begin_object();
  out.field("elements", c.element_count);
  out.field("images", c.images.size());
  out.field("inline_scripts", c.inline_script_count);
  out.field("input_bytes", a.decoding.input_bytes);
  out.field("links", c.links_seen);
  out.field("links_dropped", c.links_dropped);
  out.field("links_kept", c.links.size());
  out.field("visible_text_bytes", c.visible_text.size());
  out.end_object();
  out.key("downloads");
  out.begin_array();
  for (const auto& d : a.downloads.items) write_json(out, d);
  out.end_array();
  if (a.downloads.dropped > 0) out.field("downloads_dropped", a.downloads.dropped);
  if (a.favicon) {
    out.key("favicon");
    out.begin_object();
    out.field("mmh3", a.favicon->mmh3);
    out.field("sha256", a.favicon->sha256);
    out.field("size", a.favicon->size);
    out.end_object();
  }
  out.key("lang");
  out.safe_string(c.lang);
  out.key("links");
  out.begin_array();
  for (size_t i = 0; i < c.links.size() && i < max_links; ++i) write_json(out, c.links[i]);
  out.end_array();
  if (const Link* refresh = a.meta_refresh()) {
    out.key("meta_refresh");
    write_json(out, *refresh);
  }
  if (!c.og_site_name.empty()) {
    out.key("og_site_name");
    out.safe_string(c.og_site_name);
  }
  out.key("title");
  out.safe_string(c.title);
  out.key("url");
  out.safe_string(c.document_url);
  out.end_object();
  return rendered;
}

}  // namespace impostor::page
