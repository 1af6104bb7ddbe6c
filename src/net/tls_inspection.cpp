#include "net/tls_inspection.hpp"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "core/text_safety.hpp"

namespace impostor::net {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct CtxFree {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
struct NamesFree {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct CharFree {
  void operator()(char* p) const { OPENSSL_free(p); }
};

std::string hex(const unsigned char* data, size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0xf];
  }
  return out;
}

// Certificate text is attacker-chosen: always valid UTF-8, bounded.
std::string clean(std::string s) {
  constexpr size_t kMax = 1024;
  if (s.size() > kMax) s.resize(kMax);
  return core::to_valid_utf8(s);
}

std::string name_text(const X509_NAME* name) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || name == nullptr) return {};
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return clean(n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string());
}

std::string name_entry(const X509_NAME* name, int nid) {
  if (name == nullptr) return {};
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return {};
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, value);
  if (n < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return clean(std::move(out));
}

std::int64_t epoch_of(const ASN1_TIME* t) {
  if (t == nullptr) return 0;
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string digest_hex(const unsigned char* data, size_t size) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(data, size, md.data(), &len, EVP_sha256(), nullptr) != 1) return {};
  return hex(md.data(), len);
}

// Whether `dir` holds OpenSSL's subject-hash names ("1a2b3c4d.0"), which lookup by hash needs.
bool has_hashed_names(const char* dir) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto dot = name.find('.');
    if (dot == 8 && dot + 1 < name.size() && std::all_of(name.begin(), name.begin() + 8, [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c));
        }))
      return true;
  }
  return false;
}

// The system roots, found by subject hash in the certificate directory (as the signature
// checks find theirs): only the roots a chain names are ever read. X509_STORE_set_default_paths
// also parses the whole bundle file first, 140-odd roots through OpenSSL 3's decoders: 45 ms
// of every `url` and `crawl` start, for the few roots a scan meets. That path stays for a
// bundle named by SSL_CERT_FILE and for a directory without hash names.
void load_system_roots(X509_STORE* store) {
  const char* dir = std::getenv(X509_get_default_cert_dir_env());
  if (dir == nullptr) dir = X509_get_default_cert_dir();
  const std::string first_dir(dir, std::strcspn(dir, ":"));
  if (std::getenv(X509_get_default_cert_file_env()) != nullptr || !has_hashed_names(first_dir.c_str()) ||
      X509_STORE_load_path(store, dir) != 1) {
    ERR_clear_error();
    X509_STORE_set_default_paths(store);
  }
}

}  // namespace

std::string iso_time(std::int64_t epoch_seconds) {
  const auto t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf.data();
}

CertificateInfo describe_certificate(X509* cert) {
  CertificateInfo info;
  if (cert == nullptr) return info;
  const X509_NAME* subject = X509_get_subject_name(cert);
  const X509_NAME* issuer = X509_get_issuer_name(cert);
  info.subject = name_text(subject);
  info.issuer = name_text(issuer);
  info.common_name = name_entry(subject, NID_commonName);
  info.organization = name_entry(subject, NID_organizationName);
  info.issuer_organization = name_entry(issuer, NID_organizationName);
  info.self_issued = X509_NAME_cmp(subject, issuer) == 0;

  if (const ASN1_INTEGER* serial = X509_get0_serialNumber(cert)) {
    std::unique_ptr<BIGNUM, BnFree> bn(ASN1_INTEGER_to_BN(serial, nullptr));
    if (bn) {
      std::unique_ptr<char, CharFree> text(BN_bn2hex(bn.get()));
      if (text) {
        info.serial = text.get();
        for (auto& c : info.serial) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
  }

  // Bounded: a certificate may carry thousands of names; the evidence keeps the first 500.
  constexpr int kMaxNames = 500;
  std::unique_ptr<GENERAL_NAMES, NamesFree> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (names) {
    const int count = sk_GENERAL_NAME_num(names.get());
    for (int i = 0; i < count && i < kMaxNames; ++i) {
      const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
      if (gn->type == GEN_DNS) {
        const ASN1_IA5STRING* s = gn->d.dNSName;
        info.dns_names.push_back(clean(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                                   static_cast<size_t>(ASN1_STRING_length(s)))));
      } else if (gn->type == GEN_IPADD) {
        const ASN1_OCTET_STRING* s = gn->d.iPAddress;
        const int len = ASN1_STRING_length(s);
        std::array<char, 64> text{};
        if (len == 4) inet_ntop(AF_INET, ASN1_STRING_get0_data(s), text.data(), text.size());
        if (len == 16) inet_ntop(AF_INET6, ASN1_STRING_get0_data(s), text.data(), text.size());
        if (text[0] != 0) info.ip_addresses.emplace_back(text.data());
      }
    }
  }

  info.not_before = epoch_of(X509_get0_notBefore(cert));
  info.not_after = epoch_of(X509_get0_notAfter(cert));

  if (EVP_PKEY* key = X509_get0_pubkey(cert)) {
    const char* type = EVP_PKEY_get0_type_name(key);
    info.key_type = type != nullptr ? type : "unknown";
    info.key_bits = EVP_PKEY_get_bits(key);
  }

  unsigned char* der = nullptr;
  const int der_len = i2d_X509(cert, &der);
  if (der_len > 0) {
    info.sha256 = digest_hex(der, static_cast<size_t>(der_len));
    OPENSSL_free(der);
  }
  unsigned char* spki = nullptr;
  const int spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &spki);
  if (spki_len > 0) {
    info.spki_sha256 = digest_hex(spki, static_cast<size_t>(spki_len));
    OPENSSL_free(spki);
  }
  return info;
}

