#pragma once
#include <gumbo.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "page/charset_decoder.hpp"
#include "page/markup_guard.hpp"
#include "page/page_limits.hpp"

namespace impostor::page {

// A parsed page: the body decoded to UTF-8 (charset_decoder), bounded (markup_guard) and
// parsed by Gumbo with max_errors = 0 (recording parse errors is what made Debian's
// Gumbo 0.10.1 take 86 s and 12 GB on 240 KB of unclosed tags). Owns the GumboOutput and
// the text its nodes point into; moving the document keeps both in place.
class HtmlDocument {
 public:
  // Never fails: any bytes give a tree (an empty body gives html/head/body).
  static HtmlDocument parse(std::string_view body, std::string_view content_type, const PageLimits& limits);

  const GumboNode& document() const;
  const DecodedText& decoded() const { return state_->decoded; }  // .utf8 is before the guard
  const MarkupGuardStats& guard() const { return state_->guard; }
  std::string_view html() const { return state_->html; }  // what Gumbo parsed

 private:
  struct OutputDeleter {
    void operator()(GumboOutput* out) const { gumbo_destroy_output(&kGumboDefaultOptions, out); }
  };
  struct State {
    DecodedText decoded;
    MarkupGuardStats guard;
    std::string html;
    std::unique_ptr<GumboOutput, OutputDeleter> output;
  };
  explicit HtmlDocument(std::unique_ptr<State> state) : state_(std::move(state)) {}
  std::unique_ptr<State> state_;
};

// Visits every node in document order with an explicit stack (no recursion, so no depth
// can overflow the call stack). `ancestors` are the elements from the root to the parent.
class NodeVisitor {
 public:
  virtual ~NodeVisitor() = default;
  NodeVisitor() = default;
  NodeVisitor(const NodeVisitor&) = delete;
  NodeVisitor& operator=(const NodeVisitor&) = delete;
  // Called before the children; returning false skips them (and the matching leave()).
  virtual bool enter(const GumboNode& node, std::span<const GumboNode* const> ancestors) = 0;
  virtual void leave(const GumboNode& /*node*/) {}
};
void walk(const GumboNode& root, NodeVisitor& visitor);

bool is_element(const GumboNode& node);  // elements and <template>
// Lower-case tag name of an element ("div", or the written name of an unknown tag).
std::string tag_name(const GumboNode& element);
std::optional<std::string_view> attribute(const GumboNode& element, const char* name);
// "body > div#download > a": the last few elements of the path, with id or first class.
std::string element_path(std::span<const GumboNode* const> ancestors, const GumboNode& element);

}  // namespace impostor::page
