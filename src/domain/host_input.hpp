#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace impostor::domain {

// What the user handed over, split into the parts that matter for judging a host.
struct HostInput {
  std::string host;      // as found: may be Unicode, upper case, with a trailing dot or IP form
  std::string userinfo;  // text before '@' in a URL: https://zoom.us@evil.example/ hides evil.example
  std::string scheme;    // empty for a bare name
  std::optional<unsigned> port;
  bool was_url = false;
};

struct HostInputResult {
  std::optional<HostInput> input;
  std::string error;  // set when input is empty
};

// Accepts a bare host name ("zoom.us", "ZOOM.US.", "zoom。us") or a URL with any scheme
// that has an authority ("https://user@host:port/path"). Percent-encoding in the host is
// decoded and numeric IPv4 forms (0x7f.1, 2130706433, 0177.0.0.1) are canonicalised, as
// browsers do, by libcurl's URL parser. Control characters and schemes without a host
// (javascript:, data:, mailto:) are refused with a message.
HostInputResult parse_host_input(std::string_view text);

}  // namespace impostor::domain
