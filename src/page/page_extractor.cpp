#include <algorithm>
#include <array>
#include <optional>

#include "core/text_safety.hpp"
#include "page/page_content.hpp"
#include "page/script_navigation.hpp"
#include "page/text_util.hpp"
#include "page/url_resolver.hpp"

namespace impostor::page {

namespace {

constexpr size_t kMaxRawBytes = 2048;
constexpr size_t kMaxMetaBytes = 256;
constexpr size_t kMaxTextAnchors = 2000;
constexpr size_t kMaxOpenCollectors = 16;
constexpr size_t kMinAnchorDigits = 6;
constexpr size_t kNoHeading = static_cast<size_t>(-1);

size_t digit_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') ++n;
    // U+FF10..U+FF19, full-width digits: EF BC 90..99
    if (s[i] == '\xEF' && i + 2 < s.size() && s[i + 1] == '\xBC' && static_cast<unsigned char>(s[i + 2]) >= 0x90 &&
        static_cast<unsigned char>(s[i + 2]) <= 0x99)
      ++n;
  }
  return n;
}

std::string_view node_text(const GumboNode& node) {
  if (node.type == GUMBO_NODE_TEXT || node.type == GUMBO_NODE_WHITESPACE || node.type == GUMBO_NODE_CDATA)
    return node.v.text.text != nullptr ? std::string_view(node.v.text.text) : std::string_view();
  return {};
}

// The concatenated text children of an element (for <script>, <style>, <title>).
std::string child_text(const GumboNode& element, size_t max_bytes, bool& truncated) {
  std::string out;
  truncated = false;
  const GumboVector& children = element.v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const std::string_view t = node_text(*static_cast<const GumboNode*>(children.data[i]));
    if (out.size() + t.size() > max_bytes) {
      out += text::utf8_prefix(t, max_bytes - out.size());
      truncated = true;
      break;
    }
    out += t;
  }
  return out;
}

bool has_rel_icon(std::string_view rel) {
  const std::string lowered = text::ascii_lower(rel);
  return text::find_word(lowered, "icon") != std::string::npos ||
         lowered.find("apple-touch-icon") != std::string::npos || lowered.find("mask-icon") != std::string::npos;
}

int heading_level(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_H1: return 1;
    case GUMBO_TAG_H2: return 2;
    case GUMBO_TAG_H3: return 3;
    case GUMBO_TAG_H4: return 4;
    case GUMBO_TAG_H5: return 5;
    case GUMBO_TAG_H6: return 6;
    default: return 0;
  }
}

bool hides_text(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES: return true;
    default: return false;
  }
}

// Finds the first <base href> (it applies to every URL of the document, wherever it is).
class BaseFinder : public NodeVisitor {
 public:
  bool enter(const GumboNode& node, std::span<const GumboNode* const> /*ancestors*/) override {
    if (found_ || !is_element(node)) return node.type == GUMBO_NODE_DOCUMENT;
    if (node.v.element.tag == GUMBO_TAG_BASE) {
      if (auto href = attribute(node, "href")) {
        href_ = std::string(*href);
        found_ = true;
      }
    }
    return !found_;
  }
  std::optional<std::string> href() const { return found_ ? std::optional(href_) : std::nullopt; }

 private:
  bool found_ = false;
  std::string href_;
};

class Extractor : public NodeVisitor {
 public:
  Extractor(PageContent& out, const PageLimits& limits, const UrlResolver& resolver)
      : out_(out), limits_(limits), resolver_(resolver) {}

