#include "sign/signed_data.hpp"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <cstring>
#include <ctime>

namespace impostor::sign::detail {

namespace {

constexpr const char* kOidNestedSignature = "1.3.6.1.4.1.311.2.4.1";
constexpr const char* kOidRfc3161Timestamp = "1.3.6.1.4.1.311.3.3.1";
constexpr size_t kMaxTimestampsTried = 8;

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

// RFC 2253 with UTF-8 kept as UTF-8; a name whose bytes are not valid UTF-8 is printed
// again with every non-ASCII byte escaped, so reports always get valid text.
std::string name_text(const X509_NAME* name) {
  auto print = [name](unsigned long flags) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) return std::string();
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
  };
  std::string text = print(XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  if (!valid_utf8(text)) text = print(XN_FLAG_RFC2253);
  return text;
}

std::string name_entry(const X509_NAME* name, int nid) {
  const int at = X509_NAME_get_index_by_NID(name, nid, -1);
  if (at < 0) return {};
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, value);
  if (n < 0) return {};
  const OpensslBytes owned(utf8);
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<size_t>(n));
  return valid_utf8(out) ? out : std::string();
}

std::span<const uint8_t> bytes_of(const ASN1_STRING* s) {
  if (!s || ASN1_STRING_length(s) <= 0) return {};
  return {ASN1_STRING_get0_data(s), static_cast<size_t>(ASN1_STRING_length(s))};
}

std::optional<std::vector<uint8_t>> digest(const EVP_MD* md, std::span<const uint8_t> data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), out, &n, md, nullptr) != 1) return std::nullopt;
  return std::vector<uint8_t>(out, out + n);
}

