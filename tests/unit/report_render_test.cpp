#include <doctest/doctest.h>

#include "report/json_report.hpp"
#include "report/text_report.hpp"
#include "test_context.hpp"

using namespace impostor;

TEST_CASE("JSON follows the report contract") {
  const auto r = test::judge("zoom-download.com");
  const auto j = report::to_json(r);
  CHECK(j["schema"] == "impostor.report/1");
  CHECK(j["tool"]["name"] == "impostor");
  CHECK(j["target"]["kind"] == "domain");
  CHECK(j["target"]["input"] == "zoom-download.com");
  CHECK(j["verdict"] == "suspicious");
  CHECK(j["vendor"] == "zoom");
  CHECK(j["score"].is_number_integer());
  for (const char* key : {"findings", "hops", "artifacts", "errors"}) CHECK(j[key].is_array());
  CHECK(j["page"].is_object());
  CHECK(j["elapsed_ms"].is_number_integer());
  const auto& f = j["findings"][0];
  for (const char* key : {"id", "severity", "summary", "evidence", "location"}) CHECK(f.contains(key));
}

TEST_CASE("attacker bytes cannot break JSON or the terminal") {
  core::Report r;
  r.target.input = "bad\xFF\x1b[2Jname";
  r.verdict = core::Verdict::error;
  r.errors.push_back("control \x07 bell");
  const auto text = report::dump_json(report::to_json(r), -1);
  CHECK(nlohmann::json::parse(text)["target"]["input"] == "bad\xEF\xBF\xBD\x1b[2Jname");
  CHECK(text.find('\n') == std::string::npos);
  const auto shown = report::to_text(r);
  CHECK(shown.find('\x1b') == std::string::npos);
  CHECK(shown.find('\x07') == std::string::npos);
  const std::vector<core::Report> many = {r, r};
  CHECK(report::to_table(many).find('\x1b') == std::string::npos);
}
