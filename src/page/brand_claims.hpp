#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "page/favicon_hash.hpp"
#include "page/page_content.hpp"

namespace impostor::page {

// A vendor as the page module needs it. The caller builds it from its own vendor model
// (the allowlist), so this module does not depend on that one.
struct BrandTerms {
  std::string vendor_id;                   // "zoom"
  std::string display_name;                // "Zoom"
  std::vector<std::string> brand_tokens;   // "zoom": matched case-insensitively on word boundaries
  std::vector<std::string> product_names;  // "Zoom Workplace": matched as phrases
  std::vector<int32_t> favicon_mmh3;       // official favicon hashes (Shodan style)
  std::vector<std::string> favicon_sha256;
};

enum class ClaimSource {
  title,
  og_title,
  og_site_name,
  application_name,
  heading,
  image_alt,
  image_src,
  favicon,
  download_text
};
std::string_view to_string(ClaimSource source);

// One place where the page presents itself as the vendor (strong) or only names it (a
// mention, which counts only together with others).
struct BrandClaim {
  std::string vendor_id;
  ClaimSource source = ClaimSource::title;
  bool strong = false;
  std::string reason;    // "the title names the site after the brand", "the heading offers the download", ...
  std::string matched;   // the brand token or product name found
  std::string snippet;   // bounded quote
  std::string location;  // "title", "meta og:site_name", an element path, "favicon"
};

struct BrandAssessment {
  std::string vendor_id;
  std::vector<BrandClaim> claims;
  size_t claims_dropped = 0;
  // The page names itself differently (og:site_name, or the site part of a "Story | Site"
  // title, without the brand): mentions then do not add up to a claim.
  std::string other_site_name;
  // At least one strong claim, or mentions in two different places with no other site name.
  bool presents_as_vendor = false;
};

// For each vendor with at least one claim or mention: how the page presents itself.
// Body text is never read: a news story that names the vendor is not a claim; a title
// such as "Download Zoom for Windows" or "Zoom Workplace | Official site" is.
std::vector<BrandAssessment> assess_brand_claims(const PageContent& content, std::span<const BrandTerms> brands,
                                                 const std::optional<FaviconHash>& favicon, size_t max_claims = 20,
                                                 size_t max_snippet_bytes = 160);

// A favicon claim on its own, for a favicon the fetcher got after the page was analysed.
std::optional<BrandClaim> favicon_claim(const FaviconHash& favicon, const BrandTerms& brand);

}  // namespace impostor::page
