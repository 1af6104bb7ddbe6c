#include <doctest/doctest.h>

#include "core/verdict_policy.hpp"

using namespace impostor::core;

namespace {
Finding f(std::string id, Severity s) { return Finding{std::move(id), s, "summary", {}, "here"}; }
}  // namespace

TEST_CASE("verdict policy follows the README table, first matching row wins") {
  SUBCASE("nothing found is unknown") { CHECK(decide_verdict({}, false).verdict == Verdict::unknown); }
  SUBCASE("a proof of officialness alone is official, score 0") {
    const std::vector<Finding> fs = {f("domain.official", Severity::info)};
    const auto o = decide_verdict(fs, false);
    CHECK(o.verdict == Verdict::official);
    CHECK(o.score == 0);
  }
  SUBCASE("a proof with anything above info is not official") {
    const std::vector<Finding> fs = {f("domain.official", Severity::info), f("tls.invalid", Severity::low)};
    CHECK(decide_verdict(fs, false).verdict == Verdict::unknown);
  }
  SUBCASE("low findings alone stay unknown: supporting signals never flag") {
    const std::vector<Finding> fs = {f("domain.risky-tld", Severity::low), f("domain.brand-mention", Severity::low)};
    const auto o = decide_verdict(fs, false);
    CHECK(o.verdict == Verdict::unknown);
    CHECK(o.score > 0);
  }
  SUBCASE("medium or high is suspicious") {
    const std::vector<Finding> m = {f("domain.combosquat", Severity::medium)};
    CHECK(decide_verdict(m, false).verdict == Verdict::suspicious);
    const std::vector<Finding> h = {f("domain.homoglyph", Severity::high),
                                    f("domain.brand-in-subdomain", Severity::high)};
    CHECK(decide_verdict(h, false).verdict == Verdict::suspicious);  // one family only
  }
  SUBCASE("high findings from two families are malicious") {
    const std::vector<Finding> fs = {f("domain.homoglyph", Severity::high), f("page.fake-download", Severity::high)};
    CHECK(decide_verdict(fs, false).verdict == Verdict::malicious);
  }
  SUBCASE("any critical is malicious") {
    const std::vector<Finding> fs = {f("tls.official-mismatch", Severity::critical)};
    const auto o = decide_verdict(fs, false);
    CHECK(o.verdict == Verdict::malicious);
    CHECK(o.score >= 95);
  }
  SUBCASE("errors give error unless something flagged") {
    CHECK(decide_verdict({}, true).verdict == Verdict::error);
    const std::vector<Finding> fs = {f("domain.combosquat", Severity::medium)};
    CHECK(decide_verdict(fs, true).verdict == Verdict::suspicious);
  }
  SUBCASE("scores stay within 0..100") {
    std::vector<Finding> many(50, f("domain.typo", Severity::high));
    CHECK(decide_verdict(many, false).score == 100);
  }
}

TEST_CASE("verdict and severity names round-trip and order") {
  for (auto v : {Verdict::official, Verdict::unknown, Verdict::suspicious, Verdict::malicious, Verdict::error})
    CHECK(parse_verdict(to_string(v)) == v);
  for (auto s : {Severity::info, Severity::low, Severity::medium, Severity::high, Severity::critical})
    CHECK(parse_severity(to_string(s)) == s);
  CHECK(!parse_verdict("bogus"));
  CHECK(flag_rank(Verdict::official) < flag_rank(Verdict::unknown));
  CHECK(flag_rank(Verdict::suspicious) < flag_rank(Verdict::malicious));
  CHECK(flag_rank(Verdict::error) < 0);
}

TEST_CASE("verdict policy: a vendor claim without its signature plus a bundled payload is malicious") {
  const std::vector<Finding> claim_only = {f("sign.claims-vendor-unsigned", Severity::medium)};
  CHECK(decide_verdict(claim_only, false).verdict == Verdict::suspicious);
  const std::vector<Finding> with_payload = {f("sign.claims-vendor-unsigned", Severity::medium),
                                             f("yara.dropper_obfuscated_batch", Severity::medium)};
  CHECK(decide_verdict(with_payload, false).verdict == Verdict::malicious);
  const std::vector<Finding> wrong_with_bad_hash = {f("sign.wrong-publisher", Severity::high),
                                                    f("hash.known-bad", Severity::critical)};
  CHECK(decide_verdict(wrong_with_bad_hash, false).verdict == Verdict::malicious);
  // A low YARA hit is not a payload, and a valid vendor signature is no claim.
  const std::vector<Finding> weak = {f("sign.claims-vendor-unsigned", Severity::medium), f("yara.x", Severity::low)};
  CHECK(decide_verdict(weak, false).verdict == Verdict::suspicious);
  const std::vector<Finding> genuine = {f("sign.valid-vendor", Severity::info), f("yara.x", Severity::medium)};
  CHECK(decide_verdict(genuine, false).verdict == Verdict::suspicious);
}

TEST_CASE("verdict policy: a vendor signature proves only the file it is on") {
  Finding top = f("sign.valid-vendor", Severity::info);
  top.evidence = {{"depth", 0}};
  CHECK(decide_verdict(std::vector<Finding>{top}, false).verdict == Verdict::official);
  Finding nested = f("sign.valid-vendor", Severity::info);
  nested.evidence = {{"depth", 2}};
  CHECK(decide_verdict(std::vector<Finding>{nested}, false).verdict == Verdict::unknown);
}
