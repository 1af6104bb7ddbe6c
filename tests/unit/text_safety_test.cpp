#include <doctest/doctest.h>

#include "core/text_safety.hpp"

using namespace impostor::core;

TEST_CASE("to_valid_utf8 keeps good text and replaces every ill-formed byte") {
  CHECK(to_valid_utf8("zoom.us") == "zoom.us");
  CHECK(to_valid_utf8("z\xD0\xBEom") == "z\xD0\xBEom");  // Cyrillic o kept
  CHECK(to_valid_utf8("a\xFF"
                      "b") ==
        "a\xEF\xBF\xBD"
        "b");                                                                      // stray byte
  CHECK(to_valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  CHECK(to_valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  CHECK(to_valid_utf8("\xF4\x90\x80\x80").find("\xF4\x90") == std::string::npos);  // above U+10FFFF
  CHECK(to_valid_utf8("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");                  // truncated at the end
}

TEST_CASE("is_valid_utf8 agrees with to_valid_utf8") {
  for (const std::string_view text :
       {std::string_view("zoom.us"), std::string_view("z\xD0\xBEom"), std::string_view("a\xFF"),
        std::string_view("\xC0\xAF"), std::string_view("\xED\xA0\x80"), std::string_view("\xF4\x90\x80\x80"),
        std::string_view("\xE2\x82"), std::string_view("\xF0\x9F\x98\x80"), std::string_view("ok\0nul", 6),
        std::string_view()}) {
    CAPTURE(text);
    CHECK(is_valid_utf8(text) == (to_valid_utf8(text) == text));
  }
  CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));
}

TEST_CASE("for_terminal neutralises control characters and ANSI escapes") {
  CHECK(for_terminal("plain") == "plain");
  CHECK(for_terminal("\x1b[31mred") == "\\x1b[31mred");
  CHECK(for_terminal("a\nb\tc\rd") == "a\\x0ab\\x09c\\x0dd");
  CHECK(for_terminal("\x7f") == "\\x7f");
  CHECK(for_terminal("\xC2\x9B"
                     "2J") == "\\u009b2J");  // C1 CSI
  CHECK(for_terminal("\xFF") == "\xEF\xBF\xBD");
  CHECK(for_terminal("z\xD0\xBEom") == "z\xD0\xBEom");
}
