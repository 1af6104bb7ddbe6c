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

// A brand's product names and tokens, trimmed and lowered once per page rather than once
// for every text looked at (seven vendors times every title, heading, image and link).
struct LoweredTerms {
  explicit LoweredTerms(const BrandTerms& brand) {
    for (const auto& n : brand.product_names) names.emplace_back(n, text::ascii_lower(text::trim(n)));
    for (const auto& t : brand.brand_tokens) tokens.emplace_back(t, text::ascii_lower(text::trim(t)));
  }
  std::vector<std::pair<std::string_view, std::string>> names, tokens;  // as written, as matched
};

// The first brand token or product name in `lowered` (product names first: they are longer).
Match find_brand(std::string_view lowered, const LoweredTerms& terms) {
  for (const auto& [name, n] : terms.names)
    if (size_t at = text::find_word(lowered, n); at != std::string::npos) return {std::string(name), at, n.size()};
  for (const auto& [token, t] : terms.tokens)
    if (size_t at = text::find_word(lowered, t); at != std::string::npos) return {std::string(token), at, t.size()};
  return {};
}

bool is_filler(std::string_view word) {
  if (word.empty()) return true;
  if (std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
  return std::find(kFiller.begin(), kFiller.end(), word) != kFiller.end();
}

// True when every word of `segment` other than the brand terms is filler: the segment is a name.
bool names_only_the_brand(std::string_view segment, const LoweredTerms& terms) {
  std::string lowered = text::ascii_lower(segment);
  bool any = false;
  const auto blank = [&](const std::string& t) {
    for (size_t at = text::find_word(lowered, t); at != std::string::npos; at = text::find_word(lowered, t, at + 1)) {
      std::fill_n(lowered.begin() + static_cast<std::ptrdiff_t>(at), t.size(), ' ');
      any = true;
    }
  };
  for (const auto& n : terms.names) blank(n.second);
  for (const auto& t : terms.tokens) blank(t.second);
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

// The page's texts lowered once for every brand, beside the content they come from.
struct LoweredPage {
  explicit LoweredPage(const PageContent& c)
      : title(text::ascii_lower(c.title)),
        og_title(text::ascii_lower(c.og_title)),
        og_site_name(text::ascii_lower(c.og_site_name)),
        application_name(text::ascii_lower(c.application_name)),
        segments(title_segments(c.title)),
        og_title_segments(title_segments(c.og_title)) {
    if (segments.size() >= 2) {
      first_segment = text::ascii_lower(segments.front());
      last_segment = text::ascii_lower(segments.back());
    }
    for (const auto& h : c.headings) {
      headings.push_back(h.level <= 2 ? text::ascii_lower(h.text) : std::string());
      heading_segments.push_back(h.level <= 2 ? title_segments(h.text) : std::vector<std::string_view>{});
    }
    for (const auto& img : c.images) {
      image_alts.push_back(text::ascii_lower(img.alt));
      std::string file = img.src.substr(0, std::min(img.src.find_first_of("?#"), img.src.size()));
      file = text::ascii_lower(file.substr(file.rfind('/') == std::string::npos ? 0 : file.rfind('/') + 1));
      for (char& ch : file)
        if (!text::is_alnum(ch) && static_cast<unsigned char>(ch) < 0x80) ch = ' ';
      image_files.push_back(std::move(file));
    }
    for (const auto& link : c.links)
      download_texts.push_back(!link.text.empty() && is_download_text(link.text) ? text::ascii_lower(link.text)
                                                                                 : std::string());
  }
  std::string title, og_title, og_site_name, application_name;
  std::vector<std::string_view> segments;  // title_segments() of the title
  std::vector<std::string_view> og_title_segments;
  std::string first_segment, last_segment;  // of the title, when it has two or more
  std::vector<std::string> headings;        // per heading; empty past h2
  std::vector<std::vector<std::string_view>> heading_segments;
  std::vector<std::string> image_alts, image_files;
  std::vector<std::string> download_texts;  // per link; empty unless its text offers a download
};

class Assessor {
 public:
  Assessor(const BrandTerms& brand, size_t max_claims, size_t max_snippet)
      : brand_(brand), terms_(brand), max_claims_(max_claims), max_snippet_(max_snippet) {
    result_.vendor_id = brand.vendor_id;
  }

  // A title-like text (title, og:title, h1/h2): a name, a download offer, or a mention.
  // `lowered` and `segments`: the text lowered and split at its separators, once per page.
  void titled(ClaimSource source, std::string_view text, std::string_view lowered,
              const std::vector<std::string_view>& segments, const std::string& location, std::string_view what) {
    const Match m = find_brand(lowered, terms_);
    if (m.pos == std::string::npos) return;
    bool identity = false;
    for (auto segment : segments) identity = identity || names_only_the_brand(segment, terms_);
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

  void site_name(ClaimSource source, std::string_view name, std::string_view lowered, const std::string& location) {
    if (name.empty()) return;
    const Match m = find_brand(lowered, terms_);
    if (m.pos != std::string::npos) {
      add(source, true, "the page declares the brand as its site name", m, name, location);
    } else if (source == ClaimSource::og_site_name && result_.other_site_name.empty()) {
      result_.other_site_name = std::string(text::utf8_prefix(name, max_snippet_));
    }
  }

  // "Download Zoom | Best Apps": the last part names another site.
  void title_site_part(const LoweredPage& page) {
    if (page.segments.size() < 2 || !result_.other_site_name.empty()) return;
    if (find_brand(page.last_segment, terms_).pos == std::string::npos &&
        find_brand(page.first_segment, terms_).pos != std::string::npos)
      result_.other_site_name = std::string(text::utf8_prefix(page.segments.back(), max_snippet_));
  }

  void image(const Image& img, std::string_view alt, std::string_view file) {
    if (const Match m = find_brand(alt, terms_); m.pos != std::string::npos) {
      const bool logo = text::find_word(alt, "logo") != std::string::npos;
      add(ClaimSource::image_alt, logo || names_only_the_brand(img.alt, terms_),
          logo ? "an image is the brand's logo" : "an image is labelled with the brand", m, img.alt, img.location);
    }
    if (const Match m = find_brand(file, terms_); m.pos != std::string::npos) {
      const bool logo = text::find_word(file, "logo") != std::string::npos;
      add(ClaimSource::image_src, logo,
          logo ? "an image file is the brand's logo" : "an image file is named after the brand", m, img.src,
          img.location);
    }
  }

  // `lowered`: the link's text when it offers a download, else empty.
  void download_link(const Link& link, std::string_view lowered) {
    if (lowered.empty()) return;
    if (const Match m = find_brand(lowered, terms_); m.pos != std::string::npos)
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
  LoweredTerms terms_;
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
  const LoweredPage page(content);
  for (const BrandTerms& brand : brands) {
    Assessor a(brand, max_claims, max_snippet_bytes);
    a.site_name(ClaimSource::og_site_name, content.og_site_name, page.og_site_name, "meta og:site_name");
    a.site_name(ClaimSource::application_name, content.application_name, page.application_name,
                "meta application-name");
    a.title_site_part(page);
    a.titled(ClaimSource::title, content.title, page.title, page.segments, "title", "the title");
    if (content.og_title != content.title)
      a.titled(ClaimSource::og_title, content.og_title, page.og_title, page.og_title_segments, "meta og:title",
               "og:title");
    for (size_t i = 0; i < content.headings.size(); ++i)
      if (content.headings[i].level <= 2)
        a.titled(ClaimSource::heading, content.headings[i].text, page.headings[i], page.heading_segments[i],
                 content.headings[i].location, "a heading");
    for (size_t i = 0; i < content.images.size(); ++i)
      a.image(content.images[i], page.image_alts[i], page.image_files[i]);
    for (size_t i = 0; i < content.links.size(); ++i) a.download_link(content.links[i], page.download_texts[i]);
    if (favicon) a.favicon(*favicon);
    BrandAssessment r = a.finish();
    if (!r.claims.empty()) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace impostor::page
