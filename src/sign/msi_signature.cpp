#include "sign/msi_signature.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "sign/authenticode_blob.hpp"
#include "sign/compound_file.hpp"
#include "sign/openssl_handles.hpp"

namespace impostor::sign {

namespace {

using detail::CfbEntry;
using detail::CompoundFile;

constexpr const char* kOidSpcSipInfo = "1.3.6.1.4.1.311.2.1.30";
constexpr size_t kMaxSignatureBytes = size_t{16} << 20;

// UTF-16LE with the terminating NUL, as the directory stores them.
std::vector<uint8_t> utf16_name(std::string_view ascii) {
  std::vector<uint8_t> out;
  for (char c : ascii) {
    out.push_back(static_cast<uint8_t>(c));
    out.push_back(0);
  }
  out.push_back(0);
  out.push_back(0);
  return out;
}
// Function-local: a namespace-scope vector's construction could throw before main.
const std::vector<uint8_t>& digital_signature_name() {
  static const std::vector<uint8_t> name = utf16_name(
      "\x05"
      "DigitalSignature");
  return name;
}
const std::vector<uint8_t>& digital_signature_ex_name() {
  static const std::vector<uint8_t> name = utf16_name(
      "\x05"
      "MsiDigitalSignatureEx");
  return name;
}

bool is_signature_stream(const CfbEntry& e) {
  return e.raw_name == digital_signature_name() || e.raw_name == digital_signature_ex_name();
}

// The order Authenticode for MSI hashes siblings in: the raw names compared bytewise,
// and when one is a prefix of the other, the longer first.
std::vector<const CfbEntry*> hash_order(const CompoundFile& cf, const CfbEntry& storage) {
  std::vector<const CfbEntry*> out;
  for (const uint32_t i : storage.children) out.push_back(&cf.entries()[i]);
  std::sort(out.begin(), out.end(), [](const CfbEntry* a, const CfbEntry* b) {
    const size_t n = std::min(a->raw_name.size(), b->raw_name.size());
    const int d = std::memcmp(a->raw_name.data(), b->raw_name.data(), n);
    if (d != 0) return d < 0;
    return a->raw_name.size() > b->raw_name.size();
  });
  return out;
}

class MsiDigest {
 public:
  MsiDigest(const CompoundFile& cf, const EVP_MD* md) : cf_(cf), md_(md) {}

  std::optional<std::vector<uint8_t>> content(std::optional<std::span<const uint8_t>> prehash, std::string& error) {
    detail::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md_, nullptr) != 1) return std::nullopt;
    if (prehash) EVP_DigestUpdate(ctx.get(), prehash->data(), prehash->size());
    if (!hash_storage(ctx.get(), cf_.root(), true, error)) return std::nullopt;
    return final(ctx.get());
  }

  std::optional<std::vector<uint8_t>> metadata() {
    detail::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md_, nullptr) != 1) return std::nullopt;
    prehash_storage(ctx.get(), cf_.root(), true);
    return final(ctx.get());
  }

 private:
  static std::optional<std::vector<uint8_t>> final(EVP_MD_CTX* ctx) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(ctx, out, &n) != 1) return std::nullopt;
    return std::vector<uint8_t>(out, out + n);
  }

  // Recursion is bounded: CompoundFile nests storages at most 32 deep.
  bool hash_storage(EVP_MD_CTX* ctx, const CfbEntry& storage, bool root, std::string& error) {
    for (const CfbEntry* child : hash_order(cf_, storage)) {
      if (root && is_signature_stream(*child)) continue;
      if (child->type == CompoundFile::kStream) {
        if (!cf_.read(
                *child, [ctx](std::span<const uint8_t> b) { EVP_DigestUpdate(ctx, b.data(), b.size()); }, &error))
          return false;
      } else if (!hash_storage(ctx, *child, false, error)) {
        return false;
      }
    }
    EVP_DigestUpdate(ctx, storage.clsid.data(), storage.clsid.size());
    return true;
  }

  static void metadata_of(EVP_MD_CTX* ctx, const CfbEntry& e) {
    if (e.type != CompoundFile::kRoot) EVP_DigestUpdate(ctx, e.raw_name.data(), e.raw_name.size() - 2);
    if (e.type != CompoundFile::kStream) {
      EVP_DigestUpdate(ctx, e.clsid.data(), e.clsid.size());
    } else {
      const uint8_t size[4] = {static_cast<uint8_t>(e.size), static_cast<uint8_t>(e.size >> 8),
                               static_cast<uint8_t>(e.size >> 16), static_cast<uint8_t>(e.size >> 24)};
      EVP_DigestUpdate(ctx, size, sizeof size);
    }
    EVP_DigestUpdate(ctx, e.state_bits.data(), e.state_bits.size());
    if (e.type != CompoundFile::kRoot) {
      EVP_DigestUpdate(ctx, e.created.data(), e.created.size());
      EVP_DigestUpdate(ctx, e.modified.data(), e.modified.size());
    }
  }

  void prehash_storage(EVP_MD_CTX* ctx, const CfbEntry& storage, bool root) {
    metadata_of(ctx, storage);
    for (const CfbEntry* child : hash_order(cf_, storage)) {
      if (root && is_signature_stream(*child)) continue;
      if (child->type == CompoundFile::kStream)
        metadata_of(ctx, *child);
      else
        prehash_storage(ctx, *child, false);
    }
  }

  const CompoundFile& cf_;
  const EVP_MD* md_;
};

