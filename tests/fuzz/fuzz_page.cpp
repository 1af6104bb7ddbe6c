// The whole analyse-a-page entry: charset decoding, the markup guard, Gumbo parsing,
// extraction, download candidates, brand claims and scam markers (page::analyze_page),
// then the two later steps the URL analysis takes with what it fetched: external scripts
// and the favicon. The input is the response body.
#include <array>
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <vector>

#include "allowlist/allowlist_loader.hpp"
#include "fuzz_checks.hpp"
#include "fuzz_paths.hpp"
#include "fuzz_target.hpp"
#include "page/page_analysis.hpp"
#include "page/page_json.hpp"

namespace {

using namespace impostor;

// The brand terms of the shipped allowlists, built as analyze::brand_terms() does (that
// function lives in analyze/, which the fuzz build does not compile: it pulls in every
// module).
std::vector<page::BrandTerms> load_brands() {
  auto loaded = allowlist::load_allowlist_dir(fuzz::source_dir() / "allowlists");
  if (!loaded.ok()) {
    std::cerr << "fuzz_page: the allowlists do not load\n";
    std::abort();
  }
  std::vector<page::BrandTerms> out;
  for (const auto& v : loaded.allowlist.vendors) {
    page::BrandTerms t;
    t.vendor_id = v.id;
    t.display_name = v.name;
    t.brand_tokens = v.brand_tokens;
    t.brand_tokens.insert(t.brand_tokens.end(), v.distinctive_tokens.begin(), v.distinctive_tokens.end());
    t.product_names = v.product_names;
    t.product_names.push_back(v.name);
    t.favicon_mmh3 = v.favicon_mmh3;
    t.favicon_sha256 = v.favicon_sha256;
    out.push_back(std::move(t));
  }
  return out;
}

// The Content-Type header is picked by the input's length, so the body stays exactly the
// seed's bytes (plain HTML files are valid seeds) while the fuzzer still reaches every
// charset source: none, a header charset the <meta> must not override, UTF-16, XHTML.
constexpr std::array<std::string_view, 5> kContentTypes = {"text/html", "", "text/html; charset=shift_jis",
                                                           "text/html; charset=utf-16le", "application/xhtml+xml"};

}  // namespace

IMPOSTOR_FUZZ_TARGET(page) {
  static const std::vector<page::BrandTerms> brands = load_brands();
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  page::PageInput input;
  input.url = "https://zoom-download.example/en/download/";
  input.body = body;
  input.content_type = kContentTypes[size % kContentTypes.size()];
  input.brands = brands;
  auto analysis = page::analyze_page(input);
  fuzz::check_findings(analysis.findings);
  (void)analysis.meta_refresh();
  (void)analysis.favicon_links();
  (void)analysis.script_links();

  // The same bytes as a fetched script and as the favicon: both are attacker-served too.
  const std::vector<page::ExternalScript> scripts = {{"https://zoom-download.example/app.js", body}};
  page::add_external_scripts(analysis, scripts, brands);
  page::add_favicon(analysis, {data, size}, brands);
  fuzz::check_findings(analysis.findings);
  // The report's "page" object is well-formed JSON in valid UTF-8, keys in the order a tree
  // prints them: read back and printed strictly (dump() throws on invalid UTF-8), the same bytes.
  const auto rendered = page::render_json(analysis);
  const auto tree = nlohmann::json::parse(rendered.text);
  if (tree.dump() != rendered.text) __builtin_trap();
  return 0;
}
