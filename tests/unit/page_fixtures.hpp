#pragma once
// Shared by the page/ tests: the sample pages under tests/fixtures/pages, and one way to
// run the page analysis over a string.
#include <doctest/doctest.h>

#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>

#include "page/page_analysis.hpp"

namespace page_fixtures {

inline std::string read_page(const char* name) {
  std::ifstream in(std::string(IMPOSTOR_SOURCE_DIR) + "/tests/fixtures/pages/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline impostor::page::PageAnalysis analyze(std::string_view url, std::string_view html,
                                            std::string_view content_type = "text/html",
                                            std::span<const impostor::page::BrandTerms> brands = {}) {
  impostor::page::PageInput in;
  in.url = url;
  in.body = html;
  in.content_type = content_type;
  in.brands = brands;
  return impostor::page::analyze_page(in);
}

}  // namespace page_fixtures
