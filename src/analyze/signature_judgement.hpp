#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "allowlist/vendor.hpp"
#include "analyze/vendor_claim.hpp"
#include "core/finding.hpp"
#include "sign/authenticode.hpp"

namespace impostor::analyze {

// One signable member (a PE, an MSI, a macOS pkg) with what its signature check said
// and what it claims to be.
struct SignedFile {
  std::string path;    // nested member path; ancestors are its prefixes before each "!/"
  int depth = 0;       // 0: the file itself, which alone can prove the whole file official
  std::string format;  // "Authenticode", "MSI Authenticode", "xar"
  sign::AuthenticodeResult signature;
  ClaimSources claims;
  std::string version;  // the product version it declares; empty when none
  // xar (macOS pkg): the signer's Apple team id; a vendor is matched by its
  // macos_team_ids, not by the certificate's organisation.
  std::string team_id;
};

// The sign.* and vendor.outdated findings for a file's signable members, given parents
// before children. The rules (README "Signatures"):
//   valid, signer is a publisher the allowlist names        sign.valid-vendor (info), and
//     with a version below the vendor's minimum_version     vendor.outdated (medium)
//   claims a vendor, valid signature by someone else        sign.wrong-publisher (high)
//   claims a vendor, no signature                           sign.claims-vendor-unsigned (medium)
//   a signature that does not verify or a revoked signer    sign.invalid (critical with a claim, else medium)
//   signed, intact, but not chaining to a trusted root      sign.untrusted (low with a vendor's name, else info)
// A member inside a container that carries a valid signature of the vendor it claims
// owes no signature of its own: the container's covers its bytes.
std::vector<core::Finding> judge_signatures(const allowlist::Allowlist& allowlist,
                                            const std::vector<SignedFile>& files);

// The signature as an artifact shows it: status, reason and each signature's signer,
// digest and timestamp.
nlohmann::json signature_summary(const sign::AuthenticodeResult& result);

// Dotted numeric version ("5.4.9.0", "5, 4, 9, 0", "4.6.9 (12345)") compared part by
// part, missing parts as 0. nullopt when `a` or `b` does not start with a number.
std::optional<int> compare_versions(std::string_view a, std::string_view b);

}  // namespace impostor::analyze
