#include "analyze/signature_judgement.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/ascii_text.hpp"

namespace impostor::analyze {

namespace {

using sign::Status;

nlohmann::json certificate_json(const sign::Certificate& c) {
  return {{"subject", c.subject},         {"organization", c.organization},
          {"common_name", c.common_name}, {"issuer", c.issuer},
          {"serial", c.serial},           {"sha256", c.sha256},
          {"not_before", c.not_before},   {"not_after", c.not_after}};
}

// The signer's name as a publisher: its organisation, else its common name.
std::string publisher_of(const sign::Certificate& c) { return c.organization.empty() ? c.common_name : c.organization; }

// Apple identifies a developer by team id; Windows signers are known by organisation.
bool names_publisher(const allowlist::Vendor& v, const SignedFile& f, const sign::Certificate& c) {
  if (f.format == "xar")
    return !f.team_id.empty() &&
           std::find(v.macos_team_ids.begin(), v.macos_team_ids.end(), f.team_id) != v.macos_team_ids.end();
  return is_vendor_publisher(v, c.organization) || is_vendor_publisher(v, c.common_name);
}

const sign::Signature* first_valid(const SignedFile& f, const allowlist::Vendor* by) {
  for (const auto& s : f.signature.signatures)
    if (s.status == Status::valid && s.signer && (!by || names_publisher(*by, f, *s.signer))) return &s;
  return nullptr;
}

const sign::Signature* first_with_signer(const sign::AuthenticodeResult& r) {
  for (const auto& s : r.signatures)
    if (s.signer) return &s;
  return nullptr;
}

const allowlist::RevokedCertificate* revoked(const allowlist::Vendor& v, const sign::Certificate& c) {
  for (const auto& r : v.revoked_certificates)
    if (core::ascii_lower(r.serial) == core::ascii_lower(c.serial)) return &r;
  return nullptr;
}

nlohmann::json evidence_for(const SignedFile& f, const sign::Signature* sig, const VendorClaim* claim) {
  nlohmann::json e = {{"format", f.format},
                      {"status", std::string(sign::to_string(f.signature.status))},
                      {"reason", f.signature.reason},
                      {"signatures", f.signature.signatures.size()},
                      {"depth", f.depth}};
  if (sig) {
    if (sig->signer) e["signer"] = certificate_json(*sig->signer);
    e["digest_algorithm"] = sig->digest_algorithm;
    if (!sig->chain_reason.empty()) e["chain"] = sig->chain_reason;
    if (sig->timestamp.kind != sign::TimestampKind::none)
      e["timestamp"] = {{"kind", std::string(sign::to_string(sig->timestamp.kind))},
                        {"time", sig->timestamp.time},
                        {"trusted", sig->timestamp.trusted()}};
  }
  if (claim) {
    e["claim"] = {{"vendor", claim->vendor->id}, {"source", claim->source}, {"value", claim->value}};
    e["expected_publishers"] = claim->vendor->authenticode_publishers;
    e["allowlist"] = claim->vendor->source_file;
  }
  if (!f.version.empty()) e["version"] = f.version;
  if (!f.team_id.empty()) e["team_id"] = f.team_id;
  if (!f.signature.anomalies.empty()) e["anomalies"] = f.signature.anomalies;
  return e;
}

std::vector<std::string> ancestors(const std::string& path) {
  std::vector<std::string> out;
  for (size_t at = path.find("!/"); at != std::string::npos; at = path.find("!/", at + 2))
    out.push_back(path.substr(0, at));
  return out;
}

class Judge {
 public:
  explicit Judge(const allowlist::Allowlist& allowlist) : allowlist_(allowlist) {}

