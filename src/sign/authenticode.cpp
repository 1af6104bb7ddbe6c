#include "sign/authenticode.hpp"

#include <openssl/err.h>
#include <openssl/objects.h>

#include <algorithm>
#include <ctime>
#include <deque>
#include <map>

#include "pe/pe_image.hpp"
#include "sign/authenticode_blob.hpp"
#include "sign/signed_data.hpp"
#include "sign/trust_store_impl.hpp"

namespace impostor::sign {

namespace {

using detail::hex;
using detail::read_tlv;

constexpr uint16_t kWinCertTypePkcsSignedData = 2;
constexpr const char* kOidSpcIndirectData = "1.3.6.1.4.1.311.2.1.4";
constexpr const char* kOidSpcPeImageData = "1.3.6.1.4.1.311.2.1.15";
constexpr uint8_t kSequence = 0x30;
constexpr uint8_t kOid = 0x06;
constexpr uint8_t kOctetString = 0x04;

// The algorithms Authenticode signers use; MD5 and anything else are reported, not trusted.
const EVP_MD* digest_by_name(std::string_view name) {
  if (name == "sha1") return EVP_sha1();
  if (name == "sha256") return EVP_sha256();
  if (name == "sha384") return EVP_sha384();
  if (name == "sha512") return EVP_sha512();
  return nullptr;
}

std::string digest_name(const ASN1_OBJECT* oid) {
  switch (OBJ_obj2nid(oid)) {
    case NID_sha1: return "sha1";
    case NID_sha256: return "sha256";
    case NID_sha384: return "sha384";
    case NID_sha512: return "sha512";
    case NID_md5: return "md5";
    default: return detail::oid_text(oid);
  }
}

std::optional<std::vector<uint8_t>> pe_digest(const pe::PeImage& pe, std::span<const uint8_t> file, const EVP_MD* md,
                                              std::string* error) {
  auto fail = [error](std::string why) -> std::optional<std::vector<uint8_t>> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  const size_t checksum = pe.checksum_offset();
  const size_t security = pe.security_directory_offset();
  if (security == 0) return fail("the optional header has no certificate-table entry");
  size_t table_start = file.size();
  size_t table_end = file.size();
  if (const auto table = pe.certificate_table()) {
    table_start = table->offset;
    table_end = table->offset + table->size;
  } else if (!pe.certificate_table_error().empty()) {
    return fail(pe.certificate_table_error());
  }
  if (checksum + 4 > security || security + 8 > table_start)
    return fail("the certificate table overlaps the PE headers");

  detail::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) return fail("digest unavailable");
  const std::pair<size_t, size_t> ranges[] = {
      {0, checksum}, {checksum + 4, security}, {security + 8, table_start}, {table_end, file.size()}};
  for (const auto& [from, to] : ranges)
    if (to > from && EVP_DigestUpdate(ctx.get(), file.data() + from, to - from) != 1) return fail("digest failed");
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out, &n) != 1) return fail("digest failed");
  return std::vector<uint8_t>(out, out + n);
}

// SpcIndirectDataContent ::= SEQUENCE {
//   data SEQUENCE { type OBJECT IDENTIFIER, value ANY OPTIONAL },
//   messageDigest SEQUENCE { digestAlgorithm SEQUENCE { OID, params }, digest OCTET STRING } }
struct IndirectData {
  std::string data_type;
  detail::Asn1ObjectPtr algorithm;
  std::span<const uint8_t> digest;
  std::span<const uint8_t> content_octets;  // what the signer's messageDigest covers
};

std::optional<IndirectData> parse_indirect_data(std::span<const uint8_t> der) {
  const auto outer = read_tlv(der);
  if (!outer || outer->tag != kSequence) return std::nullopt;
  IndirectData out;
  out.content_octets = outer->value;
  const auto data = read_tlv(outer->value);
  if (!data || data->tag != kSequence) return std::nullopt;
  const auto type = read_tlv(data->value);
  if (!type || type->tag != kOid) return std::nullopt;
  const unsigned char* p = data->value.data();
  detail::Asn1ObjectPtr type_oid(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(type->size)));
  if (!type_oid) return std::nullopt;
  out.data_type = detail::oid_text(type_oid.get());

  const auto message_digest = read_tlv(outer->value.subspan(data->size));
  if (!message_digest || message_digest->tag != kSequence) return std::nullopt;
  const auto algorithm = read_tlv(message_digest->value);
  if (!algorithm || algorithm->tag != kSequence) return std::nullopt;
  const auto algorithm_oid = read_tlv(algorithm->value);
  if (!algorithm_oid || algorithm_oid->tag != kOid) return std::nullopt;
  p = algorithm->value.data();
  out.algorithm.reset(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(algorithm_oid->size)));
  if (!out.algorithm) return std::nullopt;
  const auto digest = read_tlv(message_digest->value.subspan(algorithm->size));
  if (!digest || digest->tag != kOctetString || digest->value.empty()) return std::nullopt;
  out.digest = digest->value;
  return out;
}

