#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "pe/pe_image.hpp"
#include "sign/authenticode.hpp"
#include "sign/trust_store.hpp"
#include "signed_fixtures.hpp"

using namespace impostor;
using sign::Status;
using Bytes = std::vector<uint8_t>;

namespace {

template <auto Free>
struct FreeWith {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using Pkcs7 = std::unique_ptr<PKCS7, FreeWith<PKCS7_free>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using ObjPtr = std::unique_ptr<ASN1_OBJECT, FreeWith<ASN1_OBJECT_free>>;

const sign::TrustStore& test_ca() {
  static const sign::TrustStore store = [] {
    std::string error;
    auto s = sign::TrustStore::load({true, "/etc/ssl/certs", {(fx::dir() / "ca.pem").string()}}, &error);
    REQUIRE_MESSAGE(s, error);
    return *s;
  }();
  return store;
}

const sign::TrustStore& system_only() {
  static const sign::TrustStore store = [] {
    auto s = sign::TrustStore::load({});
    REQUIRE(s);
    return *s;
  }();
  return store;
}

sign::AuthenticodeResult verify(const Bytes& b, const sign::TrustStore& trust = test_ca(),
                                const sign::VerifyOptions& options = {}) {
  return sign::verify_authenticode(b, trust, options);
}

void put32(Bytes& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

pe::FileRange table_of(const Bytes& b) {
  const auto pe = pe::PeImage::parse(b);
  REQUIRE(pe);
  REQUIRE(pe->certificate_table());
  return *pe->certificate_table();
}

// The file with its certificate table replaced by `table` (raw bytes, appended at the
// 8-aligned end of the image).
Bytes with_table(const Bytes& signed_pe, const Bytes& table) {
  const auto pe = pe::PeImage::parse(signed_pe);
  REQUIRE(pe);
  const size_t image = pe->certificate_table() ? pe->certificate_table()->offset : signed_pe.size();
  Bytes b(signed_pe.begin(), signed_pe.begin() + static_cast<ptrdiff_t>(image));
  b.resize((b.size() + 7) & ~size_t{7}, 0);
  const auto at = static_cast<uint32_t>(b.size());
  b.insert(b.end(), table.begin(), table.end());
  put32(b, pe->security_directory_offset(), at);
  put32(b, pe->security_directory_offset() + 4, static_cast<uint32_t>(table.size()));
  return b;
}

Bytes entry(const Bytes& blob, uint16_t type = 2, std::optional<uint32_t> declared = std::nullopt) {
  // Sized once and filled in place: GCC 12 misreads an insert into an 8-byte vector as
  // out of bounds (-Warray-bounds) when the blob is empty.
  Bytes e((blob.size() + 8 + 7) & ~size_t{7}, 0);
  put32(e, 0, declared.value_or(static_cast<uint32_t>(blob.size() + 8)));
  e[5] = 0x02;
  e[6] = static_cast<uint8_t>(type);
  e[7] = static_cast<uint8_t>(type >> 8);
  if (!blob.empty()) std::memcpy(e.data() + 8, blob.data(), blob.size());
  return e;
}

Bytes with_entries(const Bytes& signed_pe, const std::vector<Bytes>& blobs) {
  Bytes table;
  for (const auto& blob : blobs) {
    const Bytes e = entry(blob);
    table.insert(table.end(), e.begin(), e.end());
  }
  return with_table(signed_pe, table);
}

// The PKCS#7 of a signed file's first entry, parsed, and re-encoded.
Pkcs7 pkcs7_of(const Bytes& signed_pe) {
  const auto t = table_of(signed_pe);
  const unsigned char* p = signed_pe.data() + t.offset + 8;
  Pkcs7 p7(d2i_PKCS7(nullptr, &p, static_cast<long>(t.size - 8)));
  REQUIRE(p7);
  return p7;
}

Bytes der(PKCS7* p7) {
  unsigned char* out = nullptr;
  const int n = i2d_PKCS7(p7, &out);
  REQUIRE(n > 0);
  Bytes b(out, out + n);
  OPENSSL_free(out);
  return b;
}

PKCS7_SIGNER_INFO* signer_of(PKCS7* p7) { return sk_PKCS7_SIGNER_INFO_value(p7->d.sign->signer_info, 0); }

// One unauthenticated attribute holding every value given (as osslsigncode -nest does:
// one attribute, a SET of nested signatures).
void add_unauth(PKCS7* p7, const char* oid, const std::vector<Bytes>& values) {
  PKCS7_SIGNER_INFO* si = signer_of(p7);
  const ObjPtr obj(OBJ_txt2obj(oid, 1));
  X509_ATTRIBUTE* attr = X509_ATTRIBUTE_create_by_OBJ(nullptr, obj.get(), V_ASN1_SEQUENCE, values[0].data(),
                                                      static_cast<int>(values[0].size()));
  REQUIRE(attr);
  for (size_t i = 1; i < values.size(); ++i)
    REQUIRE(X509_ATTRIBUTE_set1_data(attr, V_ASN1_SEQUENCE, values[i].data(), static_cast<int>(values[i].size())));
  if (!si->unauth_attr) si->unauth_attr = sk_X509_ATTRIBUTE_new_null();
  REQUIRE(sk_X509_ATTRIBUTE_push(si->unauth_attr, attr) > 0);
}

// Hand-made DER for structures no library builds on purpose (a SignedData whose only
// job is to nest another).
Bytes tlv(uint8_t tag, const Bytes& content) {
  Bytes out{tag};
  const size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
  } else {
    Bytes len;
    for (size_t v = n; v; v >>= 8) len.insert(len.begin(), static_cast<uint8_t>(v));
    out.push_back(static_cast<uint8_t>(0x80 | len.size()));
    out.insert(out.end(), len.begin(), len.end());
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes oid(const char* dotted) {
  const ObjPtr obj(OBJ_txt2obj(dotted, 1));
  unsigned char* out = nullptr;
  const int n = i2d_ASN1_OBJECT(obj.get(), &out);
  Bytes b(out, out + n);
  OPENSSL_free(out);
  return b;
}

// ContentInfo{signedData, SignedData{1, {}, {data}, {SignerInfo{..., unauth: nested = inner}}}}
Bytes nesting_wrapper(const Bytes& inner) {
  const Bytes signer_info =
      tlv(0x30, cat({tlv(0x02, {1}), tlv(0x30, cat({tlv(0x30, {}), tlv(0x02, {1})})),
                     tlv(0x30, oid("2.16.840.1.101.3.4.2.1")), tlv(0x30, oid("1.2.840.113549.1.1.1")), tlv(0x04, {'x'}),
                     tlv(0xA1, tlv(0x30, cat({oid("1.3.6.1.4.1.311.2.4.1"), tlv(0x31, inner)})))}));
  const Bytes signed_data =
      tlv(0x30, cat({tlv(0x02, {1}), tlv(0x31, {}), tlv(0x30, oid("1.2.840.113549.1.7.1")), tlv(0x31, signer_info)}));
  return tlv(0x30, cat({oid("1.2.840.113549.1.7.2"), tlv(0xA0, signed_data)}));
}

size_t text_middle(const Bytes& b) {
  const auto pe = pe::PeImage::parse(b);
  REQUIRE(pe);
  const auto* text = pe->find_section(".text");
  REQUIRE(text);
  return text->raw_offset + text->raw_size / 2;
}

bool has_anomaly(const sign::AuthenticodeResult& r, std::string_view needle) {
  for (const auto& a : r.anomalies)
    if (a.find(needle) != std::string::npos) return true;
  return false;
}

X509Ptr read_pem_cert(const std::filesystem::path& p) {
  std::unique_ptr<FILE, FreeWith<fclose>> f(std::fopen(p.c_str(), "r"));
  REQUIRE(f);
  X509Ptr cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
  REQUIRE(cert);
  return cert;
}

std::string sha256_hex(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  REQUIRE(X509_digest(cert, EVP_sha256(), md, &n) == 1);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) (out += kHex[md[i] >> 4]) += kHex[md[i] & 0xF];
  return out;
}

constexpr int64_t kSignTime = 1590969600;  // 2020-06-01T00:00:00Z, the fixtures' signing and timestamp time
constexpr const char* kZoom = "Zoom Video Communications, Inc.";

}  // namespace

TEST_CASE("Authenticode: test-signed fixtures verify as their manifest says") {
  const auto zoom_cert = read_pem_cert(fx::dir() / "zoom.pem");

  const auto unsigned_result = verify(fx::read(fx::dir() / "unsigned.exe"));
  CHECK(unsigned_result.status == Status::not_signed);
  CHECK_FALSE(unsigned_result.signature_present());
  CHECK(unsigned_result.signatures.empty());

  const auto zoom = verify(fx::read(fx::dir() / "zoom-signed.exe"));
  CHECK_MESSAGE(zoom.status == Status::valid, zoom.reason);
  CHECK(zoom.signature_present());
  CHECK(zoom.anomalies.empty());
  REQUIRE(zoom.signatures.size() == 1);
  const auto& s = zoom.signatures[0];
  CHECK(s.entry == 0);
  CHECK(s.depth == 0);
  CHECK(s.digest_algorithm == "sha256");
  CHECK(s.digest_ok);
  CHECK(s.computed_digest == s.signed_digest);
  CHECK(s.computed_digest.size() == 64);
  CHECK(s.signature_ok);
  CHECK(s.chain_ok);
  CHECK(s.chain_reason.empty());
  REQUIRE(s.signer);
  CHECK(s.signer->organization == kZoom);
  CHECK(s.signer->common_name == kZoom);
  CHECK(s.signer->subject == "C=US,O=Zoom Video Communications\\, Inc.,CN=Zoom Video Communications\\, Inc.");
  CHECK(s.signer->issuer == "O=Impostor Tests,CN=Impostor Test Root CA");
  CHECK(s.signer->serial == "1001");
  CHECK(s.signer->sha256 == sha256_hex(zoom_cert.get()));
  CHECK(s.signer->not_before == "2019-01-01T00:00:00Z");
  CHECK(s.signer->not_after == "2039-01-01T00:00:00Z");
  CHECK(s.timestamp.kind == sign::TimestampKind::none);
  CHECK(zoom.reason.find("valid, signed by") != std::string::npos);

  // The digest of the unsigned original is what was signed: an independent path
  // (no certificate table to skip) to the same number.
  CHECK(sign::authenticode_digest(fx::read(fx::dir() / "unsigned.exe"), "sha256") == s.signed_digest);
  CHECK(sign::authenticode_digest(fx::read(fx::dir() / "zoom-signed.exe"), "sha256") == s.signed_digest);
  std::string error;
  CHECK_FALSE(sign::authenticode_digest(fx::read(fx::dir() / "zoom-signed.exe"), "md5", &error));
  CHECK(error.find("md5") != std::string::npos);

  const auto sha1 = verify(fx::read(fx::dir() / "zoom-sha1.exe"));
  CHECK(sha1.status == Status::valid);
  REQUIRE(sha1.signatures.size() == 1);
  CHECK(sha1.signatures[0].digest_algorithm == "sha1");
  CHECK(sha1.signatures[0].computed_digest.size() == 40);

  const auto other = verify(fx::read(fx::dir() / "other-signed.exe"));
  CHECK(other.status == Status::valid);
  REQUIRE(other.signatures.size() == 1);
  CHECK(other.signatures[0].signer->organization == "Someone Else Ltd");
  CHECK(other.signatures[0].signer->serial == "1002");

  const auto nested = verify(fx::read(fx::dir() / "nested.exe"));
  CHECK(nested.status == Status::valid);
  REQUIRE(nested.signatures.size() == 2);
  CHECK(nested.signatures[0].depth == 0);
  CHECK(nested.signatures[0].signer->organization == kZoom);
  CHECK(nested.signatures[1].depth == 1);
  CHECK(nested.signatures[1].entry == 0);
  CHECK(nested.signatures[1].digest_algorithm == "sha512");
  CHECK(nested.signatures[1].computed_digest.size() == 128);
  CHECK(nested.signatures[1].status == Status::valid);
  CHECK(nested.signatures[1].signer->organization == "Someone Else Ltd");

  const auto tampered = verify(fx::read(fx::dir() / "tampered.exe"));
  CHECK(tampered.status == Status::digest_mismatch);
  REQUIRE(tampered.signatures.size() == 1);
  CHECK_FALSE(tampered.signatures[0].digest_ok);
  CHECK(tampered.signatures[0].computed_digest != tampered.signatures[0].signed_digest);
  CHECK(tampered.signatures[0].signed_digest == s.signed_digest);
  CHECK(tampered.signatures[0].signature_ok);  // the PKCS#7 is intact; the file is not
  CHECK(tampered.signatures[0].signer->organization == kZoom);
  CHECK(tampered.reason.find("is not the signed") != std::string::npos);
}

TEST_CASE("Authenticode: trust store decides the chain, never the digest") {
  const Bytes zoom = fx::read(fx::dir() / "zoom-signed.exe");
  for (const auto* trust : {&system_only(), static_cast<const sign::TrustStore*>(nullptr)}) {
    const auto empty = sign::TrustStore::empty();
    const auto r = verify(zoom, trust ? *trust : empty);
    CHECK(r.status == Status::untrusted_chain);
    REQUIRE(r.signatures.size() == 1);
    CHECK(r.signatures[0].digest_ok);
    CHECK(r.signatures[0].signature_ok);
    CHECK_FALSE(r.signatures[0].chain_ok);
    CHECK(r.signatures[0].chain_reason == "unable to get local issuer certificate");
    CHECK(r.signatures[0].signer->organization == kZoom);
    CHECK(r.reason.find("does not chain") != std::string::npos);
  }
  // Trusting the leaf itself (a --trust-file with the publisher's certificate) is enough.
  std::string error;
  const auto leaf_only = sign::TrustStore::load({false, "", {(fx::dir() / "zoom.pem").string()}}, &error);
  REQUIRE_MESSAGE(leaf_only, error);
  CHECK(leaf_only->extra_certificates() == 1);
  CHECK(verify(zoom, *leaf_only).status == Status::valid);
  CHECK(verify(fx::read(fx::dir() / "other-signed.exe"), *leaf_only).status == Status::untrusted_chain);

  CHECK_FALSE(sign::TrustStore::load({false, "", {"/nonexistent/ca.pem"}}, &error));
  CHECK(error.find("/nonexistent/ca.pem") != std::string::npos);
  CHECK_FALSE(sign::TrustStore::load({false, "", {(fx::dir() / "manifest.json").string()}}, &error));
  CHECK(error.find("manifest.json") != std::string::npos);
}

TEST_CASE("Authenticode: expiry, RFC 3161 timestamps and legacy countersignatures") {
  const Bytes expired = fx::read(fx::dir() / "expired-signed.exe");
  const auto now = verify(expired);
  CHECK(now.status == Status::expired_no_timestamp);
  REQUIRE(now.signatures.size() == 1);
  CHECK(now.signatures[0].digest_ok);
  CHECK(now.signatures[0].chain_reason == "certificate has expired");
  CHECK(now.reason.find("no timestamp") != std::string::npos);
  // The same file checked at a time inside the certificate's validity.
  sign::VerifyOptions in_2020;
  in_2020.now = kSignTime;
  CHECK(verify(expired, test_ca(), in_2020).status == Status::valid);

  const Bytes stamped_bytes = fx::read(fx::dir() / "expired-timestamped.exe");
  const auto stamped = verify(stamped_bytes);
  CHECK_MESSAGE(stamped.status == Status::valid, stamped.reason);
  REQUIRE(stamped.signatures.size() == 1);
  const auto& ts = stamped.signatures[0].timestamp;
  CHECK(ts.kind == sign::TimestampKind::rfc3161);
  CHECK(ts.time == "2020-06-01T00:00:00Z");
  CHECK(ts.unix_time == kSignTime);
  CHECK(ts.imprint_ok);
  CHECK(ts.signature_ok);
  CHECK(ts.chain_ok);
  CHECK(ts.trusted());
  REQUIRE(ts.signer);
  CHECK(ts.signer->common_name == "Impostor Test TSA");
  CHECK(stamped.signatures[0].verified_at == kSignTime);
  CHECK(stamped.reason.find("timestamped 2020-06-01T00:00:00Z") != std::string::npos);

  SUBCASE("a timestamp whose authority does not chain does not rescue an expired certificate") {
    std::string error;
    const auto leaf_only = sign::TrustStore::load({false, "", {(fx::dir() / "expired.pem").string()}}, &error);
    REQUIRE(leaf_only);
    const auto r = verify(stamped_bytes, *leaf_only);
    CHECK(r.status == Status::expired_no_timestamp);
    CHECK(r.signatures[0].timestamp.signature_ok);
    CHECK_FALSE(r.signatures[0].timestamp.chain_ok);
    CHECK(r.reason.find("timestamp is not trusted") != std::string::npos);
  }

  SUBCASE("a timestamp moved from another signature does not count") {
    const Pkcs7 donor = pkcs7_of(fx::read(fx::dir() / "zoom-timestamped.exe"));
    const Pkcs7 target = pkcs7_of(expired);
    PKCS7_SIGNER_INFO* from = signer_of(donor.get());
    PKCS7_SIGNER_INFO* to = signer_of(target.get());
    REQUIRE(sk_X509_ATTRIBUTE_num(from->unauth_attr) == 1);
    to->unauth_attr = sk_X509_ATTRIBUTE_new_null();
    sk_X509_ATTRIBUTE_push(to->unauth_attr, X509_ATTRIBUTE_dup(sk_X509_ATTRIBUTE_value(from->unauth_attr, 0)));
    const auto r = verify(with_entries(expired, {der(target.get())}));
    CHECK(r.status == Status::expired_no_timestamp);
    CHECK(r.signatures[0].timestamp.kind == sign::TimestampKind::rfc3161);
    CHECK_FALSE(r.signatures[0].timestamp.imprint_ok);
    CHECK(r.signatures[0].timestamp.reason.find("not over this signature") != std::string::npos);
  }

  SUBCASE("a legacy pkcs9 countersignature by the test TSA") {
    const Pkcs7 p7 = pkcs7_of(expired);
    PKCS7_SIGNER_INFO* outer = signer_of(p7.get());
    const X509Ptr tsa = read_pem_cert(fx::dir() / "tsa.pem");
    std::unique_ptr<FILE, FreeWith<fclose>> kf(std::fopen((fx::dir() / "work/tsa.key").c_str(), "r"));
    REQUIRE(kf);
    const KeyPtr key(PEM_read_PrivateKey(kf.get(), nullptr, nullptr, nullptr));
    REQUIRE(key);

    std::unique_ptr<PKCS7_SIGNER_INFO, FreeWith<PKCS7_SIGNER_INFO_free>> cs(PKCS7_SIGNER_INFO_new());
    REQUIRE(PKCS7_SIGNER_INFO_set(cs.get(), tsa.get(), key.get(), EVP_sha256()) == 1);
    REQUIRE(PKCS7_add_signed_attribute(cs.get(), NID_pkcs9_contentType, V_ASN1_OBJECT, OBJ_nid2obj(NID_pkcs7_data)));
    ASN1_UTCTIME* when = ASN1_UTCTIME_set(nullptr, static_cast<time_t>(kSignTime));
    REQUIRE(PKCS7_add_signed_attribute(cs.get(), NID_pkcs9_signingTime, V_ASN1_UTCTIME, when));
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    REQUIRE(EVP_Digest(ASN1_STRING_get0_data(outer->enc_digest),
                       static_cast<size_t>(ASN1_STRING_length(outer->enc_digest)), md, &n, EVP_sha256(), nullptr));
    ASN1_OCTET_STRING* digest = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(digest, md, static_cast<int>(n));
    REQUIRE(PKCS7_add_signed_attribute(cs.get(), NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest));
    REQUIRE(PKCS7_SIGNER_INFO_sign(cs.get()) == 1);
    unsigned char* cs_der = nullptr;
    const int cs_len = i2d_PKCS7_SIGNER_INFO(cs.get(), &cs_der);
    REQUIRE(cs_len > 0);
    const Bytes countersignature(cs_der, cs_der + cs_len);
    OPENSSL_free(cs_der);
    REQUIRE(PKCS7_add_certificate(p7.get(), tsa.get()) == 1);

    Pkcs7 good(PKCS7_dup(p7.get()));
    add_unauth(good.get(), "1.2.840.113549.1.9.6", {countersignature});
    const auto r = verify(with_entries(expired, {der(good.get())}));
    CHECK_MESSAGE(r.status == Status::valid, r.reason);
    const auto& t = r.signatures[0].timestamp;
    CHECK(t.kind == sign::TimestampKind::legacy_countersignature);
    CHECK(t.time == "2020-06-01T00:00:00Z");
    CHECK(t.trusted());
    CHECK(t.signer->common_name == "Impostor Test TSA");

    // The same countersignature under a different signature value: not this signature's.
    Pkcs7 other = pkcs7_of(fx::read(fx::dir() / "zoom-signed.exe"));
    REQUIRE(PKCS7_add_certificate(other.get(), tsa.get()) == 1);
    add_unauth(other.get(), "1.2.840.113549.1.9.6", {countersignature});
    const auto f = verify(with_entries(fx::read(fx::dir() / "zoom-signed.exe"), {der(other.get())}));
    CHECK(f.status == Status::valid);  // still valid now: the timestamp is simply not used
    CHECK_FALSE(f.signatures[0].timestamp.imprint_ok);
    CHECK_FALSE(f.signatures[0].timestamp.trusted());
    CHECK(f.signatures[0].verified_at != kSignTime);
  }
}

TEST_CASE("Authenticode: several WIN_CERTIFICATE entries and what hides in the table") {
  const Bytes zoom = fx::read(fx::dir() / "zoom-signed.exe");
  const Pkcs7 zoom_p7 = pkcs7_of(zoom);
  const Pkcs7 other_p7 = pkcs7_of(fx::read(fx::dir() / "other-signed.exe"));
  const Bytes zoom_der = der(zoom_p7.get());
  const Bytes other_der = der(other_p7.get());

  // Re-encoding does not disturb the signature (the harness is sound).
  CHECK(verify(with_entries(zoom, {zoom_der})).status == Status::valid);

  const auto two = verify(with_entries(zoom, {zoom_der, other_der}));
  CHECK(two.status == Status::valid);
  REQUIRE(two.signatures.size() == 2);
  CHECK(two.signatures[0].entry == 0);
  CHECK(two.signatures[1].entry == 1);
  CHECK(two.signatures[0].signer->organization == kZoom);
  CHECK(two.signatures[1].signer->organization == "Someone Else Ltd");
  CHECK(two.signatures[1].status == Status::valid);

  const auto with_garbage = verify(with_entries(zoom, {zoom_der, Bytes{0x30, 0x03, 0x02, 0x01, 0x01}}));
  CHECK(with_garbage.status == Status::malformed);
  REQUIRE(with_garbage.signatures.size() == 2);
  CHECK(with_garbage.signatures[0].status == Status::valid);
  CHECK(with_garbage.signatures[1].status == Status::malformed);
  CHECK(with_garbage.reason.find("entry 1") != std::string::npos);

  Bytes hidden = zoom_der;
  const std::string payload = "IMPOSTOR-HIDDEN-PAYLOAD http://miner.example/config";
  hidden.insert(hidden.end(), payload.begin(), payload.end());
  const auto stash = verify(with_entries(zoom, {hidden}));
  CHECK(stash.status == Status::valid);
  CHECK(has_anomaly(stash, "bytes after its PKCS#7 data"));

  Bytes table = entry(zoom_der);
  table.insert(table.end(), {'J', 'U', 'N', 'K', 0, 0, 0});
  const auto junk = verify(with_table(zoom, table));
  CHECK(junk.status == Status::valid);
  CHECK(has_anomaly(junk, "after the last certificate-table entry"));

  table = entry(zoom_der);
  table.insert(table.end(), 16, 0);  // zero padding is not an anomaly
  CHECK(verify(with_table(zoom, table)).anomalies.empty());

  const auto x509_only = verify(with_table(zoom, entry(Bytes(40, 0x30), 1)));
  CHECK(x509_only.status == Status::malformed);
  CHECK(has_anomaly(x509_only, "type 1"));

  Bytes appended = zoom;
  appended.insert(appended.end(), 100, 'A');
  const auto after = verify(appended);
  CHECK(after.status == Status::digest_mismatch);
  CHECK(has_anomaly(after, "100 bytes follow the certificate table"));
}

TEST_CASE("Authenticode: hostile certificate tables and PKCS#7 blobs") {
  const Bytes zoom = fx::read(fx::dir() / "zoom-signed.exe");
  const auto t = table_of(zoom);
  const size_t security = pe::PeImage::parse(zoom)->security_directory_offset();

  SUBCASE("zero-length and garbage DER") {
    auto r = verify(with_table(zoom, entry({})));
    CHECK(r.status == Status::malformed);
    CHECK(r.reason.find("empty PKCS#7") != std::string::npos);

    std::mt19937 rng(7);
    const std::vector<Bytes> garbage = {
        {0x00},
        {0x30, 0x80, 0x00, 0x00},                    // indefinite length, empty
        {0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x01},  // a 4 GiB SEQUENCE in 7 bytes
        {0x30, 0x89, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09},
        tlv(0x30, cat({oid("1.2.840.113549.1.7.1"), tlv(0xA0, tlv(0x04, {1, 2, 3}))})),  // pkcs7-data, not signed
        tlv(0x30, cat({oid("1.2.840.113549.1.7.2"),
                       tlv(0xA0, tlv(0x30, cat({tlv(0x02, {1}), tlv(0x31, {}), tlv(0x30, oid("1.2.840.113549.1.7.1")),
                                                tlv(0x31, {})})))})),  // SignedData without a signer
    };
    for (const auto& g : garbage) {
      r = verify(with_table(zoom, entry(g)));
      CHECK(r.status == Status::malformed);
      CHECK_FALSE(r.reason.empty());
    }
    for (int i = 0; i < 200; ++i) {
      Bytes g(1 + rng() % 2048);
      for (auto& c : g) c = static_cast<uint8_t>(rng());
      if (i % 2) g[0] = 0x30;
      r = verify(with_table(zoom, entry(g)));
      CHECK(r.status == Status::malformed);
    }
  }

  SUBCASE("huge blobs and lying entry lengths") {
    auto r = verify(with_table(zoom, entry(Bytes(64, 0x30), 2, 0xFFFFFFF0U)));
    CHECK(r.status == Status::malformed);
    CHECK(r.reason.find("declares") != std::string::npos);
    r = verify(with_table(zoom, entry(Bytes(64, 0x30), 2, 4)));
    CHECK(r.status == Status::malformed);
    CHECK(r.reason.find("less than its own header") != std::string::npos);

    Bytes big = {0x30, 0x84, 0x00, 0x80, 0x00, 0x00};  // an 8 MiB SEQUENCE of zeros
    big.resize(6 + (8U << 20), 0);
    const auto start = std::chrono::steady_clock::now();
    r = verify(with_table(zoom, entry(big)));
    CHECK(r.status == Status::malformed);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
  }

  SUBCASE("certificate table outside the file or over the headers") {
    for (const auto& [offset, size] : std::vector<std::pair<uint32_t, uint32_t>>{
             {static_cast<uint32_t>(zoom.size()), 8},
             {static_cast<uint32_t>(t.offset), static_cast<uint32_t>(t.size + 8)},
             {0xFFFFFFF8U, 0x100},
             {static_cast<uint32_t>(t.offset), 0xFFFFFFFFU}}) {
      Bytes b = zoom;
      put32(b, security, offset);
      put32(b, security + 4, size);
      const auto r = verify(b);
      CHECK(r.status == Status::malformed);
      CHECK(r.signature_present());
      CHECK(r.reason.find("outside the file") != std::string::npos);
      CHECK_FALSE(sign::authenticode_digest(b, "sha256"));
    }
    Bytes b = zoom;
    put32(b, security, 0x40);  // over the PE headers, inside the file
    put32(b, security + 4, 0x100);
    const auto r = verify(b);
    CHECK(r.status == Status::malformed);
    CHECK(r.reason.find("overlaps the PE headers") != std::string::npos);
  }

  SUBCASE("truncated at many points: never valid, always a reason") {
    for (size_t n = 0; n < zoom.size(); n += (n + 1 >= t.offset && n <= t.offset + 64 ? 1 : 97)) {
      const Bytes cut(zoom.begin(), zoom.begin() + static_cast<ptrdiff_t>(n));
      const auto r = verify(cut);
      CHECK(r.status == Status::malformed);
      CHECK_FALSE(r.reason.empty());
    }
  }

  SUBCASE("bit flips: in the image never valid, in the table never a crash") {
    const size_t checksum = pe::PeImage::parse(zoom)->checksum_offset();
    Bytes b = zoom;
    b[checksum] ^= 0xFF;  // excluded from the digest: still the signed file
    CHECK(verify(b).status == Status::valid);
    size_t flips = 0;
    for (size_t at = 0; at < t.offset; at += 41) {
      if (at >= checksum && at < checksum + 4) continue;
      b = zoom;
      b[at] ^= 0x01;
      const auto r = verify(b);
      CHECK_MESSAGE(r.status != Status::valid, "flip at " << at);
      ++flips;
    }
    CHECK(flips > 300);
    std::mt19937 rng(99);
    size_t valid = 0, broken = 0;
    for (size_t at = t.offset; at < zoom.size(); at += 3) {
      b = zoom;
      b[at] ^= static_cast<uint8_t>(1U << (rng() % 8));
      (verify(b).status == Status::valid ? valid : broken) += 1;
    }
    // Most of the blob is signed or structural; a few bytes (unsigned algorithm lists,
    // padding) are not, and changing them changes nothing a signature promises.
    CHECK(broken > valid * 4);
  }
}

TEST_CASE("Authenticode: 1,000 nested signatures, side by side and one inside another") {
  const Bytes zoom = fx::read(fx::dir() / "zoom-signed.exe");
  const Bytes other_der = der(pkcs7_of(fx::read(fx::dir() / "other-signed.exe")).get());

  SUBCASE("1,000 in one attribute") {
    Pkcs7 p7 = pkcs7_of(zoom);
    add_unauth(p7.get(), "1.3.6.1.4.1.311.2.4.1", std::vector<Bytes>(1000, other_der));
    const Bytes b = with_entries(zoom, {der(p7.get())});
    const auto start = std::chrono::steady_clock::now();
    const auto r = verify(b);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(r.status == Status::valid);
    REQUIRE(r.signatures.size() == 1001);
    CHECK(r.signatures[0].signer->organization == kZoom);
    CHECK(r.signatures[1000].depth == 1);
    CHECK(r.signatures[1000].status == Status::valid);
    CHECK(r.signatures[1000].signer->organization == "Someone Else Ltd");
    CHECK(elapsed < std::chrono::seconds(60));

    sign::VerifyOptions few;
    few.max_signatures = 50;
    const auto capped = verify(b, test_ca(), few);
    CHECK(capped.status == Status::valid);
    CHECK(capped.signatures.size() == 50);
    CHECK(has_anomaly(capped, "951 more signature(s) not checked"));
  }

  SUBCASE("1,000 levels deep") {
    Bytes chain = other_der;
    for (int level = 0; level < 1000; ++level) chain = nesting_wrapper(chain);
    Pkcs7 p7 = pkcs7_of(zoom);
    add_unauth(p7.get(), "1.3.6.1.4.1.311.2.4.1", {chain});
    const Bytes b = with_entries(zoom, {der(p7.get())});
    const auto start = std::chrono::steady_clock::now();
    const auto r = verify(b);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
    const sign::VerifyOptions defaults;
    REQUIRE(r.signatures.size() == 1 + defaults.max_nesting_depth);
    CHECK(r.signatures[0].status == Status::valid);
    CHECK(r.signatures.back().depth == defaults.max_nesting_depth);
    CHECK(r.signatures[1].status == Status::malformed);  // a wrapper with no SpcIndirectDataContent
    CHECK(r.status == Status::malformed);
    CHECK(has_anomaly(r, "deeper than 8 levels not checked"));

    // A shallow chain is followed to the real signature at its bottom.
    Bytes shallow = other_der;
    for (int level = 0; level < 3; ++level) shallow = nesting_wrapper(shallow);
    Pkcs7 p7s = pkcs7_of(zoom);
    add_unauth(p7s.get(), "1.3.6.1.4.1.311.2.4.1", {shallow});
    const auto s = verify(with_entries(zoom, {der(p7s.get())}));
    REQUIRE(s.signatures.size() == 5);
    CHECK(s.signatures[4].depth == 4);
    CHECK(s.signatures[4].status == Status::valid);
    CHECK(s.signatures[4].signer->organization == "Someone Else Ltd");
  }
}

TEST_CASE("Authenticode: Debian's signed grub and shim") {
  const Bytes grub = fx::read(fx::efi_dir() / "grubx64.efi.signed");
  const Bytes shim = fx::read(fx::efi_dir() / "shimx64.efi.signed");

  const auto g = verify(grub, system_only());
  CHECK(g.status == Status::untrusted_chain);  // the Debian CA is in no system store
  REQUIRE(g.signatures.size() == 1);
  const auto& gs = g.signatures[0];
  CHECK(gs.digest_algorithm == "sha256");
  CHECK(gs.digest_ok);
  CHECK(gs.signature_ok);
  REQUIRE(gs.signer);
  CHECK(gs.signer->common_name.find("Debian Secure Boot Signer") == 0);
  CHECK(gs.signer->issuer == "CN=Debian Secure Boot CA");
  CHECK(gs.chain_reason == "unable to get local issuer certificate");

  // shim embeds the Debian Secure Boot CA (DER, after a 16-byte header in .vendor_cert):
  // trusting it makes grub's chain verify.
  const auto shim_pe = pe::PeImage::parse(shim);
  REQUIRE(shim_pe);
  const auto* vendor = shim_pe->find_section(".vendor_cert");
  REQUIRE(vendor);
  const auto range = shim_pe->section_data(*vendor);
  REQUIRE(range);
  REQUIRE(range->size > 16);
  const uint8_t* h = shim.data() + range->offset;
  const uint32_t ca_size = h[0] | (h[1] << 8) | (h[2] << 16) | (static_cast<uint32_t>(h[3]) << 24);
  const uint32_t ca_offset = h[8] | (h[9] << 8) | (h[10] << 16) | (static_cast<uint32_t>(h[11]) << 24);
  REQUIRE(ca_offset + ca_size <= range->size);
  const unsigned char* p = h + ca_offset;
  const X509Ptr debian_ca(d2i_X509(nullptr, &p, ca_size));
  REQUIRE(debian_ca);
  const auto pem_path = fx::dir() / "debian-secure-boot-ca.pem";
  {
    std::unique_ptr<FILE, FreeWith<fclose>> f(std::fopen(pem_path.c_str(), "w"));
    REQUIRE(f);
    REQUIRE(PEM_write_X509(f.get(), debian_ca.get()) == 1);
  }
  std::string error;
  const auto debian = sign::TrustStore::load({false, "", {pem_path.string()}}, &error);
  REQUIRE_MESSAGE(debian, error);
  const auto trusted = verify(grub, *debian);
  CHECK_MESSAGE(trusted.status == Status::valid, trusted.reason);

  const auto s = verify(shim, system_only());
  CHECK(s.status == Status::untrusted_chain);  // Microsoft's UEFI roots are not in the system store
  REQUIRE(s.signatures.size() == 2);
  size_t rfc3161 = 0;
  for (const auto& sig : s.signatures) {
    CHECK(sig.depth == 0);
    CHECK(sig.digest_ok);
    CHECK(sig.signature_ok);
    CHECK_FALSE(sig.chain_ok);
    REQUIRE(sig.signer);
    CHECK(sig.signer->organization == "Microsoft Corporation");
    if (sig.timestamp.kind == sign::TimestampKind::rfc3161) {
      ++rfc3161;
      CHECK(sig.timestamp.imprint_ok);
      CHECK(sig.timestamp.signature_ok);
      CHECK_FALSE(sig.timestamp.chain_ok);
      CHECK(sig.timestamp.time.size() == 20);
      CHECK(sig.timestamp.signer->organization == "Microsoft Corporation");
    }
  }
  CHECK(s.signatures[0].entry == 0);
  CHECK(s.signatures[1].entry == 1);
  CHECK(rfc3161 >= 1);

  for (const Bytes* original : {&grub, &shim}) {
    Bytes flipped = *original;
    flipped[text_middle(flipped)] ^= 0x01;
    const auto r = verify(flipped, *debian);
    CHECK(r.status == Status::digest_mismatch);
    for (const auto& sig : r.signatures) CHECK_FALSE(sig.digest_ok);
  }
}
