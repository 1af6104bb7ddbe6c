// Host normalisation (libcurl URL parser, IDNA through libidn2, libpsl) and the
// lookalike classifier (ICU skeletons, typo and combosquat matching) on any bytes, the
// way `impostor domain` reads one input line.
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "allowlist/allowlist_loader.hpp"
#include "domain/established_domains.hpp"
#include "domain/host_name.hpp"
#include "domain/lookalike_classifier.hpp"
#include "domain/public_suffixes.hpp"
#include "fuzz_checks.hpp"
#include "fuzz_paths.hpp"
#include "fuzz_target.hpp"

namespace {

using namespace impostor;

// Loaded once, as the CLI does, and shared by every input.
struct DomainContext {
  allowlist::Allowlist allowlist = load();
  domain::PublicSuffixes suffixes;
  domain::HostNormalizer normalizer{suffixes};
  domain::LookalikeClassifier classifier{
      allowlist, domain::EstablishedDomains::load(fuzz::source_dir() / "data" / "top-domains.list")};

  static allowlist::Allowlist load() {
    auto loaded = allowlist::load_allowlist_dir(fuzz::source_dir() / "allowlists");
    if (!loaded.ok()) {
      std::cerr << "fuzz_domain: the allowlists do not load\n";
      std::abort();
    }
    return std::move(loaded.allowlist);
  }
};

const DomainContext& context() {
  static const DomainContext instance;
  return instance;
}

}  // namespace

IMPOSTOR_FUZZ_TARGET(domain) {
  const auto& ctx = context();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto normalized = ctx.normalizer.normalize(text);
  if (normalized.ok()) {
    const auto classification = ctx.classifier.classify(normalized.host);
    fuzz::check_findings(classification.findings);
    // A valid host's A-label never exceeds the DNS limit the normaliser checks.
    if (normalized.host.ascii.size() > 253) std::abort();
  }
  (void)ctx.classifier.brand_in_text(text);
  return 0;
}