// Precedence when several signatures disagree: evidence of tampering first, then what
// could not be read, then the best outcome any signature reached.
int rank(Status s) {
  switch (s) {
    case Status::digest_mismatch: return 0;
    case Status::bad_signature: return 1;
    case Status::malformed: return 2;
    case Status::valid: return 3;
    case Status::expired_no_timestamp: return 4;
    case Status::untrusted_chain: return 5;
    case Status::unsupported: return 6;
    case Status::not_signed: return 7;
  }
  return 7;
}

struct Pending {
  std::shared_ptr<PKCS7> owner;  // keeps the bytes `der` points into alive
  std::span<const uint8_t> der;
  size_t entry = 0;
  unsigned depth = 0;
};

// Checks Authenticode SignedData against the digest of what was signed; the file format
// (PE, MSI) only decides where the signatures are and how that digest is computed.
class Verifier {
 public:
  Verifier(std::span<const uint8_t> file, detail::DigestFunction digest, std::string expected_type,
           std::string type_name, X509_STORE* store, const VerifyOptions& options)
      : file_(file),
        digest_(std::move(digest)),
        expected_type_(std::move(expected_type)),
        type_name_(std::move(type_name)),
        store_(store),
        options_(options) {
    now_ = options.now ? *options.now : static_cast<int64_t>(std::time(nullptr));
  }

  AuthenticodeResult run(pe::FileRange table) {
    read_table(table);
    return finish();
  }

  // One PKCS#7 blob that is the whole signature (an MSI's DigitalSignature stream).
  AuthenticodeResult run_blob(std::span<const uint8_t> blob) {
    read_entry(0, blob);
    return finish();
  }

 private:
  AuthenticodeResult finish() {
    if (skipped_ > 0)
      result_.anomalies.push_back(std::to_string(skipped_) + " more signature(s) not checked (limit " +
                                  std::to_string(options_.max_signatures) + ")");
    if (too_deep_ > 0)
      result_.anomalies.push_back(std::to_string(too_deep_) + " nested signature(s) deeper than " +
                                  std::to_string(options_.max_nesting_depth) + " levels not checked");
    summarize();
    return std::move(result_);
  }

  void read_table(pe::FileRange table) {
    size_t pos = table.offset;
    const size_t end = table.offset + table.size;
    size_t index = 0;
    while (pos < end) {
      const size_t left = end - pos;
      const uint32_t length = left >= 4 ? static_cast<uint32_t>(file_[pos]) | (uint32_t{file_[pos + 1]} << 8) |
                                              (uint32_t{file_[pos + 2]} << 16) | (uint32_t{file_[pos + 3]} << 24)
                                        : 0;
      if (left < 8 || length == 0) {
        // Zeros after the last entry are alignment padding; anything else is a place to hide bytes.
        if (std::any_of(file_.begin() + static_cast<ptrdiff_t>(pos), file_.begin() + static_cast<ptrdiff_t>(end),
                        [](uint8_t b) { return b != 0; }))
          result_.anomalies.push_back(std::to_string(left) +
                                      " bytes after the last certificate-table entry are not an entry");
        break;
      }
      if (length < 8) {
        table_problem_ = "certificate-table entry " + std::to_string(index) + " declares " + std::to_string(length) +
                         " bytes, less than its own header";
        break;
      }
      if (length > left) {
        table_problem_ = "certificate-table entry " + std::to_string(index) + " declares " + std::to_string(length) +
                         " bytes but only " + std::to_string(left) + " remain in the table";
        break;
      }
      if (index >= options_.max_entries) {
        result_.anomalies.push_back("more than " + std::to_string(options_.max_entries) +
                                    " certificate-table entries; the rest were not read");
        break;
      }
      const uint16_t revision = static_cast<uint16_t>(file_[pos + 4] | (file_[pos + 5] << 8));
      const uint16_t type = static_cast<uint16_t>(file_[pos + 6] | (file_[pos + 7] << 8));
      if (type != kWinCertTypePkcsSignedData) {
        result_.anomalies.push_back("certificate-table entry " + std::to_string(index) + " has type " +
                                    std::to_string(type) + ", not PKCS#7 SignedData; not checked");
      } else {
        if (revision != 0x0200 && revision != 0x0100)
          result_.anomalies.push_back("certificate-table entry " + std::to_string(index) + " has revision " +
                                      std::to_string(revision));
        read_entry(index, file_.subspan(pos + 8, length - 8));
      }
      ++index;
      const size_t step = (size_t{length} + 7) & ~size_t{7};
      if (step >= left) break;
      pos += step;
    }
  }

