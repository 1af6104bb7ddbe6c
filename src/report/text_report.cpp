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
  std::string ids;
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const auto& f = r.findings[i];
    if (weighty && f.severity == core::Severity::info) continue;
    const bool repeated = std::any_of(
        r.findings.begin(), r.findings.begin() + static_cast<std::ptrdiff_t>(i),
        [&](const core::Finding& e) { return e.id == f.id && !(weighty && e.severity == core::Severity::info); });
    if (repeated) continue;
    if (!ids.empty()) ids += ',';
    ids += f.id;
  }
  if (ids.empty() && !r.errors.empty()) ids = "error: " + r.errors.front();
  return ids.empty() ? "-" : ids;
}

// Display width is approximated by code points; good enough to line up ASCII and most IDNs.
size_t display_width(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
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
  if (const auto hops = r.hops.tree(); hops.is_array() && !hops.empty()) {
    // One line per hop, with the connected address and what its certificate said.
    out << "  hops (" << hops.size() << "):\n";
    for (const auto& h : hops) {
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

// for_terminal() leaves printable ASCII as it is; most cells are just that, and bulk
// runs write a row per name.
void append_for_terminal(std::string& out, std::string_view s) {
  if (std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7F; }))
    out += s;
  else
    out += for_terminal(s);
}

// Appends `text`, made safe for the terminal, padded to `width`, and the column gap.
void append_cell(std::string& out, std::string_view text, size_t width) {
  const size_t start = out.size();
  append_for_terminal(out, text);
  const size_t w = display_width(std::string_view(out).substr(start));
  if (w < width) out.append(width - w, ' ');
  out += "  ";
}

}  // namespace

std::string table_header() {
  std::string out;
  append_cell(out, "INPUT", kWidths[0]);
  append_cell(out, "VERDICT", kWidths[1]);
  append_cell(out, "VENDOR", kWidths[2]);
  out += "FINDINGS\n";
  return out;
}

std::string table_row(const core::Report& r) {
  std::string out;
  out.reserve(128);
  append_cell(out, r.target.input, kWidths[0]);
  append_cell(out, core::to_string(r.verdict), kWidths[1]);
  append_cell(out, r.vendor.empty() ? std::string_view("-") : std::string_view(r.vendor), kWidths[2]);
  append_for_terminal(out, finding_ids(r));
  out += '\n';
  return out;
}

std::string to_table(std::span<const core::Report> reports) {
  std::string out = table_header();
  for (const auto& r : reports) out += table_row(r);
  return out;
}

}  // namespace impostor::report
