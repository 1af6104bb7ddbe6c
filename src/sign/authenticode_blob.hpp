#pragma once
// Internal to sign/: Authenticode SignedData checked against a digest of the signed
// file that the file's own format defines (MSI streams; PE uses the same verifier).
#include <openssl/evp.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sign/authenticode.hpp"

namespace impostor::sign::detail {

// The signed file's digest with this algorithm; nullopt when it cannot be computed.
using DigestFunction = std::function<std::optional<std::vector<uint8_t>>(const EVP_MD*)>;

// Verifies one DER PKCS#7 blob (and the signatures nested in it) whose
// SpcIndirectDataContent must name `content_type` (an OID, e.g. SpcSipInfo for MSI).
AuthenticodeResult verify_signature_blob(std::span<const uint8_t> blob, DigestFunction digest,
                                         std::string_view content_type, std::string_view type_name,
                                         const TrustStore& trust, const VerifyOptions& options);

}  // namespace impostor::sign::detail
