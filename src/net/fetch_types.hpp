#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "net/address_guard.hpp"
#include "net/tls_inspection.hpp"

namespace impostor::net {

// Receives body bytes as they arrive. False stops the transfer (the caller's own cap).
using BodySink = std::function<bool(std::span<const uint8_t>)>;

// One HTTP request: never follows redirects itself (RedirectChain does, hop by hop).
struct FetchRequest {
  std::string url;
  bool head = false;
  std::optional<std::pair<uint64_t, uint64_t>> range;  // inclusive byte range for a ranged GET
  std::string user_agent;
  std::vector<std::string> headers;             // "Name: value"
  uint64_t max_body_bytes = uint64_t{5} << 20;  // 5 MiB
  // Where the body goes; when empty it is kept in Hop::body (up to max_body_bytes).
  BodySink body_sink;
};

struct HopTimings {
  double dns_ms = 0, connect_ms = 0, tls_ms = 0, first_byte_ms = 0, total_ms = 0;
};

// Everything recorded about one request and its response.
struct Hop {
  std::string url;
  std::string method;
  long status = 0;                             // 0 when no response arrived
  std::string http_version;                    // "1.1", "2"
  std::map<std::string, std::string> headers;  // the selected response headers, lower-case names
  std::string ip;                              // the address actually connected to
  long port = 0;
  std::vector<std::string> resolved;  // what DNS (or --resolve) gave for the host
  HopTimings timings;
  std::shared_ptr<const TlsSession> tls;  // shared by every request over one connection
  uint64_t header_bytes = 0;
  uint64_t body_bytes = 0;                // decoded bytes received
  bool body_truncated = false;            // stopped at max_body_bytes (or the sink said stop)
  std::string body;                       // when no body_sink was given
  std::string error;                      // transport failure, empty when a response was read
  std::optional<AddressRefusal> refused;  // the address guard stopped this hop
};

// Fetcher-wide settings, fixed for its lifetime.
struct FetchOptions {
  long connect_timeout_ms = 10'000;
  long total_timeout_ms = 30'000;
  uint64_t max_header_bytes = uint64_t{256} << 10;  // 256 KiB
  bool allow_private_addresses = false;
  std::vector<std::string> resolve;   // curl syntax HOST:PORT:ADDR[,ADDR]
  std::vector<std::string> ca_files;  // empty: the system store
  std::string proxy;                  // empty: none
  size_t per_host_limit = 0;          // requests in flight per host; 0: no limit
  long per_host_delay_ms = 0;         // between request starts to one host
  size_t network_threads = 1;         // libcurl multi loops (threads); a host stays on one
};

}  // namespace impostor::net