  void read_entry(size_t index, std::span<const uint8_t> blob) {
    if (blob.empty()) {
      add_malformed(index, 0, "certificate-table entry " + std::to_string(index) + " holds an empty PKCS#7 blob");
      return;
    }
    const unsigned char* p = blob.data();
    std::shared_ptr<PKCS7> top(d2i_PKCS7(nullptr, &p, static_cast<long>(blob.size())), PKCS7_free);
    if (!top) {
      ERR_clear_error();
      add_malformed(index, 0, "certificate-table entry " + std::to_string(index) + " is not readable PKCS#7 DER");
      return;
    }
    const auto used = static_cast<size_t>(p - blob.data());
    const auto rest = blob.subspan(used);
    if (rest.size() >= 8 || std::any_of(rest.begin(), rest.end(), [](uint8_t b) { return b != 0; }))
      result_.anomalies.push_back("certificate-table entry " + std::to_string(index) + " carries " +
                                  std::to_string(rest.size()) +
                                  " bytes after its PKCS#7 data (outside what the signature covers)");

    // Breadth first with an explicit queue: a nested signature can nest another, and
    // the depth and count limits hold however the attacker arranged them.
    std::deque<Pending> queue;
    check(top.get(), index, 0, queue, top);
    while (!queue.empty()) {
      Pending next = std::move(queue.front());
      queue.pop_front();
      if (checked_ >= options_.max_signatures) {
        ++skipped_;
        continue;
      }
      const unsigned char* q = next.der.data();
      std::shared_ptr<PKCS7> nested(
          next.der.empty() ? nullptr : d2i_PKCS7(nullptr, &q, static_cast<long>(next.der.size())), PKCS7_free);
      if (!nested) {
        ERR_clear_error();
        ++checked_;
        add_malformed(next.entry, next.depth, "a nested signature is not readable PKCS#7 DER");
        continue;
      }
      check(nested.get(), next.entry, next.depth, queue, nested);
    }
  }

  void add_malformed(size_t entry, unsigned depth, std::string reason) {
    Signature s;
    s.entry = entry;
    s.depth = depth;
    s.status = Status::malformed;
    s.reason = std::move(reason);
    result_.signatures.push_back(std::move(s));
  }

  const std::optional<std::vector<uint8_t>>& file_digest(const EVP_MD* md) {
    auto it = digests_.find(md);
    if (it == digests_.end()) it = digests_.emplace(md, digest_(md)).first;
    return it->second;
  }

