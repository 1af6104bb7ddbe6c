#include "analyze/probe_memo.hpp"

#include "net/fetcher.hpp"
#include "scan/digest.hpp"

namespace impostor::analyze {
namespace {

// A URL without its query and fragment: what a click id or a tracking parameter leaves alone.
std::string_view without_query(std::string_view url) { return url.substr(0, url.find_first_of("?#")); }

void append_part(std::string& out, std::string_view part) {
  // Length-prefixed: no two different lists of parts give one key.
  out.append(std::to_string(part.size())).append(":").append(part);
}

}  // namespace

std::string ProbeMemo::key(std::string_view input_url, const std::vector<net::Hop>& browser,
                           std::string_view user_agent) {
  if (browser.empty()) return {};
  const auto input = net::check_fetchable(input_url);
  if (!input.ok()) return {};
  std::string out;
  append_part(out, without_query(input.url));
  append_part(out, user_agent);
  for (const auto& hop : browser) {
    append_part(out, without_query(hop.url));
    append_part(out, std::to_string(hop.status));
  }
  const auto& last = browser.back();
  const auto* body = reinterpret_cast<const uint8_t*>(last.body.data());
  append_part(out, scan::digest({body, last.body.size()}, {}, false).sha256);
  out += last.body_truncated ? "T" : "W";
  return out;
}

}  // namespace impostor::analyze
