// The html, sarif and csv renderers over hostile reports: attacker text stays data.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "report/csv_report.hpp"
#include "report/html_report.hpp"
#include "report/json_report.hpp"
#include "report/sarif_report.hpp"

using namespace impostor;
using json = nlohmann::json;

namespace {

// The hostile strings, built on first use (no throwing initialisers at namespace scope).
struct Payloads {
  std::string script_title = "</script><script>alert(1)</script>";
  std::string img_member = "\"><img src=x onerror=alert(1)>";
  std::string js_url = "javascript:alert(1)";
  std::string line_sep = "\xE2\x80\xA8";
  std::string para_sep = "\xE2\x80\xA9";
  std::string rlo = "\xE2\x80\xAE";
  std::string controls = "\x07\x1b[2J\x01";
  std::string hyperlink = "=HYPERLINK(\"http://evil.example/\",\"Click\")";
};

const Payloads& hostile() {
  static const Payloads payloads;
  return payloads;
}

json finding(const std::string& id, const std::string& severity, const std::string& summary, json evidence,
             const std::string& location) {
  return {{"id", id},
          {"severity", severity},
          {"summary", summary},
          {"evidence", std::move(evidence)},
          {"location", location}};
}

json base(const std::string& kind, const std::string& input, const std::string& verdict, int score,
          const std::string& change) {
  json target = {{"kind", kind}, {"input", input}};
  if (!change.empty()) target["change"] = change;
  return {{"schema", "impostor.report/1"},
          {"tool", {{"name", "impostor"}, {"version", "0.1.0"}}},
          {"target", target},
          {"verdict", verdict},
          {"score", score},
          {"vendor", nullptr},
          {"findings", json::array()},
          {"hops", json::array()},
          {"page", json::object()},
          {"artifacts", json::array()},
          {"errors", json::array()},
          {"elapsed_ms", 12}};
}

// A crawl's worth of reports with hostile text in every field an attacker can reach.
std::vector<json> hostile_reports() {
  std::vector<json> out;

  json url = base("url", "https://zoom-download.example/" + hostile().script_title, "malicious", 95, "new");
  url["target"]["url"] = url["target"]["input"];
  url["target"]["final_url"] = "https://zoom-download.example/get?x=" + hostile().img_member;
  url["target"]["final_status"] = 200;
  url["target"]["query"] = "zoom download" + hostile().line_sep;
  url["target"]["rank"] = 1;
  url["target"]["source"] = "ad";
  url["target"]["scan"] = 7;
  url["vendor"] = "zoom";
  url["findings"].push_back(
      finding("scam.fake-alert", "critical", "Scareware text in " + hostile().script_title,
              {{"title", hostile().script_title},
               {"snippet", "call now" + hostile().line_sep + hostile().para_sep + hostile().controls}},
              "https://zoom-download.example/"));
  url["findings"].push_back(finding("page.brand-claim", "high", "The page claims to be Zoom: " + hostile().script_title,
                                    {{"claims", json::array({"zoom", hostile().img_member})}}, hostile().js_url));
  url["findings"].push_back(finding("tls.untrusted", "medium", "Certificate not trusted " + hostile().controls,
                                    {{"verify_error", "self-signed <b>"}}, "zoom-download.example"));
  url["findings"].push_back(finding("yara.miner_xmrig", "critical", "XMRig configuration in a member",
                                    {{"member", hostile().img_member}}, "ZoomInstaller.exe!/" + hostile().img_member));
  url["hops"].push_back(
      {{"url", "http://zoom-download.example/"},
       {"method", "GET"},
       {"status", 302},
       {"headers", {{"location", "https://zoom-download.example/"}, {"x-evil", hostile().script_title}}},
       {"ip", "127.0.0.1"},
       {"port", 80},
       {"timings_ms", {{"connect", 1}, {"total", 3}}},
       {"http_version", "1.1"}});
  url["hops"].push_back(
      {{"url", url["target"]["input"]},
       {"method", "GET"},
       {"status", 200},
       {"headers", {{"content-type", "text/html"}}},
       {"ip", "127.0.0.1"},
       {"port", 443},
       {"http_version", "2"},
       {"tls",
        {{"version", "TLSv1.3"},
         {"cipher", "TLS_AES_256_GCM_SHA384"},
         {"alpn", "h2"},
         {"verified", false},
         {"verify_error", "self-signed certificate " + hostile().img_member},
         {"chain", json::array({{{"subject", "CN=" + hostile().script_title},
                                 {"issuer", "CN=Evil CA" + hostile().line_sep + hostile().rlo},
                                 {"common_name", hostile().script_title},
                                 {"organization", "Zoom <Video>"},
                                 {"serial", "01"},
                                 {"dns_names", json::array({"zoom-download.example", "*." + hostile().img_member})},
                                 {"not_before", "2024-04-30T00:00:00Z"},
                                 {"not_after", "2024-07-29T00:00:00Z"},
                                 {"age_days", 1},
                                 {"key", {{"type", "RSA"}, {"bits", 2048}}},
                                 {"sha256", "ab12"},
                                 {"spki_sha256", "cd34"},
                                 {"self_issued", true}}})}}}});
  url["page"] = {
      {"title", hostile().script_title}, {"lang", "en"}, {"downloads", json::array({{{"url", hostile().js_url}}})}};
  json download = {{"kind", "download"},
                   {"url", hostile().js_url},
                   {"final_url", "https://zoom-download.example/ZoomInstaller.exe"},
                   {"size", 123456},
                   {"sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
                   {"type", "pe"},
                   {"findings", json::array({"yara.miner_xmrig"})},
                   {"members", 3}};
  download["member_list"] =
      json::array({{{"path", "ZoomInstaller.exe"}, {"type", "pe"}, {"size", 123456}, {"depth", 0}, {"sha256", "aa"}},
                   {{"path", "ZoomInstaller.exe!/" + hostile().img_member},
                    {"type", "text"},
                    {"size", 10},
                    {"depth", 1},
                    {"sha256", "bb"},
                    {"findings", json::array({"yara.miner_xmrig"})}},
                   {{"path", "ZoomInstaller.exe!/invoice" + hostile().rlo + "fdp.exe"},
                    {"type", "pe"},
                    {"size", 5},
                    {"depth", 1}}});
  url["artifacts"].push_back(download);
  url["errors"].push_back("cloaking probe: " + hostile().controls + " timeout");
  out.push_back(url);

  json file = base("file", hostile().hyperlink, "suspicious", 60, "changed");
  file["vendor"] = "@SUM(1)";
  file["findings"].push_back(
      finding("unpack.nested", "medium", "-2+3", json::object(), "setup.zip!/" + hostile().img_member));
  file["findings"].push_back(finding("hash.unknown", "low", "\tcmd /c calc", nullptr, ""));
  file["artifacts"].push_back({{"path", "setup.zip"}, {"type", "zip"}, {"size", 99}, {"depth", 0}});
  file["artifacts"].push_back({{"path", "setup.zip!/" + hostile().img_member},
                               {"type", "text"},
                               {"size", 9},
                               {"depth", 1},
                               {"findings", json::array({"unpack.nested"})}});
  file["errors"] = json::array({"line one\nline two", "say \"hi\", then go"});
  out.push_back(file);

  json domain = base("domain", "zoom" + hostile().line_sep + "-login\xFF.example", "unknown", 10, "same");
  domain["findings"].push_back(
      finding("domain.risky-tld", "low", "Cheap TLD " + hostile().rlo, {{"bad", "\xFF\xFE"}}, ""));
  out.push_back(domain);

  json error = base("url", hostile().js_url, "error", 0, "new");
  error["errors"].push_back("unsupported scheme in " + hostile().js_url);
  out.push_back(error);

  json official = base("url", "https://zoom.us/download", "official", 0, "");
  official["vendor"] = "zoom";
  out.push_back(official);
  return out;
}

size_t count(std::string_view haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

std::string between(const std::string& text, const std::string& open, const std::string& close) {
  const size_t start = text.find(open);
  REQUIRE(start != std::string::npos);
  const size_t end = text.find(close, start + open.size());
  REQUIRE(end != std::string::npos);
  return text.substr(start + open.size(), end - start - open.size());
}

// Nothing in the HTML is live markup from a report, and no invisible or control character
// from one reaches the browser.
void check_inert(const std::string& html) {
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find(hostile().img_member) == std::string::npos);
  CHECK(html.find(hostile().script_title) == std::string::npos);
  for (const char* tag : {"<a ", "<a>", " href", "<iframe", "<object", "<embed", "<link", "<base", "<form", " style="})
    CHECK_MESSAGE(html.find(tag) == std::string::npos, tag);
  CHECK(count(html, "<script") == 2);
  CHECK(count(html, "</script") == 2);
  CHECK(html.find(hostile().line_sep) == std::string::npos);
  CHECK(html.find(hostile().para_sep) == std::string::npos);
  CHECK(html.find(hostile().rlo) == std::string::npos);
  const bool clean_bytes = std::all_of(html.begin(), html.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b >= 0x20 || b == '\n';
  });
  CHECK(clean_bytes);
  CHECK(html.find("\xC2\x85") == std::string::npos);  // C1 NEL
}

// A strict RFC 4180 reader: quoted fields may hold , " CR LF; unquoted ones none of them;
// records end with CRLF.
std::vector<std::vector<std::string>> parse_csv(std::string_view s) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '"') {
      for (++i;; ++i) {
        REQUIRE(i < s.size());
        if (s[i] != '"') {
          cell += s[i];
        } else if (i + 1 < s.size() && s[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          ++i;
          break;
        }
      }
    } else {
      for (; i < s.size() && s[i] != ',' && s[i] != '\r' && s[i] != '\n'; ++i) {
        REQUIRE(s[i] != '"');
        cell += s[i];
      }
    }
    row.push_back(std::move(cell));
    cell.clear();
    if (i < s.size() && s[i] == ',') {
      ++i;
      continue;
    }
    REQUIRE(s.substr(i, 2) == "\r\n");
    i += 2;
    rows.push_back(std::move(row));
    row.clear();
  }
  return rows;
}

}  // namespace

