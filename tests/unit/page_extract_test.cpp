// page/: what is read from a parsed page: links of every kind, resolved against the base.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "page/page_analysis.hpp"
#include "page/script_navigation.hpp"
#include "page/url_resolver.hpp"
#include "page_fixtures.hpp"

using namespace impostor::page;

namespace {

using page_fixtures::analyze;
using page_fixtures::read_page;

const Link* find_link(const PageAnalysis& a, LinkKind kind, std::string_view url) {
  for (const auto& l : a.content.links)
    if (l.kind == kind && l.url == url) return &l;
  return nullptr;
}

size_t count_kind(const PageAnalysis& a, LinkKind kind) {
  size_t n = 0;
  for (const auto& l : a.content.links) n += l.kind == kind ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("page extract: the fake Zoom page's title, language, headings and every kind of link") {
  const auto a = analyze("https://zoom-download.example/windows/", read_page("fake-zoom-download.html"));
  const auto& c = a.content;
  CHECK(c.title == "Download Zoom for Windows - Zoom Workplace");
  CHECK(c.lang == "en");
  CHECK(c.og_site_name == "Zoom");
  REQUIRE(c.headings.size() == 1);
  CHECK(c.headings[0].level == 1);
  CHECK(c.headings[0].text == "Download Zoom Workplace");
  CHECK(c.visible_text.find("Your download will start automatically.") != std::string::npos);
  CHECK(c.visible_text.find("setTimeout") == std::string::npos);  // scripts are not visible text

  const Link* direct = find_link(a, LinkKind::anchor, "https://files.zoom-download.example/ZoomInstaller.exe");
  REQUIRE(direct != nullptr);
  CHECK(direct->text == "Download");
  CHECK(direct->fetchable);
  CHECK(direct->location == "html > body > main#download > a.btn");

  const Link* refresh = find_link(a, LinkKind::meta_refresh, "https://zoom-download.example/dl/ZoomInstallerFull.msi");
  REQUIRE(refresh != nullptr);
  REQUIRE(refresh->refresh_delay.has_value());
  CHECK(*refresh->refresh_delay == doctest::Approx(8.0));
  REQUIRE(a.meta_refresh() == refresh);

  const Link* js =
      find_link(a, LinkKind::script_navigation, "https://files.zoom-download.example/auto/ZoomInstaller.exe");
  REQUIRE(js != nullptr);
  CHECK(js->via == "window.location");
  CHECK(js->location == "inline script #1");

  const Link* onclick =
      find_link(a, LinkKind::handler_navigation, "https://zoom-download.example/get.php?file=ZoomSetup_x64.exe");
  REQUIRE(onclick != nullptr);
  CHECK(onclick->via == "window.location.href");
  CHECK(onclick->text == "Download for 64-bit");  // the button's text
  CHECK(onclick->location == "html > body > main#download > button#dl2 @onclick");

  const Link* replace =
      find_link(a, LinkKind::handler_navigation, "https://mirror.zoom-download.example/zoom_amd64.deb");
  REQUIRE(replace != nullptr);
  CHECK(replace->via == "location.replace");

  const Link* iframe =
      find_link(a, LinkKind::iframe, "https://files.zoom-download.example/iframe/ZoomInstallerFull.exe");
  CHECK(iframe != nullptr);
  const Link* pkg = find_link(a, LinkKind::anchor, "https://zoom-download.example/Zoom.pkg");
  REQUIRE(pkg != nullptr);
  CHECK(pkg->download == "Zoom.pkg");

  REQUIRE(a.favicon_links().size() == 1);
  CHECK(a.favicon_links()[0]->url == "https://zoom-download.example/static/favicon.ico");
  REQUIRE(a.script_links().size() == 1);
  CHECK(a.script_links()[0]->url == "https://cdn.zoom-download.example/js/app.js");
  CHECK(count_kind(a, LinkKind::icon) == 1);  // the stylesheet link is not an icon
  REQUIRE(c.images.size() == 1);
  CHECK(c.images[0].src == "https://zoom-download.example/static/images/zoom-logo.svg");
  CHECK(c.images[0].alt == "Zoom logo");
  CHECK(c.links_dropped == 0);
}

TEST_CASE(
    "page extract: <base href> applies to every URL, wherever it is; data:, javascript:, mailto:, tel: are kept, not "
    "fetchable") {
  const auto a = analyze("https://zoom-us.example/start", read_page("official-clone.html"));
  CHECK(a.content.base_url == "https://zoom-us.example/download/");
  CHECK(find_link(a, LinkKind::anchor, "https://zoom-us.example/download/client/latest/Zoom.pkg") != nullptr);
  CHECK(find_link(a, LinkKind::anchor, "https://zoom-us.example/pricing") != nullptr);
  CHECK(find_link(a, LinkKind::anchor, "https://zoom-us.example/") != nullptr);
  CHECK(find_link(a, LinkKind::anchor, "https://cdn.zoom-us.example/client/zoom_x86_64.rpm") != nullptr);
  size_t unfetchable = 0;
  for (const auto& l : a.content.links) {
    if (l.scheme == "mailto" || l.scheme == "tel" || l.scheme == "javascript" || l.scheme == "data") {
      ++unfetchable;
      CHECK_FALSE(l.fetchable);
      CHECK_FALSE(l.resolved);
    }
  }
  CHECK(unfetchable == 4);
  const Link* tel = find_link(a, LinkKind::anchor, "tel:+1-888-555-0101");
  REQUIRE(tel != nullptr);
  CHECK(tel->scheme == "tel");
  CHECK(a.content.og_title == "Download Center");
  CHECK(a.content.application_name == "Zoom");
}

TEST_CASE("page extract: references are cleaned as browsers do") {
  UrlResolver r("https://site.example/a/b/page.html?q=1");
  CHECK(r.resolve("../c/d.exe").url == "https://site.example/a/c/d.exe");
  CHECK(r.resolve("  /x y.exe \n").url == "https://site.example/x%20y.exe");
  CHECK(r.resolve("\\\\evil.example\\setup.exe").url == "https://evil.example/setup.exe");
  CHECK(r.resolve("?download=1").url == "https://site.example/a/b/page.html?download=1");
  CHECK(r.resolve("//cdn.example/z.msi").url == "https://cdn.example/z.msi");
  const auto js = r.resolve("java\tscript:alert(1)");
  CHECK(js.scheme == "javascript");
  CHECK_FALSE(js.fetchable);
  const auto data = r.resolve("DATA:text/html;base64,PGgxPg==");
  CHECK(data.scheme == "data");
  CHECK_FALSE(data.resolved);
  CHECK(r.resolve("HTTPS://Zoom.Example/Download").url == "https://zoom.example/Download");
  CHECK(r.resolve("http://[::1").error.size() > 0);
  // A base that is not http(s) is ignored.
  CHECK_FALSE(r.set_base("javascript:alert(1)"));
  CHECK(r.base() == "https://site.example/a/b/page.html?q=1");
  CHECK(r.set_base("/other/"));
  CHECK(r.resolve("x.exe").url == "https://site.example/other/x.exe");
}

TEST_CASE("page extract: script navigations: string literals only, escapes decoded, bounded") {
  const std::string js =
      "var u = getUrl(); location.href = u;\n"  // not a literal: skipped
      "if (a == b) top.location.href = \"https:\\/\\/x.example\\/a.exe\";\n"
      "document.location='b\\x2emsi'; self.location.assign( `c.zip` );\n"
      "window.open('/popup.html', '_blank'); xhr.open('GET', '/api');\n"  // xhr.open is not a navigation
      "location.replace('https://x.example/dl?id=' + id);\n"
      "var same = (location == 'x'); location = `t/${v}.exe`;\n"
      "document.open(); // not a navigation\n";
  const auto navs = find_script_navigations(js, 1 << 20, 100);
  REQUIRE(navs.size() == 6);
  CHECK(navs[0].via == "top.location.href");
  CHECK(navs[0].literal == "https://x.example/a.exe");
  CHECK(navs[1].via == "document.location");
  CHECK(navs[1].literal == "b.msi");
  CHECK(navs[2].via == "self.location.assign");
  CHECK(navs[2].literal == "c.zip");
  CHECK(navs[3].via == "location.replace");
  CHECK(navs[3].partial);
  CHECK(navs[4].via == "location");
  CHECK(navs[4].literal == "t/");
  CHECK(navs[4].partial);
  CHECK(navs[5].via == "window.open");
  CHECK(navs[5].literal == "/popup.html");

  // Bounded: results, literal length, bytes read.
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "location='/a.exe';";
  CHECK(find_script_navigations(many, size_t{4} << 20, 100).size() == 100);
  CHECK(find_script_navigations(many, 180, 1000).size() == 10);  // only the first 180 bytes are read
  CHECK(find_script_navigations("location='" + std::string(1 << 20, 'a') + "'", size_t{2} << 20, 100).empty());
  CHECK(find_script_navigations(js, 1 << 20, 2).size() == 2);
}

TEST_CASE("page extract: javascript: URLs and event handlers are read as scripts") {
  const auto a = analyze("https://x.example/",
                         "<a href=\"javascript:window.location='%2Fsetup.exe'\">Install</a>"
                         "<div onmouseover=\"location.assign('/hover.msi')\"><span>Hover me</span></div>"
                         "<form action=\"/submit\"><button formaction=\"/other\">Go</button></form>");
  const Link* js = find_link(a, LinkKind::handler_navigation, "https://x.example/setup.exe");
  REQUIRE(js != nullptr);
  CHECK(js->text == "Install");
  CHECK(js->location == "html > body > a @javascript:");
  CHECK(find_link(a, LinkKind::handler_navigation, "https://x.example/hover.msi") != nullptr);
  CHECK(find_link(a, LinkKind::form, "https://x.example/submit") != nullptr);
  CHECK(find_link(a, LinkKind::form, "https://x.example/other") != nullptr);
  size_t handlers = 0;
  for (const auto& s : a.content.scripts) handlers += s.origin == ScriptOrigin::event_handler ? 1 : 0;
  CHECK(handlers == 1);
}

TEST_CASE("page extract: meta refresh forms") {
  CHECK(parse_meta_refresh("0;URL='https://a.example/x'")->url == "https://a.example/x");
  CHECK(parse_meta_refresh(" 3 , http://b.example/")->url == "http://b.example/");
  CHECK(parse_meta_refresh("2.5; url = /y")->delay == doctest::Approx(2.5));
  CHECK(parse_meta_refresh("5") == std::nullopt);  // reloads itself: no hop
  CHECK(parse_meta_refresh("0; url=\"/q\"")->url == "/q");
}

TEST_CASE("page extract: external scripts passed in add their navigations") {
  PageInput in;
  in.url = "https://zoom-download.example/";
  const std::string html = "<script src=/app.js></script><p>Loading</p>";
  in.body = html;
  const std::string app = "setTimeout(function(){ window.location.href = '/files/ZoomSetup.exe'; }, 10);";
  const ExternalScript scripts[] = {{"https://zoom-download.example/app.js", app}};
  in.scripts = scripts;
  const auto a = analyze_page(in);
  const Link* nav = find_link(a, LinkKind::script_navigation, "https://zoom-download.example/files/ZoomSetup.exe");
  REQUIRE(nav != nullptr);
  CHECK(nav->location == "external script https://zoom-download.example/app.js");
  REQUIRE(a.downloads.items.size() == 1);
  CHECK(a.downloads.items[0].extension == ".exe");

  // The same through the second entry point, after the first analysis.
  PageInput first = in;
  first.scripts = {};
  auto b = analyze_page(first);
  CHECK(b.downloads.items.empty());
  add_external_scripts(b, scripts, {});
  CHECK(b.downloads.items.size() == 1);
}
