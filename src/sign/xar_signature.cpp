#include "sign/xar_signature.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <zlib.h>

#include <ctime>
#include <memory>
#include <mutex>
#include <optional>

#include "core/libxml2_lock.hpp"
#include "sign/openssl_handles.hpp"
#include "sign/signed_data.hpp"
#include "sign/trust_store_impl.hpp"

namespace impostor::sign {

namespace {

constexpr size_t kMaxToc = size_t{16} << 20;
constexpr size_t kMaxCertificates = 16;
constexpr size_t kMaxSignatureBytes = size_t{64} * 1024;

uint64_t be(std::span<const uint8_t> b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | b[at + i];
  return v;
}

struct XmlDocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

std::optional<std::vector<uint8_t>> inflate_toc(std::span<const uint8_t> in, uint64_t expected, std::string& error) {
  if (expected == 0 || expected > kMaxToc) {
    error = "the TOC declares " + std::to_string(expected) + " bytes expanded (at most 16 MiB are read)";
    return std::nullopt;
  }
  std::vector<uint8_t> out(static_cast<size_t>(expected));
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return std::nullopt;
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  const size_t produced = out.size() - z.avail_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END || produced != expected) {
    error = "the TOC does not inflate to its declared size";
    return std::nullopt;
  }
  return out;
}

const xmlNode* child(const xmlNode* n, const char* name) {
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, reinterpret_cast<const xmlChar*>(name)) == 0) return c;
  return nullptr;
}

std::string text(const xmlNode* n) {
  if (!n) return {};
  xmlChar* t = xmlNodeGetContent(n);
  std::string out = t ? reinterpret_cast<const char*>(t) : "";
  xmlFree(t);
  return out;
}

std::string attribute(const xmlNode* n, const char* name) {
  if (!n) return {};
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string out = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return out;
}