bool same(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

// The signer certificate, first in `first` (the token's own certificates), then in `second`.
X509* find_cert(PKCS7_SIGNER_INFO* si, STACK_OF(X509) * first, STACK_OF(X509) * second) {
  if (!si->issuer_and_serial) return nullptr;
  for (STACK_OF(X509) * certs : {first, second}) {
    if (!certs) continue;
    if (X509* c = X509_find_by_issuer_and_serial(certs, si->issuer_and_serial->issuer, si->issuer_and_serial->serial))
      return c;
  }
  return nullptr;
}

// Values of every unauthenticated attribute with this OID (an attribute may repeat, and
// each holds a SET of values).
std::vector<const ASN1_TYPE*> unauth_values(PKCS7_SIGNER_INFO* si, std::string_view oid) {
  std::vector<const ASN1_TYPE*> out;
  STACK_OF(X509_ATTRIBUTE)* attrs = si->unauth_attr;
  for (int i = 0; i < sk_X509_ATTRIBUTE_num(attrs); ++i) {
    X509_ATTRIBUTE* attr = sk_X509_ATTRIBUTE_value(attrs, i);
    if (oid_text(X509_ATTRIBUTE_get0_object(attr)) != oid) continue;
    for (int j = 0; j < X509_ATTRIBUTE_count(attr); ++j)
      if (const ASN1_TYPE* t = X509_ATTRIBUTE_get0_type(attr, j)) out.push_back(t);
  }
  return out;
}

void check_timestamp_chain(Timestamp& ts, X509* tsa, STACK_OF(X509) * untrusted, X509_STORE* store) {
  ts.signer = describe(tsa);
  // A time-stamping authority is checked at the time it vouches for, with the purpose
  // that demands its critical timeStamping key usage.
  const ChainCheck chain = check_chain(store, tsa, untrusted, ts.unix_time, X509_PURPOSE_TIMESTAMP_SIGN);
  ts.chain_ok = chain.ok;
  if (!chain.ok) ts.reason = "timestamp authority does not verify: " + chain.reason;
}

// RFC 3161 tokens are CMS (SignedData version 3, ESS signingCertificateV2, certificate
// sets OpenSSL's PKCS7 parser rejects), so they are read with the CMS API.
Timestamp rfc3161(const ASN1_TYPE* value, PKCS7_SIGNER_INFO* outer, STACK_OF(X509) * outer_certs, X509_STORE* store) {
  Timestamp ts;
  ts.kind = TimestampKind::rfc3161;
  if (value->type != V_ASN1_SEQUENCE) {
    ts.reason = "RFC 3161 timestamp attribute is not a SEQUENCE";
    return ts;
  }
  const auto der = bytes_of(value->value.sequence);
  const unsigned char* p = der.data();
  CmsPtr token(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  ASN1_OCTET_STRING** content = token ? CMS_get0_content(token.get()) : nullptr;
  if (!token || OBJ_obj2nid(CMS_get0_type(token.get())) != NID_pkcs7_signed ||
      OBJ_obj2nid(CMS_get0_eContentType(token.get())) != NID_id_smime_ct_TSTInfo || !content || !*content) {
    ERR_clear_error();
    ts.reason = "RFC 3161 timestamp token is not CMS SignedData holding a TSTInfo";
    return ts;
  }
  const auto tst_der = bytes_of(*content);
  const unsigned char* q = tst_der.data();
  TstInfoPtr tst(d2i_TS_TST_INFO(nullptr, &q, static_cast<long>(tst_der.size())));
  if (!tst) {
    ERR_clear_error();
    ts.reason = "RFC 3161 TSTInfo is not readable";
    return ts;
  }
  const auto when = unix_time(TS_TST_INFO_get_time(tst.get()));
  if (!when) {
    ts.reason = "RFC 3161 TSTInfo time is not readable";
    return ts;
  }
  ts.unix_time = *when;
  ts.time = iso_time(*when);

  TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(tst.get());
  const X509_ALGOR* imprint_algorithm = imprint ? TS_MSG_IMPRINT_get_algo(imprint) : nullptr;
  const EVP_MD* md = imprint_algorithm ? EVP_get_digestbyobj(imprint_algorithm->algorithm) : nullptr;
  const auto expected = md ? digest(md, bytes_of(outer->enc_digest)) : std::nullopt;
  ts.imprint_ok = expected && same(*expected, bytes_of(TS_MSG_IMPRINT_get_msg(imprint)));
  if (!ts.imprint_ok) {
    ts.reason = "RFC 3161 timestamp is not over this signature's value";
    return ts;
  }

  // Signature and messageDigest only; the chain is checked below at the token's own time.
  ts.signature_ok =
      CMS_verify(token.get(), outer_certs, nullptr, nullptr, nullptr, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) == 1;
  ERR_clear_error();
  if (!ts.signature_ok) {
    ts.reason = "RFC 3161 timestamp signature does not verify";
    return ts;
  }
  const X509ViewStack signers(CMS_get0_signers(token.get()));
  X509* tsa = signers && sk_X509_num(signers.get()) > 0 ? sk_X509_value(signers.get(), 0) : nullptr;
  const X509OwningStack token_certs(CMS_get1_certs(token.get()));
  X509ViewStack all(sk_X509_new_null());
  if (!tsa || !all) {
    ts.signature_ok = false;
    ts.reason = "RFC 3161 timestamp signer certificate not found";
    return ts;
  }
  for (STACK_OF(X509) * certs : {token_certs.get(), outer_certs})
    for (int i = 0; i < sk_X509_num(certs); ++i) sk_X509_push(all.get(), sk_X509_value(certs, i));
  check_timestamp_chain(ts, tsa, all.get(), store);
  return ts;
}

Timestamp countersignature(const ASN1_TYPE* value, PKCS7_SIGNER_INFO* outer, STACK_OF(X509) * certs,
                           X509_STORE* store) {
  Timestamp ts;
  ts.kind = TimestampKind::legacy_countersignature;
  if (value->type != V_ASN1_SEQUENCE) {
    ts.reason = "countersignature attribute is not a SEQUENCE";
    return ts;
  }
  const auto der = bytes_of(value->value.sequence);
  const unsigned char* p = der.data();
  SignerInfoPtr csi(d2i_PKCS7_SIGNER_INFO(nullptr, &p, static_cast<long>(der.size())));
  if (!csi) {
    ERR_clear_error();
    ts.reason = "countersignature is not a readable SignerInfo";
    return ts;
  }
  const ASN1_TYPE* signing_time = PKCS7_get_signed_attribute(csi.get(), NID_pkcs9_signingTime);
  std::optional<int64_t> when;
  if (signing_time && (signing_time->type == V_ASN1_UTCTIME || signing_time->type == V_ASN1_GENERALIZEDTIME))
    when = unix_time(signing_time->value.utctime);  // both are ASN1_TIME underneath
  if (!when) {
    ts.reason = "countersignature has no readable signingTime";
    return ts;
  }
  ts.unix_time = *when;
  ts.time = iso_time(*when);
  // The countersignature's content is the outer signature value: its messageDigest
  // attribute binds it to this signature exactly as RFC 3161's imprint does.
  const SignerCheck signer = check_signer(csi.get(), certs, bytes_of(outer->enc_digest));
  ts.imprint_ok = signer.content_ok;
  ts.signature_ok = signer.ok;
  if (!signer.ok) {
    ts.reason = "countersignature does not verify: " + signer.reason;
    return ts;
  }
  check_timestamp_chain(ts, signer.cert, certs, store);
  return ts;
}

}  // namespace

std::string hex(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

std::string oid_text(const ASN1_OBJECT* oid) {
  if (!oid) return {};
  char buf[128];
  const int n = OBJ_obj2txt(buf, sizeof buf, oid, 1);
  if (n <= 0) return {};
  return std::string(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1));
}

std::string iso_time(int64_t t) {
  const auto tt = static_cast<time_t>(t);
  std::tm tm{};
  if (!gmtime_r(&tt, &tm)) return {};
  char buf[32];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

std::optional<int64_t> unix_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

Certificate describe(X509* cert) {
  Certificate c;
  const X509_NAME* subject = X509_get_subject_name(cert);
  c.subject = name_text(subject);
  c.organization = name_entry(subject, NID_organizationName);
  c.common_name = name_entry(subject, NID_commonName);
  c.issuer = name_text(X509_get_issuer_name(cert));
  if (const ASN1_INTEGER* serial = X509_get0_serialNumber(cert)) {
    c.serial = hex(bytes_of(serial));
    for (char& ch : c.serial) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, EVP_sha256(), md, &n) == 1) c.sha256 = hex({md, n});
  if (auto t = unix_time(X509_get0_notBefore(cert))) c.not_before = iso_time(*t);
  if (auto t = unix_time(X509_get0_notAfter(cert))) c.not_after = iso_time(*t);
  return c;
}

std::optional<Tlv> read_tlv(std::span<const uint8_t> in) {
  if (in.size() < 2 || (in[0] & 0x1F) == 0x1F) return std::nullopt;
  Tlv t;
  t.tag = in[0];
  size_t header = 2;
  size_t length = in[1];
  if (length & 0x80) {
    const size_t count = length & 0x7F;
    if (count == 0 || count > 4 || in.size() < 2 + count) return std::nullopt;  // indefinite or absurd
    length = 0;
    for (size_t i = 0; i < count; ++i) length = (length << 8) | in[2 + i];
    header += count;
  }
  if (length > in.size() - header) return std::nullopt;
  t.value = in.subspan(header, length);
  t.size = header + length;
  return t;
}

SignerCheck check_signer(PKCS7_SIGNER_INFO* si, STACK_OF(X509) * certs, std::span<const uint8_t> content) {
  SignerCheck out;
  out.cert = find_cert(si, certs, nullptr);
  if (!out.cert) {
    out.reason = "the signer's certificate is not in the signature";
    return out;
  }
  const EVP_MD* md = si->digest_alg ? EVP_get_digestbyobj(si->digest_alg->algorithm) : nullptr;
  if (!md) {
    out.reason = "unknown signer digest algorithm " + oid_text(si->digest_alg ? si->digest_alg->algorithm : nullptr);
    return out;
  }

  std::span<const uint8_t> signed_bytes = content;
  OpensslBytes encoded;
  if (sk_X509_ATTRIBUTE_num(si->auth_attr) > 0) {
    const ASN1_OCTET_STRING* message_digest = PKCS7_digest_from_attributes(si->auth_attr);
    const auto actual = digest(md, content);
    if (!message_digest || !actual || !same(*actual, bytes_of(message_digest))) {
      out.reason = "the messageDigest attribute does not match the signed content";
      return out;
    }
    out.content_ok = true;
    // The signature covers the attributes re-encoded as a SET in their stored order,
    // the same bytes OpenSSL's own PKCS7_signatureVerify checks.
    unsigned char* der = nullptr;
    const int n = ASN1_item_i2d(reinterpret_cast<ASN1_VALUE*>(si->auth_attr), &der, ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
    encoded.reset(der);
    if (n <= 0) {
      ERR_clear_error();
      out.reason = "the signed attributes cannot be encoded";
      return out;
    }
    signed_bytes = {der, static_cast<size_t>(n)};
  }

  EVP_PKEY* key = X509_get0_pubkey(out.cert);
  const auto signature = bytes_of(si->enc_digest);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool verified =
      key && ctx && !signature.empty() && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), signed_bytes.data(), signed_bytes.size()) == 1;
  ERR_clear_error();
  if (!verified) {
    out.reason = "the signature value does not verify with the signer's key";
    return out;
  }
  out.content_ok = true;  // without attributes the signature itself covers the content
  out.ok = true;
  return out;
}

