#include "page/brand_claims.hpp"

#include <algorithm>
#include <array>

#include "page/download_candidates.hpp"
#include "page/text_util.hpp"

namespace impostor::page {

namespace {

// Words that may stand beside the brand in a name without making it about something else.
constexpr auto kFiller = std::to_array<std::string_view>(
    {"official",  "site",     "website", "web",     "app",    "apps",     "application", "download", "downloads",
     "for",       "windows",  "win",     "mac",     "macos",  "linux",    "android",     "ios",      "iphone",
     "ipad",      "free",     "the",     "home",    "page",   "homepage", "center",      "centre",   "install",
     "installer", "setup",    "client",  "desktop", "latest", "version",  "new",         "bit",      "pc",
     "x64",       "x86",      "64",      "32",      "and",    "get",      "now",         "online",   "secure",
     "inc",       "llc",      "ltd",     "com",     "us",     "welcome",  "to",          "sign",     "in",
     "login",     "meetings", "meeting", "support", "remote", "software"});

constexpr auto kSeparators = std::to_array<std::string_view>(
    {" | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " \xC2\xB7 ", " :: ", " \xC2\xBB ", " / ", " : "});

struct Match {
  std::string term;
  size_t pos = std::string::npos;
  size_t len = 0;
};

// The first brand token or product name in `text` (product names first: they are longer).
Match find_brand(std::string_view text, const BrandTerms& brand) {
  const std::string lowered = text::ascii_lower(text);
  for (const auto& name : brand.product_names) {
    const std::string n = text::ascii_lower(text::trim(name));
    if (size_t at = text::find_word(lowered, n); at != std::string::npos) return {name, at, n.size()};
  }
  for (const auto& token : brand.brand_tokens) {
    const std::string t = text::ascii_lower(text::trim(token));
    if (size_t at = text::find_word(lowered, t); at != std::string::npos) return {token, at, t.size()};
  }
  return {};
}

bool is_filler(std::string_view word) {
  if (word.empty()) return true;
  if (std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
  return std::find(kFiller.begin(), kFiller.end(), word) != kFiller.end();
}

// True when every word of `segment` other than the brand terms is filler: the segment is a name.
bool names_only_the_brand(std::string_view segment, const BrandTerms& brand) {
  std::string lowered = text::ascii_lower(segment);
  bool any = false;
  const auto blank = [&](std::string_view term) {
    const std::string t = text::ascii_lower(text::trim(term));
    for (size_t at = text::find_word(lowered, t); at != std::string::npos; at = text::find_word(lowered, t, at + 1)) {
      std::fill_n(lowered.begin() + static_cast<std::ptrdiff_t>(at), t.size(), ' ');
      any = true;
    }
  };
  for (const auto& n : brand.product_names) blank(n);
  for (const auto& t : brand.brand_tokens) blank(t);
  if (!any) return false;
  size_t i = 0;
  while (i < lowered.size()) {
    while (i < lowered.size() && !text::is_alnum(lowered[i]) && static_cast<unsigned char>(lowered[i]) < 0x80) ++i;
    size_t end = i;
    while (end < lowered.size() && (text::is_alnum(lowered[end]) || static_cast<unsigned char>(lowered[end]) >= 0x80))
      ++end;
    if (!is_filler(std::string_view(lowered).substr(i, end - i))) return false;
    i = end;
  }
  return true;
}

std::vector<std::string_view> title_segments(std::string_view title) {
  std::vector<std::string_view> parts{title};
  for (auto sep : kSeparators) {
    std::vector<std::string_view> next;
    for (auto part : parts) {
      for (size_t at = part.find(sep); at != std::string_view::npos; at = part.find(sep)) {
        next.push_back(text::trim(part.substr(0, at)));
        part.remove_prefix(at + sep.size());
      }
      next.push_back(text::trim(part));
    }
    parts = std::move(next);
  }
  std::erase_if(parts, [](std::string_view p) { return p.empty(); });
  return parts;
}

class Assessor {
 public:
  Assessor(const BrandTerms& brand, size_t max_claims, size_t max_snippet)
      : brand_(brand), max_claims_(max_claims), max_snippet_(max_snippet) {
    result_.vendor_id = brand.vendor_id;
  }

  // A title-like text (title, og:title, h1/h2): a name, a download offer, or a mention.
  void titled(ClaimSource source, std::string_view text, const std::string& location, std::string_view what) {
    const Match m = find_brand(text, brand_);
    if (m.pos == std::string::npos) return;
    bool identity = false;
    for (auto segment : title_segments(text)) identity = identity || names_only_the_brand(segment, brand_);
    const std::string lowered = text::ascii_lower(text);
    const bool question = lowered.find("how to") != std::string::npos || lowered.find("how do") != std::string::npos ||
                          lowered.find('?') != std::string::npos;  // "How to download Zoom safely" is a story
    if (is_download_text(text) && !question) {
      add(source, true, std::string(what) + " offers the brand's download", m, text, location);
    } else if (identity && !question) {
      add(source, true, std::string(what) + " names the site after the brand", m, text, location);
    } else {
      add(source, false, std::string(what) + " mentions the brand", m, text, location);
    }
  }

  void site_name(ClaimSource source, std::string_view name, const std::string& location) {
    if (name.empty()) return;
    const Match m = find_brand(name, brand_);
    if (m.pos != std::string::npos) {
      add(source, true, "the page declares the brand as its site name", m, name, location);
    } else if (source == ClaimSource::og_site_name && result_.other_site_name.empty()) {
      result_.other_site_name = std::string(text::utf8_prefix(name, max_snippet_));
    }
  }

  // `segments`: title_segments() of the title, worked out once for every brand.
  void title_site_part(const std::vector<std::string_view>& segments) {
    if (segments.size() < 2 || !result_.other_site_name.empty()) return;
    const std::string_view last = segments.back();
    if (find_brand(last, brand_).pos == std::string::npos &&
        find_brand(segments.front(), brand_).pos != std::string::npos)
      result_.other_site_name = std::string(text::utf8_prefix(last, max_snippet_));
  }

  void image(const Image& img) {
    if (const Match m = find_brand(img.alt, brand_); m.pos != std::string::npos) {
      const bool logo = text::find_word(text::ascii_lower(img.alt), "logo") != std::string::npos;
      add(ClaimSource::image_alt, logo || names_only_the_brand(img.alt, brand_),
          logo ? "an image is the brand's logo" : "an image is labelled with the brand", m, img.alt, img.location);
    }
    std::string file = img.src.substr(0, std::min(img.src.find_first_of("?#"), img.src.size()));
    file = text::ascii_lower(file.substr(file.rfind('/') == std::string::npos ? 0 : file.rfind('/') + 1));
    for (char& c : file)
      if (!text::is_alnum(c) && static_cast<unsigned char>(c) < 0x80) c = ' ';
    if (const Match m = find_brand(file, brand_); m.pos != std::string::npos) {
      const bool logo = text::find_word(file, "logo") != std::string::npos;
      add(ClaimSource::image_src, logo,
          logo ? "an image file is the brand's logo" : "an image file is named after the brand", m, img.src,
          img.location);
    }
  }

  void download_link(const Link& link) {
    if (link.text.empty() || !is_download_text(link.text)) return;
    if (const Match m = find_brand(link.text, brand_); m.pos != std::string::npos)
      add(ClaimSource::download_text, false, "a download link is labelled with the brand", m, link.text, link.location);
  }

  void favicon(const FaviconHash& hash) {
    if (auto claim = favicon_claim(hash, brand_)) push(std::move(*claim));
  }

  BrandAssessment finish() {
    std::vector<ClaimSource> mention_sources;
    bool strong = false;
    for (const auto& c : result_.claims) {
      strong = strong || c.strong;
      if (!c.strong && std::find(mention_sources.begin(), mention_sources.end(), c.source) == mention_sources.end())
        mention_sources.push_back(c.source);
    }
    result_.presents_as_vendor = strong || (mention_sources.size() >= 2 && result_.other_site_name.empty());
    return std::move(result_);
  }

 private:
  void add(ClaimSource source, bool strong, std::string reason, const Match& m, std::string_view text,
           const std::string& location) {
    BrandClaim c;
    c.vendor_id = brand_.vendor_id;
    c.source = source;
    c.strong = strong;
    c.reason = std::move(reason);
    c.matched = m.term;
    c.snippet = text::snippet(text, m.pos, m.len, max_snippet_);
    c.location = location;
    push(std::move(c));
  }

  void push(BrandClaim c) {
    if (result_.claims.size() >= max_claims_) {
      ++result_.claims_dropped;
      return;
    }
    result_.claims.push_back(std::move(c));
  }

  const BrandTerms& brand_;
  size_t max_claims_;
  size_t max_snippet_;
  BrandAssessment result_;
};

}  // namespace

std::string_view to_string(ClaimSource source) {
  switch (source) {
    case ClaimSource::title: return "title";
    case ClaimSource::og_title: return "og:title";
    case ClaimSource::og_site_name: return "og:site_name";
    case ClaimSource::application_name: return "application-name";
    case ClaimSource::heading: return "heading";
    case ClaimSource::image_alt: return "image-alt";
    case ClaimSource::image_src: return "image-src";
    case ClaimSource::favicon: return "favicon";
    case ClaimSource::download_text: return "download-text";
  }
  return "title";
}

std::optional<BrandClaim> favicon_claim(const FaviconHash& favicon, const BrandTerms& brand) {
  const bool by_mmh3 =
      std::find(brand.favicon_mmh3.begin(), brand.favicon_mmh3.end(), favicon.mmh3) != brand.favicon_mmh3.end();
  const bool by_sha = !favicon.sha256.empty() && std::find(brand.favicon_sha256.begin(), brand.favicon_sha256.end(),
                                                           favicon.sha256) != brand.favicon_sha256.end();
  if (!by_mmh3 && !by_sha) return std::nullopt;
  BrandClaim c;
  c.vendor_id = brand.vendor_id;
  c.source = ClaimSource::favicon;
  c.strong = true;
  c.reason = "the page uses the brand's official favicon";
  c.matched = by_sha ? "sha256:" + favicon.sha256 : "mmh3:" + std::to_string(favicon.mmh3);
  c.snippet = c.matched;
  c.location = "favicon";
  return c;
}

std::vector<BrandAssessment> assess_brand_claims(const PageContent& content, std::span<const BrandTerms> brands,
                                                 const std::optional<FaviconHash>& favicon, size_t max_claims,
                                                 size_t max_snippet_bytes) {
  std::vector<BrandAssessment> out;
  const auto title_parts = title_segments(content.title);
  for (const BrandTerms& brand : brands) {
    Assessor a(brand, max_claims, max_snippet_bytes);
    a.site_name(ClaimSource::og_site_name, content.og_site_name, "meta og:site_name");
    a.site_name(ClaimSource::application_name, content.application_name, "meta application-name");
    a.title_site_part(title_parts);
    a.titled(ClaimSource::title, content.title, "title", "the title");
    if (content.og_title != content.title)
      a.titled(ClaimSource::og_title, content.og_title, "meta og:title", "og:title");
    for (const auto& h : content.headings)
      if (h.level <= 2) a.titled(ClaimSource::heading, h.text, h.location, "a heading");
    for (const auto& img : content.images) a.image(img);
    for (const auto& link : content.links) a.download_link(link);
    if (favicon) a.favicon(*favicon);
    BrandAssessment r = a.finish();
    if (!r.claims.empty()) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace impostor::page
