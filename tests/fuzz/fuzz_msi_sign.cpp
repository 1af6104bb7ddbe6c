// MSI Authenticode: sign::verify_msi_signature on any bytes (its own compound-file
// reader, the stream-order digest, MsiDigitalSignatureEx, the PKCS#7).
#include <cstdlib>

#include "fuzz_target.hpp"
#include "sign/msi_signature.hpp"

IMPOSTOR_FUZZ_TARGET(msi_sign) {
  using namespace impostor::sign;
  static const TrustStore trust = TrustStore::empty();
  VerifyOptions options;
  options.now = 1'700'000'000;
  const auto result = verify_msi_signature({data, size}, trust, options);
  if (result.status == Status::valid) std::abort();  // nothing chains to an empty store
  return 0;
}
