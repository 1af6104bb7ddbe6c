#pragma once
// Internal to sign/: owning handles for OpenSSL objects, so no path leaks one.
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>

namespace impostor::sign::detail {

template <auto Free>
struct FreeWith {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};

struct OpensslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};

// A stack that owns nothing: certificates pushed into it stay owned elsewhere.
struct StackOnlyFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};

// A stack that owns its certificates (what CMS_get1_certs returns).
struct StackPopFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};

using Pkcs7Ptr = std::unique_ptr<PKCS7, FreeWith<PKCS7_free>>;
using SignerInfoPtr = std::unique_ptr<PKCS7_SIGNER_INFO, FreeWith<PKCS7_SIGNER_INFO_free>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, FreeWith<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, FreeWith<X509_STORE_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, FreeWith<EVP_MD_CTX_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, FreeWith<EVP_PKEY_CTX_free>>;
using TstInfoPtr = std::unique_ptr<TS_TST_INFO, FreeWith<TS_TST_INFO_free>>;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, FreeWith<ASN1_OBJECT_free>>;
using X509ViewStack = std::unique_ptr<STACK_OF(X509), StackOnlyFree>;
using X509OwningStack = std::unique_ptr<STACK_OF(X509), StackPopFree>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, FreeWith<CMS_ContentInfo_free>>;
using OpensslBytes = std::unique_ptr<unsigned char, OpensslFree>;

}  // namespace impostor::sign::detail
