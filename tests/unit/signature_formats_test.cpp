#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "member_collector.hpp"
#include "sign/msi_signature.hpp"
#include "sign/trust_store.hpp"
#include "sign/xar_signature.hpp"
#include "signed_fixtures.hpp"
#include "unpack/blob.hpp"

using namespace impostor;
using sign::Status;
using Bytes = std::vector<uint8_t>;

namespace {

std::filesystem::path fixtures() { return fx::installers_dir(); }

Bytes read(const std::string& name) { return fx::read(fixtures() / name); }

const sign::TrustStore& test_root() {
  static const auto store = [] {
    sign::TrustStoreConfig config;
    config.system = false;
    config.pem_files = {(fixtures() / "ca.pem").string()};
    auto s = sign::TrustStore::load(config);
    REQUIRE(s);
    return *s;
  }();
  return store;
}

}  // namespace

TEST_CASE("MSI signatures: signed, nested metadata digest, someone else, tampered, unsigned") {
  const auto& trust = test_root();
  SUBCASE("signed as Zoom") {
    const auto r = sign::verify_msi_signature(read("zoom-signed.msi"), trust);
    CHECK_MESSAGE(r.status == Status::valid, r.reason);
    REQUIRE(r.signatures.size() == 1);
    REQUIRE(r.signatures[0].signer);
    CHECK(r.signatures[0].signer->organization == "Zoom Video Communications, Inc.");
    CHECK(r.signatures[0].digest_algorithm == "sha256");
    CHECK(r.signatures[0].computed_digest == r.signatures[0].signed_digest);
    // Without the test root the signature still reads and its digest holds.
    const auto untrusted = sign::verify_msi_signature(read("zoom-signed.msi"), sign::TrustStore::empty());
    CHECK(untrusted.status == Status::untrusted_chain);
  }
  SUBCASE("with an MsiDigitalSignatureEx stream") {
    const auto r = sign::verify_msi_signature(read("zoom-signed-ex.msi"), trust);
    CHECK_MESSAGE(r.status == Status::valid, r.reason);
  }
  SUBCASE("signed by someone else") {
    const auto r = sign::verify_msi_signature(read("other-signed.msi"), trust);
    CHECK(r.status == Status::valid);
    REQUIRE(!r.signatures.empty());
    CHECK(r.signatures[0].signer->organization == "Someone Else Ltd");
  }
  SUBCASE("one byte of a stream changed") {
    const auto r = sign::verify_msi_signature(read("tampered.msi"), trust);
    CHECK(r.status == Status::digest_mismatch);
    CHECK(!r.reason.empty());
  }
  SUBCASE("unsigned") {
    CHECK(sign::verify_msi_signature(read("ZoomInstaller.msi"), trust).status == Status::not_signed);
  }
}

TEST_CASE("MSI signatures: hostile compound files never verify and never crash") {
  const auto& trust = test_root();
  const auto good = read("zoom-signed.msi");
  CHECK(sign::verify_msi_signature({}, trust).status == Status::malformed);
  const Bytes garbage(4096, 0xD0);
  CHECK(sign::verify_msi_signature(garbage, trust).status == Status::malformed);
  for (size_t cut = 0; cut < good.size(); cut += 97) {
    const auto r = sign::verify_msi_signature(std::span(good).first(cut), trust);
    CHECK(r.status != Status::valid);
  }
  for (size_t at = 0; at < good.size(); at += 61) {
    Bytes flipped = good;
    flipped[at] ^= 0x5A;
    const auto r = sign::verify_msi_signature(flipped, trust);
    // A flip in unused space or in the signature's unsigned part may leave it valid; it
    // must never crash and always give a reason when it is not.
    if (r.status != Status::valid) CHECK(!r.reason.empty());
  }
}