ChainCheck check_chain(X509_STORE* store, X509* leaf, STACK_OF(X509) * untrusted, int64_t at, int purpose) {
  ChainCheck out;
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store, leaf, untrusted) != 1) {
    ERR_clear_error();
    out.reason = "cannot set up chain verification";
    return out;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at));
  // Anchors from --trust-file may be intermediates or the signer itself: the caller
  // trusts exactly those, so a chain may stop at any of them.
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (purpose != 0) X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  out.ok = X509_verify_cert(ctx.get()) == 1;
  if (!out.ok) {
    out.error = X509_STORE_CTX_get_error(ctx.get());
    out.reason = X509_verify_cert_error_string(out.error);
  }
  ERR_clear_error();
  return out;
}

Timestamp read_timestamp(PKCS7_SIGNER_INFO* si, STACK_OF(X509) * certs, X509_STORE* store) {
  std::optional<Timestamp> first;
  // Real signers attach one; a hostile signature could attach thousands, each costing a
  // signature check, so only the first few of each kind are looked at.
  size_t tried = 0;
  for (const ASN1_TYPE* v : unauth_values(si, kOidRfc3161Timestamp)) {
    if (++tried > kMaxTimestampsTried) break;
    Timestamp ts = rfc3161(v, si, certs, store);
    if (ts.trusted()) return ts;
    if (!first) first = std::move(ts);
  }
  tried = 0;
  const std::string countersignature_oid = oid_text(OBJ_nid2obj(NID_pkcs9_countersignature));
  for (const ASN1_TYPE* v : unauth_values(si, countersignature_oid)) {
    if (++tried > kMaxTimestampsTried) break;
    Timestamp ts = countersignature(v, si, certs, store);
    if (ts.trusted()) return ts;
    if (!first) first = std::move(ts);
  }
  return first ? *first : Timestamp{};
}

std::vector<std::span<const uint8_t>> nested_signatures(PKCS7_SIGNER_INFO* si) {
  std::vector<std::span<const uint8_t>> out;
  for (const ASN1_TYPE* v : unauth_values(si, kOidNestedSignature))
    // A non-SEQUENCE value is kept as empty so the caller reports it as malformed.
    out.push_back(v->type == V_ASN1_SEQUENCE ? bytes_of(v->value.sequence) : std::span<const uint8_t>{});
  return out;
}

}  // namespace impostor::sign::detail