  void check(PKCS7* p7, size_t entry, unsigned depth, std::deque<Pending>& queue, const std::shared_ptr<PKCS7>& owner) {
    ++checked_;
    Signature sig;
    sig.entry = entry;
    sig.depth = depth;
    sig.verified_at = now_;
    auto finish = [&](Status status, std::string reason) {
      sig.status = status;
      sig.reason = std::move(reason);
      result_.signatures.push_back(std::move(sig));
    };

    if (!PKCS7_type_is_signed(p7) || !p7->d.sign || !p7->d.sign->contents)
      return finish(Status::malformed, "not PKCS#7 SignedData");
    PKCS7_SIGNED* sd = p7->d.sign;
    const int signers = sk_PKCS7_SIGNER_INFO_num(sd->signer_info);
    if (signers < 1) return finish(Status::malformed, "SignedData without a SignerInfo");
    if (signers > 1)
      result_.anomalies.push_back("a signature has " + std::to_string(signers) +
                                  " SignerInfos; Authenticode uses the first only");
    PKCS7_SIGNER_INFO* si = sk_PKCS7_SIGNER_INFO_value(sd->signer_info, 0);

    // Nested signatures are queued before this one is judged so that a broken outer
    // signature does not hide the ones inside it.
    for (const auto der : detail::nested_signatures(si)) {
      if (depth + 1 > options_.max_nesting_depth) {
        ++too_deep_;
        continue;
      }
      queue.push_back({owner, der, entry, depth + 1});
    }

    const std::string content_type = detail::oid_text(sd->contents->type);
    if (content_type != kOidSpcIndirectData || !sd->contents->d.other ||
        sd->contents->d.other->type != V_ASN1_SEQUENCE || !sd->contents->d.other->value.sequence)
      return finish(Status::malformed, "signed content is " + content_type + ", not SpcIndirectDataContent");
    const ASN1_STRING* seq = sd->contents->d.other->value.sequence;
    const auto indirect =
        parse_indirect_data({ASN1_STRING_get0_data(seq), static_cast<size_t>(std::max(0, ASN1_STRING_length(seq)))});
    if (!indirect) return finish(Status::malformed, "SpcIndirectDataContent is not readable");

    sig.digest_algorithm = digest_name(indirect->algorithm.get());
    sig.signed_digest = hex(indirect->digest);

    const detail::SignerCheck signer = detail::check_signer(si, sd->cert, indirect->content_octets);
    sig.signature_ok = signer.ok;
    if (signer.cert) sig.signer = detail::describe(signer.cert);
    sig.timestamp = detail::read_timestamp(si, sd->cert, store_);
    if (sig.timestamp.trusted()) sig.verified_at = sig.timestamp.unix_time;

    const EVP_MD* md = digest_by_name(sig.digest_algorithm);
    if (md) {
      const auto& computed = file_digest(md);
      if (computed) {
        sig.computed_digest = hex(*computed);
        sig.digest_ok = sig.computed_digest == sig.signed_digest;
      }
    }

    detail::ChainCheck chain;
    if (signer.cert) {
      chain = detail::check_chain(store_, signer.cert, sd->cert, sig.verified_at, 0);
      // OpenSSL 3.0 has no code-signing purpose: the key usage is checked here.
      const uint32_t eku = X509_get_extended_key_usage(signer.cert);
      if (chain.ok && eku != UINT32_MAX && (eku & (XKU_CODE_SIGN | XKU_ANYEKU)) == 0) {
        chain.ok = false;
        chain.reason = "the signer's certificate is not for code signing (extended key usage)";
      }
      sig.chain_ok = chain.ok;
      sig.chain_reason = chain.reason;
    }

    if (sig.signed_digest.empty() || !md)
      return finish(Status::unsupported, "digest algorithm " + sig.digest_algorithm + " is not supported");
    if (indirect->data_type != expected_type_)
      return finish(Status::unsupported, "signed data is " + indirect->data_type + ", not " + type_name_);
    if (sig.computed_digest.empty())
      return finish(Status::malformed, "the file's Authenticode digest cannot be computed");
    if (!sig.digest_ok)
      return finish(Status::digest_mismatch, "the file's " + sig.digest_algorithm + " digest " + sig.computed_digest +
                                                 " is not the signed " + sig.signed_digest);
    if (!signer.ok) return finish(Status::bad_signature, signer.reason);
    if (!chain.ok) {
      const bool out_of_validity =
          chain.error == X509_V_ERR_CERT_HAS_EXPIRED || chain.error == X509_V_ERR_CERT_NOT_YET_VALID;
      if (out_of_validity && !sig.timestamp.trusted()) {
        std::string why = "the signer's certificate chain is not valid now (" + chain.reason + ") and ";
        why += sig.timestamp.kind == TimestampKind::none ? "there is no timestamp"
                                                         : "the timestamp is not trusted: " + sig.timestamp.reason;
        return finish(Status::expired_no_timestamp, why);
      }
      return finish(Status::untrusted_chain,
                    "the signer's certificate does not chain to a trusted root: " + chain.reason +
                        (sig.timestamp.trusted() ? " (at the timestamp's time)" : ""));
    }
    finish(Status::valid, "");
  }

  void summarize() {
    const Signature* decisive = nullptr;
    for (const auto& s : result_.signatures)
      if (!decisive || rank(s.status) < rank(decisive->status)) decisive = &s;
    if (!table_problem_.empty() && (!decisive || rank(Status::malformed) < rank(decisive->status))) {
      result_.status = Status::malformed;
      result_.reason = table_problem_;
      return;
    }
    if (!decisive) {
      result_.status = Status::malformed;
      result_.reason = "the certificate table holds no PKCS#7 signature";
      return;
    }
    result_.status = decisive->status;
    std::string where = "signature in certificate-table entry " + std::to_string(decisive->entry);
    if (decisive->depth > 0) where += " (nested, depth " + std::to_string(decisive->depth) + ")";
    if (decisive->status == Status::valid) {
      const auto& who = decisive->signer;
      result_.reason = where + " is valid, signed by " + (who ? who->subject : std::string("?"));
      if (decisive->timestamp.trusted()) result_.reason += ", timestamped " + decisive->timestamp.time;
    } else {
      result_.reason = where + ": " + decisive->reason;
    }
  }

