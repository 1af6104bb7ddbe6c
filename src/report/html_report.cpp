#include "report/html_report.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <stdexcept>

#include "core/ascii_text.hpp"
#include "core/text_safety.hpp"
#include "report/json_report.hpp"

namespace impostor::report {

namespace {

using json = nlohmann::json;

// The one stylesheet and the one script; the CSP allows exactly these by hash. Neither
// contains any report data: the script reads it from the application/json block.
constexpr std::string_view kStyle = R"css(
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--soft:#151b23}}
*{box-sizing:border-box}
body{margin:0;padding:1.25rem 1.75rem;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
h1{font-size:1.45rem;margin:0 0 .2rem}
h4{margin:.9rem 0 .3rem;font-size:.95rem}
.meta,.muted,.more{color:var(--muted)}
.meta{margin:0 0 1rem}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:0 0 1rem}
.counts li{border:1px solid var(--line);border-radius:8px;padding:.4rem .9rem;min-width:7.5rem}
.counts b{display:block;font-size:1.5rem;line-height:1.2}
.controls{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;margin:0 0 .75rem}
.controls label{white-space:nowrap}
#filter{min-width:24rem;padding:.35rem .55rem;font:inherit;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:inherit}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
th,.nw{white-space:nowrap;overflow-wrap:normal}
#reports>thead th{position:sticky;top:0;background:var(--soft);z-index:1}
th button{font:inherit;font-weight:600;background:none;border:0;color:inherit;cursor:pointer;padding:0}
th[aria-sort=ascending] button::after{content:" \25B2"}
th[aria-sort=descending] button::after{content:" \25BC"}
tr.detail>td{border-bottom:2px solid var(--line);padding-top:0}
[hidden]{display:none!important}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere;white-space:pre-wrap}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:.45rem .6rem;max-height:22rem;overflow:auto;margin:.2rem 0}
details>summary{cursor:pointer;color:var(--muted)}
.box{border-left:3px solid var(--line);padding:.1rem 0 .1rem .8rem;margin:.4rem 0}
.inner td,.inner th{padding:.2rem .4rem;font-size:13px}
.inner th{background:var(--soft)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.4rem 0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
.badge{display:inline-block;padding:0 .5rem;border-radius:999px;font-size:12px;font-weight:600;border:1px solid transparent;white-space:nowrap}
.v-malicious{background:#cf222e;color:#fff}
.v-suspicious{background:#bc4c00;color:#fff}
.v-error{background:#8250df;color:#fff}
.v-unknown{background:#6e7781;color:#fff}
.v-official{background:#1a7f37;color:#fff}
.v-other{border-color:var(--line)}
.s-critical{background:#82071e;color:#fff}
.s-high{background:#cf222e;color:#fff}
.s-medium{background:#bc4c00;color:#fff}
.s-low{background:#0969da;color:#fff}
.s-info,.s-other{border-color:var(--line)}
.c-new{background:#0969da;color:#fff}
.c-changed{background:#9a6700;color:#fff}
.c-same,.c-none{border-color:var(--line);color:var(--muted)}
.ok{color:#1a7f37;font-weight:600}
.bad{color:#cf222e;font-weight:600}
.title{font-style:italic}
button.copy{font-size:11px;margin-left:.35rem;padding:0 .35rem;cursor:pointer;border:1px solid var(--line);border-radius:4px;background:var(--soft);color:inherit}
.d1{padding-left:1.3rem}.d2{padding-left:2.3rem}.d3{padding-left:3.3rem}.d4{padding-left:4.3rem}
.d5{padding-left:5.3rem}.d6{padding-left:6.3rem}.d7{padding-left:7.3rem}.d8{padding-left:8.3rem}
)css";

constexpr std::string_view kScript = R"js(
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('impostor-data').textContent);
  var table = document.getElementById('reports');
  var bodies = Array.prototype.slice.call(table.tBodies);
  var search = document.getElementById('filter');
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input.verdict-filter'));
  var onlyChanged = document.getElementById('only-changed');
  var shown = document.getElementById('shown');
  var sorters = Array.prototype.slice.call(table.tHead.querySelectorAll('button[data-sort]'));
  var state = {key: 'order', dir: 1};
  data.forEach(function (d) { d.text = String(d.text).toLowerCase(); });
  function item(body) { return data[Number(body.getAttribute('data-i'))]; }
  function sortBy(key, dir) {
    state.key = key;
    state.dir = dir;
    bodies.slice().sort(function (a, b) {
      var x = item(a), y = item(b), p = x[key], q = y[key];
      var c = typeof p === 'string' ? p.localeCompare(q) : p - q;
      return c !== 0 ? c * dir : x.order - y.order;
    }).forEach(function (b) { table.appendChild(b); });
    sorters.forEach(function (s) {
      var on = s.getAttribute('data-sort') === key;
      s.parentNode.setAttribute('aria-sort', on ? (dir > 0 ? 'ascending' : 'descending') : 'none');
    });
  }
  function apply() {
    var q = search.value.trim().toLowerCase();
    var allowed = {};
    boxes.forEach(function (b) { allowed[b.value] = b.checked; });
    var n = 0;
    bodies.forEach(function (b) {
      var d = item(b);
      var ok = allowed[d.v] !== false && (!onlyChanged.checked || d.fresh) && (q === '' || d.text.indexOf(q) !== -1);
      b.hidden = !ok;
      if (ok) n += 1;
    });
    shown.textContent = 'Showing ' + n + ' of ' + bodies.length;
  }
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  function expand(open) {
    bodies.forEach(function (b) {
      if (b.hidden) return;
      Array.prototype.forEach.call(b.querySelectorAll('details.report'), function (d) { d.open = open; });
    });
  }
  document.addEventListener('click', function (e) {
    var t = e.target;
    if (!(t instanceof HTMLButtonElement)) return;
    if (t.classList.contains('copy')) {
      var src = t.previousElementSibling;
      if (!src) return;
      var done = function () {
        t.textContent = 'copied';
        setTimeout(function () { t.textContent = 'copy'; }, 1200);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(src.textContent).then(done, function () { select(src); });
      } else {
        select(src);
      }
    } else if (t.hasAttribute('data-sort')) {
      var key = t.getAttribute('data-sort');
      sortBy(key, state.key === key ? -state.dir : Number(t.getAttribute('data-dir')));
    } else if (t.id === 'expand' || t.id === 'collapse') {
      expand(t.id === 'expand');
    }
  });
  search.addEventListener('input', apply);
  onlyChanged.addEventListener('change', apply);
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  var params = new URLSearchParams(location.hash.replace(/^#/, ''));
  if (params.has('q')) search.value = params.get('q');
  if (params.has('verdict')) {
    var want = params.get('verdict').split(',');
    boxes.forEach(function (b) { b.checked = want.indexOf(b.value) !== -1; });
  }
  if (params.get('changed') === '1') onlyChanged.checked = true;
  var key = params.get('sort');
  if (key && sorters.some(function (s) { return s.getAttribute('data-sort') === key; })) {
    sortBy(key, params.get('dir') === 'desc' ? -1 : 1);
  }
  apply();
  if (params.get('open') === '1') expand(true);
  document.documentElement.setAttribute('data-script', 'ran');
})();
)js";

constexpr std::array<std::string_view, 5> kVerdicts = {"malicious", "suspicious", "error", "unknown", "official"};
constexpr std::array<std::string_view, 5> kSeverities = {"critical", "high", "medium", "low", "info"};
constexpr std::array<std::string_view, 3> kChanges = {"new", "changed", "same"};
constexpr size_t kMaxDnsNames = 100;
constexpr size_t kMaxHeaders = 200;
constexpr size_t kMaxSearchBytes = size_t{16} * 1024;

const json& array_at(const json& j, const char* key) {
  static const json kEmpty = json::array();
  const json& v = json_field(j, key);
  return v.is_array() ? v : kEmpty;
}

template <size_t N>
size_t rank_in(const std::array<std::string_view, N>& list, std::string_view value) {
  const auto it = std::find(list.begin(), list.end(), value);
  return static_cast<size_t>(it - list.begin());  // N when absent
}

// The CSS class suffix for a value from a known list; attacker text never becomes a class.
template <size_t N>
std::string_view known_or_other(const std::array<std::string_view, N>& list, const json& value) {
  const std::string s = text_of(value);
  const size_t r = rank_in(list, s);
  return r < N ? list[r] : std::string_view("other");
}

// The largest UTF-8 boundary at or below `max`.
size_t utf8_cut(std::string_view s, size_t max) {
  if (s.size() <= max) return s.size();
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

// Appends attacker text as escaped, bounded element content.
void put(std::string& out, std::string_view raw, size_t max, bool keep_newlines = false) {
  const std::string shown = display_text(raw, keep_newlines);
  const size_t cut = utf8_cut(shown, max);
  out += escape_html(std::string_view(shown).substr(0, cut));
  if (cut < shown.size())
    out += "<span class=\"more\">\xE2\x80\xA6 (" + std::to_string(shown.size() - cut) + " more bytes)</span>";
}

void put_json(std::string& out, const json& v, const HtmlReportOptions& o) {
  out += "<pre>";
  put(out, dump_json(v, 2), o.max_evidence_bytes, true);
  out += "</pre>";
}

// A URL (or path) as text with a copy button: never a link.
void put_url(std::string& out, std::string_view url, const HtmlReportOptions& o) {
  out += "<code class=\"url\">";
  put(out, url, o.max_text_bytes);
  out += "</code><button type=\"button\" class=\"copy\" title=\"Copy the text\">copy</button>";
}

void badge(std::string& out, std::string_view cls, std::string_view label, const HtmlReportOptions& o) {
  out += "<span class=\"badge ";
  out += cls;  // always from a fixed list
  out += "\">";
  put(out, label, o.max_text_bytes);
  out += "</span>";
}

void fact(std::string& out, std::string_view name, const json& value, const HtmlReportOptions& o) {
  if (value.is_null()) return;
  out += "<dt>";
  put(out, name, o.max_text_bytes);
  out += "</dt><dd>";
  if (value.is_string()) {
    out += "<code>";
    put(out, value.get<std::string>(), o.max_text_bytes);
    out += "</code>";
  } else {
    put(out, dump_json(value, -1), o.max_text_bytes);
  }
  out += "</dd>";
}

std::string severity_of(const json& finding) { return text_of(json_field(finding, "severity")); }

// Findings in order of severity, most severe first; the sort is stable.
std::vector<const json*> findings_by_severity(const json& report) {
  std::vector<const json*> out;
  for (const auto& f : array_at(report, "findings")) out.push_back(&f);
  std::stable_sort(out.begin(), out.end(), [](const json* a, const json* b) {
    return rank_in(kSeverities, severity_of(*a)) < rank_in(kSeverities, severity_of(*b));
  });
  return out;
}

void render_certificate(std::string& out, const json& cert, size_t index, const HtmlReportOptions& o) {
  out += "<tr><td>" + std::to_string(index) + "</td><td><code>";
  put(out, text_of(json_field(cert, "subject")), o.max_text_bytes);
  out += "</code></td><td><code>";
  put(out, text_of(json_field(cert, "issuer")), o.max_text_bytes);
  out += "</code></td><td>";
  put(out, text_of(json_field(cert, "not_before")), o.max_text_bytes);
  out += " \xE2\x86\x92 ";
  put(out, text_of(json_field(cert, "not_after")), o.max_text_bytes);
  if (!json_field(cert, "age_days").is_null()) {
    out += "<br><span class=\"muted\">age ";
    put(out, text_of(json_field(cert, "age_days")), o.max_text_bytes);
    out += " days</span>";
  }
  if (json_field(cert, "self_issued") == true) out += "<br><span class=\"bad\">self-issued</span>";
  out += "</td><td>";
  const json& names = array_at(cert, "dns_names");
  for (size_t i = 0; i < names.size() && i < kMaxDnsNames; ++i) {
    if (i > 0) out += ", ";
    out += "<code>";
    put(out, text_of(names[i]), o.max_text_bytes);
    out += "</code>";
  }
  if (names.size() > kMaxDnsNames)
    out += " <span class=\"more\">+" + std::to_string(names.size() - kMaxDnsNames) + " more</span>";
  out += "</td><td class=\"nw\">";
  const json& key = json_field(cert, "key");
  put(out, text_of(json_field(key, "type")), o.max_text_bytes);
  if (!json_field(key, "bits").is_null()) {
    out += " ";
    put(out, text_of(json_field(key, "bits")), o.max_text_bytes);
  }
  out += "</td><td><code>";
  put(out, text_of(json_field(cert, "sha256")), o.max_text_bytes);
  out += "</code></td></tr>";
}

void render_hop(std::string& out, const json& hop, const HtmlReportOptions& o) {
  out += "<li><div>";
  badge(out, "s-other", text_of(json_field(hop, "status")).empty() ? "-" : text_of(json_field(hop, "status")), o);
  out += " ";
  put(out, text_of(json_field(hop, "method")), o.max_text_bytes);
  out += " ";
  put_url(out, text_of(json_field(hop, "url")), o);
  out += "</div><div class=\"muted\">";
  const std::string ip = text_of(json_field(hop, "ip"));
  if (!ip.empty()) {
    out += "address <code>";
    put(out, ip + ":" + text_of(json_field(hop, "port")), o.max_text_bytes);
    out += "</code>";
  }
  if (!json_field(hop, "http_version").is_null()) {
    out += " \xC2\xB7 HTTP ";
    put(out, text_of(json_field(hop, "http_version")), o.max_text_bytes);
  }
  const json& timings = json_field(hop, "timings_ms");
  if (timings.is_object() && !timings.empty()) {
    out += " \xC2\xB7 ms:";
    for (const auto& [name, value] : timings.items()) {
      out += " ";
      put(out, name + " " + text_of(value), o.max_text_bytes);
    }
  }
  out += "</div>";
  if (!json_field(hop, "error").is_null()) {
    out += "<div class=\"bad\">error: ";
    put(out, text_of(json_field(hop, "error")), o.max_text_bytes);
    out += "</div>";
  }
  const json& refused = json_field(hop, "refused");
  if (!refused.is_null()) {
    out += "<div class=\"bad\">refused: address ";
    put(out, text_of(json_field(refused, "address")), o.max_text_bytes);
    out += " is in ";
    put(out, text_of(json_field(refused, "range")), o.max_text_bytes);
    out += "</div>";
  }
  const json& tls = json_field(hop, "tls");
  if (tls.is_object()) {
    out += "<div>TLS ";
    put(out, text_of(json_field(tls, "version")), o.max_text_bytes);
    for (const char* key : {"cipher", "alpn"}) {
      if (text_of(json_field(tls, key)).empty()) continue;
      out += " \xC2\xB7 ";
      put(out, text_of(json_field(tls, key)), o.max_text_bytes);
    }
    if (json_field(tls, "verified") == true) {
      out += " \xC2\xB7 <span class=\"ok\">certificate verified</span>";
    } else {
      out += " \xC2\xB7 <span class=\"bad\">NOT verified: ";
      put(out, text_of(json_field(tls, "verify_error")), o.max_text_bytes);
      out += "</span>";
    }
    out += "</div>";
    const json& chain = array_at(tls, "chain");
    if (!chain.empty()) {
      out +=
          "<table class=\"inner certs\"><thead><tr><th>#</th><th>Subject</th><th>Issuer</th><th>Valid</th>"
          "<th>Names</th><th>Key</th><th>SHA-256</th></tr></thead><tbody>";
      for (size_t i = 0; i < chain.size(); ++i) render_certificate(out, chain[i], i, o);
      out += "</tbody></table>";
    }
  }
  const json& headers = json_field(hop, "headers");
  if (headers.is_object() && !headers.empty()) {
    out += "<details><summary>" + std::to_string(headers.size()) +
           " response headers</summary><table class=\"inner\"><tbody>";
    size_t n = 0;
    for (const auto& [name, value] : headers.items()) {
      if (n++ == kMaxHeaders) break;
      out += "<tr><th><code>";
      put(out, name, o.max_text_bytes);
      out += "</code></th><td><code>";
      put(out, text_of(value), o.max_text_bytes);
      out += "</code></td></tr>";
    }
    out += "</tbody></table>";
    if (headers.size() > kMaxHeaders)
      out += "<p class=\"more\">" + std::to_string(headers.size() - kMaxHeaders) + " more not shown</p>";
    out += "</details>";
  }
  out += "</li>";
}

void render_findings(std::string& out, const json& report, const HtmlReportOptions& o) {
  const auto findings = findings_by_severity(report);
  if (findings.empty()) return;
  out += "<h4>Findings (" + std::to_string(findings.size()) +
         ")</h4><table class=\"inner\"><thead><tr><th>Severity</th><th>Id</th><th>Summary</th>"
         "<th>Location</th><th>Evidence</th></tr></thead><tbody>";
  for (size_t i = 0; i < findings.size() && i < o.max_findings; ++i) {
    const json& f = *findings[i];
    out += "<tr><td>";
    badge(out, std::string("s-").append(known_or_other(kSeverities, json_field(f, "severity"))), severity_of(f), o);
    out += "</td><td class=\"nw\"><code>";
    put(out, text_of(json_field(f, "id")), o.max_text_bytes);
    out += "</code></td><td>";
    put(out, text_of(json_field(f, "summary")), o.max_text_bytes);
    out += "</td><td><code>";
    put(out, text_of(json_field(f, "location")), o.max_text_bytes);
    out += "</code></td><td>";
    const json& evidence = json_field(f, "evidence");
    if (!evidence.is_null() && !(evidence.is_structured() && evidence.empty())) put_json(out, evidence, o);
    out += "</td></tr>";
  }
  out += "</tbody></table>";
  if (findings.size() > o.max_findings)
    out += "<p class=\"more\">" + std::to_string(findings.size() - o.max_findings) +
           " more findings not shown (the JSON report has them all)</p>";
}

// Member rows share one budget per report, so a 100,000-member archive stays readable.
void render_members(std::string& out, const json& members, size_t& budget, size_t& hidden, const HtmlReportOptions& o) {
  std::string rows;
  for (const auto& m : members) {
    if (budget == 0) {
      ++hidden;
      continue;
    }
    --budget;
    const json& depth_value = json_field(m, "depth");
    const int64_t depth = depth_value.is_number_integer() ? depth_value.get<int64_t>() : 0;
    rows += "<tr><td class=\"d" + std::to_string(std::clamp<int64_t>(depth, 0, 8)) + "\"><code>";
    put(rows, text_of(json_field(m, "path")), o.max_text_bytes);
    rows += "</code></td><td class=\"nw\">";
    put(rows, text_of(json_field(m, "type")), o.max_text_bytes);
    rows += "</td><td class=\"nw\">";
    put(rows, text_of(json_field(m, "size")), o.max_text_bytes);
    rows += "</td><td><code>";
    put(rows, text_of(json_field(m, "sha256")), o.max_text_bytes);
    rows += "</code></td><td>";
    const json& ids = array_at(m, "findings");
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i > 0) rows += " ";
      rows += "<code>";
      put(rows, text_of(ids[i]), o.max_text_bytes);
      rows += "</code>";
    }
    rows += "</td></tr>";
  }
  if (rows.empty()) return;
  out +=
      "<table class=\"inner members\"><thead><tr><th>Member</th><th>Type</th><th>Size</th><th>SHA-256</th>"
      "<th>Findings</th></tr></thead><tbody>";
  out += rows;
  out += "</tbody></table>";
}

void render_artifacts(std::string& out, const json& report, const HtmlReportOptions& o) {
  const json& artifacts = array_at(report, "artifacts");
  if (artifacts.empty()) return;
  size_t budget = o.max_members;
  size_t hidden = 0;
  json loose = json::array();  // members of a `file` report: the artifacts themselves
  for (const auto& a : artifacts) {
    if (text_of(json_field(a, "kind")) != "download") {
      loose.push_back(a);
      continue;
    }
    out += "<h4>Download</h4><div class=\"box\"><dl class=\"facts\"><dt>link</dt><dd>";
    put_url(out, text_of(json_field(a, "url")), o);
    out += "</dd>";
    if (!json_field(a, "final_url").is_null() && json_field(a, "final_url") != json_field(a, "url")) {
      out += "<dt>final URL</dt><dd>";
      put_url(out, text_of(json_field(a, "final_url")), o);
      out += "</dd>";
    }
    for (const char* key : {"size", "type", "sha256", "found_at", "members", "findings", "error"})
      fact(out, key, json_field(a, key), o);
    out += "</dl>";
    render_members(out, array_at(a, "member_list"), budget, hidden, o);
    out += "</div>";
  }
  if (!loose.empty()) {
    out += "<h4>Files (" + std::to_string(loose.size()) + ")</h4>";
    render_members(out, loose, budget, hidden, o);
  }
  if (hidden > 0)
    out += "<p class=\"more\">" + std::to_string(hidden) +
           " more members not shown (the JSON report lists every member)</p>";
}

void render_page(std::string& out, const json& page, const HtmlReportOptions& o) {
  if (!page.is_object() || page.empty()) return;
  out += "<h4>Page</h4><dl class=\"facts\">";
  for (const char* key : {"title", "og_site_name", "lang", "url"}) fact(out, key, json_field(page, key), o);
  for (const char* key : {"downloads", "brands", "links"})
    if (json_field(page, key).is_array()) fact(out, key, json(json_field(page, key).size()), o);
  out += "</dl><details><summary>page analysis</summary>";
  put_json(out, page, o);
  out += "</details>";
}

void render_details(std::string& out, const json& report, const HtmlReportOptions& o) {
  const json& target = json_field(report, "target");
  out += "<dl class=\"facts\">";
  if (target.is_object())
    for (const auto& [key, value] : target.items())
      if (key != "input") fact(out, key, value, o);
  for (const char* key : {"vendor", "score", "elapsed_ms"}) fact(out, key, json_field(report, key), o);
  out += "</dl>";
  const json& errors = array_at(report, "errors");
  if (!errors.empty()) {
    out += "<h4>Errors</h4><ul class=\"bad\">";
    for (const auto& e : errors) {
      out += "<li>";
      put(out, text_of(e), o.max_text_bytes);
      out += "</li>";
    }
    out += "</ul>";
  }
  const json& hops = array_at(report, "hops");
  if (!hops.empty()) {
    out += "<h4>Redirect chain (" + std::to_string(hops.size()) + " hops)</h4><ol class=\"hops\">";
    for (const auto& h : hops) render_hop(out, h, o);
    out += "</ol>";
  }
  render_findings(out, report, o);
  render_page(out, json_field(report, "page"), o);
  render_artifacts(out, report, o);
}

std::string counted(size_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

struct Row {
  const json* report;
  size_t verdict_rank;
  size_t change_rank;
  int64_t score;
  std::string input;
};

int64_t score_of(const json& report) {
  const json& s = json_field(report, "score");
  return s.is_number() ? s.get<int64_t>() : 0;
}

// The visible row and its details, as one <tbody> the script can move as a unit.
void render_report(std::string& out, const Row& row, size_t position, const HtmlReportOptions& o) {
  const json& r = *row.report;
  const json& target = json_field(r, "target");
  const std::string_view vclass = known_or_other(kVerdicts, json_field(r, "verdict"));
  const std::string change = text_of(json_field(target, "change"));
  const std::string_view cclass = known_or_other(kChanges, json_field(target, "change"));
  const auto findings = findings_by_severity(r);
  const size_t files = array_at(r, "artifacts").size();

  out += "<tbody data-i=\"" + std::to_string(position) + "\"><tr class=\"row\"><td>" + std::to_string(position + 1) +
         "</td><td>";
  badge(out, std::string("c-").append(cclass == "other" ? "none" : cclass), change.empty() ? "-" : change, o);
  out += "</td><td>";
  badge(out, std::string("v-").append(vclass), text_of(json_field(r, "verdict")), o);
  out += "</td><td>" + std::to_string(row.score) + "</td><td><span class=\"muted\">";
  put(out, text_of(json_field(target, "kind")), o.max_text_bytes);
  out += "</span> ";
  put_url(out, row.input, o);
  const std::string final_url = text_of(json_field(target, "final_url"));
  if (!final_url.empty() && final_url != row.input) {
    out += "<br><span class=\"muted\">\xE2\x86\x92</span> ";
    put_url(out, final_url, o);
  }
  const std::string title = text_of(json_field(json_field(r, "page"), "title"));
  if (!title.empty()) {
    out += "<br><span class=\"title\">";
    put(out, title, 300);
    out += "</span>";
  }
  out += "</td><td>";
  put(out, text_of(json_field(r, "vendor")), o.max_text_bytes);
  out += "</td><td>";
  std::vector<std::string> ids;
  for (const json* f : findings) {
    const std::string id = text_of(json_field(*f, "id"));
    if (std::find(ids.begin(), ids.end(), id) != ids.end()) continue;
    ids.push_back(id);
    if (ids.size() <= 3) {
      badge(out, std::string("s-").append(known_or_other(kSeverities, json_field(*f, "severity"))), id, o);
      out += " ";
    }
  }
  if (ids.size() > 3) out += "<span class=\"more\">+" + std::to_string(ids.size() - 3) + " more</span>";
  const json& errors = array_at(r, "errors");
  if (!errors.empty()) {
    out += "<div class=\"bad\">";
    put(out, text_of(errors[0]), 300);
    out += "</div>";
  }
  out += "</td><td>" + std::to_string(files) + "</td></tr>";
  out += "<tr class=\"detail\"><td></td><td colspan=\"7\"><details class=\"report\"><summary>" +
         counted(array_at(r, "hops").size(), "hop") + ", " + counted(findings.size(), "finding") + ", " +
         counted(files, "file") + "</summary>";
  render_details(out, r, o);
  out += "</details></td></tr></tbody>\n";
}

// What the script sorts and filters on; strings here are escaped by json_for_script.
json row_data(const Row& row, size_t position) {
  const json& r = *row.report;
  const json& target = json_field(r, "target");
  const auto findings = findings_by_severity(r);
  std::string text = row.input;
  const auto add = [&text](const std::string& s) {
    if (!s.empty() && text.size() < kMaxSearchBytes) text += "\n" + s;
  };
  for (const char* key : {"final_url", "url", "query", "source", "change", "kind"})
    add(text_of(json_field(target, key)));
  add(text_of(json_field(r, "verdict")));
  add(text_of(json_field(r, "vendor")));
  add(text_of(json_field(json_field(r, "page"), "title")));
  for (const json* f : findings) {
    add(text_of(json_field(*f, "id")));
    add(text_of(json_field(*f, "summary")));
  }
  for (const auto& e : array_at(r, "errors")) add(text_of(e));
  for (const auto& a : array_at(r, "artifacts")) {
    add(text_of(json_field(a, "url")));
    add(text_of(json_field(a, "path")));
    add(text_of(json_field(a, "sha256")));
  }
  text = display_text(std::string_view(text).substr(0, utf8_cut(text, kMaxSearchBytes)), true);

  json d = json::object();
  d["order"] = position;
  d["change"] = row.change_rank;
  d["verdict"] = row.verdict_rank;
  d["score"] = row.score;
  d["target"] = core::ascii_lower(display_text(row.input.substr(0, utf8_cut(row.input, 512))));
  d["vendor"] = core::ascii_lower(display_text(text_of(json_field(r, "vendor"))));
  d["findings"] = findings.empty() ? 0
                                   : 100 * (kSeverities.size() - rank_in(kSeverities, severity_of(*findings[0]))) +
                                         std::min<size_t>(findings.size(), 99);
  d["files"] = array_at(r, "artifacts").size();
  d["v"] = known_or_other(kVerdicts, json_field(r, "verdict"));
  d["fresh"] = row.change_rank < 2;
  d["text"] = std::move(text);
  return d;
}

}  // namespace

std::string display_text(std::string_view text, bool keep_newlines) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string valid = core::to_valid_utf8(text);
  std::string out;
  out.reserve(valid.size());
  const auto escape = [&out](const char* prefix, uint32_t cp, int digits) {
    out += prefix;
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xF];
  };
  for (size_t i = 0; i < valid.size();) {
    const auto b0 = static_cast<uint8_t>(valid[i]);
    const size_t n = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;  // valid UTF-8 here
    uint32_t cp = n == 1 ? b0 : n == 2 ? b0 & 0x1Fu : n == 3 ? b0 & 0x0Fu : b0 & 0x07u;
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<uint8_t>(valid[i + k]) & 0x3Fu);
    const bool control = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
    const bool invisible = cp == 0xAD || cp == 0x61C || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
                           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF ||
                           (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xE0000 && cp <= 0xE007F);
    if (keep_newlines && (cp == '\n' || cp == '\t')) {
      out += static_cast<char>(cp);
    } else if (cp < 0x80 && control) {
      escape("\\x", cp, 2);
    } else if (control || invisible) {
      if (cp > 0xFFFF)
        escape("\\U", cp, 8);
      else
        escape("\\u", cp, 4);
    } else {
      out.append(valid, i, n);
    }
    i += n;
  }
  return out;
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string json_for_script(const nlohmann::json& value) {
  const std::string raw = dump_json(value, -1);
  std::string out;
  out.reserve(raw.size() + raw.size() / 16);
  // These characters occur only inside JSON strings, where \uXXXX means the same thing.
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < raw.size() && raw[i + 1] == '\x80' &&
               (raw[i + 2] == '\xA8' || raw[i + 2] == '\xA9')) {
      out += raw[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string csp_source_hash(std::string_view content) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(content.data(), content.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> base64{};
  const int n = EVP_EncodeBlock(base64.data(), digest.data(), static_cast<int>(length));
  return "sha256-" + std::string(reinterpret_cast<const char*>(base64.data()), static_cast<size_t>(n));
}

std::string to_html(const std::vector<nlohmann::json>& reports, const HtmlReportOptions& options) {
  // New and changed first, then by how alarming the verdict is, then by score.
  std::vector<Row> rows;
  rows.reserve(reports.size());
  for (const auto& r : reports) {
    rows.push_back({&r, rank_in(kVerdicts, text_of(json_field(r, "verdict"))),
                    rank_in(kChanges, text_of(json_field(json_field(r, "target"), "change"))), score_of(r),
                    text_of(json_field(json_field(r, "target"), "input"))});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    const bool fresh_a = a.change_rank < 2;
    const bool fresh_b = b.change_rank < 2;
    if (fresh_a != fresh_b) return fresh_a;
    if (a.verdict_rank != b.verdict_rank) return a.verdict_rank < b.verdict_rank;
    if (a.change_rank != b.change_rank) return a.change_rank < b.change_rank;
    return a.score > b.score;
  });

  std::array<size_t, kVerdicts.size() + 1> counts{};
  size_t fresh_new = 0;
  size_t fresh_changed = 0;
  for (const auto& row : rows) {
    ++counts[row.verdict_rank];
    fresh_new += row.change_rank == 0 ? 1 : 0;
    fresh_changed += row.change_rank == 1 ? 1 : 0;
  }

  std::string out;
  out.reserve(4096 + reports.size() * 4096);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src '" +
         csp_source_hash(kScript) + "'; style-src '" + csp_source_hash(kStyle) +
         "'; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  put(out, options.title, options.max_text_bytes);
  out += "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<header><h1>";
  put(out, options.title, options.max_text_bytes);
  out += "</h1><p class=\"meta\">" + std::to_string(rows.size()) + (rows.size() == 1 ? " target" : " targets");
  if (!options.generated_at.empty()) {
    out += " \xC2\xB7 generated ";
    put(out, options.generated_at, options.max_text_bytes);
  }
  out += " \xC2\xB7 impostor</p></header>\n<ul class=\"counts\" id=\"counts\">";
  for (size_t v = 0; v <= kVerdicts.size(); ++v) {
    if (v == kVerdicts.size() && counts[v] == 0) continue;  // "other" only when present
    const std::string_view name = v < kVerdicts.size() ? kVerdicts[v] : "other";
    out += "<li id=\"count-";
    out += name;
    out += "\"><b>" + std::to_string(counts[v]) + "</b> ";
    badge(out, std::string("v-").append(name), name, options);
    out += "</li>";
  }
  out += "<li id=\"count-new\"><b>" + std::to_string(fresh_new) + "</b> ";
  badge(out, "c-new", "new", options);
  out += "</li><li id=\"count-changed\"><b>" + std::to_string(fresh_changed) + "</b> ";
  badge(out, "c-changed", "changed", options);
  out += "</li></ul>\n";

  out +=
      "<div class=\"controls\"><input type=\"search\" id=\"filter\" placeholder=\"Filter: URL, vendor, finding, "
      "hash\xE2\x80\xA6\" aria-label=\"Filter\" autocomplete=\"off\">";
  for (size_t v = 0; v <= kVerdicts.size(); ++v) {
    if (counts[v] == 0) continue;
    const std::string_view name = v < kVerdicts.size() ? kVerdicts[v] : "other";
    out += "<label><input type=\"checkbox\" class=\"verdict-filter\" value=\"";
    out += name;
    out += "\" checked> ";
    out += name;
    out += " (" + std::to_string(counts[v]) + ")</label>";
  }
  out +=
      "<label><input type=\"checkbox\" id=\"only-changed\"> only new and changed</label>"
      "<button type=\"button\" id=\"expand\">expand all</button><button type=\"button\" id=\"collapse\">collapse "
      "all</button><span id=\"shown\" class=\"muted\"></span></div>\n";

  out +=
      "<table id=\"reports\"><thead><tr>"
      "<th aria-sort=\"ascending\"><button type=\"button\" data-sort=\"order\" data-dir=\"1\">#</button></th>"
      "<th aria-sort=\"none\"><button type=\"button\" data-sort=\"change\" data-dir=\"1\">Change</button></th>"
      "<th aria-sort=\"none\"><button type=\"button\" data-sort=\"verdict\" data-dir=\"1\">Verdict</button></th>"
      "<th aria-sort=\"none\"><button type=\"button\" data-sort=\"score\" data-dir=\"-1\">Score</button></th>"
      "<th aria-sort=\"none\"><button type=\"button\" data-sort=\"target\" data-dir=\"1\">Target</button></th>"
      "<th aria-sort=\"none\"><button type=\"button\" data-sort=\"vendor\" data-dir=\"1\">Vendor</button></th>"
      "<th aria-sort=\"none\"><button type=\"button\" data-sort=\"findings\" data-dir=\"-1\">Findings</button></th>"
      "<th aria-sort=\"none\"><button type=\"button\" data-sort=\"files\" data-dir=\"-1\">Files</button></th>"
      "</tr></thead>\n";
  json data = json::array();
  for (size_t p = 0; p < rows.size(); ++p) {
    render_report(out, rows[p], p, options);
    data.push_back(row_data(rows[p], p));
  }
  out += "</table>\n";
  if (rows.empty()) out += "<p class=\"muted\">No reports.</p>\n";
  out += "<script type=\"application/json\" id=\"impostor-data\">";
  out += json_for_script(data);
  out += "</script>\n<script>";
  out += kScript;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace impostor::report
