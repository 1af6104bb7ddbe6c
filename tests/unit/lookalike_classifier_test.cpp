#include <doctest/doctest.h>

#include "test_context.hpp"

using impostor::core::Severity;
using impostor::core::Verdict;
using impostor::test::finding;
using impostor::test::has_finding;
using impostor::test::judge;

namespace {

struct Case {
  const char* name;
  Verdict verdict;
  const char* finding;  // nullptr: no finding required
  const char* vendor;
};

void check_case(const Case& c) {
  const auto r = judge(c.name);
  std::string ids;
  for (const auto& f : r.findings) ids += f.id + " ";
  INFO(c.name, " -> ", impostor::core::to_string(r.verdict), " [", ids, "]");
  CHECK(r.verdict == c.verdict);
  if (c.finding != nullptr) CHECK(has_finding(r, c.finding));
  if (c.vendor != nullptr) CHECK(r.vendor == c.vendor);
}

}  // namespace

TEST_CASE("official domains and their subdomains are official") {
  for (const Case& c :
       {Case{"zoom.us", Verdict::official, "domain.official", "zoom"},
        Case{"us05web.zoom.us", Verdict::official, "domain.official", "zoom"},
        Case{"ZOOM.COM.", Verdict::official, "domain.official", "zoom"},
        Case{"https://cdn.zoom.us/prod/5.17/ZoomInstallerFull.msi", Verdict::official, "domain.official", "zoom"},
        Case{"zoomgov.com", Verdict::official, "domain.official", "zoom"},
        Case{"teams.microsoft.com", Verdict::official, "domain.official", "microsoft-teams"},
        Case{"download.anydesk.com", Verdict::official, "domain.official", "anydesk"},
        Case{"download.teamviewer.com", Verdict::official, "domain.official", "teamviewer"},
        Case{"downloads.slack-edge.com", Verdict::official, "domain.official", "slack"},
        Case{"binaries.webex.com", Verdict::official, "domain.official", "webex"},
        Case{"get.skype.com", Verdict::official, "domain.official", "skype"}})
    check_case(c);
}

TEST_CASE("each lookalike technique is found, with its evidence") {
  for (const Case& c : {
           Case{"z\xD0\xBE\xD0\xBEm.us", Verdict::suspicious, "domain.homoglyph", "zoom"},
           Case{"zoorn.us", Verdict::suspicious, "domain.homoglyph", "zoom"},
           Case{"z00m-download.com", Verdict::suspicious, "domain.homoglyph", "zoom"},
           Case{"xn--zm-fmca.us", Verdict::suspicious, "domain.mixed-script", "zoom"},
           Case{"vvebex.com", Verdict::suspicious, "domain.homoglyph", "webex"},
           Case{"zooom.us", Verdict::suspicious, "domain.typo", "zoom"},
           Case{"anydeks.com", Verdict::suspicious, "domain.typo", "anydesk"},
           Case{"teamvievver.com", Verdict::suspicious, "domain.homoglyph", "teamviewer"},
           Case{"teamveiwer.com", Verdict::suspicious, "domain.typo", "teamviewer"},
           Case{"zo-om.com", Verdict::suspicious, "domain.typo", "zoom"},
           Case{"zoom.co.uk", Verdict::suspicious, "domain.tld-swap", "zoom"},
           Case{"slack.baby", Verdict::suspicious, "domain.tld-swap", "slack"},
           Case{"zoom-download.com", Verdict::suspicious, "domain.combosquat", "zoom"},
           Case{"zoomus-app.net", Verdict::suspicious, "domain.combosquat", "zoom"},
           Case{"us05web-zoom.biz", Verdict::suspicious, "domain.combosquat", "zoom"},
           Case{"www-anydeskcom.top", Verdict::suspicious, "domain.combosquat", "anydesk"},
           Case{"wwwwslack.top", Verdict::suspicious, "domain.combosquat", "slack"},
           Case{"microsoft-teams.top", Verdict::suspicious, "domain.combosquat", "microsoft-teams"},
           Case{"anydesk-connect.com", Verdict::suspicious, "domain.combosquat", "anydesk"},
           Case{"sidezoom.us", Verdict::suspicious, "domain.combosquat", "zoom"},
           Case{"zoom.us.download-center.xyz", Verdict::suspicious, "domain.brand-in-subdomain", "zoom"},
           Case{"zoom.com-install.app", Verdict::suspicious, "domain.brand-in-subdomain", "zoom"},
           Case{"zoom.ambneperu.com", Verdict::suspicious, "domain.brand-in-subdomain", "zoom"},
           Case{"zoom-setup.web.app", Verdict::suspicious, "domain.user-hosting", "zoom"},
           Case{"anydesk.github.io", Verdict::suspicious, "domain.user-hosting", "anydesk"},
           Case{"skype-update.pages.dev", Verdict::suspicious, "domain.user-hosting", "skype"},
           Case{"zoom-download.space", Verdict::suspicious, "domain.risky-tld", "zoom"},
       })
    check_case(c);
}

