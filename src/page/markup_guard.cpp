#include "page/markup_guard.hpp"

#include <array>
#include <unordered_map>
#include <vector>

#include "page/text_util.hpp"

namespace impostor::page {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

template <size_t N>
bool one_of(std::string_view name, const std::array<std::string_view, N>& set) {
  for (auto s : set)
    if (s == name) return true;
  return false;
}

constexpr auto kVoid =
    std::to_array<std::string_view>({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                                     "param", "source", "track", "wbr", "frame", "keygen", "basefont"});
// Closed implicitly by their next sibling or their parent's end: never deep on their own.
constexpr auto kSelfLimiting = std::to_array<std::string_view>(
    {"p",     "li",       "dt",      "dd", "option", "optgroup", "tr", "td",   "th",   "tbody", "thead",
     "tfoot", "colgroup", "caption", "rb", "rt",     "rtc",      "rp", "html", "head", "body"});
// Kept even beyond the depth cap, so a link or heading buried under 100,000 <div>s is still
// seen: the tree builder closes an open one of these before opening the next (a, button,
// h1-h6) or ignores a second one (form), so they cannot pile up.
constexpr auto kKeptAtCap =
    std::to_array<std::string_view>({"a", "button", "form", "h1", "h2", "h3", "h4", "h5", "h6"});
// Their content is text up to the matching end tag.
constexpr auto kRawText = std::to_array<std::string_view>(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"});

class Guard {
 public:
  Guard(std::string_view in, size_t max_depth, size_t max_attributes)
      : in_(in), max_depth_(max_depth), max_attributes_(max_attributes) {}

  GuardedMarkup run() {
    size_t i = 0;
    while (i < in_.size()) {
      const size_t lt = in_.find('<', i);
      if (lt == std::string_view::npos || lt + 1 >= in_.size()) break;
      const char next = in_[lt + 1];
      if (in_.compare(lt, 4, "<!--") == 0) {
        const size_t end = in_.find("-->", lt + 4);
        i = end == std::string_view::npos ? in_.size() : end + 3;
      } else if (next == '!' || next == '?') {
        const size_t end = in_.find('>', lt);
        i = end == std::string_view::npos ? in_.size() : end + 1;
      } else if (next == '/' && lt + 2 < in_.size() && is_alpha(in_[lt + 2])) {
        i = end_tag(lt);
      } else if (is_alpha(next)) {
        i = start_tag(lt);
      } else {
        i = lt + 1;
      }
    }
    out_.append(in_.substr(copied_));
    GuardedMarkup result;
    result.stats = stats_;
    result.html = stats_.changed() ? std::move(out_) : std::string(in_);
    return result;
  }

 private:
  // Lower-case tag name starting at `at`; `at` moves past it.
  std::string tag_name(size_t& at) const {
    std::string name;
    while (at < in_.size() && !text::is_space(in_[at]) && in_[at] != '/' && in_[at] != '>') {
      if (name.size() < 32) name += text::lower(in_[at]);
      ++at;
    }
    return name;
  }

  // Copies the input up to `at` and skips [at, resume).
  void drop(size_t at, size_t resume) {
    if (out_.empty()) out_.reserve(in_.size());
    out_.append(in_.substr(copied_, at - copied_));
    copied_ = resume;
  }

  size_t end_tag(size_t lt) {
    size_t at = lt + 2;
    const std::string name = tag_name(at);
    const size_t gt = in_.find('>', at);
    const size_t end = gt == std::string_view::npos ? in_.size() : gt + 1;
    auto excess = excess_.find(name);
    if (excess != excess_.end() && excess->second > 0) {
      --excess->second;
      --excess_total_;
      ++stats_.dropped_end_tags;
      drop(lt, end);
      return end;
    }
    auto open = open_count_.find(name);
    if (open != open_count_.end() && open->second > 0) {
      while (!stack_.empty()) {
        const std::string top = std::move(stack_.back());
        stack_.pop_back();
        --open_count_[top];
        if (top == "svg" || top == "math") --foreign_;
        if (top == name) break;
      }
      excess_.clear();  // the dropped elements were all inside what was just closed
      excess_total_ = 0;
    }
    return end;
  }

  size_t start_tag(size_t lt) {
    size_t at = lt + 1;
    const std::string name = tag_name(at);
    // Attributes, as the HTML tokenizer reads them.
    size_t attributes = 0;
    size_t cut_at = std::string_view::npos;
    bool self_closing = false;
    size_t end = in_.size();
    while (at < in_.size()) {
      const char c = in_[at];
      if (c == '>') {
        end = at + 1;
        break;
      }
      if (text::is_space(c) || c == '/') {
        self_closing = c == '/';
        ++at;
        continue;
      }
      self_closing = false;
      if (++attributes == max_attributes_ + 1) cut_at = at;
      ++at;  // the first character may be '='
      while (at < in_.size() && !text::is_space(in_[at]) && in_[at] != '/' && in_[at] != '>' && in_[at] != '=') ++at;
      size_t look = at;
      while (look < in_.size() && text::is_space(in_[look])) ++look;
      if (look < in_.size() && in_[look] == '=') {
        at = look + 1;
        while (at < in_.size() && text::is_space(in_[at])) ++at;
        if (at < in_.size() && (in_[at] == '"' || in_[at] == '\'')) {
          const size_t close = in_.find(in_[at], at + 1);
          at = close == std::string_view::npos ? in_.size() : close + 1;
        } else {
          while (at < in_.size() && !text::is_space(in_[at]) && in_[at] != '>') ++at;
        }
      }
    }
    const auto cut_attributes = [&] {
      if (cut_at != std::string_view::npos && end > 0 && in_[end - 1] == '>') {
        stats_.dropped_attributes += attributes - max_attributes_;
        drop(cut_at, end - 1);  // keeps the closing '>'
      }
    };

    if (one_of(name, kRawText)) {
      cut_attributes();
      const std::string lowered_close = "</" + name;
      size_t close = end;
      for (;;) {
        close = in_.find("</", close);
        if (close == std::string_view::npos) return in_.size();
        if (text::ascii_lower(in_.substr(close, lowered_close.size())) == lowered_close) return close;
        close += 2;
      }
    }
    if (name == "plaintext") return in_.size();
    // <path/> inside <svg> closes itself; in HTML, <div/> opens a div.
    if (one_of(name, kVoid) || one_of(name, kSelfLimiting) || (self_closing && foreign_ > 0)) {
      cut_attributes();
      return end;
    }

    if (stack_.size() >= max_depth_ && one_of(name, kKeptAtCap)) {
      cut_attributes();  // parsed, but not counted: Gumbo never nests these in themselves
      return end;
    }
    stats_.max_depth_seen = std::max(stats_.max_depth_seen, stack_.size() + 1 + excess_total_);
    if (stack_.size() >= max_depth_) {
      ++excess_[name];
      ++excess_total_;
      ++stats_.dropped_start_tags;
      drop(lt, end);
      return end;
    }
    cut_attributes();
    stack_.push_back(name);
    ++open_count_[name];
    if (name == "svg" || name == "math") ++foreign_;
    return end;
  }

  std::string_view in_;
  size_t max_depth_;
  size_t max_attributes_;
  std::string out_;
  size_t copied_ = 0;
  std::vector<std::string> stack_;
  std::unordered_map<std::string, size_t> open_count_;
  std::unordered_map<std::string, size_t> excess_;
  size_t excess_total_ = 0;
  size_t foreign_ = 0;
  MarkupGuardStats stats_;
};

}  // namespace

GuardedMarkup guard_markup(std::string_view html, size_t max_depth, size_t max_attributes) {
  return Guard(html, max_depth, max_attributes).run();
}

}  // namespace impostor::page
