#include "page/html_document.hpp"

#include <utility>
#include <vector>

#include "page/text_util.hpp"

namespace impostor::page {

namespace {

constexpr size_t kPathElements = 6;
constexpr size_t kPathIdBytes = 32;

const GumboVector* children_of(const GumboNode& node) {
  switch (node.type) {
    case GUMBO_NODE_DOCUMENT: return &node.v.document.children;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE: return &node.v.element.children;
    default: return nullptr;
  }
}

}  // namespace

HtmlDocument HtmlDocument::parse(std::string_view body, std::string_view content_type, const PageLimits& limits) {
  auto state = std::make_unique<State>();
  state->decoded = decode_to_utf8(body, content_type, limits.max_input_bytes);
  GuardedMarkup guarded = guard_markup(state->decoded.utf8, limits.max_nesting_depth);
  state->guard = guarded.stats;
  state->html = std::move(guarded.html);
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;
  state->output.reset(gumbo_parse_with_options(&options, state->html.data(), state->html.size()));
  return HtmlDocument(std::move(state));
}

const GumboNode& HtmlDocument::document() const { return *state_->output->document; }

void walk(const GumboNode& root, NodeVisitor& visitor) {
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
  };
  std::vector<Frame> stack;
  std::vector<const GumboNode*> ancestors;  // the elements among the frames
  const auto push = [&](const GumboNode* node) {
    stack.push_back({node, 0});
    if (is_element(*node)) ancestors.push_back(node);
  };
  if (!visitor.enter(root, ancestors)) return;
  push(&root);
  while (!stack.empty()) {
    Frame& top = stack.back();
    const GumboVector* children = children_of(*top.node);
    if (children == nullptr || top.next_child >= children->length) {
      const GumboNode* done = top.node;
      stack.pop_back();
      if (is_element(*done)) ancestors.pop_back();
      visitor.leave(*done);
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(children->data[top.next_child++]);
    if (visitor.enter(*child, ancestors)) push(child);
  }
}

bool is_element(const GumboNode& node) { return node.type == GUMBO_NODE_ELEMENT || node.type == GUMBO_NODE_TEMPLATE; }

std::string tag_name(const GumboNode& element) {
  if (!is_element(element)) return {};
  const GumboElement& e = element.v.element;
  if (e.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e.tag);
  GumboStringPiece piece = e.original_tag;
  gumbo_tag_from_original_text(&piece);
  return text::ascii_lower(text::utf8_prefix(std::string_view(piece.data, piece.length), 32));
}

std::optional<std::string_view> attribute(const GumboNode& element, const char* name) {
  if (!is_element(element)) return std::nullopt;
  const GumboAttribute* a = gumbo_get_attribute(&element.v.element.attributes, name);
  if (a == nullptr || a->value == nullptr) return std::nullopt;
  return std::string_view(a->value);
}

std::string element_path(std::span<const GumboNode* const> ancestors, const GumboNode& element) {
  std::vector<const GumboNode*> chain(ancestors.begin(), ancestors.end());
  chain.push_back(&element);
  const size_t first = chain.size() > kPathElements ? chain.size() - kPathElements : 0;
  std::string path = first > 0 ? "\xE2\x80\xA6 > " : "";
  for (size_t i = first; i < chain.size(); ++i) {
    if (!is_element(*chain[i])) continue;
    if (i > first) path += " > ";
    path += tag_name(*chain[i]);
    if (auto id = attribute(*chain[i], "id"); id && !text::trim(*id).empty()) {
      path += '#';
      path += text::collapse_whitespace(text::utf8_prefix(*id, kPathIdBytes));
    } else if (auto cls = attribute(*chain[i], "class"); cls && !text::trim(*cls).empty()) {
      const std::string_view c = text::trim(*cls);
      path += '.';
      path += text::utf8_prefix(c.substr(0, std::min(c.find(' '), c.size())), kPathIdBytes);
    }
  }
  return path;
}

}  // namespace impostor::page