  bool enter(const GumboNode& node, std::span<const GumboNode* const> ancestors) override {
    if (node.type == GUMBO_NODE_DOCUMENT) return true;
    if (!is_element(node)) {
      if (hidden_depth_ == 0) add_text(node_text(node), ancestors);
      return false;
    }
    ++out_.element_count;
    const GumboElement& e = node.v.element;
    const bool html_ns = e.tag_namespace == GUMBO_NAMESPACE_HTML;
    bool collect = false;  // this element's text names its links or heading
    size_t heading = kNoHeading;
    const size_t first_link = out_.links.size();

    switch (html_ns ? e.tag : GUMBO_TAG_UNKNOWN) {
      case GUMBO_TAG_HTML:
        if (auto lang = attribute(node, "lang")) out_.lang = bounded(*lang, 35);
        break;
      case GUMBO_TAG_TITLE:
        if (out_.title.empty()) {
          bool truncated = false;
          out_.title = text::collapse_whitespace(text::utf8_prefix(child_text(node, 4096, truncated), 1024));
        }
        break;
      case GUMBO_TAG_A:
      case GUMBO_TAG_AREA:
        if (auto href = attribute(node, "href")) {
          Link link = make_link(e.tag == GUMBO_TAG_A ? LinkKind::anchor : LinkKind::area, *href, ancestors, node);
          if (auto download = attribute(node, "download")) link.download = bounded(*download, kMaxRawBytes);
          if (e.tag == GUMBO_TAG_AREA) {
            if (auto alt = attribute(node, "alt")) link.text = bounded(*alt, limits_.max_link_text_bytes);
          }
          add_link(std::move(link));
          javascript_url(*href, ancestors, node);
        }
        collect = true;
        break;
      case GUMBO_TAG_FORM:
        if (auto action = attribute(node, "action"); action && !text::trim(*action).empty())
          add_link(make_link(LinkKind::form, *action, ancestors, node));
        break;
      case GUMBO_TAG_BUTTON:
      case GUMBO_TAG_INPUT:
        if (auto action = attribute(node, "formaction"); action && !text::trim(*action).empty())
          add_link(make_link(LinkKind::form, *action, ancestors, node));
        if (e.tag == GUMBO_TAG_INPUT) {
          if (auto value = attribute(node, "value")) {
            for (size_t i = first_link; i < out_.links.size(); ++i)
              out_.links[i].text = bounded(*value, limits_.max_link_text_bytes);
          }
        }
        collect = true;
        break;
      case GUMBO_TAG_IFRAME:
      case GUMBO_TAG_FRAME:
        if (auto src = attribute(node, "src")) {
          add_link(make_link(e.tag == GUMBO_TAG_IFRAME ? LinkKind::iframe : LinkKind::frame, *src, ancestors, node));
          javascript_url(*src, ancestors, node);
        }
        break;
      case GUMBO_TAG_META: meta(node, ancestors); break;
      case GUMBO_TAG_LINK:
        if (auto rel = attribute(node, "rel"); rel && has_rel_icon(*rel)) {
          if (auto href = attribute(node, "href")) add_link(make_link(LinkKind::icon, *href, ancestors, node));
        }
        break;
      case GUMBO_TAG_SCRIPT: script(node, ancestors); break;
      case GUMBO_TAG_STYLE: {
        bool truncated = false;
        std::string css = child_text(node, limits_.max_script_bytes, truncated);
        if (out_.styles.size() < limits_.max_scripts) out_.styles.push_back({std::move(css), "style element"});
        break;
      }
      case GUMBO_TAG_IMG: image(node, ancestors); break;
      case GUMBO_TAG_AUDIO:
      case GUMBO_TAG_VIDEO: {
        MediaElement m;
        m.tag = tag_name(node);
        if (auto src = attribute(node, "src")) m.src = resolver_.resolve(*src).url;
        m.autoplay = attribute(node, "autoplay").has_value();
        m.loop = attribute(node, "loop").has_value();
        m.location = element_path(ancestors, node);
        if (out_.media.size() < limits_.max_images) out_.media.push_back(std::move(m));
        break;
      }
      default:
        if (int level = heading_level(e.tag); level > 0 && out_.headings.size() < limits_.max_headings) {
          out_.headings.push_back({level, {}, element_path(ancestors, node)});
          heading = out_.headings.size() - 1;
          collect = true;
        }
        break;
    }
    attributes(node, ancestors);

    if (collect || out_.links.size() > first_link) {
      if (collectors_.size() < kMaxOpenCollectors)
        collectors_.push_back({&node, first_link, out_.links.size(), heading, {}});
    }
    if (html_ns && hides_text(e.tag)) ++hidden_depth_;
    return true;
  }

