#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace impostor::page {

// Where on the page a URL was found.
enum class LinkKind {
  anchor,              // <a href>
  area,                // <area href>
  form,                // <form action>, <button formaction>
  iframe,              // <iframe src>
  frame,               // <frame src>
  meta_refresh,        // <meta http-equiv=refresh content="N; url=...">
  icon,                // <link rel=icon / shortcut icon / apple-touch-icon href>
  script,              // <script src>
  script_navigation,   // a string literal assigned to location / passed to window.open in a script
  handler_navigation,  // the same in an onclick/on* attribute or a javascript: URL
};
std::string_view to_string(LinkKind kind);

struct Link {
  LinkKind kind = LinkKind::anchor;
  std::string raw;     // as written in the page (bounded)
  std::string url;     // absolute when resolved; otherwise the cleaned reference (bounded)
  std::string scheme;  // lower case; "data", "javascript", "mailto", "tel" are kept but never fetchable
  bool resolved = false;
  bool fetchable = false;               // http(s): the fetcher may follow it
  std::string text;                     // link text, alt text or title (bounded, whitespace collapsed)
  std::optional<std::string> download;  // the `download` attribute ("" when present without a value)
  std::optional<double> refresh_delay;  // meta refresh: seconds before the browser follows it
  std::string via;                      // navigations: "location.href", "window.open", ...
  bool partial = false;                 // navigations: the literal is only the start of the URL ("..." + x)
  std::string location;                 // element path, "inline script #2", "external script <url>"
};

}  // namespace impostor::page
