#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "sign/authenticode.hpp"

namespace impostor::sign {

// What the signature of a xar archive (a macOS flat .pkg) says. The signature is an RSA
// signature over the TOC checksum, which is the hash of the compressed TOC, which holds
// every member's checksum: checking the chain TOC → checksum → signature is what proves
// the package unchanged.
struct XarSignatureResult {
  AuthenticodeResult result;  // status, reason and one Signature (signer, chain, digest)
  std::string team_id;        // from the signer's OU= (Developer ID: "… (TEAMID)"), empty when absent
  std::map<std::string, std::string> properties;  // "identifier" of the first package found in the TOC
};

// Never throws on hostile bytes: header, TOC (zlib, at most 16 MiB expanded, parsed
// without network access or entity expansion), checksum and heap offsets all checked.
XarSignatureResult verify_xar_signature(std::span<const uint8_t> file, const TrustStore& trust,
                                        const VerifyOptions& options = {});

}  // namespace impostor::sign
