#include <doctest/doctest.h>

#include <algorithm>

#include "analyze/signature_judgement.hpp"
#include "analyze/vendor_claim.hpp"
#include "core/verdict_policy.hpp"

using namespace impostor;
using analyze::SignedFile;
using sign::Status;

namespace {

allowlist::Allowlist vendors() {
  allowlist::Allowlist a;
  allowlist::Vendor zoom;
  zoom.id = "zoom";
  zoom.name = "Zoom";
  zoom.company = "Zoom Communications, Inc.";
  zoom.brand_tokens = {"zoom"};
  zoom.product_names = {"Zoom Cloud Meetings", "Zoom Workplace"};
  zoom.authenticode_publishers = {"Zoom Video Communications, Inc.", "Zoom Communications, Inc."};
  zoom.revoked_certificates = {{"Zoom Video Communications, Inc.", "0badc0de", "key compromise (test)"}};
  zoom.minimum_version = "4.6.9";
  zoom.minimum_version_source = "NVD CVE-2020-11469";
  zoom.source_file = "zoom.toml";
  a.vendors.push_back(zoom);
  allowlist::Vendor teams;
  teams.id = "microsoft-teams";
  teams.name = "Microsoft Teams";
  teams.brand_tokens = {"teams"};
  teams.distinctive_tokens = {"msteams"};
  teams.authenticode_publishers = {"Microsoft Corporation"};
  a.vendors.push_back(teams);
  allowlist::Vendor anydesk;
  anydesk.id = "anydesk";
  anydesk.name = "AnyDesk";
  anydesk.distinctive_tokens = {"anydesk"};
  anydesk.authenticode_publishers = {"AnyDesk Software GmbH"};
  a.vendors.push_back(anydesk);
  return a;
}

sign::Certificate cert(const std::string& org, const std::string& serial = "1001") {
  sign::Certificate c;
  c.organization = org;
  c.common_name = org;
  c.subject = "CN=" + org + ",O=" + org;
  c.issuer = "CN=Impostor Test Root CA";
  c.serial = serial;
  c.sha256 = std::string(64, 'a');
  return c;
}

SignedFile file(const std::string& name, Status status, std::optional<sign::Certificate> signer = {}) {
  SignedFile f;
  f.path = name;
  f.format = "Authenticode";
  f.claims.file_name = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
  f.signature.status = status;
  f.signature.reason = "because";
  if (status != Status::not_signed) {
    sign::Signature s;
    s.status = status;
    s.signer = std::move(signer);
    s.digest_algorithm = "sha256";
    f.signature.signatures.push_back(s);
  }
  return f;
}

std::vector<core::Finding> judge(const std::vector<SignedFile>& files) {
  static const auto a = vendors();
  return analyze::judge_signatures(a, files);
}

std::vector<std::string> ids(const std::vector<core::Finding>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.id);
  return out;
}

}  // namespace

TEST_CASE("vendor claims: file names, version info, MSI properties") {
  const auto a = vendors();
  auto claim_of = [&](analyze::ClaimSources s) {
    const auto c = analyze::find_vendor_claims(a, s);
    return c.empty() ? std::string() : c.front().vendor->id + "/" + c.front().source;
  };
  CHECK(claim_of({"ZoomInstaller.exe", {}, {}}) == "zoom/file name");
  CHECK(claim_of({"ZoomInstallerFull.msi", {}, {}}) == "zoom/file name");
  CHECK(claim_of({"zoom_amd64.exe", {}, {}}) == "zoom/file name");
  CHECK(claim_of({"Teams_windows_x64.exe", {}, {}}) == "microsoft-teams/file name");
  CHECK(claim_of({"MSTeamsSetup.exe", {}, {}}) == "microsoft-teams/file name");
  CHECK(claim_of({"AnyDesk.exe", {}, {}}) == "anydesk/file name");
  CHECK(claim_of({"setup.exe", {{"CompanyName", "ZOOM VIDEO COMMUNICATIONS, INC."}}, {}}) == "zoom/CompanyName");
  CHECK(claim_of({"setup.exe", {{"ProductName", "Zoom Workplace"}}, {}}) == "zoom/ProductName");
  CHECK(claim_of({"setup.exe", {{"OriginalFilename", "Zoom.exe"}}, {}}) == "zoom/OriginalFilename");
  CHECK(claim_of({"x.msi", {}, {{"Manufacturer", "Zoom Video Communications, Inc."}}}) == "zoom/Manufacturer");
  CHECK(claim_of({"x.pkg", {}, {{"identifier", "us.zoom.pkg.videomeeting"}}}) == "zoom/identifier");
  // Not on a token boundary, and not a vendor at all.
  CHECK(claim_of({"zoomcar-setup.exe", {}, {}}).empty());
  CHECK(claim_of({"setup.exe", {{"CompanyName", "Zoomify Ltd"}}, {}}).empty());
  CHECK(claim_of({"putty.exe", {{"CompanyName", "Simon Tatham"}}, {}}).empty());
  CHECK(claim_of({"", {}, {}}).empty());

  CHECK(analyze::name_tokens("ZoomInstaller_x64v2.exe") ==
        std::vector<std::string>{"zoom", "installer", "x", "64", "v", "2", "exe"});
  CHECK(analyze::is_vendor_publisher(a.vendors[0], "ZOOM VIDEO COMMUNICATIONS, INC."));
  CHECK_FALSE(analyze::is_vendor_publisher(a.vendors[0], "Zoom Video Communications Incorporated Ltd"));
}