TEST_CASE("xar (pkg) signatures: Developer ID signer, team id, tampering") {
  const auto& trust = test_root();
  SUBCASE("signed by Zoom's team") {
    const auto r = sign::verify_xar_signature(read("zoom-signed.pkg"), trust);
    CHECK_MESSAGE(r.result.status == Status::valid, r.result.reason);
    CHECK(r.team_id == "BJ4HAAB9B3");
    CHECK(r.properties.at("identifier") == "us.zoom.pkg.videomeeting");
    REQUIRE(r.result.signatures.size() == 1);
    CHECK(r.result.signatures[0].signer->common_name ==
          "Developer ID Installer: Zoom Video Communications (BJ4HAAB9B3)");
    CHECK(r.result.signatures[0].digest_ok);
    CHECK(sign::verify_xar_signature(read("zoom-signed.pkg"), sign::TrustStore::empty()).result.status ==
          Status::untrusted_chain);
  }
  SUBCASE("signed by another team") {
    const auto r = sign::verify_xar_signature(read("other-signed.pkg"), trust);
    CHECK(r.result.status == Status::valid);
    CHECK(r.team_id == "ABCDE12345");
  }
  SUBCASE("a member changed after signing") {
    const auto r = sign::verify_xar_signature(read("tampered.pkg"), trust);
    CHECK(r.result.status == Status::digest_mismatch);
  }
  SUBCASE("unsigned") {
    const auto r = sign::verify_xar_signature(read("unsigned.pkg"), trust);
    CHECK(r.result.status == Status::not_signed);
    CHECK(r.properties.at("identifier") == "us.zoom.pkg.videomeeting");
  }
  SUBCASE("the signature value or the TOC changed") {
    auto bytes = read("zoom-signed.pkg");
    Bytes sig_flipped = bytes;
    sig_flipped[sig_flipped.size() - 10] ^= 1;
    CHECK(sign::verify_xar_signature(sig_flipped, trust).result.status == Status::bad_signature);
  }
}

TEST_CASE("xar (pkg) signatures: hostile headers and TOCs") {
  const auto& trust = test_root();
  const auto good = read("zoom-signed.pkg");
  CHECK(sign::verify_xar_signature({}, trust).result.status == Status::malformed);
  for (size_t cut = 0; cut < good.size(); cut += 7) {
    const auto r = sign::verify_xar_signature(std::span(good).first(cut), trust);
    CHECK(r.result.status != Status::valid);
    CHECK(!r.result.reason.empty());
  }
  for (size_t at = 0; at < good.size(); at += 3) {
    Bytes flipped = good;
    flipped[at] ^= 0x41;
    const auto r = sign::verify_xar_signature(flipped, trust);
    if (r.result.status != Status::valid) CHECK(!r.result.reason.empty());
  }
  SUBCASE("a TOC that declares 2^60 bytes expanded") {
    Bytes huge = good;
    huge[16] = 0x10;
    const auto r = sign::verify_xar_signature(huge, trust);
    CHECK(r.result.status == Status::malformed);
  }
}

// libarchive's xar reader calls xmlCleanupParser() after each TOC it parses, tearing down
// libxml2's globals under any thread parsing at the time; the signature check parses TOCs
// with libxml2 too. Walkers and checkers run together here as they do in a crawl: under
// ASan an unguarded overlap shows as a use after free or a leaked encoding table.
TEST_CASE("xar: walking packages and checking their signatures on many threads at once") {
  const auto& trust = test_root();
  const auto pkg = read("zoom-signed.pkg");
  const unpack::ArchiveWalker walker(unpack::FormatRegistry::standard(), {});
  constexpr int kThreads = 6;
  constexpr int kRounds = 25;
  std::vector<int> walked(kThreads, 0), valid(kThreads, 0);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        if (t % 2 == 0) {
          Collect members;
          walker.walk("zoom-signed.pkg", unpack::Blob::from_bytes(pkg), members);
          if (members.find("zoom-signed.pkg!/Payload") != nullptr) ++walked[t];
        } else if (sign::verify_xar_signature(pkg, trust).result.status == Status::valid) {
          ++valid[t];
        }
      }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) CHECK((t % 2 == 0 ? walked[t] : valid[t]) == kRounds);
}