TEST_CASE("findings carry the evidence an analyst needs") {
  const auto r = judge("z\xD0\xBE\xD0\xBEm.us");
  const auto* f = finding(r, "domain.homoglyph");
  REQUIRE(f != nullptr);
  CHECK(f->severity == Severity::high);
  CHECK(f->evidence["vendor"] == "zoom");
  CHECK(f->evidence["imitates"] == "zoom.us");
  CHECK(f->evidence["host"] == "xn--zm-fmca.us");
  CHECK(f->evidence["host_unicode"] == "z\xD0\xBE\xD0\xBEm.us");
  CHECK(f->evidence.contains("skeleton"));
  CHECK(f->location == "xn--zm-fmca.us");

  const auto t = judge("anydeks.com");
  const auto* typo = finding(t, "domain.typo");
  REQUIRE(typo != nullptr);
  CHECK(typo->evidence["technique"] == "transposition");
  CHECK(typo->evidence["distance"] == 1);
  CHECK(typo->evidence["imitates"] == "anydesk");
}

TEST_CASE("other businesses, established sites and unrelated names stay unknown") {
  for (const char* name :
       {"zoominfo.com", "zoomcar.com", "zoom.earth", "zoom.com.br", "zoomit.ir", "xoom.com", "room.com", "boom.com",
        "loom.com", "slackware.com", "slacker.com", "teamsnap.com", "webexpenses.com", "skyscanner.net", "example.com",
        "zoomerang.com", "web.app", "bestzoomlens.example"}) {
    const auto r = judge(name);
    INFO(name);
    CHECK(r.verdict == Verdict::unknown);
    for (const auto& f : r.findings) CHECK(f.severity <= Severity::low);
  }
  CHECK(has_finding(judge("zoominfo.com"), "domain.other-owner"));
  CHECK(has_finding(judge("zoomit.ir"), "domain.established"));
}

TEST_CASE("a brand word among unrelated words is only a low mention") {
  const auto r = judge("best-zoom-lens.example");
  CHECK(r.verdict == Verdict::unknown);
  const auto* f = finding(r, "domain.brand-mention");
  REQUIRE(f != nullptr);
  CHECK(f->severity == Severity::low);
}

TEST_CASE("URL tricks and addresses") {
  const auto u = judge("https://zoom.us@evil.example/");
  CHECK(u.verdict == Verdict::suspicious);
  CHECK(has_finding(u, "domain.userinfo-trick"));
  CHECK(u.target.details["host"] == "evil.example");

  const auto ip = judge("2130706433");
  CHECK(ip.verdict == Verdict::unknown);
  CHECK(has_finding(ip, "domain.ip-literal"));
  CHECK(finding(ip, "domain.ip-literal")->evidence["address"] == "127.0.0.1");

  const auto bad = judge("xn--zzzz.com");
  CHECK(bad.verdict == Verdict::error);
  REQUIRE(bad.errors.size() == 1);
}
