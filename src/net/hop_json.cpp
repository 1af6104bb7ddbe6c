#include "net/hop_json.hpp"

#include "core/text_safety.hpp"

namespace impostor::net {

nlohmann::json to_json(const Hop& hop, std::int64_t now) {
  nlohmann::json out{{"url", core::to_valid_utf8(hop.url)},
                     {"method", hop.method},
                     {"status", hop.status},
                     {"headers", hop.headers},
                     {"ip", hop.ip},
                     {"port", hop.port},
                     {"timings_ms",
                      {{"dns", hop.timings.dns_ms},
                       {"connect", hop.timings.connect_ms},
                       {"tls", hop.timings.tls_ms},
                       {"first_byte", hop.timings.first_byte_ms},
                       {"total", hop.timings.total_ms}}},
                     {"body_bytes", hop.body_bytes}};
  if (!hop.http_version.empty()) out["http_version"] = hop.http_version;
  if (!hop.resolved.empty()) out["resolved"] = hop.resolved;
  if (hop.body_truncated) out["body_truncated"] = true;
  if (hop.tls) out["tls"] = to_json(*hop.tls, now);
  if (!hop.error.empty()) out["error"] = hop.error;
  if (hop.refused) out["refused"] = {{"range", hop.refused->range}, {"address", hop.refused->address}};
  return out;
}

}  // namespace impostor::net
