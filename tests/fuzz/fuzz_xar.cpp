// xar signatures (macOS flat .pkg): sign::verify_xar_signature on any bytes (header,
// zlib TOC, libxml2 parsing of the TOC, checksum, heap offsets, the RSA signature and
// its certificates).
#include <cstdlib>

#include "fuzz_target.hpp"
#include "sign/xar_signature.hpp"

IMPOSTOR_FUZZ_TARGET(xar) {
  using namespace impostor::sign;
  static const TrustStore trust = TrustStore::empty();
  VerifyOptions options;
  options.now = 1'700'000'000;  // fixed, so a replay judges validity periods as the run did
  const auto verified = verify_xar_signature({data, size}, trust, options);
  if (verified.result.status == Status::valid) std::abort();  // nothing chains to an empty store
  return 0;
}
