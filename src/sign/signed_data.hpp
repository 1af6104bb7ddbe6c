#pragma once
// Internal to sign/: the PKCS#7 checks every signature format here shares (Authenticode
// for PE today; MSI and xar verify the same SignerInfo and chain the same way).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sign/authenticode.hpp"
#include "sign/openssl_handles.hpp"

namespace impostor::sign::detail {

std::string hex(std::span<const uint8_t> bytes);
std::string oid_text(const ASN1_OBJECT* oid);
std::string iso_time(int64_t unix_time);
std::optional<int64_t> unix_time(const ASN1_TIME* t);
Certificate describe(X509* cert);

// One DER element with a definite length and a one-byte tag, as Authenticode's own
// structures use; anything else is rejected rather than guessed at.
struct Tlv {
  uint8_t tag = 0;
  std::span<const uint8_t> value;
  size_t size = 0;  // header plus value
};
std::optional<Tlv> read_tlv(std::span<const uint8_t> in);

struct SignerCheck {
  X509* cert = nullptr;     // owned by the certificate stack it was found in
  bool content_ok = false;  // the signed attributes' messageDigest is the content's hash
  bool ok = false;
  std::string reason;
};
// The signer's certificate is in `certs`, the messageDigest attribute is the hash of
// `content` (the content octets), and the signature over the signed attributes (or the
// content when there are none) verifies with the certificate's key.
SignerCheck check_signer(PKCS7_SIGNER_INFO* si, STACK_OF(X509) * certs, std::span<const uint8_t> content);

struct ChainCheck {
  bool ok = false;
  int error = 0;  // X509_V_ERR_*
  std::string reason;
};
// `purpose` is an X509_PURPOSE_* or 0 for none.
ChainCheck check_chain(X509_STORE* store, X509* leaf, STACK_OF(X509) * untrusted, int64_t at, int purpose);

// The best timestamp on a SignerInfo (RFC 3161 or legacy countersignature): the first
// one that is trusted, else the first one found.
Timestamp read_timestamp(PKCS7_SIGNER_INFO* si, STACK_OF(X509) * certs, X509_STORE* store);

// DER of each nested signature (1.3.6.1.4.1.311.2.4.1 values); views into `si`.
std::vector<std::span<const uint8_t>> nested_signatures(PKCS7_SIGNER_INFO* si);

}  // namespace impostor::sign::detail
