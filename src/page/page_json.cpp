#include "page/page_json.hpp"

namespace impostor::page {

// Every object below lists its keys in sorted order, as the tree it replaces printed them.

void write_json(core::JsonWriter& out, const Link& link) {
  out.begin_object();
  if (link.download) out.safe_field("download", *link.download);
  out.field("fetchable", link.fetchable);
  out.field("kind", to_string(link.kind));
  out.safe_field("location", link.location);
  if (link.partial) out.field("partial", true);
  if (!link.resolved) out.safe_field("raw", link.raw);
  if (link.refresh_delay) out.field("refresh_delay", *link.refresh_delay);
  out.safe_field("scheme", link.scheme);
  if (!link.text.empty()) out.safe_field("text", link.text);
  out.safe_field("url", link.url);
  if (!link.via.empty()) out.safe_field("via", link.via);
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
  out.safe_field("filename", c.filename);
  out.field("kind", to_string(c.kind));
  out.safe_field("location", c.location);
  out.field("occurrences", c.occurrences);
  out.key("reasons");
  out.begin_array();
  for (auto r : c.reasons) out.string(to_string(r));
  out.end_array();
  out.field("strong", c.strong());
  out.safe_field("text", c.text);
  out.safe_field("url", c.url);
  out.end_object();
}

void write_json(core::JsonWriter& out, const BrandAssessment& b) {
  out.begin_object();
  out.key("claims");
  out.begin_array();
  for (const auto& c : b.claims) {
    out.begin_object();
    out.safe_field("location", c.location);
    out.safe_field("matched", c.matched);
    out.field("reason", c.reason);
    out.safe_field("snippet", c.snippet);
    out.field("source", to_string(c.source));
    out.field("strong", c.strong);
    out.end_object();
  }
  out.end_array();
  if (b.claims_dropped > 0) out.field("claims_dropped", b.claims_dropped);
  if (!b.other_site_name.empty()) out.safe_field("other_site_name", b.other_site_name);
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
  out.safe_field("base_url", c.base_url);
  out.key("brands");
  out.begin_array();
  for (const auto& b : a.brands) write_json(out, b);
  out.end_array();
  out.key("charset");
  out.begin_object();
  out.safe_field("declared", a.decoding.declared);
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
  out.safe_field("lang", c.lang);
  out.key("links");
  out.begin_array();
  for (size_t i = 0; i < c.links.size() && i < max_links; ++i) write_json(out, c.links[i]);
  out.end_array();
  if (const Link* refresh = a.meta_refresh()) {
    out.key("meta_refresh");
    write_json(out, *refresh);
  }
  if (!c.og_site_name.empty()) out.safe_field("og_site_name", c.og_site_name);
  out.safe_field("title", c.title);
  out.safe_field("url", c.document_url);
  out.end_object();
  return rendered;
}

}  // namespace impostor::page
