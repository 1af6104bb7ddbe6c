#include "page/scam_markers.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "core/text_safety.hpp"
#include "page/phone_numbers.hpp"
#include "page/text_util.hpp"

namespace impostor::page {

namespace {

using nlohmann::json;

constexpr size_t kPhoneContextBytes = 300;
constexpr size_t kMaxPhonesPerSource = 50;
constexpr size_t kLoopLookBehind = 300;

constexpr std::string_view kMicrosoftJa =
    "\xE3\x83\x9E\xE3\x82\xA4\xE3\x82\xAF\xE3\x83\xAD\xE3\x82\xBD\xE3\x83\x95\xE3\x83\x88";  // マイクロソフト

constexpr auto kAlarmWords = std::to_array<std::string_view>({
    "virus",
    "viruses",
    "infected",
    "infection",
    "malware",
    "spyware",
    "trojan",
    "hacked",
    "hacker",
    "hackers",
    "blocked",
    "locked",
    "suspended",
    "compromised",
    "security alert",
    "critical alert",
    "warning",
    "threat",
    "threats",
    "do not close",
    "do not restart",
    "do not shut",
    "pornographic",
    "identity theft",
    "data breach",
    "unauthorized",
    "\xE3\x82\xA6\xE3\x82\xA4\xE3\x83\xAB\xE3\x82\xB9",                          // ウイルス
    "\xE6\x84\x9F\xE6\x9F\x93",                                                  // 感染
    "\xE8\xAD\xA6\xE5\x91\x8A",                                                  // 警告
    "\xE3\x83\x96\xE3\x83\xAD\xE3\x83\x83\xE3\x82\xAF",                          // ブロック
    "\xE5\x8D\xB1\xE9\x99\xBA",                                                  // 危険
    "\xE3\x83\x88\xE3\x83\xAD\xE3\x82\xA4",                                      // トロイ
    "\xE3\x83\x8F\xE3\x83\x83\xE3\x82\xAD\xE3\x83\xB3\xE3\x82\xB0",              // ハッキング
    "\xE4\xB8\x8D\xE6\xAD\xA3\xE3\x82\xA2\xE3\x82\xAF\xE3\x82\xBB\xE3\x82\xB9",  // 不正アクセス
});

constexpr auto kContactWords = std::to_array<std::string_view>({
    "call",
    "contact",
    "support",
    "helpline",
    "hotline",
    "technician",
    "toll free",
    "toll-free",
    "tech support",
    "help desk",
    "helpdesk",
    "microsoft",
    "windows",
    "apple",
    "\xE9\x9B\xBB\xE8\xA9\xB1",                          // 電話
    "\xE3\x82\xB5\xE3\x83\x9D\xE3\x83\xBC\xE3\x83\x88",  // サポート
    "\xE9\x80\xA3\xE7\xB5\xA1",                          // 連絡
    "\xE7\xAA\x93\xE5\x8F\xA3",                          // 窓口
    "\xE6\x8A\x80\xE8\xA1\x93\xE8\x80\x85",              // 技術者
    kMicrosoftJa,
});

// Names of the screens scam pages imitate.
constexpr auto kSystemProducts = std::to_array<std::string_view>({
    "windows defender",
    "microsoft defender",
    "windows security",
    "security center",
    "defender security",
    "windows firewall",
    "apple security",
    "macos security",
    "microsoft support",
    "windows support",
    "mcafee",
    "norton",
    "windows",
    "microsoft",
    "windows \xE3\x82\xBB\xE3\x82\xAD\xE3\x83\xA5\xE3\x83\xAA\xE3\x83\x86\xE3\x82\xA3",  // Windows セキュリティ
    "\xE3\x83\x87\xE3\x82\xA3\xE3\x83\x95\xE3\x82\xA7\xE3\x83\xB3\xE3\x83\x80\xE3\x83\xBC",  // ディフェンダー
    kMicrosoftJa,
});

constexpr auto kScanPhrases = std::to_array<std::string_view>({
    "scan results",
    "quick scan",
    "full scan",
    "system scan",
    "scanning",
    "threats found",
    "threats detected",
    "threat detected",
    "virus detected",
    "viruses detected",
    "infected files",
    "trojan",
    "spyware",
    "malware detected",
    "is infected",
    "remove threats",
    "clean now",
    "license expired",
    "subscription expired",
    "error code",
    "0x80",
    "registry keys",
    "\xE3\x82\xB9\xE3\x82\xAD\xE3\x83\xA3\xE3\x83\xB3",                          // スキャン
    "\xE3\x83\x88\xE3\x83\xAD\xE3\x82\xA4\xE3\x81\xAE\xE6\x9C\xA8\xE9\xA6\xAC",  // トロイの木馬
    "\xE3\x82\xB9\xE3\x83\x91\xE3\x82\xA4\xE3\x82\xA6\xE3\x82\xA7\xE3\x82\xA2",  // スパイウェア
    "\xE8\x84\x85\xE5\xA8\x81",                                                  // 脅威
    "\xE6\xA4\x9C\xE5\x87\xBA",                                                  // 検出
});

constexpr auto kGeoEndpoints = std::to_array<std::string_view>({"ipapi.co",         "ip-api.com",
                                                                "ipapi.com",        "ipinfo.io",
                                                                "ipify.org",        "geolocation-db.com",
                                                                "freegeoip",        "extreme-ip-lookup.com",
                                                                "ipgeolocation.io", "ipwho.is",
                                                                "db-ip.com",        "geojs.io",
                                                                "ipdata.co",        "geoiplookup",
                                                                "ipwhois.app",      "ipwhois.io",
                                                                "geoplugin.net",    "ipregistry.co",
                                                                "ip2location",      "iplocation.net",
                                                                "/geoip",           "geoip."});

constexpr auto kShownBack = std::to_array<std::string_view>({
    "your ip", "ip address:", "your location", "your isp", "your city", "your internet provider",
    "ip\xE3\x82\xA2\xE3\x83\x89\xE3\x83\xAC\xE3\x82\xB9",  // ipアドレス
    "\xE3\x81\x8A\xE4\xBD\x8F\xE3\x81\xBE\xE3\x81\x84",    // お住まい
});

// One place where a marker was seen.
struct Source {
  std::string_view text;
  std::string lowered;
  std::string location;
  bool visible = false;  // PageContent::visible_text: locations come from the text anchors
  bool code = false;     // JavaScript
};

template <size_t N>
std::vector<std::string> words_in(std::string_view lowered, const std::array<std::string_view, N>& words) {
  std::vector<std::string> found;
  for (auto w : words)
    if (text::find_word(lowered, w) != std::string::npos) found.emplace_back(w);
  return found;
}

std::string locate(const PageContent& content, const Source& src, size_t pos) {
  if (!src.visible) return src.location;
  const TextAnchor* best = nullptr;
  for (const auto& a : content.text_anchors) {
    if (a.offset > pos) break;
    best = &a;
  }
  return best != nullptr ? best->location : src.location;
}

// Collects instances of one finding: all counted, the first few quoted.
class Evidence {
 public:
  explicit Evidence(size_t max) : max_(max) {}
  void add(json instance, const std::string& location) {
    if (count_ == 0) first_location_ = location;
    ++count_;
    if (instances_.size() < max_) {
      instance["location"] = core::to_valid_utf8(location);
      instances_.push_back(std::move(instance));
    }
  }
  size_t count() const { return count_; }
  const std::string& first_location() const { return first_location_; }
  json to_json() const {
    json j = json::object();
    j["count"] = count_;
    j["instances"] = instances_;
    if (count_ > instances_.size()) j["instances_not_quoted"] = count_ - instances_.size();
    return j;
  }