  std::span<const uint8_t> file_;
  detail::DigestFunction digest_;
  std::string expected_type_;
  std::string type_name_;
  X509_STORE* store_;
  const VerifyOptions& options_;
  int64_t now_ = 0;
  std::map<const EVP_MD*, std::optional<std::vector<uint8_t>>> digests_;
  AuthenticodeResult result_;
  std::string table_problem_;
  size_t checked_ = 0;
  size_t skipped_ = 0;
  size_t too_deep_ = 0;
};

}  // namespace

std::string_view to_string(Status status) {
  switch (status) {
    case Status::not_signed: return "unsigned";
    case Status::valid: return "valid";
    case Status::digest_mismatch: return "digest_mismatch";
    case Status::bad_signature: return "bad_signature";
    case Status::untrusted_chain: return "untrusted_chain";
    case Status::expired_no_timestamp: return "expired_no_timestamp";
    case Status::malformed: return "malformed";
    case Status::unsupported: return "unsupported";
  }
  return "malformed";
}

std::string_view to_string(TimestampKind kind) {
  switch (kind) {
    case TimestampKind::none: return "none";
    case TimestampKind::rfc3161: return "rfc3161";
    case TimestampKind::legacy_countersignature: return "legacy_countersignature";
  }
  return "none";
}

AuthenticodeResult verify_authenticode(std::span<const uint8_t> file, const TrustStore& trust,
                                       const VerifyOptions& options) {
  AuthenticodeResult result;
  std::string error;
  const auto pe = pe::PeImage::parse(file, &error);
  if (!pe) {
    result.status = Status::malformed;
    result.reason = "not a readable PE file: " + error;
    return result;
  }
  if (!pe->certificate_table_error().empty()) {
    result.status = Status::malformed;
    result.reason = pe->certificate_table_error();
    return result;
  }
  const auto table = pe->certificate_table();
  if (!table) {
    result.status = Status::not_signed;
    result.reason = "the file has no certificate table";
    return result;
  }
  if (pe->security_directory_offset() + 8 > table->offset) {
    result.status = Status::malformed;
    result.reason = "the certificate table overlaps the PE headers";
    return result;
  }
  const size_t table_end = table->offset + table->size;
  const pe::PeImage& image = *pe;
  auto digest = [&image, file](const EVP_MD* md) { return pe_digest(image, file, md, nullptr); };
  auto out = Verifier(file, digest, kOidSpcPeImageData, "a PE image", trust.impl().store.get(), options).run(*table);
  if (table_end < file.size())
    out.anomalies.push_back(std::to_string(file.size() - table_end) +
                            " bytes follow the certificate table; the digest covers them, so a signature made "
                            "before they were appended does not match");
  return out;
}

AuthenticodeResult detail::verify_signature_blob(std::span<const uint8_t> blob, DigestFunction digest,
                                                 std::string_view content_type, std::string_view type_name,
                                                 const TrustStore& trust, const VerifyOptions& options) {
  if (blob.empty()) {
    AuthenticodeResult r;
    r.status = Status::malformed;
    r.reason = "the signature is empty";
    return r;
  }
  return Verifier(blob, std::move(digest), std::string(content_type), std::string(type_name), trust.impl().store.get(),
                  options)
      .run_blob(blob);
}

std::optional<std::string> authenticode_digest(std::span<const uint8_t> file, std::string_view algorithm,
                                               std::string* error) {
  const EVP_MD* md = digest_by_name(algorithm);
  if (!md) {
    if (error) *error = "unsupported digest algorithm " + std::string(algorithm);
    return std::nullopt;
  }
  std::string why;
  const auto pe = pe::PeImage::parse(file, &why);
  if (!pe) {
    if (error) *error = "not a readable PE file: " + why;
    return std::nullopt;
  }
  const auto d = pe_digest(*pe, file, md, error);
  if (!d) return std::nullopt;
  return hex(*d);
}

}  // namespace impostor::sign