std::optional<std::vector<uint8_t>> read_all(const CompoundFile& cf, const CfbEntry& e, std::string& error) {
  std::vector<uint8_t> out;
  if (e.size > kMaxSignatureBytes) {
    error = "the signature stream is larger than " + std::to_string(kMaxSignatureBytes) + " bytes";
    return std::nullopt;
  }
  if (!cf.read(
          e, [&out](std::span<const uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); }, &error))
    return std::nullopt;
  return out;
}

AuthenticodeResult malformed(std::string reason) {
  AuthenticodeResult r;
  r.status = Status::malformed;
  r.reason = std::move(reason);
  return r;
}

}  // namespace

AuthenticodeResult verify_msi_signature(std::span<const uint8_t> file, const TrustStore& trust,
                                        const VerifyOptions& options) {
  std::string error;
  const auto cf = CompoundFile::open(file, &error);
  if (!cf) return malformed("not a readable compound file: " + error);
  const CfbEntry* signature = nullptr;
  const CfbEntry* extended = nullptr;
  for (const uint32_t i : cf->root().children) {
    const auto& e = cf->entries()[i];
    if (e.type != CompoundFile::kStream) continue;
    if (e.raw_name == digital_signature_name()) signature = &e;
    if (e.raw_name == digital_signature_ex_name()) extended = &e;
  }
  if (!signature) {
    AuthenticodeResult r;
    r.reason = "the package has no DigitalSignature stream";
    return r;
  }
  const auto blob = read_all(*cf, *signature, error);
  if (!blob) return malformed("the DigitalSignature stream cannot be read: " + error);
  std::optional<std::vector<uint8_t>> ex;
  if (extended) {
    ex = read_all(*cf, *extended, error);
    if (!ex) return malformed("the MsiDigitalSignatureEx stream cannot be read: " + error);
  }

  std::string digest_error;
  std::vector<std::string> notes;
  auto digest = [&](const EVP_MD* md) -> std::optional<std::vector<uint8_t>> {
    MsiDigest d(*cf, md);
    std::optional<std::vector<uint8_t>> prehash;
    if (ex) {
      prehash = d.metadata();
      // The stored metadata digest must be this one; a different one is a changed file.
      if (!prehash) return std::nullopt;
      // The signer hashed the metadata as it was; changed metadata changes the digest.
      if (*prehash != *ex && notes.empty())
        notes.push_back("the MsiDigitalSignatureEx metadata digest does not match the package's entries");
    }
    return d.content(prehash ? std::optional<std::span<const uint8_t>>(*prehash) : std::nullopt, digest_error);
  };
  auto result =
      detail::verify_signature_blob(*blob, digest, kOidSpcSipInfo, "an MSI package (SpcSipInfo)", trust, options);
  if (!digest_error.empty()) result.anomalies.push_back("the package's digest cannot be computed: " + digest_error);
  for (auto& n : notes) result.anomalies.push_back(std::move(n));
  return result;
}

}  // namespace impostor::sign