  void judge(const SignedFile& f) {
    const auto claims = find_vendor_claims(allowlist_, f.claims);
    if (!claims.empty() && covered(f.path, claims)) return;
    const VendorClaim* claim = claims.empty() ? nullptr : &claims.front();
    const Status status = f.signature.status;

    if (status == Status::not_signed) {
      if (claim)
        add("sign.claims-vendor-unsigned", core::Severity::medium,
            "It claims to be " + claim->vendor->name + "'s (" + claim->source + " \"" + claim->value +
                "\") but carries no signature",
            f, nullptr, claim);
      return;
    }
    if (status == Status::digest_mismatch || status == Status::bad_signature || status == Status::malformed) {
      add("sign.invalid", claim ? core::Severity::critical : core::Severity::medium,
          "The " + f.format + " signature does not verify (" + std::string(sign::to_string(status)) + ")" +
              (claim ? ", on a file that claims to be " + claim->vendor->name + "'s" : ""),
          f, first_with_signer(f.signature), claim);
      return;
    }
    if (status == Status::valid) return judge_valid(f, claims, claim);
    judge_untrusted(f, claims, claim);
  }

  std::vector<core::Finding> take() { return std::move(findings_); }

 private:
  // A valid signature: by a publisher of a claimed vendor, of any vendor, or of someone else.
  void judge_valid(const SignedFile& f, const std::vector<VendorClaim>& claims, const VendorClaim* claim) {
    for (const auto& c : claims)
      if (const auto* sig = first_valid(f, c.vendor)) return valid_vendor(f, *c.vendor, *sig, &c);
    for (const auto& v : allowlist_.vendors)
      if (const auto* sig = first_valid(f, &v)) return valid_vendor(f, v, *sig, nullptr);
    if (claim) {
      const auto* sig = first_valid(f, nullptr);
      add("sign.wrong-publisher", core::Severity::high,
          "It claims to be " + claim->vendor->name + "'s but is signed by " +
              (sig && sig->signer ? publisher_of(*sig->signer) : std::string("someone else")),
          f, sig, claim);
    }
  }

  void valid_vendor(const SignedFile& f, const allowlist::Vendor& v, const sign::Signature& sig,
                    const VendorClaim* claim) {
    if (const auto* r = revoked(v, *sig.signer)) {
      auto e = evidence_for(f, &sig, claim);
      e["revoked"] = {{"publisher", r->publisher}, {"serial", r->serial}, {"reason", r->reason}};
      findings_.push_back(
          {"sign.invalid", core::Severity::critical,
           "Signed with a certificate of " + v.name + " that the allowlist lists as revoked (" + r->reason + ")",
           std::move(e), f.path});
      return;
    }
    auto e = evidence_for(f, &sig, claim);
    e["vendor"] = v.id;
    e["allowlist"] = v.source_file;
    findings_.push_back({"sign.valid-vendor", core::Severity::info,
                         "Validly signed by " + publisher_of(*sig.signer) + ", a publisher of " + v.name, e, f.path});
    valid_[f.path].insert(v.id);
    if (v.minimum_version.empty() || f.version.empty()) return;
    const auto order = compare_versions(f.version, v.minimum_version);
    if (!order || *order >= 0) return;
    e["minimum_version"] = v.minimum_version;
    e["minimum_version_source"] = v.minimum_version_source;
    findings_.push_back({"vendor.outdated", core::Severity::medium,
                         "A genuine " + v.name + " installer of version " + f.version + ", below the minimum safe " +
                             v.minimum_version + " (" + v.minimum_version_source + ")",
                         std::move(e), f.path});
  }

