#pragma once
#include <cstdint>
#include <span>

#include "sign/authenticode.hpp"

namespace impostor::sign {

// Verifies the Authenticode signature of an MSI package (any OLE compound file): the
// PKCS#7 in the root's "\x05DigitalSignature" stream, over the digest Authenticode for
// MSI defines: every stream's content, storages recursed, children in the order of
// their raw UTF-16 names, each storage's class id after its children; with an
// "\x05MsiDigitalSignatureEx" stream, a digest of the entries' metadata first.
// Status::not_signed without the stream. Never throws on hostile bytes.
AuthenticodeResult verify_msi_signature(std::span<const uint8_t> file, const TrustStore& trust,
                                        const VerifyOptions& options = {});

}  // namespace impostor::sign
