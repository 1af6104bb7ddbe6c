#include "sign/trust_store.hpp"

#include <openssl/err.h>

#include "sign/trust_store_impl.hpp"

namespace impostor::sign {

namespace {

size_t certificate_count(X509_STORE* store) {
  size_t n = 0;
  STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
  for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i)
    if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objects, i)) == X509_LU_X509) ++n;
  return n;
}

}  // namespace

std::optional<TrustStore> TrustStore::load(const TrustStoreConfig& config, std::string* error) {
  auto impl = std::make_shared<Impl>();
  impl->store.reset(X509_STORE_new());
  if (!impl->store) {
    if (error) *error = "out of memory";
    return std::nullopt;
  }
  for (const auto& file : config.pem_files) {
    const size_t before = certificate_count(impl->store.get());
    // A file with a duplicate of an anchor already loaded adds nothing but is not an error.
    if (X509_STORE_load_file(impl->store.get(), file.c_str()) != 1) {
      ERR_clear_error();
      if (error) *error = "cannot read certificates from trust file " + file;
      return std::nullopt;
    }
    const size_t after = certificate_count(impl->store.get());
    if (after == before && before == 0) {
      if (error) *error = "trust file " + file + " holds no certificate";
      return std::nullopt;
    }
    impl->extra += after - before;
  }
  // By-hash directory lookup: only the anchors a chain asks for are ever read.
  if (config.system && X509_STORE_load_path(impl->store.get(), config.system_dir.c_str()) != 1) {
    ERR_clear_error();
    if (error) *error = "cannot use the system certificate directory " + config.system_dir;
    return std::nullopt;
  }
  return TrustStore(std::move(impl));
}

TrustStore TrustStore::empty() {
  auto impl = std::make_shared<Impl>();
  impl->store.reset(X509_STORE_new());
  return TrustStore(std::move(impl));
}

size_t TrustStore::extra_certificates() const { return impl_->extra; }

}  // namespace impostor::sign
