#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.hpp"

// OpenSSL types, kept out of the header's users.
using SSL = struct ssl_st;
using X509 = struct x509_st;
using X509_STORE = struct x509_store_st;

namespace impostor::net {

// What an analyst reads off one certificate, taken from the DER through OpenSSL (not
// libcurl's text certinfo, which keeps only one certificate and is empty on reuse).
struct CertificateInfo {
  std::string subject;  // RFC 2253 form; attacker-chosen text
  std::string issuer;
  std::string common_name;
  std::string organization;  // subject O=, empty when absent (DV certificates)
  std::string issuer_organization;
  std::string serial;                  // lowercase hex
  std::vector<std::string> dns_names;  // subjectAltName dNSName entries
  std::vector<std::string> ip_addresses;
  std::int64_t not_before = 0;  // seconds since the epoch
  std::int64_t not_after = 0;
  std::string key_type;  // "RSA", "EC", "ED25519", ...
  int key_bits = 0;
  std::string sha256;       // of the DER, lowercase hex
  std::string spki_sha256;  // of the SubjectPublicKeyInfo, lowercase hex (what pins name)
  bool self_issued = false;
};

CertificateInfo describe_certificate(X509* cert);

// The roots a chain is verified against: the system store, or the files given with
// --ca-file. Loaded once, shared read-only by every transfer (X509_STORE is thread-safe
// for verification).
class TrustStore {
 public:
  // Empty `ca_files`: the system default paths. Otherwise exactly those PEM files, so a
  // test CA does not also trust the world. Throws std::runtime_error on an unreadable file.
  explicit TrustStore(const std::vector<std::string>& ca_files = {});
  X509_STORE* get() const { return store_.get(); }

 private:
  struct Free {
    void operator()(X509_STORE* s) const;
  };
  std::unique_ptr<X509_STORE, Free> store_;
};

// One TLS connection as the server presented it.
struct TlsSession {
  std::string version;  // "TLSv1.3"
  std::string cipher;
  std::string alpn;                    // "h2", "http/1.1", empty when none was negotiated
  std::vector<CertificateInfo> chain;  // as sent, leaf first
  bool verified = false;
  std::string verify_error;  // OpenSSL's reason when not verified ("certificate has expired")
  int verify_code = 0;       // X509_V_ERR_*
};

// Reads the negotiated parameters and the peer's chain from a live connection and
// verifies the chain (for `host`, at time `now`) against `trust`. The transfer itself
// does not verify: a failing chain is recorded and judged, not just an aborted fetch.
TlsSession inspect_tls(SSL* ssl, std::string_view host, const TrustStore& trust, std::int64_t now);

// The same, computed once per connection: the result is kept on the SSL object itself
// (ex_data, freed with it), so requests reusing a connection (HTTP/2 streams, keep-alive)
// do not parse and verify the same chain again, and share it rather than copy it.
std::shared_ptr<const TlsSession> inspect_tls_once(SSL* ssl, std::string_view host, const TrustStore& trust,
                                                   std::int64_t now);

// As the report's hops show them (`now` gives the certificate's age in days).
void write_json(core::JsonWriter& out, const CertificateInfo& cert, std::int64_t now);
void write_json(core::JsonWriter& out, const TlsSession& tls, std::int64_t now);

// ISO 8601 UTC ("2026-11-25T21:43:17Z").
std::string iso_time(std::int64_t epoch_seconds);

}  // namespace impostor::net