TEST_CASE("report format display text shows controls, bidi overrides and separators as escapes") {
  CHECK(report::display_text("a\x07"
                             "b\x1b[2Jc\xC2\x85"
                             "d" +
                             hostile().rlo + "e" + hostile().line_sep + "f\xFF") ==
        "a\\x07b\\x1b[2Jc\\u0085d\\u202ee\\u2028f\xEF\xBF\xBD");
  CHECK(report::display_text("tag\xF3\xA0\x80\x81x") == "tag\\U000e0001x");
  CHECK(report::display_text("one\ntwo\tthree") == "one\\x0atwo\\x09three");
  CHECK(report::display_text("one\ntwo\tthree\r", true) == "one\ntwo\tthree\\x0d");
  CHECK(report::display_text("zoom.\xD1\x83s \xE2\x80\x94 ok") == "zoom.\xD1\x83s \xE2\x80\x94 ok");  // letters stay
  CHECK(report::escape_html("<a href='x'>\"&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
}

TEST_CASE("report format html shows attacker text only as escaped text") {
  const auto html = report::to_html(hostile_reports(), {"Daily <crawl> & \"scan\"", "2024-05-01T06:00:00Z"});
  check_inert(html);
  CHECK(html.find("<title>Daily &lt;crawl&gt; &amp; &quot;scan&quot;</title>") != std::string::npos);
  CHECK(html.find("2024-05-01T06:00:00Z") != std::string::npos);
  // The payloads are there, as text an analyst can read.
  CHECK(html.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
  CHECK(html.find("CN=&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("CN=Evil CA\\u2028\\u202e") != std::string::npos);
  CHECK(html.find("invoice\\u202efdp.exe") != std::string::npos);
  CHECK(html.find("\\x07\\x1b[2J\\x01") != std::string::npos);
  // URLs are text with a copy button, never links.
  CHECK(html.find("<code class=\"url\">javascript:alert(1)</code><button type=\"button\" class=\"copy\"") !=
        std::string::npos);
  // The certificate and the hop facts an analyst needs are shown.
  CHECK(html.find("NOT verified: self-signed certificate &quot;&gt;&lt;img") != std::string::npos);
  CHECK(html.find("2024-07-29T00:00:00Z") != std::string::npos);
  CHECK(html.find("self-issued") != std::string::npos);
  CHECK(html.find("<details class=\"report\">") != std::string::npos);
}

TEST_CASE("report format html has one inline script, allowed by its hash in a strict CSP") {
  const auto html = report::to_html(hostile_reports(), {});
  CHECK(report::csp_source_hash("abc") == "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  CHECK(report::csp_source_hash("") == "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");

  const std::string csp = between(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\"");
  const size_t csp_at = html.find("Content-Security-Policy");
  CHECK(csp_at < html.find("<style>"));
  CHECK(csp_at < html.find("<script"));
  std::vector<std::string> directives;
  std::istringstream parts(csp);
  for (std::string d; std::getline(parts, d, ';');) directives.push_back(d.substr(d.find_first_not_of(' ')));
  CHECK(std::find(directives.begin(), directives.end(), "default-src 'none'") != directives.end());

  // Exactly one executable script: every other <script is the JSON data block.
  const std::string data_open = "<script type=\"application/json\" id=\"impostor-data\">";
  CHECK(count(html, data_open) == 1);
  CHECK(count(html, "<script>") == 1);
  const std::string script = between(html, "<script>", "</script>");
  const std::string style = between(html, "<style>", "</style>");
  CHECK(std::find(directives.begin(), directives.end(), "script-src '" + report::csp_source_hash(script) + "'") !=
        directives.end());
  CHECK(std::find(directives.begin(), directives.end(), "style-src '" + report::csp_source_hash(style) + "'") !=
        directives.end());
  CHECK(csp.find("unsafe") == std::string::npos);
  CHECK(csp.find("http") == std::string::npos);
  CHECK(csp.find('*') == std::string::npos);
  CHECK(html.find("<meta name=\"referrer\" content=\"no-referrer\">") != std::string::npos);
}

TEST_CASE("report format html data block cannot close its script element") {
  CHECK(report::json_for_script({{"a", "</script><!--&" + hostile().line_sep + hostile().para_sep}}) ==
        "{\"a\":\"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029\"}");
  const auto html = report::to_html(hostile_reports(), {});
  const std::string block = between(html, "<script type=\"application/json\" id=\"impostor-data\">", "</script>");
  CHECK(block.find_first_of("<>&") == std::string::npos);
  CHECK(block.find(hostile().line_sep) == std::string::npos);
  const auto data = json::parse(block);
  REQUIRE(data.is_array());
  REQUIRE(data.size() == 5);
  // Decoded, the search text still holds the hostile title: data, not markup.
  CHECK(data[0]["text"].get<std::string>().find(hostile().script_title) != std::string::npos);
  CHECK(data[0]["v"] == "malicious");
  CHECK(data[0]["fresh"] == true);
}

TEST_CASE("report format html orders new and changed first, then by verdict, and counts verdicts") {
  std::vector<json> reports = {base("url", "https://same-malicious.example/", "malicious", 90, "same"),
                               base("url", "https://new-unknown.example/", "unknown", 5, "new"),
                               base("url", "https://changed-suspicious.example/", "suspicious", 50, "changed"),
                               base("url", "https://no-change-official.example/", "official", 0, ""),
                               base("url", "https://new-malicious.example/", "malicious", 80, "new"),
                               base("url", "https://same-error.example/", "error", 0, "same")};
  const auto html = report::to_html(reports, {});
  const std::vector<std::string> expected = {"new-malicious",  "changed-suspicious", "new-unknown",
                                             "same-malicious", "same-error",         "no-change-official"};
  size_t last = 0;
  for (const auto& name : expected) {
    const size_t at = html.find("<code class=\"url\">https://" + name);
    REQUIRE_MESSAGE(at != std::string::npos, name);
    CHECK_MESSAGE(at > last, name);
    last = at;
  }
  CHECK(html.find("<li id=\"count-malicious\"><b>2</b>") != std::string::npos);
  CHECK(html.find("<li id=\"count-suspicious\"><b>1</b>") != std::string::npos);
  CHECK(html.find("<li id=\"count-official\"><b>1</b>") != std::string::npos);
  CHECK(html.find("<li id=\"count-new\"><b>2</b>") != std::string::npos);
  CHECK(html.find("<li id=\"count-changed\"><b>1</b>") != std::string::npos);
  CHECK(html.find("class=\"verdict-filter\" value=\"malicious\" checked> malicious (2)") != std::string::npos);
  CHECK(html.find("data-sort=\"verdict\"") != std::string::npos);
  CHECK(html.find("id=\"filter\"") != std::string::npos);
}

TEST_CASE("report format html bounds member lists, evidence and long strings") {
  json file = base("file", "big.zip", "suspicious", 40, "");
  for (int i = 0; i < 2000; ++i)
    file["artifacts"].push_back({{"path", "big.zip!/m" + std::to_string(i)}, {"type", "text"}, {"depth", 1}});
  file["findings"].push_back(finding("limits.members", "medium", "too many", {{"blob", std::string(100000, 'x')}}, ""));
  file["target"]["final_url"] = "https://x.example/" + std::string(20000, 'y');
  const auto html = report::to_html(std::vector<json>(1, file), {});
  CHECK(count(html, "<tr><td class=\"d1\">") == 500);
  CHECK(html.find("1500 more members not shown") != std::string::npos);
  CHECK(html.find(std::string(20000, 'x')) == std::string::npos);
  CHECK(html.find(std::string(20000, 'y')) == std::string::npos);
  CHECK(html.find("more bytes)") != std::string::npos);
  CHECK(html.size() < 300000);

  report::HtmlReportOptions few;
  few.max_members = 10;
  few.max_findings = 0;
  const auto small = report::to_html(std::vector<json>(1, file), few);
  CHECK(count(small, "<tr><td class=\"d1\">") == 10);
  CHECK(small.find("1 more findings not shown") != std::string::npos);
}

TEST_CASE("report format renderers survive reports of the wrong shape") {
  const std::vector<json> odd = {nullptr, json::array({1, 2}),
                                 json::parse(R"({"target": 5, "verdict": 3, "findings": "x", "hops": {"a": 1},
        "artifacts": [1, "x", null], "page": [1], "errors": "e", "score": "high"})"),
                                 json::parse(R"({"target": {"kind": {"x": 1}, "input": ["a"], "change": 1},
        "findings": [{"severity": {"x": 1}, "evidence": "x", "id": 7}, 3],
        "hops": [{"tls": {"chain": [5, {"key": "x", "dns_names": "y"}]}}, 4],
        "artifacts": [{"kind": "download", "member_list": [{"depth": -3}, {"depth": 1e9}]}]})")};
  std::string html;
  CHECK_NOTHROW(html = report::to_html(odd, {}));
  CHECK(count(html, "<tbody data-i=") == odd.size());
  std::string sarif;
  CHECK_NOTHROW(sarif = report::to_sarif_text(odd));
  CHECK(json::parse(sarif)["runs"][0]["results"].size() == 2);
  std::string csv;
  CHECK_NOTHROW(csv = report::to_csv(odd));
  CHECK(parse_csv(csv).size() == odd.size() + 1);
}

TEST_CASE("report format sarif is valid 2.1.0 with one result per finding") {
  CHECK(report::sarif_level("critical") == "error");
  CHECK(report::sarif_level("high") == "error");
  CHECK(report::sarif_level("medium") == "warning");
  CHECK(report::sarif_level("low") == "note");
  CHECK(report::sarif_level("info") == "note");
  CHECK(report::sarif_uri("/tmp/a b#1%.exe", true) == "file:///tmp/a%20b%231%25.exe");
  CHECK(report::sarif_uri("setup (1).exe", true) == "setup%20(1).exe");
  CHECK(report::sarif_uri("https://x.example/a b?q=<x>#f", false) == "https://x.example/a%20b?q=%3Cx%3E#f");

  const auto reports = hostile_reports();
  const auto sarif = json::parse(report::to_sarif_text(reports));  // throws if not valid JSON
  CHECK(sarif["$schema"].get<std::string>().find("sarif-schema-2.1.0.json") != std::string::npos);
  CHECK(sarif["version"] == "2.1.0");
  REQUIRE(sarif["runs"].size() == 1);
  const auto& run = sarif["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "impostor");
  CHECK(run["tool"]["driver"]["version"].is_string());
  CHECK_FALSE(run["tool"]["driver"].contains("informationUri"));

  std::set<std::string> ids;
  size_t total = 0;
  size_t errors = 0;
  for (const auto& r : reports) {
    for (const auto& f : r["findings"]) ids.insert(f["id"].get<std::string>());
    total += r["findings"].size();
    errors += r["errors"].size();
  }
  const auto& rules = run["tool"]["driver"]["rules"];
  std::set<std::string> rule_ids;
  for (const auto& rule : rules) {
    rule_ids.insert(rule["id"].get<std::string>());
    CHECK_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
  }
  CHECK(rule_ids == ids);
  CHECK(rules.size() == ids.size());  // distinct

  const auto& results = run["results"];
  REQUIRE(results.size() == total);
  size_t k = 0;
  for (const auto& r : reports) {
    for (const auto& f : r["findings"]) {
      const auto& res = results[k++];
      CHECK(res["ruleId"] == f["id"]);
      CHECK(rules[res["ruleIndex"].get<size_t>()]["id"] == f["id"]);
      CHECK(res["level"] == std::string(report::sarif_level(f["severity"].get<std::string>())));
      CHECK(res["message"]["text"] == report::display_text(f["summary"].get<std::string>()));
      CHECK(res["properties"]["verdict"] == r["verdict"]);
      CHECK(res["properties"]["evidence"].dump(-1, ' ', false, json::error_handler_t::replace) ==
            f["evidence"].dump(-1, ' ', false, json::error_handler_t::replace));
      const auto& loc = res["locations"][0];
      const std::string kind = r["target"]["kind"];
      if (kind == "domain") {
        CHECK(loc["logicalLocations"][0]["kind"] == "domain");
      } else {
        const std::string uri = loc["physicalLocation"]["artifactLocation"]["uri"];
        CHECK(uri.find_first_of(" <>\"{}|\\^`") == std::string::npos);
        CHECK(std::all_of(uri.begin(), uri.end(), [](char c) { return c > 0x20 && c < 0x7F; }));
      }
    }
  }
  CHECK(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "https://zoom-download.example/%3C/script%3E%3Cscript%3Ealert(1)%3C/script%3E");
  CHECK(results[3]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] ==
        "ZoomInstaller.exe!/" + hostile().img_member);
  CHECK(run["invocations"][0]["toolExecutionNotifications"].size() == errors);
  CHECK(run["properties"]["verdicts"]["malicious"] == 1);
}

TEST_CASE("report format csv neutralises formulas and round-trips through an RFC 4180 parser") {
  CHECK(report::csv_cell("plain") == "plain");
  CHECK(report::csv_cell("a,b") == "\"a,b\"");
  CHECK(report::csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(report::csv_cell("=1+1") == "'=1+1");
  CHECK(report::csv_cell("+1") == "'+1");
  CHECK(report::csv_cell("-2+3") == "'-2+3");
  CHECK(report::csv_cell("@SUM(1)") == "'@SUM(1)");
  CHECK(report::csv_cell("\tcmd") == "'\tcmd");
  CHECK(report::csv_cell("  =1+1") == "'  =1+1");
  CHECK(report::csv_cell("\r=1") == "\\x0d=1");  // a CR is shown, not kept, so nothing can hide after it
  CHECK(report::csv_cell("a\nb") == "\"a\nb\"");
  CHECK(report::csv_cell("\x1b[2J") == "\\x1b[2J");

  const auto reports = hostile_reports();
  const std::string csv = report::to_csv(reports);
  std::string streamed = report::csv_header();
  for (const auto& r : reports) streamed += report::csv_row(r);
  CHECK(streamed == csv);
  CHECK(csv.find("\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"Click\"\")\"") != std::string::npos);

  const auto rows = parse_csv(csv);
  REQUIRE(rows.size() == reports.size() + 1);
  CHECK(rows[0] == std::vector<std::string>{"input", "kind", "verdict", "score", "vendor", "change", "final_url",
                                            "findings", "top_finding", "errors"});
  for (const auto& row : rows) {
    REQUIRE(row.size() == 10);
    for (const auto& cell : row) {
      CHECK_MESSAGE((cell.empty() || std::string_view("=+-@\t\r").find(cell[0]) == std::string_view::npos), cell);
      CHECK(cell.find('\x1b') == std::string::npos);
      CHECK(cell.find(hostile().line_sep) == std::string::npos);
    }
  }
  // The url report: the most severe finding's summary, distinct ids in order.
  CHECK(rows[1][0] == "https://zoom-download.example/" + hostile().script_title);
  CHECK(rows[1][2] == "malicious");
  CHECK(rows[1][3] == "95");
  CHECK(rows[1][5] == "new");
  CHECK(rows[1][6] == "https://zoom-download.example/get?x=" + hostile().img_member);
  CHECK(rows[1][7] == "scam.fake-alert page.brand-claim tls.untrusted yara.miner_xmrig");
  CHECK(rows[1][8] == "Scareware text in " + hostile().script_title);
  CHECK(rows[1][9] == "cloaking probe: \\x07\\x1b[2J\\x01 timeout");
  // The file report: formulas neutralised, quotes and newlines kept inside quoted cells.
  CHECK(rows[2][0] == "'" + hostile().hyperlink);
  CHECK(rows[2][4] == "'@SUM(1)");
  CHECK(rows[2][8] == "'-2+3");
  CHECK(rows[2][9] == "line one\nline two; say \"hi\", then go");
  CHECK(rows[3][0] == "zoom\\u2028-login\xEF\xBF\xBD.example");
  CHECK(rows[5][4] == "zoom");
  CHECK(rows[5][5].empty());
}

// With IMPOSTOR_HTML_OUT set, writes the report for tests/cli/test_html_report.py to open in
// headless Chromium; the reports come from IMPOSTOR_HTML_IN (JSON Lines) when set.
TEST_CASE("report format html file") {
  std::vector<json> reports;
  if (const char* in = std::getenv("IMPOSTOR_HTML_IN")) {
    std::ifstream file(in);
    REQUIRE(file);
    for (std::string line; std::getline(file, line);)
      if (line.find_first_not_of(" \t\r") != std::string::npos) reports.push_back(json::parse(line));
  } else {
    reports = hostile_reports();
  }
  REQUIRE_FALSE(reports.empty());
  const auto html = report::to_html(reports, {"impostor report: hostile test set", "2024-05-01T06:00:00Z"});
  check_inert(html);
  CHECK(count(html, "<tbody data-i=") == reports.size());
  if (const char* out = std::getenv("IMPOSTOR_HTML_OUT")) {
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    file << html;
    file.close();
    REQUIRE(file.good());
  }
}

TEST_CASE("report format jsonl: compact_json writes the bytes of dump_json(to_json()) without the tree") {
  const auto& h = hostile();
  std::vector<core::Report> reports;
  reports.emplace_back();  // empty: every section still present
  core::Report domain;
  domain.target = {core::TargetKind::domain, "ZOOM-download.com",
                   json{{"ascii", "zoom-download.com"}, {"unicode", "zoom-download.com"}, {"registrable", "x.com"}}};
  domain.verdict = core::Verdict::suspicious;
  domain.score = 70;
  domain.vendor = "zoom";
  domain.findings.push_back({"domain.combosquat", core::Severity::high, "Brand joined with a word",
                             json{{"vendor", "zoom"}, {"word", "download"}, {"distance", 0}}, "zoom-download.com"});
  reports.push_back(domain);
  core::Report odd;  // details around, before and after "input"/"kind", and keys that spell them
  odd.target = {core::TargetKind::url, "https://zoom.us@evil.example/\x01" + h.rlo + "\xFF",
                json{{"aaa", 1},
                     {"input", "shadowed"},
                     {"j", true},
                     {"kind", "shadowed"},
                     {"zzz", nullptr},
                     {"\xC3\xA9t\xC3\xA9", 2.5},
                     {"\xFF", "bad key"},
                     {"k", json::array({1, -2, "x"})}}};
  odd.verdict = core::Verdict::malicious;
  odd.score = -1;
  odd.findings.push_back({"page.scam", core::Severity::critical, h.script_title + h.line_sep,
                          json{{"quote", h.img_member}, {"nested", json{{"b", h.controls}, {"a", h.hyperlink}}}},
                          h.js_url + "\xC0"});
  odd.findings.push_back({"x", core::Severity::info, "", json(nullptr), ""});
  odd.hops = core::RenderedJson::of(json::array({json{{"url", "https://evil.example/"}, {"status", 302}}}));
  odd.page = core::RenderedJson::of(json{{"title", h.para_sep}, {"bytes", 12345678901234LL}});
  odd.artifacts = json::array({json{{"path", "a.zip!/\xFE"}, {"size", 18446744073709551615ULL}}});
  odd.errors = {"timeout", "bad \"quote\" \\ slash", std::string("nul\0byte", 8)};
  odd.elapsed_ms = 1234;
  reports.push_back(odd);
  for (const auto& r : reports) {
    const std::string direct = report::compact_json(r);
    CHECK(direct == report::dump_json(report::to_json(r), -1));
    CHECK(json::accept(direct));
  }
}