void TrustStore::Free::operator()(X509_STORE* s) const { X509_STORE_free(s); }

TrustStore::TrustStore(const std::vector<std::string>& ca_files) : store_(X509_STORE_new()) {
  if (!store_) throw std::runtime_error("cannot create a certificate store");
  if (ca_files.empty()) {
    load_system_roots(store_.get());
    return;
  }
  for (const auto& file : ca_files) {
    if (X509_STORE_load_file(store_.get(), file.c_str()) != 1)
      throw std::runtime_error("cannot read CA certificates from " + file);
  }
}

TlsSession inspect_tls(SSL* ssl, std::string_view host, const TrustStore& trust, std::int64_t now) {
  TlsSession session;
  if (ssl == nullptr) return session;
  session.version = SSL_get_version(ssl);
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) session.cipher = SSL_CIPHER_get_name(cipher);
  const unsigned char* alpn = nullptr;
  unsigned int alpn_len = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
  if (alpn != nullptr) session.alpn = clean(std::string(reinterpret_cast<const char*>(alpn), alpn_len));

  // On the client side the peer chain includes the leaf (OpenSSL 3). Bounded: a server
  // may send any number of certificates; TLS itself caps the message at 16 MiB.
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  X509* leaf = SSL_get0_peer_certificate(ssl);
  constexpr int kMaxChain = 16;
  if (chain != nullptr) {
    const int n = sk_X509_num(chain);
    for (int i = 0; i < n && i < kMaxChain; ++i) session.chain.push_back(describe_certificate(sk_X509_value(chain, i)));
  } else if (leaf != nullptr) {
    session.chain.push_back(describe_certificate(leaf));
  }
  if (leaf == nullptr) {
    session.verify_error = "the server sent no certificate";
    return session;
  }

  std::unique_ptr<X509_STORE_CTX, CtxFree> ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), trust.get(), leaf, chain) != 1) {
    session.verify_error = "cannot set up certificate verification";
    return session;
  }
  X509_STORE_CTX_set_default(ctx.get(), "ssl_server");
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(now));
  const std::string host_text(host);
  if (X509_VERIFY_PARAM_set1_ip_asc(param, host_text.c_str()) != 1)
    X509_VERIFY_PARAM_set1_host(param, host_text.c_str(), host_text.size());
  const int ok = X509_verify_cert(ctx.get());
  session.verified = ok == 1;
  if (!session.verified) {
    session.verify_code = X509_STORE_CTX_get_error(ctx.get());
    session.verify_error = X509_verify_cert_error_string(session.verify_code);
  }
  return session;
}

namespace {

struct CachedSession {
  std::string host;
  std::shared_ptr<const TlsSession> session;
};

void free_cached(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/, long /*argl*/, void* /*argp*/) {
  delete static_cast<CachedSession*>(ptr);
}

int cache_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, free_cached);
  return index;
}

}  // namespace

std::shared_ptr<const TlsSession> inspect_tls_once(SSL* ssl, std::string_view host, const TrustStore& trust,
                                                   std::int64_t now) {
  if (ssl == nullptr) return std::make_shared<const TlsSession>();
  const int index = cache_index();
  if (index < 0) return std::make_shared<const TlsSession>(inspect_tls(ssl, host, trust, now));
  if (auto* cached = static_cast<CachedSession*>(SSL_get_ex_data(ssl, index));
      cached != nullptr && cached->host == host)
    return cached->session;
  auto fresh = std::make_unique<CachedSession>(
      CachedSession{std::string(host), std::make_shared<const TlsSession>(inspect_tls(ssl, host, trust, now))});
  std::shared_ptr<const TlsSession> result = fresh->session;
  delete static_cast<CachedSession*>(SSL_get_ex_data(ssl, index));
  if (SSL_set_ex_data(ssl, index, fresh.get()) == 1) static_cast<void>(fresh.release());  // the SSL owns it now
  return result;
}

// Keys in sorted order (JsonWriter's rule): every hop of every URL carries its chain.
void write_json(core::JsonWriter& out, const CertificateInfo& c, std::int64_t now) {
  out.begin_object();
  out.field("age_days", (now - c.not_before) / 86400);
  out.field("common_name", c.common_name);
  out.field("dns_names", c.dns_names);
  out.field("ip_addresses", c.ip_addresses);
  out.field("issuer", c.issuer);
  out.key("key");
  out.begin_object();
  out.field("bits", c.key_bits);
  out.field("type", c.key_type);
  out.end_object();
  out.field("not_after", iso_time(c.not_after));
  out.field("not_before", iso_time(c.not_before));
  out.field("organization", c.organization);
  out.field("self_issued", c.self_issued);
  out.field("serial", c.serial);
  out.field("sha256", c.sha256);
  out.field("spki_sha256", c.spki_sha256);
  out.field("subject", c.subject);
  out.end_object();
}

void write_json(core::JsonWriter& out, const TlsSession& tls, std::int64_t now) {
  out.begin_object();
  out.field("alpn", tls.alpn);
  out.key("chain");
  out.begin_array();
  for (const auto& c : tls.chain) write_json(out, c, now);
  out.end_array();
  out.field("cipher", tls.cipher);
  out.field("verified", tls.verified);
  if (!tls.verified) out.field("verify_error", tls.verify_error);
  out.field("version", tls.version);
  out.end_object();
}

}  // namespace impostor::net
