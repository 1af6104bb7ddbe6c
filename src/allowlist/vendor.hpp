#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace impostor::allowlist {

struct OtherOwner {
  std::string domain;  // a registrable domain of another business that contains the brand
  std::string owner;
};

struct RevokedCertificate {
  std::string publisher;
  std::string serial;  // lowercase hex, no separators
  std::string reason;
};

// One vendor's identity, as loaded from allowlists/<id>.toml. Immutable once loaded.
struct Vendor {
  std::string id;
  std::string name;
  std::string company;
  std::vector<std::string> brand_tokens;        // matched on token boundaries
  std::vector<std::string> distinctive_tokens;  // matched anywhere in a label
  std::vector<std::string> product_names;       // "Zoom Workplace": phrases a fake page or installer claims
  std::vector<int32_t> favicon_mmh3;            // the official favicon, hashed the Shodan way
  std::vector<std::string> favicon_sha256;      // and by SHA-256 (lowercase hex)
  std::vector<std::string> official_domains;    // and all their subdomains
  std::vector<OtherOwner> other_owners;
  std::vector<std::string> download_hosts;
  std::vector<std::string> download_url_prefixes;
  std::optional<std::string> tls_organization;
  std::vector<std::string> tls_spki_sha256;
  std::vector<std::string> authenticode_publishers;
  std::vector<std::string> macos_team_ids;
  std::vector<RevokedCertificate> revoked_certificates;
  // Installers below this version are genuine but unsafe (a published advisory); empty when unset.
  std::string minimum_version;
  std::string minimum_version_source;
  std::string source_file;
};

// All vendors, loaded once and shared read-only by every analysis.
struct Allowlist {
  std::vector<Vendor> vendors;
  const Vendor* find(std::string_view id) const;
};

}  // namespace impostor::allowlist
