#include "net/hop_json.hpp"

#include "net/tls_inspection.hpp"

namespace impostor::net {

// Keys in sorted order (JsonWriter's rule), once per hop of every URL.
void write_json(core::JsonWriter& out, const Hop& hop, std::int64_t now) {
  out.begin_object();
  out.field("body_bytes", hop.body_bytes);
  if (hop.body_truncated) out.field("body_truncated", true);
  if (!hop.error.empty()) out.field("error", hop.error);
  out.key("headers");
  out.begin_object();
  for (const auto& [name, value] : hop.headers) out.field(name, value);  // a std::map: already in order
  out.end_object();
  if (!hop.http_version.empty()) out.field("http_version", hop.http_version);
  out.field("ip", hop.ip);
  out.field("method", hop.method);
  out.field("port", hop.port);
  if (hop.refused) {
    out.key("refused");
    out.begin_object();
    out.field("address", hop.refused->address);
    out.field("range", hop.refused->range);
    out.end_object();
  }
  if (!hop.resolved.empty()) out.field("resolved", hop.resolved);
  out.field("status", hop.status);
  out.key("timings_ms");
  out.begin_object();
  out.field("connect", hop.timings.connect_ms);
  out.field("dns", hop.timings.dns_ms);
  out.field("first_byte", hop.timings.first_byte_ms);
  out.field("tls", hop.timings.tls_ms);
  out.field("total", hop.timings.total_ms);
  out.end_object();
  if (hop.tls) {
    out.key("tls");
    write_json(out, *hop.tls, now);
  }
  out.safe_field("url", hop.url);
  out.end_object();
}

}  // namespace impostor::net
