#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "allowlist/vendor.hpp"

namespace impostor::analyze {

// What a signable file says about who made it. All of it is attacker-chosen text: it
// only ever makes a file owe a signature, never excuses it from one.
struct ClaimSources {
  std::string file_name;                               // the member's last path component
  std::map<std::string, std::string> version_strings;  // PE StringFileInfo (CompanyName, ProductName, …)
  std::map<std::string, std::string> properties;       // MSI Manufacturer, ProductName; pkg identifier
};

struct VendorClaim {
  const allowlist::Vendor* vendor = nullptr;
  std::string source;  // "file name", "CompanyName", "Manufacturer", "identifier", …
  std::string value;   // the text that claims it
};

// Every vendor the sources claim, each once (its first, strongest source: declared
// publisher fields before product fields before the file name), in allowlist order.
// A brand token counts on token boundaries (ZoomInstaller → zoom, installer), a
// distinctive token anywhere, a company, publisher or product name as a phrase.
std::vector<VendorClaim> find_vendor_claims(const allowlist::Allowlist& allowlist, const ClaimSources& sources);

// Lowercase ASCII words of a name: split at non-alphanumerics, at lower-to-upper case
// changes and between letters and digits ("Teams_windows_x64" → teams, windows, x, 64).
std::vector<std::string> name_tokens(std::string_view text);

// True when `publisher` names one of the vendor's signing identities (case and
// punctuation folded: AppLocker spells "ZOOM VIDEO COMMUNICATIONS, INC.").
bool is_vendor_publisher(const allowlist::Vendor& vendor, std::string_view publisher);

}  // namespace impostor::analyze