 private:
  size_t max_;
  size_t count_ = 0;
  json instances_ = json::array();
  std::string first_location_;
};

bool in_loop_context(std::string_view code, size_t at) {
  const size_t from = at > kLoopLookBehind ? at - kLoopLookBehind : 0;
  const std::string_view before = code.substr(from, at - from);
  return before.find("setInterval") != std::string_view::npos || before.find("while") != std::string_view::npos ||
         before.find("for(") != std::string_view::npos || before.find("for (") != std::string_view::npos;
}

size_t count_of(std::string_view s, std::string_view needle) {
  size_t n = 0;
  for (size_t at = s.find(needle); at != std::string_view::npos; at = s.find(needle, at + needle.size())) ++n;
  return n;
}

std::string without_space(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (!text::is_space(c)) out += text::lower(c);
  return out;
}

struct LockHit {
  std::string technique;
  size_t pos = 0;
  size_t len = 0;
};

// Lock techniques in one piece of JavaScript (case matters there: these are identifiers).
std::vector<LockHit> lock_techniques(std::string_view code, std::string_view lowered, std::string_view location) {
  std::vector<LockHit> hits;
  const auto hit = [&](std::string technique, size_t pos, size_t len) {
    for (const auto& h : hits)
      if (h.technique == technique) return;
    hits.push_back({std::move(technique), pos, len});
  };
  if (size_t at = code.find("equestFull"); at != std::string_view::npos) hit("fullscreen", at, 10);
  if (size_t at = code.find("equestFullScreen"); at != std::string_view::npos) hit("fullscreen", at, 16);
  if (size_t at = lowered.find("beforeunload"); at != std::string_view::npos) hit("beforeunload", at, 12);
  if (location.find("@onbeforeunload") != std::string_view::npos) hit("beforeunload", 0, 0);
  for (std::string_view dialog : {"alert(", "confirm(", "prompt("}) {
    for (size_t at = code.find(dialog); at != std::string_view::npos; at = code.find(dialog, at + 1)) {
      if (in_loop_context(code, at)) {
        hit("dialog-loop", at, dialog.size());
        break;
      }
    }
  }
  if (size_t at = code.find("pushState"); at != std::string_view::npos) {
    if (count_of(code, "pushState") >= 3 || in_loop_context(code, at) || lowered.find("popstate") != std::string::npos)
      hit("history-flood", at, 9);
  }
  for (size_t at = code.find(".open("); at != std::string_view::npos; at = code.find(".open(", at + 1)) {
    if (at >= 6 && code.substr(at - 6, 6) == "window" &&
        (in_loop_context(code, at) || count_of(code, "window.open(") >= 3)) {
      hit("window-open-loop", at - 6, 12);
      break;
    }
  }
  const bool keyboard_handler =
      lowered.find("keydown") != std::string::npos || lowered.find("keyup") != std::string::npos ||
      lowered.find("keypress") != std::string::npos || location.find("@onkey") != std::string_view::npos;
  const bool blocks = lowered.find("preventdefault") != std::string::npos ||
                      lowered.find("return false") != std::string::npos ||
                      lowered.find("returnvalue") != std::string::npos;
  if (keyboard_handler && blocks) {
    const size_t at = std::min({lowered.find("keycode"), lowered.find(".key"), lowered.find("which")});
    if (at != std::string::npos) hit("key-blocking", at, 7);
  }
  if (size_t at = lowered.find("contextmenu");
      (at != std::string::npos || location.find("@oncontextmenu") != std::string_view::npos) && blocks)
    hit("context-menu-blocking", at == std::string::npos ? 0 : at, at == std::string::npos ? 0 : 11);
  if (size_t at = code.find("keyboard.lock("); at != std::string_view::npos) hit("keyboard-lock", at, 14);
  if (size_t at = code.find("requestPointerLock"); at != std::string_view::npos) hit("pointer-lock", at, 18);
  if (size_t at = code.find("speechSynthesis"); at != std::string_view::npos) hit("alarm-audio", at, 15);
  if (size_t at = code.find("new Audio(");
      at != std::string_view::npos && code.find(".play(") != std::string_view::npos)
    hit("alarm-audio", at, 10);
  const std::string compact = without_space(code.substr(0, 1 << 20));
  if (compact.find("cursor='none'") != std::string::npos || compact.find("cursor=\"none\"") != std::string::npos ||
      compact.find("cursor:none") != std::string::npos)
    hit("hidden-cursor", lowered.find("cursor"), 6);
  return hits;
}

json phone_json(const PhoneNumber& p, std::string_view snippet, const std::vector<std::string>& alarm,
                const std::vector<std::string>& contact) {
  json j = json::object();
  j["number"] = core::to_valid_utf8(p.written);
  j["digits"] = p.digits;
  j["kind"] = std::string(to_string(p.kind));
  j["snippet"] = std::string(snippet);
  j["alarm_words"] = alarm;
  j["contact_words"] = contact;
  return j;
}

core::Finding finding(std::string id, core::Severity severity, std::string summary, const Evidence& ev) {
  core::Finding f;
  f.id = std::move(id);
  f.severity = severity;
  f.summary = std::move(summary);
  f.evidence = ev.to_json();
  f.location = core::to_valid_utf8(ev.first_location());
  return f;
}

}  // namespace

std::vector<core::Finding> find_scam_markers(const PageContent& content, std::span<const ExternalScript> external,
                                             const PageLimits& limits) {
  const size_t snippet_bytes = limits.max_snippet_bytes;
  std::vector<Source> sources;
  sources.push_back({content.title, text::ascii_lower(content.title), "title", false, false});
  sources.push_back({content.visible_text, text::ascii_lower(content.visible_text), "visible text", true, false});
  for (const auto& s : content.scripts) sources.push_back({s.text, text::ascii_lower(s.text), s.location, false, true});
  size_t external_bytes = 0;
  for (const auto& e : external) {
    const std::string_view t = e.text.substr(0, limits.max_script_bytes);
    if (external_bytes + t.size() > limits.max_total_script_bytes) break;
    external_bytes += t.size();
    sources.push_back(
        {t, text::ascii_lower(t), "external script " + std::string(text::utf8_prefix(e.url, 512)), false, true});
  }

  // ---- phone numbers
  Evidence phones(limits.max_evidence_instances);
  bool phone_with_alarm = false;
  std::vector<std::string> numbers_seen;
  const auto phone_in = [&](std::string_view txt, std::string_view lowered, const PhoneNumber& p,
                            const std::string& location, std::string_view context_lowered) {
    const size_t from = p.pos > kPhoneContextBytes ? p.pos - kPhoneContextBytes : 0;
    const std::string_view window =
        context_lowered.empty() ? lowered.substr(from, p.len + 2 * kPhoneContextBytes) : context_lowered;
    auto alarm = words_in(window, kAlarmWords);
    auto contact = words_in(window, kContactWords);
    if (alarm.empty() && contact.empty()) return;
    phone_with_alarm = phone_with_alarm || !alarm.empty();
    if (std::find(numbers_seen.begin(), numbers_seen.end(), p.digits) == numbers_seen.end())
      numbers_seen.push_back(p.digits);
    phones.add(phone_json(p, text::snippet(txt, p.pos, p.len, snippet_bytes), alarm, contact), location);
  };
  for (const auto& src : sources) {
    for (const auto& p : find_phone_numbers(src.text, kMaxPhonesPerSource))
      phone_in(src.text, src.lowered, p, locate(content, src, p.pos), {});
  }
  // tel: links: the link text and the title are the context.
  for (const auto& link : content.links) {
    if (link.scheme != "tel") continue;
    const std::string number = text::percent_decode(std::string_view(link.url).substr(4), false);
    const std::string context = text::ascii_lower(link.text + " " + content.title + " " +
                                                  std::string(text::utf8_prefix(content.visible_text, 2000)));
    for (const auto& p : find_phone_numbers(number, 1))
      phone_in(number, number, p, link.location + " @href tel:", context);
  }
  // The page URL's query and fragment: kits take the number from there and write it into the page.
  bool reads_query = false;
  for (const auto& src : sources)
    reads_query = reads_query || (src.code && (src.text.find("location.search") != std::string_view::npos ||
                                               src.text.find("URLSearchParams") != std::string_view::npos ||
                                               src.text.find("location.hash") != std::string_view::npos));
  if (const size_t q = content.document_url.find_first_of("?#"); q != std::string::npos) {
    const std::string query = text::percent_decode(std::string_view(content.document_url).substr(q + 1), true);
    std::string context = text::ascii_lower(query);
    for (size_t i = 0; i < 2; ++i) context += " " + sources[i].lowered.substr(0, 20000);
    std::string_view rest = query;
    while (!rest.empty()) {
      const size_t amp = rest.find_first_of("&#");
      std::string_view pair = rest.substr(0, std::min(amp, rest.size()));
      if (size_t eq = pair.find('='); eq != std::string_view::npos) pair.remove_prefix(eq + 1);
      for (const auto& p : find_phone_numbers(pair, 4))
        phone_in(pair, pair, p, reads_query ? "URL query (read by a page script)" : "URL query", context);
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  }

  // ---- browser lock
  Evidence locks(limits.max_evidence_instances);
  std::vector<std::string> techniques;
  const auto lock_hit = [&](const std::string& technique, std::string_view txt, size_t pos, size_t len,
                            const std::string& location) {
    if (std::find(techniques.begin(), techniques.end(), technique) == techniques.end()) techniques.push_back(technique);
    json j = json::object();
    j["technique"] = technique;
    j["snippet"] = text::snippet(txt, pos, len, snippet_bytes);
    locks.add(std::move(j), location);
  };
  for (const auto& src : sources) {
    if (!src.code) continue;
    for (const auto& h : lock_techniques(src.text, src.lowered, src.location))
      lock_hit(h.technique, src.text, h.pos, h.len, src.location);
  }
  for (const auto& style : content.styles) {
    const std::string compact = without_space(style.text);
    if (compact.find("cursor:none") != std::string::npos) {
      const size_t at = text::ascii_lower(style.text).find("cursor");
      lock_hit("hidden-cursor", style.text, at == std::string::npos ? 0 : at, 6, style.location);
    }
  }
  for (const auto& m : content.media) {
    if (!m.autoplay) continue;
    const std::string described = "<" + m.tag + " autoplay" + (m.loop ? " loop" : "") + "> " + m.src;
    lock_hit("alarm-audio", described, 0, 0, m.location);
  }

  // ---- fake system screen
  Evidence screens(limits.max_evidence_instances);
  std::vector<std::string> products;
  std::vector<std::string> phrases;
  for (const auto& src : sources) {
    auto p = words_in(src.lowered, kSystemProducts);
    auto s = words_in(src.lowered, kScanPhrases);
    for (auto& w : p)
      if (std::find(products.begin(), products.end(), w) == products.end()) products.push_back(w);
    if (s.empty()) continue;
    for (auto& w : s)
      if (std::find(phrases.begin(), phrases.end(), w) == phrases.end()) phrases.push_back(w);
    const size_t at = text::find_word(src.lowered, s.front());
    json j = json::object();
    j["products"] = p;
    j["scan_phrases"] = s;
    j["snippet"] = text::snippet(src.text, at, s.front().size(), snippet_bytes);
    screens.add(std::move(j), locate(content, src, at));
  }
  // "Windows"/"Microsoft" alone are too common to name a screen; a specific product is needed.
  const bool specific_product = std::any_of(products.begin(), products.end(), [](const std::string& p) {
    return p != "windows" && p != "microsoft" && p != kMicrosoftJa;
  });
  const bool fake_screen = specific_product && !phrases.empty();
  const bool weak_screen = !fake_screen && phrases.size() >= 3;

  // ---- visitor geolocation
  Evidence geo(limits.max_evidence_instances);
  bool lookup = false;
  bool shown_back = false;
  const auto geo_hit = [&](std::string kind, std::string_view what, std::string_view txt, size_t pos,
                           const std::string& location) {
    json j = json::object();
    j["kind"] = std::move(kind);
    j["matched"] = std::string(what);
    j["snippet"] = text::snippet(txt, pos, what.size(), snippet_bytes);
    geo.add(std::move(j), location);
  };
  for (const auto& src : sources) {
    for (auto endpoint : kGeoEndpoints) {
      if (!src.code) break;
      if (size_t at = src.lowered.find(endpoint); at != std::string::npos) {
        lookup = true;
        geo_hit("lookup", endpoint, src.text, at, src.location);
        const bool writes = src.text.find("innerHTML") != std::string_view::npos ||
                            src.text.find("innerText") != std::string_view::npos ||
                            src.text.find("textContent") != std::string_view::npos ||
                            src.text.find("document.write") != std::string_view::npos;
        shown_back = shown_back || writes;
        break;
      }
    }
    for (auto phrase : kShownBack) {
      if (size_t at = text::find_word(src.lowered, phrase); at != std::string::npos) {
        shown_back = true;
        geo_hit("shown-back", phrase, src.text, at, locate(content, src, at));
        break;
      }
    }
  }
  for (const auto& link : content.links) {
    if (link.kind != LinkKind::script) continue;
    const std::string lowered = text::ascii_lower(link.url);
    for (auto endpoint : kGeoEndpoints) {
      if (size_t at = lowered.find(endpoint); at != std::string::npos) {
        lookup = true;
        geo_hit("lookup", endpoint, link.url, at, link.location);
        break;
      }
    }
  }

  // ---- severities (see the header)
  const bool scam =
      (phone_with_alarm && (!techniques.empty() || fake_screen)) || (fake_screen && techniques.size() >= 2);
  using core::Severity;
  std::vector<core::Finding> out;
  if (phones.count() > 0) {
    const Severity sev = scam ? Severity::high : phone_with_alarm ? Severity::medium : Severity::low;
    auto f = finding("scam.phone-number", sev,
                     std::to_string(numbers_seen.size()) + " phone number(s) written next to " +
                         (phone_with_alarm ? "alarm words" : "call-for-support words"),
                     phones);
    f.evidence["numbers"] = numbers_seen;
    out.push_back(std::move(f));
  }
  if (!techniques.empty()) {
    const Severity sev = scam ? Severity::high : techniques.size() >= 3 ? Severity::medium : Severity::low;
    auto f = finding("scam.browser-lock", sev,
                     std::to_string(techniques.size()) + " technique(s) that trap the visitor in the page", locks);
    f.evidence["techniques"] = techniques;
    out.push_back(std::move(f));
  }
  if (fake_screen || weak_screen) {
    const Severity sev = scam ? Severity::high : fake_screen ? Severity::medium : Severity::low;
    auto f = finding("scam.fake-system-screen", sev,
                     fake_screen ? "The page imitates an operating-system or antivirus scan screen"
                                 : "The page shows several virus-scan phrases",
                     screens);
    f.evidence["products"] = products;
    f.evidence["scan_phrases"] = phrases;
    out.push_back(std::move(f));
  }
  if (lookup || shown_back) {
    const Severity sev = (lookup && shown_back) || scam ? Severity::medium : Severity::low;
    auto f = finding("scam.visitor-geolocation", sev,
                     lookup && shown_back ? "The page looks up the visitor's IP address and location and shows them"
                     : lookup             ? "The page looks up the visitor's IP address or location"
                                          : "The page shows the visitor's IP address or location",
                     geo);
    f.evidence["lookup"] = lookup;
    f.evidence["shown_back"] = shown_back;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace impostor::page
