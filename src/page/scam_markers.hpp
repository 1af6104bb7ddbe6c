#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "page/page_content.hpp"
#include "page/page_limits.hpp"

namespace impostor::page {

// A script the page loads with <script src>, fetched by the caller (bounded by its own
// caps; at most PageLimits::max_script_bytes of it is read here).
struct ExternalScript {
  std::string url;
  std::string_view text;
};

// Tech-support-scam markers, as core::Findings (one per id, every instance counted, the
// first PageLimits::max_evidence_instances quoted with their location):
//
//   scam.phone-number          a toll-free, international or formatted national number next
//                              to contact words (call, support, Microsoft, 電話, サポート…) or
//                              alarm words (virus, infected, blocked, ウイルス, 感染…), in the
//                              visible text, the title, a script, a tel: link, or the page
//                              URL's query (kits pass the number there and document.write it)
//   scam.browser-lock          distinct trapping techniques: fullscreen, beforeunload,
//                              dialog loops, history.pushState floods, window.open loops,
//                              key blocking (F5/F11/F12/Esc…), context-menu blocking, hidden
//                              cursor, alarm audio (autoplay, new Audio().play(),
//                              speechSynthesis), navigator.keyboard.lock, pointer lock
//   scam.fake-system-screen    an operating-system or antivirus name together with scan
//                              phrases ("Windows Defender" + "threats found", "トロイの木馬"…)
//   scam.visitor-geolocation   calls to IP-geolocation services (ipapi, ipinfo, geoplugin…)
//                              and/or the visitor's IP or city shown back ("your IP address")
//
// Severity: one marker on its own is weak, because each has innocent uses (support pages
// print numbers, players go fullscreen, blogs name Windows Defender):
//   phone-number       low with contact words only, medium with an alarm word
//   browser-lock       low for one or two techniques, medium for three or more
//   fake-system-screen medium for a product name plus a scan phrase, low for three or more
//                      scan phrases without one
//   visitor-geolocation low for a look-up or a shown-back phrase, medium for both
// Together they are the scam: a phone number with an alarm word plus a browser lock or a
// fake system screen, or a fake system screen plus two or more lock techniques, raises
// phone-number, browser-lock and fake-system-screen to high and visitor-geolocation to at
// least medium.
std::vector<core::Finding> find_scam_markers(const PageContent& content, std::span<const ExternalScript> external,
                                             const PageLimits& limits);

}  // namespace impostor::page