  // Intact as far as it was checked but not trusted: no trusted root, expired without a
  // timestamp, or an algorithm not checked here.
  void judge_untrusted(const SignedFile& f, const std::vector<VendorClaim>& claims, const VendorClaim* claim) {
    const auto* sig = first_with_signer(f.signature);
    const allowlist::Vendor* named = nullptr;
    if (sig)
      for (const auto& v : allowlist_.vendors)
        if (!named && names_publisher(v, f, *sig->signer)) named = &v;
    const bool names_claimed = sig && std::any_of(claims.begin(), claims.end(), [&](const VendorClaim& c) {
                                 return names_publisher(*c.vendor, f, *sig->signer);
                               });
    if (claim && !names_claimed) {
      add("sign.wrong-publisher", core::Severity::high,
          "It claims to be " + claim->vendor->name + "'s but is signed by " +
              (sig ? publisher_of(*sig->signer) : std::string("an unreadable signer")) + " (" + f.signature.reason +
              ")",
          f, sig, claim);
      return;
    }
    add("sign.untrusted", named ? core::Severity::low : core::Severity::info,
        "Signed" + (sig ? " by " + publisher_of(*sig->signer) : std::string()) +
            ", but the signature is not trusted: " + f.signature.reason,
        f, sig, claim);
  }

  bool covered(const std::string& path, const std::vector<VendorClaim>& claims) const {
    for (const auto& a : ancestors(path)) {
      const auto it = valid_.find(a);
      if (it == valid_.end()) continue;
      for (const auto& c : claims)
        if (it->second.count(c.vendor->id) != 0) return true;
    }
    return false;
  }

  void add(std::string id, core::Severity severity, std::string summary, const SignedFile& f,
           const sign::Signature* sig, const VendorClaim* claim) {
    findings_.push_back({std::move(id), severity, std::move(summary), evidence_for(f, sig, claim), f.path});
  }

  const allowlist::Allowlist& allowlist_;
  std::map<std::string, std::set<std::string>> valid_;  // member path → vendors it is validly signed by
  std::vector<core::Finding> findings_;
};

std::optional<std::vector<long long>> version_parts(std::string_view s) {
  std::vector<long long> parts;
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  while (i < s.size() && parts.size() < 8) {
    if (s[i] < '0' || s[i] > '9') break;
    long long n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      n = std::min<long long>(n * 10 + (s[i] - '0'), 1'000'000'000);
      ++i;
    }
    parts.push_back(n);
    while (i < s.size() && s[i] == ' ') ++i;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      while (i < s.size() && s[i] == ' ') ++i;
    } else {
      break;
    }
  }
  if (parts.empty()) return std::nullopt;
  return parts;
}

}  // namespace

std::optional<int> compare_versions(std::string_view a, std::string_view b) {
  auto x = version_parts(a);
  auto y = version_parts(b);
  if (!x || !y) return std::nullopt;
  const size_t n = std::max(x->size(), y->size());
  x->resize(n, 0);
  y->resize(n, 0);
  if (*x < *y) return -1;
  if (*x > *y) return 1;
  return 0;
}

std::vector<core::Finding> judge_signatures(const allowlist::Allowlist& allowlist,
                                            const std::vector<SignedFile>& files) {
  Judge judge(allowlist);
  for (const auto& f : files) judge.judge(f);
  return judge.take();
}

nlohmann::json signature_summary(const sign::AuthenticodeResult& result) {
  nlohmann::json out = {{"status", std::string(sign::to_string(result.status))}, {"reason", result.reason}};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : result.signatures) {
    if (list.size() >= 16) break;  // 1,000 nested signatures are an anomaly, not a table to print
    nlohmann::json j = {{"entry", s.entry},
                        {"depth", s.depth},
                        {"status", std::string(sign::to_string(s.status))},
                        {"digest_algorithm", s.digest_algorithm}};
    if (!s.reason.empty()) j["reason"] = s.reason;
    if (s.signer) j["signer"] = certificate_json(*s.signer);
    if (!s.timestamp.time.empty()) j["timestamp"] = s.timestamp.time;
    list.push_back(std::move(j));
  }
  out["signatures"] = std::move(list);
  if (result.signatures.size() > 16) out["signatures_total"] = result.signatures.size();
  if (!result.anomalies.empty()) out["anomalies"] = result.anomalies;
  return out;
}

}  // namespace impostor::analyze