TEST_CASE("signature judgement: one finding per case, with evidence") {
  SUBCASE("valid vendor signature: sign.valid-vendor, official when alone") {
    auto f = file("ZoomInstaller.exe", Status::valid, cert("Zoom Video Communications, Inc."));
    f.signature.signatures[0].timestamp.kind = sign::TimestampKind::rfc3161;
    f.signature.signatures[0].timestamp.time = "2020-06-01T00:00:00Z";
    const auto fs = judge({f});
    REQUIRE(ids(fs) == std::vector<std::string>{"sign.valid-vendor"});
    CHECK(fs[0].severity == core::Severity::info);
    CHECK(fs[0].evidence["vendor"] == "zoom");
    CHECK(fs[0].evidence["signer"]["organization"] == "Zoom Video Communications, Inc.");
    CHECK(fs[0].evidence["signer"]["serial"] == "1001");
    CHECK(fs[0].evidence["signer"]["sha256"] == std::string(64, 'a'));
    CHECK(fs[0].evidence["timestamp"]["time"] == "2020-06-01T00:00:00Z");
    CHECK(core::decide_verdict(fs, false).verdict == core::Verdict::official);
  }
  SUBCASE("a vendor's valid signature on a file that claims nothing still names the vendor") {
    const auto fs = judge({file("setup.exe", Status::valid, cert("AnyDesk Software GmbH"))});
    REQUIRE(ids(fs) == std::vector<std::string>{"sign.valid-vendor"});
    CHECK(fs[0].evidence["vendor"] == "anydesk");
  }
  SUBCASE("unsigned vendor claim: suspicious, malicious with a bundled payload") {
    const auto fs = judge({file("ZoomInstaller.exe", Status::not_signed)});
    REQUIRE(ids(fs) == std::vector<std::string>{"sign.claims-vendor-unsigned"});
    CHECK(fs[0].severity == core::Severity::medium);
    CHECK(fs[0].evidence["claim"]["vendor"] == "zoom");
    CHECK(fs[0].evidence["claim"]["source"] == "file name");
    CHECK(core::decide_verdict(fs, false).verdict == core::Verdict::suspicious);
    auto with_payload = fs;
    with_payload.push_back({"yara.miner_cli_arguments", core::Severity::high, "miner", {}, "x!/run.bat"});
    CHECK(core::decide_verdict(with_payload, false).verdict == core::Verdict::malicious);
    auto with_low = fs;
    with_low.push_back({"unpack.corrupt", core::Severity::low, "damaged", {}, "x"});
    CHECK(core::decide_verdict(with_low, false).verdict == core::Verdict::suspicious);
  }
  SUBCASE("an unsigned file that claims nothing: no finding") {
    CHECK(judge({file("putty.exe", Status::not_signed)}).empty());
  }
  SUBCASE("valid signature by someone else on a vendor claim: sign.wrong-publisher") {
    const auto fs = judge({file("Teams_windows_x64.exe", Status::valid, cert("Someone Else Ltd"))});
    REQUIRE(ids(fs) == std::vector<std::string>{"sign.wrong-publisher"});
    CHECK(fs[0].severity == core::Severity::high);
    CHECK(fs[0].evidence["signer"]["organization"] == "Someone Else Ltd");
    CHECK(fs[0].evidence["expected_publishers"][0] == "Microsoft Corporation");
  }
  SUBCASE("a signature that does not verify: sign.invalid, critical on a vendor claim") {
    for (auto st : {Status::digest_mismatch, Status::bad_signature, Status::malformed}) {
      const auto claimed = judge({file("ZoomInstaller.exe", st, cert("Zoom Video Communications, Inc."))});
      REQUIRE(ids(claimed) == std::vector<std::string>{"sign.invalid"});
      CHECK(claimed[0].severity == core::Severity::critical);
      CHECK(core::decide_verdict(claimed, false).verdict == core::Verdict::malicious);
      const auto plain = judge({file("tool.exe", st, cert("Tool Maker"))});
      REQUIRE(ids(plain) == std::vector<std::string>{"sign.invalid"});
      CHECK(plain[0].severity == core::Severity::medium);
    }
  }
  SUBCASE("a revoked vendor certificate is sign.invalid") {
    const auto fs =
        judge({file("ZoomInstaller.exe", Status::valid, cert("Zoom Video Communications, Inc.", "0BADC0DE"))});
    REQUIRE(ids(fs) == std::vector<std::string>{"sign.invalid"});
    CHECK(fs[0].evidence["revoked"]["reason"] == "key compromise (test)");
  }
  SUBCASE("untrusted: low in the vendor's name, wrong-publisher in someone else's") {
    auto own = judge({file("ZoomInstaller.exe", Status::untrusted_chain, cert("Zoom Video Communications, Inc."))});
    REQUIRE(ids(own) == std::vector<std::string>{"sign.untrusted"});
    CHECK(own[0].severity == core::Severity::low);
    CHECK(core::decide_verdict(own, false).verdict == core::Verdict::unknown);
    auto other = judge({file("ZoomInstaller.exe", Status::expired_no_timestamp, cert("Someone Else Ltd"))});
    CHECK(ids(other) == std::vector<std::string>{"sign.wrong-publisher"});
    auto plain = judge({file("tool.exe", Status::untrusted_chain, cert("Tool Maker"))});
    REQUIRE(ids(plain) == std::vector<std::string>{"sign.untrusted"});
    CHECK(plain[0].severity == core::Severity::info);
  }
  SUBCASE("vendor.outdated below the minimum version, citing the source") {
    auto f = file("ZoomInstaller.exe", Status::valid, cert("Zoom Video Communications, Inc."));
    f.version = "4.6.8.19178";
    const auto fs = judge({f});
    REQUIRE(ids(fs) == std::vector<std::string>{"sign.valid-vendor", "vendor.outdated"});
    CHECK(fs[1].severity == core::Severity::medium);
    CHECK(fs[1].evidence["minimum_version"] == "4.6.9");
    CHECK(fs[1].evidence["minimum_version_source"] == "NVD CVE-2020-11469");
    CHECK(core::decide_verdict(fs, false).verdict == core::Verdict::suspicious);
    f.version = "4, 6, 9, 0";
    CHECK(ids(judge({f})) == std::vector<std::string>{"sign.valid-vendor"});
    f.version = "unknown";
    CHECK(ids(judge({f})) == std::vector<std::string>{"sign.valid-vendor"});
  }
  SUBCASE("members of a container the vendor validly signed owe no signature of their own") {
    auto outer = file("ZoomInstaller.exe", Status::valid, cert("Zoom Video Communications, Inc."));
    auto inner = file("ZoomInstaller.exe!/Zoom.exe", Status::not_signed);
    inner.depth = 1;
    CHECK(ids(judge({outer, inner})) == std::vector<std::string>{"sign.valid-vendor"});
    auto unsigned_outer = file("bundle.zip!/ZoomInstaller.exe", Status::not_signed);
    unsigned_outer.depth = 1;
    auto inner2 = file("bundle.zip!/ZoomInstaller.exe!/Zoom.exe", Status::not_signed);
    inner2.depth = 2;
    CHECK(ids(judge({unsigned_outer, inner2})) ==
          std::vector<std::string>{"sign.claims-vendor-unsigned", "sign.claims-vendor-unsigned"});
  }
  SUBCASE("a vendor signature on a nested member does not make the archive official") {
    auto inner = file("bundle.zip!/ZoomInstaller.exe", Status::valid, cert("Zoom Video Communications, Inc."));
    inner.depth = 1;
    const auto fs = judge({inner});
    REQUIRE(ids(fs) == std::vector<std::string>{"sign.valid-vendor"});
    CHECK(core::decide_verdict(fs, false).verdict == core::Verdict::unknown);
  }
}

TEST_CASE("version comparison") {
  CHECK(analyze::compare_versions("4.6.8", "4.6.9") == -1);
  CHECK(analyze::compare_versions("4.6.9.0", "4.6.9") == 0);
  CHECK(analyze::compare_versions("5.0", "4.6.9") == 1);
  CHECK(analyze::compare_versions("4.10", "4.9") == 1);
  CHECK(analyze::compare_versions("5, 4, 9, 0", "5.4.9") == 0);
  CHECK(analyze::compare_versions("4.6.9 (12345)", "4.6.9") == 0);
  CHECK_FALSE(analyze::compare_versions("", "4.6.9"));
  CHECK_FALSE(analyze::compare_versions("v4", "4.6.9"));
  CHECK(analyze::compare_versions(std::string(5000, '9'), "4") == 1);  // saturates, no overflow
}
