// page/: tech-support-scam markers as findings.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "page/page_analysis.hpp"
#include "page/phone_numbers.hpp"
#include "page_fixtures.hpp"

using namespace impostor::page;
using impostor::core::Finding;
using impostor::core::Severity;

namespace {

using page_fixtures::analyze;
using page_fixtures::read_page;

const Finding* finding(const PageAnalysis& a, std::string_view id) {
  for (const auto& f : a.findings)
    if (f.id == id) return &f;
  return nullptr;
}

bool has_technique(const Finding& f, std::string_view t) {
  for (const auto& x : f.evidence["techniques"])
    if (x == t) return true;
  return false;
}

}  // namespace

TEST_CASE("page scam: phone numbers in the forms scam pages use, and not in other digit runs") {
  const std::string text =
      "Call +1 (888) 555-0142 now, or 1-866-555-0199, or (212) 555-0188, +44 20 7946 0958, "
      "0120-555-012, 050-5555-0142. Not: 2024-01-15, 192.168.100.200, v1.2.3.4567, 4111 1111 1111 1111, "
      "id=8885550142, 8885550142, $1,234,567.89, 555-0142.";
  const auto phones = find_phone_numbers(text, 100);
  REQUIRE(phones.size() == 6);
  CHECK(phones[0].written == "+1 (888) 555-0142");
  CHECK(phones[0].digits == "+18885550142");
  CHECK(phones[0].kind == PhoneKind::toll_free);
  CHECK(phones[1].kind == PhoneKind::toll_free);
  CHECK(phones[2].written == "(212) 555-0188");
  CHECK(phones[2].kind == PhoneKind::national);
  CHECK(phones[3].kind == PhoneKind::international);
  CHECK(phones[4].kind == PhoneKind::toll_free);
  CHECK(phones[5].kind == PhoneKind::national);
  // Full-width digits and minus signs, as Japanese pages write them.
  const auto jp = find_phone_numbers(
      "\xE9\x9B\xBB\xE8\xA9\xB1\xEF\xBC\x9A\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x90"
      "\xE2\x88\x92\xEF\xBC\x95\xEF\xBC\x95\xEF\xBC\x95\xE2\x88\x92\xEF\xBC\x90\xEF\xBC\x91"
      "\xEF\xBC\x92",
      10);
  REQUIRE(jp.size() == 1);
  CHECK(jp[0].digits == "0120555012");
  CHECK(jp[0].kind == PhoneKind::toll_free);
}

TEST_CASE("page scam: a browser-lock page with a phone number is high on every marker") {
  const auto a = analyze("https://alert.example/", read_page("scam-browser-lock.html"));
  const Finding* phone = finding(a, "scam.phone-number");
  REQUIRE(phone != nullptr);
  CHECK(phone->severity == Severity::high);
  CHECK(phone->evidence["numbers"] == nlohmann::json::array({"+18885550142"}));
  CHECK(phone->evidence["count"] == 2);  // the visible text and the alert() in the script
  const auto& first = phone->evidence["instances"][0];
  CHECK(first["kind"] == "toll-free");
  CHECK(first["location"] == "html > body > div#scan > p.call > b");
  CHECK(first["snippet"].get<std::string>().find("+1 (888) 555-0142") != std::string::npos);
  CHECK(phone->location == "html > body > div#scan > p.call > b");

  const Finding* lock = finding(a, "scam.browser-lock");
  REQUIRE(lock != nullptr);
  CHECK(lock->severity == Severity::high);
  for (const char* t : {"fullscreen", "keyboard-lock", "beforeunload", "history-flood", "dialog-loop", "key-blocking",
                        "context-menu-blocking", "hidden-cursor", "alarm-audio"}) {
    INFO(t);
    CHECK(has_technique(*lock, t));
  }
  CHECK(lock->evidence["techniques"].size() == 9);

  const Finding* screen = finding(a, "scam.fake-system-screen");
  REQUIRE(screen != nullptr);
  CHECK(screen->severity == Severity::high);

  const Finding* geo = finding(a, "scam.visitor-geolocation");
  REQUIRE(geo != nullptr);
  CHECK(geo->severity == Severity::medium);
  CHECK(geo->evidence["lookup"] == true);
  CHECK(geo->evidence["shown_back"] == true);
}

