#include "report/text_report.hpp"

#include <algorithm>
#include <sstream>

#include "core/text_safety.hpp"
#include "report/json_report.hpp"

namespace impostor::report {

namespace {

using core::for_terminal;

// Distinct finding ids; info-only facts (established, other owner) are listed only when
// nothing weightier was found, so the column shows what drove the verdict.
std::string finding_ids(const core::Report& r) {
  const bool weighty = std::any_of(r.findings.begin(), r.findings.end(),
                                   [](const core::Finding& f) { return f.severity > core::Severity::info; });
  std::vector<std::string> seen;
  std::string ids;
  for (const auto& f : r.findings) {
    if (weighty && f.severity == core::Severity::info) continue;
    if (std::find(seen.begin(), seen.end(), f.id) != seen.end()) continue;
    seen.push_back(f.id);
    ids += (ids.empty() ? "" : ",") + f.id;
  }
  if (ids.empty() && !r.errors.empty()) ids = "error: " + r.errors.front();
  return ids.empty() ? "-" : ids;
}

// Display width is approximated by code points; good enough to line up ASCII and most IDNs.
size_t display_width(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void pad(std::ostringstream& out, const std::string& s, size_t width) {
  out << s;
  for (size_t w = display_width(s); w < width; ++w) out << ' ';
}

}  // namespace

std::string to_text(const core::Report& r) {
  std::ostringstream out;
  out << for_terminal(r.target.input) << "\n";
  out << "  verdict: " << core::to_string(r.verdict) << " (score " << r.score << ")";
  if (!r.vendor.empty()) out << ", vendor: " << for_terminal(r.vendor);
  out << "\n";
  for (const auto& [key, value] : r.target.details.items())
    out << "  " << key << ": " << for_terminal(value.is_string() ? value.get<std::string>() : dump_json(value, -1))
        << "\n";
  for (const auto& e : r.errors) out << "  error: " << for_terminal(e) << "\n";
  if (!r.hops.empty()) {
    // One line per hop, with the connected address and what its certificate said.
    out << "  hops (" << r.hops.size() << "):\n";
    for (const auto& h : r.hops) {
      out << "    " << h.value("status", 0L) << " " << for_terminal(h.value("url", "")) << "  ["
          << for_terminal(h.value("ip", "")) << ":" << h.value("port", 0L);
      if (h.contains("tls") && h["tls"].is_object()) {
        const auto& tls = h["tls"];
        out << ", " << for_terminal(tls.value("version", ""));
        if (tls.contains("chain") && !tls["chain"].empty())
          out << ", cert " << for_terminal(tls["chain"][0].value("subject", ""));
        out << (tls.value("verified", false) ? ", verified"
                                             : ", NOT verified: " + for_terminal(tls.value("verify_error", "")));
      }
      out << "]";
      if (h.contains("error")) out << "  error: " << for_terminal(h.value("error", ""));
      out << "\n";
    }
  }
  for (const auto& f : r.findings) {
    out << "  [" << core::to_string(f.severity) << "] " << f.id << ": " << for_terminal(f.summary) << "\n";
    for (const auto& [key, value] : f.evidence.items()) {
      if (key == "host" || key == "host_unicode" || key == "registrable_domain") continue;  // shown above
      out << "      " << key << ": "
          << for_terminal(value.is_string() ? value.get<std::string>() : dump_json(value, -1)) << "\n";
    }
  }
  if (!r.artifacts.empty()) {
    // The member tree, bounded: JSON output carries all of it.
    constexpr size_t kShown = 40;
    out << "  members (" << r.artifacts.size() << "):\n";
    size_t shown = 0;
    for (const auto& a : r.artifacts) {
      if (shown++ == kShown) {
        out << "    ... " << r.artifacts.size() - kShown << " more (use --format json for all)\n";
        break;
      }
      out << "    " << for_terminal(a.value("path", "")) << "  [" << for_terminal(a.value("type", "")) << ", "
          << a.value("size", uint64_t{0}) << " bytes]";
      if (a.contains("findings") && !a["findings"].empty()) out << "  " << for_terminal(dump_json(a["findings"], -1));
      out << "\n";
    }
  }
  return out.str();
}

namespace {

constexpr std::array<size_t, 3> kWidths = {38, 11, 16};

std::string row(const std::array<std::string, 4>& cells) {
  std::ostringstream out;
  for (size_t c = 0; c < 3; ++c) {
    pad(out, cells[c], kWidths[c]);
    out << "  ";
  }
  out << cells[3] << "\n";
  return out.str();
}

}  // namespace

std::string table_header() { return row({"INPUT", "VERDICT", "VENDOR", "FINDINGS"}); }

std::string table_row(const core::Report& r) {
  return row({for_terminal(r.target.input), std::string(core::to_string(r.verdict)),
              r.vendor.empty() ? "-" : for_terminal(r.vendor), for_terminal(finding_ids(r))});
}

std::string to_table(std::span<const core::Report> reports) {
  std::string out = table_header();
  for (const auto& r : reports) out += table_row(r);
  return out;
}

}  // namespace impostor::report
