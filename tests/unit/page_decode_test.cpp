// page/: charset decoding and the markup guard that runs before Gumbo.
#include <doctest/doctest.h>

#include <string>

#include "page/charset_decoder.hpp"
#include "page/html_document.hpp"
#include "page/markup_guard.hpp"

using namespace impostor::page;

namespace {

// UTF-16 of a string whose characters are all in the BMP (enough for test pages).
std::string utf16(std::u16string_view s, bool little_endian, bool bom) {
  std::string out;
  if (bom) out += little_endian ? "\xFF\xFE" : "\xFE\xFF";
  for (char16_t c : s) {
    const auto lo = static_cast<char>(c & 0xFF);
    const auto hi = static_cast<char>(c >> 8);
    out += little_endian ? lo : hi;
    out += little_endian ? hi : lo;
  }
  return out;
}

constexpr size_t kCap = 5 << 20;

}  // namespace

TEST_CASE("page decode: the Content-Type charset beats <meta>, the BOM beats both") {
  const std::string latin1 = "<meta charset=\"utf-8\"><p>caf\xE9</p>";
  const auto by_header = decode_to_utf8(latin1, "text/html; charset=ISO-8859-1", kCap);
  CHECK(by_header.source == CharsetSource::content_type);
  CHECK(by_header.charset == "windows-1252");  // WHATWG: latin1 labels mean windows-1252
  CHECK(by_header.utf8.find("caf\xC3\xA9") != std::string::npos);
  CHECK(by_header.replaced == 0);

  const auto by_meta = decode_to_utf8(latin1, "text/html", kCap);
  CHECK(by_meta.source == CharsetSource::meta);
  CHECK(by_meta.charset == "UTF-8");
  CHECK(by_meta.replaced == 1);  // the lone 0xE9 byte
  CHECK(by_meta.utf8.find("caf\xEF\xBF\xBD") != std::string::npos);

  const auto by_bom = decode_to_utf8("\xEF\xBB\xBF<p>x</p>", "text/html; charset=windows-1252", kCap);
  CHECK(by_bom.source == CharsetSource::bom);
  CHECK(by_bom.utf8 == "<p>x</p>");
}

TEST_CASE("page decode: http-equiv Content-Type and quoted labels; comments are skipped") {
  CHECK(charset_from_content_type("text/html; Charset=\"Shift_JIS\"") == "Shift_JIS");
  CHECK(charset_from_content_type("text/html") == std::nullopt);
  CHECK(charset_from_meta("<!-- <meta charset=koi8-r> --><META HTTP-EQUIV='Content-Type' "
                          "CONTENT='text/html; charset=euc-jp'>") == "euc-jp");
  CHECK(charset_from_meta("<meta name=x content='charset=big5'>") == std::nullopt);  // not http-equiv
}

TEST_CASE("page decode: UTF-16 with and without a BOM") {
  const std::u16string page = u"<html><title>Zoom \u30C0\u30A6\u30F3\u30ED\u30FC\u30C9</title></html>";
  for (bool le : {true, false}) {
    for (bool bom : {true, false}) {
      INFO("little endian " << le << ", bom " << bom);
      const auto d = decode_to_utf8(utf16(page, le, bom), "", kCap);
      CHECK(d.source == (bom ? CharsetSource::bom : CharsetSource::sniffed));
      CHECK(d.charset == (le ? "UTF-16LE" : "UTF-16BE"));
      CHECK(
          d.utf8.find("<title>Zoom \xE3\x83\x80\xE3\x82\xA6\xE3\x83\xB3\xE3\x83\xAD\xE3\x83\xBC\xE3\x83\x89</title>") !=
          std::string::npos);
      CHECK(d.nul_characters == 0);
    }
  }
  // Declared in the header without a BOM: "utf-16" means little endian (WHATWG).
  const auto header = decode_to_utf8(utf16(u"<p>hi</p>", true, false), "text/html; charset=utf-16", kCap);
  CHECK(header.charset == "UTF-16LE");
  CHECK(header.utf8 == "<p>hi</p>");
  // A page that says utf-16 in ASCII bytes is read as UTF-8.
  const auto liar = decode_to_utf8("<meta charset=utf-16><p>hi</p>", "", kCap);
  CHECK(liar.charset == "UTF-8");
  CHECK(liar.utf8 == "<meta charset=utf-16><p>hi</p>");
}

