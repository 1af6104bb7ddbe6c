// page/: hostile input stays bounded. Every bound is asserted by counts and sizes, never by time.
#include <doctest/doctest.h>

#include <string>

#include <algorithm>

#include "page/html_document.hpp"
#include "page/page_analysis.hpp"

using namespace impostor::page;
using impostor::core::Finding;

namespace {

PageAnalysis analyze(std::string_view html, const PageLimits& limits = {}) {
  PageInput in;
  in.url = "https://hostile.example/";
  in.body = html;
  in.content_type = "text/html; charset=utf-8";
  return analyze_page(in, limits);
}

// The depth of the tree Gumbo built, measured with the page module's own walker.
size_t tree_depth(std::string_view html, const PageLimits& limits = {}) {
  const HtmlDocument doc = HtmlDocument::parse(html, "text/html; charset=utf-8", limits);
  struct Depth : NodeVisitor {
    size_t max = 0;
    bool enter(const GumboNode& /*node*/, std::span<const GumboNode* const> ancestors) override {
      max = std::max(max, ancestors.size());
      return true;
    }
  } depth;
  walk(doc.document(), depth);
  return depth.max;
}

const Finding* finding(const PageAnalysis& a, std::string_view id) {
  for (const auto& f : a.findings)
    if (f.id == id) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("page bounds: 240 KB of unclosed tags parse with the nesting cap") {
  // The input that took Debian's Gumbo 86 s and 12 GB with error recording on.
  std::string html;
  const char* tags[] = {"<div>", "<b>", "<a href=x>", "<table>", "<font>", "<span>", "<p>", "<li>"};
  for (size_t i = 0; html.size() < size_t{240} * 1024; ++i) html += tags[i % std::size(tags)];
  const auto a = analyze(html);
  CHECK(a.guard.dropped_start_tags > 0);
  CHECK(a.guard.max_depth_seen > 512);
  // What Gumbo built is bounded by the cap: at most 512 counted elements, plus the
  // self-closing and kept ones (p, li, a, and the tbody/tr/td a table adds) between them.
  // (The tree builder closes a table on a nested <table>, so this mix builds a shallow tree.)
  const size_t depth = tree_depth(html);
  CHECK(depth >= 3);
  CHECK(depth <= 4 * 512);
  const Finding* f = finding(a, "limits.page-nesting");
  REQUIRE(f != nullptr);
  CHECK(f->evidence["dropped_start_tags"] == a.guard.dropped_start_tags);
  CHECK(f->evidence["cap"] == 512);
}

TEST_CASE("page bounds: 100,000 nested elements: no stack overflow, depth capped, text kept") {
  std::string html = "<title>deep</title>";
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "<a href=/bottom.exe>bottom</a>";
  for (int i = 0; i < 100000; ++i) html += "</div>";
  html += "<p id=after>after</p>";
  const auto a = analyze(html);
  CHECK(a.guard.max_depth_seen == 100000);
  CHECK(a.guard.dropped_start_tags == 100000 - 512);
  CHECK(a.guard.dropped_end_tags == 100000 - 512);
  CHECK(a.content.element_count == 512 + 6);  // html head title body + 512 divs + a + p
  REQUIRE(a.content.links.size() == 1);
  CHECK(a.content.links[0].url == "https://hostile.example/bottom.exe");
  CHECK(a.content.visible_text == "bottom after");
  CHECK(tree_depth(html) == 2 + 512 + 1);  // html body, the divs, and the a's text node

  // Without the guard (a cap above the depth) the walker itself must still cope: no recursion.
  PageLimits deep;
  deep.max_nesting_depth = 200000;
  std::string spans;
  for (int i = 0; i < 100000; ++i) spans += "<span>";
  spans += "x";
  const auto b = analyze(spans, deep);
  CHECK(b.guard.dropped_start_tags == 0);
  CHECK(b.content.element_count == 100000 + 3);
  CHECK(b.content.visible_text == "x");
}

TEST_CASE("page bounds: a 5 MiB single line is read up to the input cap and reported") {
  std::string html = "<title>one line</title><p>";
  while (html.size() < (size_t{5} << 20) + 4096) html += "Download the installer now. ";
  const auto a = analyze(html);
  CHECK(a.decoding.truncated);
  CHECK(a.decoding.input_bytes == html.size());
  CHECK(a.content.visible_text.size() <= PageLimits{}.max_visible_text_bytes);
  CHECK(a.content.visible_text_truncated);
  CHECK(a.content.title == "one line");
  const Finding* input = finding(a, "limits.page-input");
  REQUIRE(input != nullptr);
  CHECK(input->evidence["cap"] == size_t{5} << 20);
  CHECK(finding(a, "limits.page-text") != nullptr);

  // A smaller cap is honoured the same way.
  PageLimits small;
  small.max_input_bytes = 1000;
  const auto b = analyze(html, small);
  CHECK(b.decoding.truncated);
  CHECK(b.content.visible_text.size() < 1000);
}

TEST_CASE("page bounds: a body the fetcher already cut is reported as limits.page-input") {
  // The fetcher keeps --max-page-bytes (5 MiB): a 6 MiB page reaches the analysis at exactly
  // the cap, so only the caller knows it was cut.
  const std::string html = "<title>cut</title><p>" + std::string(1000, 'x');
  PageInput in;
  in.url = "https://hostile.example/";
  in.body = html;
  in.content_type = "text/html";
  CHECK(finding(analyze_page(in), "limits.page-input") == nullptr);
  in.body_truncated = true;
  auto a = analyze_page(in);
  CHECK_FALSE(a.decoding.truncated);
  CHECK(a.body_cut_by_caller);
  const Finding* input = finding(a, "limits.page-input");
  REQUIRE(input != nullptr);
  CHECK(input->evidence["input_bytes"] == html.size());
  CHECK(input->evidence["cut_by"].get<std::string>().starts_with("fetcher"));
  // Judged again with external scripts, the finding stays (limits are recomputed, not lost).
  const std::string script = "location.href = '/x.exe';";
  const ExternalScript external{"https://hostile.example/a.js", script};
  add_external_scripts(a, std::span(&external, 1), {});
  CHECK(finding(a, "limits.page-input") != nullptr);
}

TEST_CASE("page bounds: NUL bytes do not cut the page short") {
  std::string html("<title>a\0b</title><p>before\0after</p><a href=\"/x\0y.exe\">dl</a>", 62);
  REQUIRE(html.size() == 62);
  const auto a = analyze(html);
  CHECK(a.decoding.nul_characters == 3);
  CHECK(a.content.title ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(a.content.visible_text.find("after") != std::string::npos);
  REQUIRE(a.content.links.size() == 1);
  CHECK(a.content.links[0].url.find("y.exe") != std::string::npos);
}

TEST_CASE("page bounds: 100,000 links: 10,000 kept, the rest counted and reported") {
  std::string html;
  html.reserve(size_t{100000} * 40);
  for (int i = 0; i < 100000; ++i) html += "<a href=\"/f" + std::to_string(i) + ".exe\">Download</a>";
  const auto a = analyze(html);
  CHECK(a.content.links.size() == 10000);
  CHECK(a.content.links_seen == 100000);
  CHECK(a.content.links_dropped == 90000);
  CHECK(a.downloads.items.size() == 500);
  CHECK(a.downloads.dropped == 9500);
  const Finding* links = finding(a, "limits.page-links");
  REQUIRE(links != nullptr);
  CHECK(links->evidence["links_dropped"] == 90000);
  CHECK(finding(a, "limits.page-downloads") != nullptr);
}

TEST_CASE("page bounds: 40,000 attributes on one tag are cut to 256") {
  std::string html = "<a href=/x.exe";
  for (int i = 0; i < 40000; ++i) html += " a" + std::to_string(i) + "=1";
  html += ">x</a>";
  const auto a = analyze(html);
  CHECK(a.guard.dropped_attributes == 40001 - 256);
  REQUIRE(a.content.links.size() == 1);
  CHECK(a.content.links[0].url == "https://hostile.example/x.exe");
}

TEST_CASE("page bounds: empty and binary bodies still give an analysis") {
  const auto empty = analyze("");
  CHECK(empty.content.title.empty());
  CHECK(empty.content.links.empty());
  CHECK(empty.findings.empty());
  std::string binary;
  for (int i = 0; i < 65536; ++i) binary += static_cast<char>((i * 7919) & 0xFF);
  PageInput in;
  in.url = "not a url";
  in.body = binary;
  const auto b = analyze_page(in);
  CHECK(b.content.base_url.empty());
  for (const auto& l : b.content.links) CHECK_FALSE(l.fetchable);
}
