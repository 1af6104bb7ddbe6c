#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "analyze/signature_judgement.hpp"
#include "sign/trust_store.hpp"

namespace impostor::analyze {

// Verifies the signature a member of this type can carry (PE Authenticode, MSI
// Authenticode, xar/pkg) and reads what the file itself says it is (PE version info).
// nullopt for types that carry no signature. Never throws on hostile bytes.
std::optional<SignedFile> check_signature(const std::string& path, const std::string& name, const std::string& type,
                                          std::span<const uint8_t> bytes, const sign::TrustStore& trust);

}  // namespace impostor::analyze
