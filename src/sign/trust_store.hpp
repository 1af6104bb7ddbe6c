#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace impostor::sign {

struct TrustStoreConfig {
  bool system = true;  // the system's roots, looked up by hash in system_dir
  std::string system_dir = "/etc/ssl/certs";
  std::vector<std::string> pem_files;  // extra anchors (--trust-file); any certificate in them is trusted
};

// The certificates a signer must chain to. Loaded once and shared read-only by every
// verification (OpenSSL's store is safe for concurrent lookups once built).
class TrustStore {
 public:
  // nullopt when a PEM file cannot be read or holds no certificate; `error` says which.
  static std::optional<TrustStore> load(const TrustStoreConfig& config, std::string* error = nullptr);
  // Trusts nothing: every chain is reported untrusted, everything else is still checked.
  static TrustStore empty();

  size_t extra_certificates() const;  // certificates read from pem_files

  struct Impl;  // holds the X509_STORE; defined in trust_store.cpp
  const Impl& impl() const { return *impl_; }

 private:
  explicit TrustStore(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace impostor::sign