  void leave(const GumboNode& node) override {
    if (!is_element(node)) return;
    if (node.v.element.tag_namespace == GUMBO_NAMESPACE_HTML && hides_text(node.v.element.tag)) --hidden_depth_;
    if (!collectors_.empty() && collectors_.back().node == &node) {
      Collector c = std::move(collectors_.back());
      collectors_.pop_back();
      for (size_t i = c.first_link; i < c.end_link && i < out_.links.size(); ++i) {
        if (out_.links[i].text.empty()) out_.links[i].text = c.text;
      }
      if (c.heading != kNoHeading) out_.headings[c.heading].text = c.text;
    }
  }

 private:
  struct Collector {
    const GumboNode* node;
    size_t first_link;
    size_t end_link;
    size_t heading;
    std::string text;
  };

  static std::string bounded(std::string_view s, size_t max) {
    return core::to_valid_utf8(text::collapse_whitespace(text::utf8_prefix(s, max)));
  }

  void add_text(std::string_view t, std::span<const GumboNode* const> ancestors) {
    if (t.empty()) return;
    for (auto& c : collectors_) text::append_bounded(c.text, t, limits_.max_link_text_bytes);
    if (out_.visible_text_truncated) return;
    const size_t offset = out_.visible_text.size() + (out_.visible_text.empty() ? 0 : 1);
    if (!text::append_bounded(out_.visible_text, t, limits_.max_visible_text_bytes)) {
      out_.visible_text_truncated = true;
    }
    if (out_.text_anchors.size() < kMaxTextAnchors && digit_count(t) >= kMinAnchorDigits && !ancestors.empty()) {
      out_.text_anchors.push_back({std::min(offset, out_.visible_text.size()),
                                   element_path(ancestors.first(ancestors.size() - 1), *ancestors.back())});
    }
  }

  Link make_link(LinkKind kind, std::string_view raw, std::span<const GumboNode* const> ancestors,
                 const GumboNode& node) {
    Link link;
    link.kind = kind;
    if (out_.links.size() >= limits_.max_links) return link;  // add_link() only counts it
    link.raw = core::to_valid_utf8(text::utf8_prefix(raw, kMaxRawBytes));
    link.location = element_path(ancestors, node);
    if (auto title = attribute(node, "title")) link.text = bounded(*title, limits_.max_link_text_bytes);
    if (auto label = attribute(node, "aria-label")) link.text = bounded(*label, limits_.max_link_text_bytes);
    return link;
  }

  // Counts every link; keeps (and resolves) the first max_links.
  void add_link(Link link) {
    ++out_.links_seen;
    if (out_.links.size() >= limits_.max_links) {
      ++out_.links_dropped;
      return;
    }
    const ResolvedUrl r = resolver_.resolve(link.raw);
    link.url = core::to_valid_utf8(r.url);
    link.scheme = r.scheme;
    link.resolved = r.resolved;
    link.fetchable = r.fetchable;
    out_.links.push_back(std::move(link));
  }

  bool keep_script(ScriptText s) {
    if (out_.scripts.size() >= limits_.max_scripts || script_bytes_ + s.text.size() > limits_.max_total_script_bytes) {
      ++out_.scripts_dropped;
      return false;
    }
    script_bytes_ += s.text.size();
    out_.scripts.push_back(std::move(s));
    return true;
  }

  void navigations(std::string_view code, LinkKind kind, const std::string& location) {
    for (auto& nav : find_script_navigations(code, limits_.max_script_bytes, limits_.max_navigations_per_script)) {
      Link link;
      link.kind = kind;
      link.raw = core::to_valid_utf8(text::utf8_prefix(nav.literal, kMaxRawBytes));
      link.via = nav.via;
      link.partial = nav.partial;
      link.location = location;
      add_link(std::move(link));
    }
  }

