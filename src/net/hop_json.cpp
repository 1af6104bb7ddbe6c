#include "net/hop_json.hpp"

#include <utility>

#include "core/text_safety.hpp"

namespace impostor::net {

// Key by key: nlohmann's initializer lists build each pair as a two-element array first,
// which cost twice the time of the object itself, once per hop of every URL.
nlohmann::json to_json(const Hop& hop, std::int64_t now) {
  nlohmann::json timings = nlohmann::json::object();
  timings["dns"] = hop.timings.dns_ms;
  timings["connect"] = hop.timings.connect_ms;
  timings["tls"] = hop.timings.tls_ms;
  timings["first_byte"] = hop.timings.first_byte_ms;
  timings["total"] = hop.timings.total_ms;
  nlohmann::json out = nlohmann::json::object();
  out["url"] = core::to_valid_utf8(hop.url);
  out["method"] = hop.method;
  out["status"] = hop.status;
  out["headers"] = hop.headers;
  out["ip"] = hop.ip;
  out["port"] = hop.port;
  out["timings_ms"] = std::move(timings);
  out["body_bytes"] = hop.body_bytes;
  if (!hop.http_version.empty()) out["http_version"] = hop.http_version;
  if (!hop.resolved.empty()) out["resolved"] = hop.resolved;
  if (hop.body_truncated) out["body_truncated"] = true;
  if (hop.tls) out["tls"] = to_json(*hop.tls, now);
  if (!hop.error.empty()) out["error"] = hop.error;
  if (hop.refused) out["refused"] = {{"range", hop.refused->range}, {"address", hop.refused->address}};
  return out;
}

}  // namespace impostor::net
