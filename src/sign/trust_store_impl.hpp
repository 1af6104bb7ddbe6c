#pragma once
// Internal to sign/.
#include "sign/openssl_handles.hpp"
#include "sign/trust_store.hpp"

namespace impostor::sign {

struct TrustStore::Impl {
  detail::X509StorePtr store;
  size_t extra = 0;
};

}  // namespace impostor::sign