  void javascript_url(std::string_view value, std::span<const GumboNode* const> ancestors, const GumboNode& node) {
    const std::string cleaned = clean_reference(value);
    if (url_scheme(cleaned) != "javascript") return;
    const std::string code = text::percent_decode(std::string_view(cleaned).substr(11), false);
    const std::string location = element_path(ancestors, node) + " @javascript:";
    navigations(code, LinkKind::handler_navigation, location);
    ScriptText s;
    s.origin = ScriptOrigin::javascript_url;
    s.text = std::string(text::utf8_prefix(code, limits_.max_script_bytes));
    s.truncated = s.text.size() < code.size();
    s.location = location;
    keep_script(std::move(s));
  }

  void attributes(const GumboNode& node, std::span<const GumboNode* const> ancestors) {
    const GumboVector& attrs = node.v.element.attributes;
    for (unsigned i = 0; i < attrs.length; ++i) {
      const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
      if (a->name == nullptr || a->value == nullptr) continue;
      const std::string_view name(a->name);
      const std::string_view value(a->value);
      if (name.size() > 2 && name.substr(0, 2) == "on") {
        const std::string location = element_path(ancestors, node) + " @" + std::string(text::utf8_prefix(name, 32));
        navigations(value, LinkKind::handler_navigation, location);
        ScriptText s;
        s.origin = ScriptOrigin::event_handler;
        s.text = std::string(text::utf8_prefix(value, limits_.max_script_bytes));
        s.truncated = s.text.size() < value.size();
        s.location = location;
        keep_script(std::move(s));
      } else if (name == "style" && text::ascii_lower(value).find("cursor") != std::string::npos &&
                 out_.styles.size() < limits_.max_scripts) {
        out_.styles.push_back({std::string(text::utf8_prefix(value, kMaxRawBytes)), element_path(ancestors, node)});
      }
    }
  }

  void meta(const GumboNode& node, std::span<const GumboNode* const> ancestors) {
    const auto content = attribute(node, "content");
    if (!content) return;
    if (auto equiv = attribute(node, "http-equiv"); equiv && text::ascii_lower(text::trim(*equiv)) == "refresh") {
      if (auto refresh = parse_meta_refresh(*content)) {
        Link link = make_link(LinkKind::meta_refresh, refresh->url, ancestors, node);
        link.refresh_delay = refresh->delay;
        add_link(std::move(link));
      }
      return;
    }
    std::string key;
    if (auto property = attribute(node, "property")) key = text::ascii_lower(text::trim(*property));
    if (key.empty()) {
      if (auto name = attribute(node, "name")) key = text::ascii_lower(text::trim(*name));
    }
    if (key == "og:site_name" && out_.og_site_name.empty()) out_.og_site_name = bounded(*content, kMaxMetaBytes);
    if (key == "og:title" && out_.og_title.empty()) out_.og_title = bounded(*content, kMaxMetaBytes);
    if (key == "application-name" && out_.application_name.empty())
      out_.application_name = bounded(*content, kMaxMetaBytes);
  }

  void script(const GumboNode& node, std::span<const GumboNode* const> ancestors) {
    if (auto src = attribute(node, "src")) {
      add_link(make_link(LinkKind::script, *src, ancestors, node));
      return;
    }
    ++out_.inline_script_count;
    ScriptText s;
    s.origin = ScriptOrigin::inline_script;
    s.text = child_text(node, limits_.max_script_bytes, s.truncated);
    s.location = "inline script #" + std::to_string(out_.inline_script_count);
    navigations(s.text, LinkKind::script_navigation, s.location);
    keep_script(std::move(s));
  }

