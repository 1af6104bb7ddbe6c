// The allowlist loader on one vendor file's text (toml++ parsing, then every key, type
// and domain check of allowlist::parse_vendor_file). Named zoom.toml so the id check
// passes for the zoom seed and fails for the others: both paths are exercised.
#include <cstdlib>
#include <string>
#include <string_view>

#include "allowlist/allowlist_loader.hpp"
#include "fuzz_target.hpp"

IMPOSTOR_FUZZ_TARGET(allowlist) {
  using namespace impostor::allowlist;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto load = parse_vendor_file(text, "allowlists/zoom.toml");
  for (const auto& problem : load.problems) {
    if (problem.message.empty()) std::abort();
    (void)problem.to_string();
  }
  // A file that loads cleanly holds one vendor whose domains pass the syntax check.
  if (load.ok()) {
    if (load.allowlist.vendors.size() != 1) std::abort();
    for (const auto& domain : load.allowlist.vendors.front().official_domains)
      if (!is_valid_domain_syntax(domain)) std::abort();
  }
  (void)is_valid_domain_syntax(text);
  return 0;
}