TEST_CASE("page scam: the Japanese Shift_JIS scam page") {
  const auto a = analyze("https://keikoku.example/", read_page("scam-ja.sjis.html"), "text/html");
  CHECK(a.decoding.charset == "Shift_JIS");
  CHECK(a.decoding.source == CharsetSource::meta);
  CHECK(a.decoding.replaced == 0);
  CHECK(a.content.lang == "ja");
  CHECK(a.content.title ==
        "Windows \xE3\x82\xBB\xE3\x82\xAD\xE3\x83\xA5\xE3\x83\xAA\xE3\x83\x86\xE3\x82\xA3\xE8\xAD\xA6\xE5\x91\x8A");
  const Finding* phone = finding(a, "scam.phone-number");
  REQUIRE(phone != nullptr);
  CHECK(phone->evidence["numbers"] == nlohmann::json::array({"05055550142"}));
  CHECK(phone->severity == Severity::high);
  const auto alarm = phone->evidence["instances"][0]["alarm_words"];
  CHECK(std::find(alarm.begin(), alarm.end(), "\xE6\x84\x9F\xE6\x9F\x93") != alarm.end());  // 感染
  const Finding* lock = finding(a, "scam.browser-lock");
  REQUIRE(lock != nullptr);
  CHECK(has_technique(*lock, "fullscreen"));
  CHECK(has_technique(*lock, "beforeunload"));
  CHECK(has_technique(*lock, "context-menu-blocking"));
  const Finding* screen = finding(a, "scam.fake-system-screen");
  REQUIRE(screen != nullptr);  // "Windows セキュリティ" with "トロイの木馬" and "検出"
  CHECK(screen->severity == Severity::high);
}

TEST_CASE("page scam: the phone number in the page URL's query, written by a script") {
  const std::string html =
      "<title>Security Alert</title><h1>Your computer is infected with a virus</h1><p id=n></p>"
      "<script>var p = new URLSearchParams(location.search); document.getElementById('n').textContent = p.get('ph');"
      "</script>";
  const auto a = analyze("https://alert.example/?ph=%2B1-844-555-0123&id=7", html);
  const Finding* phone = finding(a, "scam.phone-number");
  REQUIRE(phone != nullptr);
  CHECK(phone->evidence["numbers"] == nlohmann::json::array({"+18445550123"}));
  CHECK(phone->location == "URL query (read by a page script)");
  CHECK(phone->severity == Severity::medium);  // alarm words, but no lock or fake screen
}

TEST_CASE("page scam: single weak markers stay low, benign pages have none") {
  // A support page: a number next to "call" and "support" only.
  const auto support = analyze("https://vendor.example/support",
                               "<title>Support</title><p>Call our support team at 1-800-555-0100.</p>");
  const Finding* phone = finding(support, "scam.phone-number");
  REQUIRE(phone != nullptr);
  CHECK(phone->severity == Severity::low);

  // A video player that goes fullscreen.
  const auto player =
      analyze("https://video.example/",
              "<video src=a.mp4></video><button onclick=\"v.requestFullscreen()\">Full screen</button>");
  const Finding* lock = finding(player, "scam.browser-lock");
  REQUIRE(lock != nullptr);
  CHECK(lock->severity == Severity::low);

  // The news page: a newsroom number with "call" nearby is low; nothing else.
  const auto news = analyze("https://news.example/", read_page("news-mentions-zoom.html"));
  for (const auto& f : news.findings) {
    INFO(f.id);
    CHECK(f.severity <= Severity::low);
  }
  CHECK(finding(news, "scam.browser-lock") == nullptr);
  CHECK(finding(news, "scam.fake-system-screen") == nullptr);

  // The fake download page is no scam page.
  const auto fake = analyze("https://zoom-download.example/", read_page("fake-zoom-download.html"));
  for (const auto& f : fake.findings) CHECK(f.id.rfind("scam.", 0) != 0);
}

TEST_CASE("page scam: external scripts are judged with the page") {
  PageInput in;
  in.url = "https://alert.example/";
  const std::string html =
      "<title>Microsoft Support</title><p>Call +1 888 555 0177: your PC is blocked</p>"
      "<script src=/lock.js></script>";
  in.body = html;
  const auto alone = analyze_page(in);
  REQUIRE(finding(alone, "scam.phone-number") != nullptr);
  CHECK(finding(alone, "scam.phone-number")->severity == Severity::medium);
  const std::string lock =
      "document.documentElement.requestFullscreen(); window.addEventListener('beforeunload', function(e){ "
      "e.returnValue = 'x'; });";
  const ExternalScript scripts[] = {{"https://alert.example/lock.js", lock}};
  in.scripts = scripts;
  const auto together = analyze_page(in);
  REQUIRE(finding(together, "scam.browser-lock") != nullptr);
  CHECK(finding(together, "scam.browser-lock")->location == "external script https://alert.example/lock.js");
  CHECK(finding(together, "scam.phone-number")->severity == Severity::high);
}