  void image(const GumboNode& node, std::span<const GumboNode* const> ancestors) {
    auto src = attribute(node, "src");
    if (!src || text::trim(*src).empty()) src = attribute(node, "data-src");
    Image img;
    if (src) img.src = core::to_valid_utf8(resolver_.resolve(*src).url);
    if (auto alt = attribute(node, "alt")) img.alt = bounded(*alt, limits_.max_link_text_bytes);
    if (auto title = attribute(node, "title")) img.title = bounded(*title, limits_.max_link_text_bytes);
    for (auto& c : collectors_) text::append_bounded(c.text, img.alt, limits_.max_link_text_bytes);
    if (out_.images.size() >= limits_.max_images) {
      ++out_.images_dropped;
      return;
    }
    img.location = element_path(ancestors, node);
    out_.images.push_back(std::move(img));
  }

  PageContent& out_;
  const PageLimits& limits_;
  const UrlResolver& resolver_;
  std::vector<Collector> collectors_;
  size_t hidden_depth_ = 0;
  size_t script_bytes_ = 0;
};

}  // namespace

std::string_view to_string(ScriptOrigin origin) {
  switch (origin) {
    case ScriptOrigin::inline_script: return "inline";
    case ScriptOrigin::event_handler: return "event-handler";
    case ScriptOrigin::javascript_url: return "javascript-url";
    case ScriptOrigin::external: return "external";
  }
  return "inline";
}

std::string_view to_string(LinkKind kind) {
  switch (kind) {
    case LinkKind::anchor: return "a";
    case LinkKind::area: return "area";
    case LinkKind::form: return "form";
    case LinkKind::iframe: return "iframe";
    case LinkKind::frame: return "frame";
    case LinkKind::meta_refresh: return "meta-refresh";
    case LinkKind::icon: return "icon";
    case LinkKind::script: return "script";
    case LinkKind::script_navigation: return "script-navigation";
    case LinkKind::handler_navigation: return "handler-navigation";
  }
  return "a";
}

std::optional<MetaRefresh> parse_meta_refresh(std::string_view content) {
  size_t i = 0;
  const auto skip = [&] {
    while (i < content.size() && text::is_space(content[i])) ++i;
  };
  skip();
  MetaRefresh r;
  const size_t digits = i;
  double value = 0;
  while (i < content.size() && content[i] >= '0' && content[i] <= '9' && i - digits < 9)
    value = value * 10 + (content[i++] - '0');
  if (i < content.size() && content[i] == '.') {
    ++i;
    double scale = 0.1;
    while (i < content.size() && content[i] >= '0' && content[i] <= '9') {
      value += (content[i++] - '0') * scale;
      scale /= 10;
    }
  }
  r.delay = value;
  skip();
  if (i < content.size() && (content[i] == ';' || content[i] == ',')) ++i;
  skip();
  const std::string rest = text::ascii_lower(content.substr(i, 3));
  if (rest == "url") {
    size_t k = i + 3;
    while (k < content.size() && text::is_space(content[k])) ++k;
    if (k < content.size() && content[k] == '=') {
      i = k + 1;
      skip();
    }
  }
  std::string_view url = content.substr(std::min(i, content.size()));
  if (!url.empty() && (url.front() == '"' || url.front() == '\'')) {
    const char quote = url.front();
    url.remove_prefix(1);
    url = url.substr(0, std::min(url.find(quote), url.size()));
  }
  url = text::trim(url);
  if (url.empty()) return std::nullopt;
  r.url = std::string(url);
  return r;
}

PageContent extract_content(const HtmlDocument& document, std::string_view document_url, const PageLimits& limits) {
  PageContent out;
  UrlResolver resolver(document_url);
  out.document_url = core::to_valid_utf8(resolver.base().empty() ? text::utf8_prefix(document_url, kMaxRawBytes)
                                                                 : std::string_view(resolver.base()));
  BaseFinder base;
  walk(document.document(), base);
  if (auto href = base.href()) resolver.set_base(*href);
  out.base_url = resolver.base();
  Extractor extractor(out, limits, resolver);
  walk(document.document(), extractor);
  while (!out.visible_text.empty() && out.visible_text.back() == ' ') out.visible_text.pop_back();
  return out;
}

}  // namespace impostor::page