TEST_CASE("page decode: Shift_JIS and EUC-JP pages become UTF-8") {
  // "ウイルス" in Shift_JIS and in EUC-JP.
  const std::string sjis = "<meta charset=\"Shift_JIS\"><p>\x83\x45\x83\x43\x83\x8B\x83\x58</p>";
  const auto a = decode_to_utf8(sjis, "", kCap);
  CHECK(a.source == CharsetSource::meta);
  CHECK(a.utf8.find("\xE3\x82\xA6\xE3\x82\xA4\xE3\x83\xAB\xE3\x82\xB9") != std::string::npos);
  CHECK(a.replaced == 0);
  const std::string eucjp = "<p>\xA5\xA6\xA5\xA4\xA5\xEB\xA5\xB9</p>";
  const auto b = decode_to_utf8(eucjp, "text/html; charset=EUC-JP", kCap);
  CHECK(b.utf8 == "<p>\xE3\x82\xA6\xE3\x82\xA4\xE3\x83\xAB\xE3\x82\xB9</p>");
  // An invalid lead byte is replaced, the rest survives.
  const auto c = decode_to_utf8("<p>\x83\x45\xFF\x83\x43</p>", "text/html; charset=shift_jis", kCap);
  CHECK(c.replaced == 1);
  CHECK(c.utf8 == "<p>\xE3\x82\xA6\xEF\xBF\xBD\xE3\x82\xA4</p>");
}

TEST_CASE("page decode: undeclared bytes: valid UTF-8 stays, others fall back, unknown labels are skipped") {
  const auto utf8 = decode_to_utf8("<p>\xE2\x82\xAC 5</p>", "", kCap);
  CHECK(utf8.source == CharsetSource::utf8_valid);
  CHECK(utf8.utf8 == "<p>\xE2\x82\xAC 5</p>");
  const auto cp1252 = decode_to_utf8("<p>\x80 5</p>", "text/html; charset=no-such-charset", kCap);
  CHECK(cp1252.source != CharsetSource::content_type);
  CHECK(cp1252.utf8.find("\xE2\x82\xAC") != std::string::npos);  // 0x80 is the euro sign in windows-1252
}

TEST_CASE("page decode: NUL bytes become U+FFFD and are counted; input is capped") {
  const std::string with_nul("<title>a\0b</title>\0", 19);
  const auto d = decode_to_utf8(with_nul, "text/html; charset=utf-8", kCap);
  CHECK(d.nul_characters == 2);
  CHECK(d.utf8.find('\0') == std::string::npos);
  CHECK(d.utf8 ==
        "<title>a\xEF\xBF\xBD"
        "b</title>\xEF\xBF\xBD");

  const std::string big(1000, 'x');
  const auto capped = decode_to_utf8(big, "text/html; charset=utf-8", 100);
  CHECK(capped.truncated);
  CHECK(capped.input_bytes == 1000);
  CHECK(capped.utf8.size() == 100);
}

TEST_CASE("page guard: real pages pass unchanged") {
  const std::string page =
      "<!doctype html><html><head><title>a < b</title><script>if (a<b) { x = '<div>'; }</script></head>"
      "<body><ul><li>one<li>two</ul><p>para<p>para<table><tr><td>x<td>y</table>"
      "<svg><path d='M0 0'/><circle r=1 /></svg><!-- <div><div> --><br><img src=x></body></html>";
  const auto g = guard_markup(page, 4);
  CHECK_FALSE(g.stats.changed());
  CHECK(g.html == page);
  CHECK(g.stats.max_depth_seen <= 4);
}

TEST_CASE("page guard: start tags beyond the depth cap are dropped with their end tags, text stays") {
  std::string page;
  for (int i = 0; i < 10; ++i) page += "<div class=\"d\">";
  page += "deep text";
  for (int i = 0; i < 10; ++i) page += "</div>";
  page += "<p>after</p>";
  const auto g = guard_markup(page, 4);
  CHECK(g.stats.dropped_start_tags == 6);
  CHECK(g.stats.dropped_end_tags == 6);
  CHECK(g.stats.max_depth_seen == 10);
  CHECK(g.html ==
        "<div class=\"d\"><div class=\"d\"><div class=\"d\"><div class=\"d\">deep text"
        "</div></div></div></div><p>after</p>");
}

TEST_CASE("page guard: attributes beyond the per-tag cap are dropped, the tag kept") {
  std::string tag = "<a href=\"/x.exe\"";
  for (int i = 0; i < 10; ++i) tag += " data-" + std::to_string(i) + "='v>" + std::to_string(i) + "'";
  tag += ">link</a>";
  const auto g = guard_markup(tag, 512, 3);
  CHECK(g.stats.dropped_attributes == 8);
  CHECK(g.html == "<a href=\"/x.exe\" data-0='v>0' data-1='v>1' >link</a>");
}

TEST_CASE("page document: Gumbo output is owned and the tree survives a move") {
  HtmlDocument doc = HtmlDocument::parse("<title>T</title><p id=x>hello", "text/html", PageLimits{});
  HtmlDocument moved = std::move(doc);
  const GumboNode& root = moved.document();
  REQUIRE(root.type == GUMBO_NODE_DOCUMENT);
  struct Counter : NodeVisitor {
    int elements = 0;
    std::string path;
    bool enter(const GumboNode& n, std::span<const GumboNode* const> ancestors) override {
      if (is_element(n)) {
        ++elements;
        if (attribute(n, "id") == "x") path = element_path(ancestors, n);
      }
      return true;
    }
  } counter;
  walk(root, counter);
  CHECK(counter.elements == 5);  // html head title body p
  CHECK(counter.path == "html > body > p#x");
}