std::optional<uint64_t> number(const xmlNode* n) {
  const std::string s = text(n);
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

std::optional<std::vector<uint8_t>> base64(const std::string& s) {
  std::string clean;
  for (char c : s)
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean.push_back(c);
  if (clean.empty() || clean.size() % 4 != 0 || clean.size() > 4 * kMaxSignatureBytes) return std::nullopt;
  std::vector<uint8_t> out(clean.size() / 4 * 3);
  const int n =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  if (clean.ends_with("=="))
    len -= 2;
  else if (clean.ends_with("="))
    len -= 1;
  out.resize(len);
  return out;
}

// The first <pkg-info identifier="…"> or package identifier a TOC names (a member's
// name is not enough: flat packages keep it in PackageInfo, which the walker reads).
std::string find_identifier(const xmlNode* n, int depth) {
  for (const xmlNode* c = n; c && depth < 64; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (auto id = attribute(c, "identifier"); !id.empty()) return id;
    if (auto id = find_identifier(c->children, depth + 1); !id.empty()) return id;
  }
  return {};
}

// The identifier of the first PackageInfo member (<pkg-info identifier="…">), read
// from the heap when stored raw or zlib-encoded, at most 1 MiB of it.
std::string package_identifier(const xmlNode* n, std::span<const uint8_t> heap, int depth) {
  for (const xmlNode* c = n; c && depth < 64; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    const xmlNode* data = child(c, "data");
    if (xmlStrcmp(c->name, BAD_CAST "file") == 0 && data && text(child(c, "name")) == "PackageInfo") {
      const auto offset = number(child(data, "offset"));
      const auto length = number(child(data, "length"));
      const auto size = number(child(data, "size"));
      const std::string encoding = attribute(child(data, "encoding"), "style");
      if (!offset || !length || *offset > heap.size() || *length > heap.size() - *offset) continue;
      const auto stored = heap.subspan(static_cast<size_t>(*offset), static_cast<size_t>(*length));
      std::vector<uint8_t> plain;
      if (encoding == "application/octet-stream") {
        plain.assign(stored.begin(), stored.begin() + static_cast<ptrdiff_t>(std::min<size_t>(stored.size(), 1 << 20)));
      } else if (encoding == "application/x-gzip" && size && *size <= (1u << 20)) {
        std::string ignored;
        if (auto inflated = inflate_toc(stored, *size, ignored)) plain = std::move(*inflated);
      }
      const std::string_view body(reinterpret_cast<const char*>(plain.data()), plain.size());
      const size_t at = body.find("identifier=\"");
      if (at == std::string_view::npos) continue;
      const size_t end = body.find('"', at + 12);
      if (end == std::string_view::npos || end - at - 12 > 255) continue;
      std::string id(body.substr(at + 12, end - at - 12));
      for (char& ch : id)
        if (static_cast<unsigned char>(ch) < 0x20) ch = '?';
      return id;
    }
    if (auto id = package_identifier(c->children, heap, depth + 1); !id.empty()) return id;
  }
  return {};
}

const EVP_MD* checksum_md(const std::string& style) {
  if (style == "sha1") return EVP_sha1();
  if (style == "sha256") return EVP_sha256();
  if (style == "sha512") return EVP_sha512();
  if (style == "md5") return EVP_md5();
  return nullptr;
}

std::string team_id_of(X509* cert) {
  const X509_NAME* name = X509_get_subject_name(cert);
  const int i = X509_NAME_get_index_by_NID(name, NID_organizationalUnitName, -1);
  if (i < 0) return {};
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  std::string out(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<size_t>(ASN1_STRING_length(s)));
  if (out.size() > 64) out.resize(64);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = '?';
  return out;
}

// Every member's archived-checksum over its bytes in the heap: the signed TOC vouches for
// the members only through these. Returns the first problem, empty when all match.
// Work is bounded: at most 4x the heap is hashed however the offsets overlap.
std::string check_members(const xmlNode* n, std::span<const uint8_t> heap, uint64_t& budget, int depth) {
  for (const xmlNode* c = n; c && depth < 64; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (xmlStrcmp(c->name, BAD_CAST "file") == 0) {
      const xmlNode* data = child(c, "data");
      const xmlNode* sum = child(data, "archived-checksum");
      if (data && sum) {
        const auto offset = number(child(data, "offset"));
        const auto length = number(child(data, "length"));
        const EVP_MD* md = checksum_md(attribute(sum, "style"));
        const std::string name = text(child(c, "name")).substr(0, 256);
        if (!offset || !length || *offset > heap.size() || *length > heap.size() - *offset)
          return "member '" + name + "' lies outside the heap";
        if (md) {
          if (*length > budget) return "members overlap beyond what a real archive would";
          budget -= *length;
          unsigned char h[EVP_MAX_MD_SIZE];
          unsigned int hn = 0;
          EVP_Digest(heap.data() + *offset, static_cast<size_t>(*length), h, &hn, md, nullptr);
          std::string want = text(sum);
          for (char& ch : want)
            if (ch >= 'A' && ch <= 'F') ch = static_cast<char>(ch + 32);
          if (detail::hex({h, hn}) != want) return "member '" + name + "' does not match its checksum in the TOC";
        }
      }
    }
    if (auto problem = check_members(c->children, heap, budget, depth + 1); !problem.empty()) return problem;
  }
  return {};
}

class XarVerifier {
 public:
  XarVerifier(std::span<const uint8_t> file, const TrustStore& trust, const VerifyOptions& options)
      : file_(file), trust_(trust), options_(options) {}

  XarSignatureResult run() {
    out_.result.status = Status::malformed;
    if (file_.size() < 28 || be(file_, 0, 4) != 0x78617221) return fail("not a xar archive");
    const size_t header = be(file_, 4, 2);
    const uint64_t toc_compressed = be(file_, 8, 8);
    const uint64_t toc_expanded = be(file_, 16, 8);
    if (header < 28 || header > file_.size()) return fail("the xar header size is out of bounds");
    if (toc_compressed == 0 || toc_compressed > file_.size() - header) return fail("the TOC runs past the file");
    const auto toc_bytes = file_.subspan(header, static_cast<size_t>(toc_compressed));
    const auto heap = file_.subspan(header + static_cast<size_t>(toc_compressed));
    std::string error;
    const auto toc = inflate_toc(toc_bytes, toc_expanded, error);
    if (!toc) return fail(error.empty() ? "the TOC cannot be inflated" : error);
    // Held while the document lives (it is read to the end of the check): see libxml2_lock.
    // After libarchive's xmlCleanupParser the library sets itself up again here.
    const std::lock_guard xml_lock(core::libxml2_lock());
    xmlInitParser();
    std::unique_ptr<xmlDoc, XmlDocFree> doc(xmlReadMemory(reinterpret_cast<const char*>(toc->data()),
                                                          static_cast<int>(toc->size()), "toc.xml", nullptr,
                                                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
    const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
    const xmlNode* t = child(root, "toc");
    if (!t) return fail("the TOC is not a readable xar TOC");
    if (auto id = find_identifier(t->children, 0); !id.empty()) out_.properties["identifier"] = id.substr(0, 512);
    if (out_.properties.empty())
      if (auto id = package_identifier(t->children, heap, 0); !id.empty()) out_.properties["identifier"] = id;

    // The checksum of the compressed TOC, stored in the heap.
    const xmlNode* checksum = child(t, "checksum");
    const std::string style = attribute(checksum, "style");
    const EVP_MD* md = checksum_md(style);
    const auto ck_offset = number(child(checksum, "offset"));
    const auto ck_size = number(child(checksum, "size"));
    const xmlNode* signature = child(t, "signature");
    if (!checksum || !signature) {
      out_.result.status = Status::not_signed;
      out_.result.reason = signature ? "the TOC has a signature but no checksum" : "the TOC has no signature";
      if (signature) out_.result.status = Status::malformed;
      return std::move(out_);
    }
    Signature sig;
    sig.digest_algorithm = style;
    if (!md)
      return finish(sig, Status::unsupported, "TOC checksum style '" + style.substr(0, 32) + "' is not supported");
    if (!ck_offset || !ck_size || *ck_size != static_cast<uint64_t>(EVP_MD_get_size(md)) || *ck_offset > heap.size() ||
        *ck_size > heap.size() - *ck_offset)
      return finish(sig, Status::malformed, "the TOC checksum's offset or size is out of bounds");
    unsigned char computed[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(toc_bytes.data(), toc_bytes.size(), computed, &n, md, nullptr) != 1)
      return finish(sig, Status::malformed, "the TOC checksum cannot be computed");
    const auto stored = heap.subspan(static_cast<size_t>(*ck_offset), static_cast<size_t>(*ck_size));
    sig.computed_digest = detail::hex({computed, n});
    sig.signed_digest = detail::hex(stored);
    sig.digest_ok = sig.computed_digest == sig.signed_digest;

    // The signature over that checksum, and the certificates that say who made it.
    const auto sig_offset = number(child(signature, "offset"));
    const auto sig_size = number(child(signature, "size"));
    if (!sig_offset || !sig_size || *sig_size == 0 || *sig_size > kMaxSignatureBytes || *sig_offset > heap.size() ||
        *sig_size > heap.size() - *sig_offset)
      return finish(sig, Status::malformed, "the signature's offset or size is out of bounds");
    const auto value = heap.subspan(static_cast<size_t>(*sig_offset), static_cast<size_t>(*sig_size));
    detail::X509OwningStack certs(sk_X509_new_null());
    const xmlNode* x509data = child(child(signature, "KeyInfo"), "X509Data");
    for (const xmlNode* c = x509data ? x509data->children : nullptr; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, BAD_CAST "X509Certificate") != 0) continue;
      if (sk_X509_num(certs.get()) >= static_cast<int>(kMaxCertificates)) break;
      const auto der = base64(text(c));
      if (!der) continue;
      const unsigned char* p = der->data();
      X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der->size()));
      if (cert) sk_X509_push(certs.get(), cert);
      ERR_clear_error();
    }
    if (sk_X509_num(certs.get()) == 0)
      return finish(sig, Status::malformed, "the signature carries no readable certificate");
    X509* leaf = sk_X509_value(certs.get(), 0);  // xar puts the signer first
    sig.signer = detail::describe(leaf);
    out_.team_id = team_id_of(leaf);

    EVP_PKEY* key = X509_get0_pubkey(leaf);
    detail::PkeyCtxPtr ctx(key ? EVP_PKEY_CTX_new(key, nullptr) : nullptr);
    sig.signature_ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
                       EVP_PKEY_CTX_set_signature_md(ctx.get(), md) == 1 &&
                       EVP_PKEY_verify(ctx.get(), value.data(), value.size(), stored.data(), stored.size()) == 1;
    ERR_clear_error();

    const int64_t now = options_.now ? *options_.now : static_cast<int64_t>(std::time(nullptr));
    sig.verified_at = now;
    const auto chain = detail::check_chain(trust_.impl().store.get(), leaf, certs.get(), now, 0);
    sig.chain_ok = chain.ok;
    sig.chain_reason = chain.reason;
    uint64_t budget = 4 * uint64_t{heap.size()} + 4096;
    if (const auto problem = check_members(t->children, heap, budget, 0); !problem.empty())
      return finish(sig, Status::digest_mismatch, "the signed TOC does not describe these bytes: " + problem);
    if (!sig.digest_ok)
      return finish(
          sig, Status::digest_mismatch,
          "the TOC's " + style + " " + sig.computed_digest + " is not the stored checksum " + sig.signed_digest);
    if (!sig.signature_ok)
      return finish(sig, Status::bad_signature, "the RSA signature over the TOC checksum does not verify");
    if (!chain.ok) {
      const bool expired = chain.error == X509_V_ERR_CERT_HAS_EXPIRED || chain.error == X509_V_ERR_CERT_NOT_YET_VALID;
      return finish(sig, expired ? Status::expired_no_timestamp : Status::untrusted_chain,
                    "the signer's certificate does not chain to a trusted root: " + chain.reason);
    }
    return finish(sig, Status::valid, "");
  }

 private:
  XarSignatureResult fail(const std::string& reason) {
    out_.result.status = Status::malformed;
    out_.result.reason = reason;
    return std::move(out_);
  }

  XarSignatureResult finish(Signature sig, Status status, std::string reason) {
    sig.status = status;
    sig.reason = reason;
    out_.result.status = status;
    out_.result.reason = status == Status::valid
                             ? "the TOC signature is valid, signed by " + (sig.signer ? sig.signer->subject : "?")
                             : std::move(reason);
    out_.result.signatures.push_back(std::move(sig));
    return std::move(out_);
  }

  std::span<const uint8_t> file_;
  const TrustStore& trust_;
  const VerifyOptions& options_;
  XarSignatureResult out_;
};

}  // namespace

XarSignatureResult verify_xar_signature(std::span<const uint8_t> file, const TrustStore& trust,
                                        const VerifyOptions& options) {
  return XarVerifier(file, trust, options).run();
}

}  // namespace impostor::sign
