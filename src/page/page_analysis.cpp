#include "page/page_analysis.hpp"

#include <algorithm>
#include <utility>

#include "core/text_safety.hpp"
#include "page/html_document.hpp"
#include "page/script_navigation.hpp"
#include "page/text_util.hpp"
#include "page/url_resolver.hpp"

namespace impostor::page {

namespace {

constexpr size_t kMaxClaimsPerVendor = 20;

DecodedText without_text(const DecodedText& d) {
  DecodedText out;
  out.charset = d.charset;
  out.declared = d.declared;
  out.source = d.source;
  out.input_bytes = d.input_bytes;
  out.truncated = d.truncated;
  out.replaced = d.replaced;
  out.nul_characters = d.nul_characters;
  return out;
}

core::Finding limit_finding(std::string id, std::string summary, nlohmann::json evidence, std::string location) {
  core::Finding f;
  f.id = std::move(id);
  f.severity = core::Severity::info;
  f.summary = std::move(summary);
  f.evidence = std::move(evidence);
  f.location = std::move(location);
  return f;
}

void add_script_navigations(PageContent& content, std::span<const ExternalScript> scripts, const PageLimits& limits) {
  if (scripts.empty()) return;  // parsing the base URL again would be the whole cost
  UrlResolver resolver(content.base_url);
  for (const auto& script : scripts) {
    const std::string location = "external script " + std::string(text::utf8_prefix(script.url, 512));
    for (auto& nav : find_script_navigations(script.text, limits.max_script_bytes, limits.max_navigations_per_script)) {
      ++content.links_seen;
      if (content.links.size() >= limits.max_links) {
        ++content.links_dropped;
        continue;
      }
      Link link;
      link.kind = LinkKind::script_navigation;
      link.raw = core::to_valid_utf8(text::utf8_prefix(nav.literal, 2048));
      const ResolvedUrl r = resolver.resolve(link.raw);
      link.url = core::to_valid_utf8(r.url);
      link.scheme = r.scheme;
      link.resolved = r.resolved;
      link.fetchable = r.fetchable;
      link.via = nav.via;
      link.partial = nav.partial;
      link.location = location;
      content.links.push_back(std::move(link));
    }
  }
}

void limit_findings(PageAnalysis& a, const PageLimits& limits) {
  std::erase_if(a.findings, [](const core::Finding& f) { return f.id.rfind("limits.page-", 0) == 0; });
  const std::string& where = a.content.document_url;
  if (a.decoding.truncated || a.body_cut_by_caller)
    a.findings.push_back(
        limit_finding("limits.page-input", "The page body was cut at the input cap",
                      {{"input_bytes", a.decoding.input_bytes},
                       // Cut by the fetcher, the body is as long as the fetch's cap.
                       {"cap", a.decoding.truncated ? limits.max_input_bytes : a.decoding.input_bytes},
                       {"cut_by", a.decoding.truncated ? "page analysis" : "fetcher (the page cap of the fetch)"}},
                      where));
  if (a.guard.changed())
    a.findings.push_back(limit_finding("limits.page-nesting",
                                       "Tags beyond the nesting cap or attributes beyond the per-tag cap were dropped",
                                       {{"dropped_start_tags", a.guard.dropped_start_tags},
                                        {"dropped_end_tags", a.guard.dropped_end_tags},
                                        {"dropped_attributes", a.guard.dropped_attributes},
                                        {"max_depth_seen", a.guard.max_depth_seen},
                                        {"cap", limits.max_nesting_depth}},
                                       where));
  if (a.content.links_dropped > 0)
    a.findings.push_back(limit_finding("limits.page-links", "Links beyond the cap were counted but not kept",
                                       {{"links_seen", a.content.links_seen},
                                        {"links_kept", a.content.links.size()},
                                        {"links_dropped", a.content.links_dropped},
                                        {"cap", limits.max_links}},
                                       where));
  if (a.content.visible_text_truncated)
    a.findings.push_back(limit_finding("limits.page-text", "The visible text was cut at its cap",
                                       {{"cap", limits.max_visible_text_bytes}}, where));
  const size_t truncated_scripts = static_cast<size_t>(std::count_if(a.content.scripts.begin(), a.content.scripts.end(),
                                                                     [](const ScriptText& s) { return s.truncated; }));
  if (a.content.scripts_dropped > 0 || truncated_scripts > 0)
    a.findings.push_back(limit_finding("limits.page-scripts", "Scripts beyond the caps were not read in full",
                                       {{"scripts_dropped", a.content.scripts_dropped},
                                        {"scripts_truncated", truncated_scripts},
                                        {"cap_per_script", limits.max_script_bytes},
                                        {"cap_total", limits.max_total_script_bytes}},
                                       where));
  if (a.content.images_dropped > 0)
    a.findings.push_back(limit_finding("limits.page-images", "Images beyond the cap were not read",
                                       {{"images_dropped", a.content.images_dropped}, {"cap", limits.max_images}},
                                       where));
  if (a.downloads.dropped > 0)
    a.findings.push_back(
        limit_finding("limits.page-downloads", "Download candidates beyond the cap were dropped",
                      {{"candidates_dropped", a.downloads.dropped}, {"cap", limits.max_download_candidates}}, where));
}

void judge(PageAnalysis& a, std::span<const ExternalScript> scripts, std::span<const BrandTerms> brands,
           const PageLimits& limits) {
  a.downloads = find_download_candidates(a.content, limits.max_download_candidates);
  a.brands = assess_brand_claims(a.content, brands, a.favicon, kMaxClaimsPerVendor, limits.max_snippet_bytes);
  std::erase_if(a.findings, [](const core::Finding& f) { return f.id.rfind("scam.", 0) == 0; });
  for (auto& f : find_scam_markers(a.content, scripts, limits)) a.findings.push_back(std::move(f));
  limit_findings(a, limits);
}

}  // namespace

const Link* PageAnalysis::meta_refresh() const {
  for (const auto& link : content.links)
    if (link.kind == LinkKind::meta_refresh && link.fetchable) return &link;
  return nullptr;
}

std::vector<const Link*> PageAnalysis::favicon_links() const {
  std::vector<const Link*> out;
  for (const auto& link : content.links)
    if (link.kind == LinkKind::icon && link.fetchable) out.push_back(&link);
  return out;
}

std::vector<const Link*> PageAnalysis::script_links() const {
  std::vector<const Link*> out;
  for (const auto& link : content.links)
    if (link.kind == LinkKind::script && link.fetchable) out.push_back(&link);
  return out;
}

PageAnalysis analyze_page(const PageInput& input, const PageLimits& limits) {
  PageAnalysis a = extract_page(input, limits);
  add_script_navigations(a.content, input.scripts, limits);
  if (input.favicon) a.favicon = hash_favicon(*input.favicon);
  judge(a, input.scripts, input.brands, limits);
  return a;
}

PageAnalysis extract_page(const PageInput& input, const PageLimits& limits) {
  PageAnalysis a;
  const HtmlDocument document = HtmlDocument::parse(input.body, input.content_type, limits);
  a.decoding = without_text(document.decoded());
  a.body_cut_by_caller = input.body_truncated;
  a.guard = document.guard();
  a.content = extract_content(document, input.url, limits);
  return a;
}

void add_external_scripts(PageAnalysis& analysis, std::span<const ExternalScript> scripts,
                          std::span<const BrandTerms> brands, const PageLimits& limits) {
  add_script_navigations(analysis.content, scripts, limits);
  judge(analysis, scripts, brands, limits);
}

void add_favicon(PageAnalysis& analysis, std::span<const uint8_t> favicon, std::span<const BrandTerms> brands) {
  add_favicon(analysis, hash_favicon(favicon), brands);
}

void add_favicon(PageAnalysis& analysis, FaviconHash favicon, std::span<const BrandTerms> brands) {
  analysis.favicon = std::move(favicon);
  for (const BrandTerms& brand : brands) {
    auto claim = favicon_claim(*analysis.favicon, brand);
    if (!claim) continue;
    auto it = std::find_if(analysis.brands.begin(), analysis.brands.end(),
                           [&](const BrandAssessment& b) { return b.vendor_id == brand.vendor_id; });
    if (it == analysis.brands.end()) {
      BrandAssessment b;
      b.vendor_id = brand.vendor_id;
      analysis.brands.push_back(std::move(b));
      it = analysis.brands.end() - 1;
    }
    it->claims.push_back(std::move(*claim));
    it->presents_as_vendor = true;
  }
}

}  // namespace impostor::page
