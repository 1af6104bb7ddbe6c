#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sign/trust_store.hpp"

namespace impostor::sign {

// What a file's signatures amount to, worst first among the ones that mean tampering:
// a verdict policy reads `status`, an analyst reads `reason` and the per-signature detail.
enum class Status {
  not_signed,            // no certificate table
  valid,                 // digest, signature and chain all verify (at the timestamp's time when there is one)
  digest_mismatch,       // the file is not the one that was signed (tampered or appended to)
  bad_signature,         // the PKCS#7 itself does not verify (signer missing, messageDigest or signature wrong)
  untrusted_chain,       // signed as claimed, but the signer does not chain to the trust store
  expired_no_timestamp,  // chains, but the certificate is outside its validity and no trusted timestamp says when
  malformed,             // the table, an entry or the DER cannot be read
  unsupported,           // readable but not checkable here (an unknown digest algorithm, a non-PE content type)
};
std::string_view to_string(Status status);

enum class TimestampKind { none, rfc3161, legacy_countersignature };
std::string_view to_string(TimestampKind kind);

// Certificate text is attacker-chosen: it is data, for renderers to escape. Always valid UTF-8.
struct Certificate {
  std::string subject;       // RFC 2253, most specific first ("CN=...,O=...,C=US")
  std::string organization;  // the subject's O=, empty when absent
  std::string common_name;   // the subject's CN=, empty when absent
  std::string issuer;        // RFC 2253
  std::string serial;        // uppercase hex
  std::string sha256;        // thumbprint of the DER, lowercase hex
  std::string not_before;    // ISO 8601 UTC
  std::string not_after;
};

struct Timestamp {
  TimestampKind kind = TimestampKind::none;
  int64_t unix_time = 0;
  std::string time;           // ISO 8601 UTC, empty when none
  bool imprint_ok = false;    // it is a timestamp of this signature's value
  bool signature_ok = false;  // the timestamp's own signature verifies
  bool chain_ok = false;      // the time-stamping authority chains to the trust store at that time
  std::string reason;         // why it is not trusted; empty when it is
  std::optional<Certificate> signer;
  // Only a timestamp that verifies all the way moves the verification time.
  bool trusted() const { return imprint_ok && signature_ok && chain_ok; }
};

struct Signature {
  size_t entry = 0;    // which WIN_CERTIFICATE in the table
  unsigned depth = 0;  // 0 for the entry's own signature, 1+ for nested ones (1.3.6.1.4.1.311.2.4.1)
  Status status = Status::malformed;
  std::string reason;  // one sentence; empty when valid

  std::string digest_algorithm;  // "sha256", or the OID when not supported
  std::string computed_digest;   // lowercase hex of the file's Authenticode digest
  std::string signed_digest;     // lowercase hex from the SpcIndirectDataContent
  bool digest_ok = false;

  bool signature_ok = false;  // signer found, messageDigest attribute and signature verify
  std::optional<Certificate> signer;
  bool chain_ok = false;
  std::string chain_reason;  // OpenSSL's verify error string when the chain fails
  int64_t verified_at = 0;   // unix time the chain was checked at (the timestamp's, or now)
  Timestamp timestamp;
};

struct AuthenticodeResult {
  Status status = Status::not_signed;
  std::string reason;
  std::vector<Signature> signatures;  // by entry, each entry's own signature before its nested ones
  // Things that do not decide `status` but an analyst wants to see: bytes hidden in the
  // certificate table or after it, entries of other types, limits reached.
  std::vector<std::string> anomalies;
  bool signature_present() const { return status != Status::not_signed; }
};

struct VerifyOptions {
  // Checked in all (entries' own plus nested); the rest are counted in `anomalies`.
  size_t max_signatures = 1100;
  // Nested signatures inside nested signatures: each level holds a copy of all deeper
  // ones, so depth multiplies parsing work; osslsigncode and signtool nest one level.
  unsigned max_nesting_depth = 8;
  size_t max_entries = 64;  // WIN_CERTIFICATE entries read from the table
  // Verification time when no trusted timestamp gives one; nullopt means now.
  std::optional<int64_t> now;
};

// Verifies every Authenticode signature of a PE file. Never throws on hostile bytes:
// anything unreadable becomes Status::malformed with a reason.
AuthenticodeResult verify_authenticode(std::span<const uint8_t> file, const TrustStore& trust,
                                       const VerifyOptions& options = {});

// The Authenticode digest of a PE file (lowercase hex) with "sha1", "sha256", "sha384"
// or "sha512": the file minus the checksum field, the certificate-table directory
// entry and the certificate table. nullopt (and `error`) when it cannot be computed.
std::optional<std::string> authenticode_digest(std::span<const uint8_t> file, std::string_view algorithm,
                                               std::string* error = nullptr);

}  // namespace impostor::sign
