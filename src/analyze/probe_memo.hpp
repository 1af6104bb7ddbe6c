#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/shared_answers.hpp"
#include "net/redirect_chain.hpp"

namespace impostor::analyze {

// What the cloaking probe of one page found: the plain client's view against the browser's.
// Its implicit move is nlohmann::json's, which is noexcept (as for DownloadOutcome).
struct CloakingComparison {              // NOLINT(bugprone-exception-escape)
  std::vector<std::string> differences;  // "final host", "final URL", "status", "content"; none: the same view
  double similarity = 1.0;               // of the two pages' words, when both were pages
  nlohmann::json as_plain_client;        // the probe's last hop, as the evidence shows it
  std::string probed_url;                // the URL both views fetched
  bool transient = false;                // the probe failed in transport: it says nothing about the site
};

// Cloaking probes a run shares between URLs of one page. A search-result list holds the same
// landing page many times over, with a different click id or tracking parameter each time
// (?gclid=..., ?utm_source=...). When a URL's browser view is the very same as one already
// probed (same scheme, host, port and path; the same hops with the same statuses; the same
// final bytes; the same browser profile), the site told the two apart in nothing a browser
// sees, and the plain client's view of the first stands for the second: asking the site
// again would double the requests to it and tell nothing new. A difference in any of these,
// a query that changes the page for instance, is another key and another probe. A probe
// that failed in transport is not kept. Entries last kLifetime (SharedAnswers); the finding
// of a shared probe names the URL that was probed. `--probe-every-url` runs without it.
class ProbeMemo {
 public:
  static constexpr size_t kMaxEntries = 4096;
  static constexpr std::chrono::seconds kLifetime{300};

  // The key of a browser view (the hops it followed from `input_url`); empty when there is
  // no hop or the URL does not parse (nothing to share).
  static std::string key(std::string_view input_url, const std::vector<net::Hop>& browser, std::string_view user_agent);

  std::shared_ptr<const CloakingComparison> get(const std::string& key,
                                                const std::function<CloakingComparison()>& probe, bool& reused) {
    return answers_.get(key, probe, reused);
  }

 private:
  SharedAnswers<CloakingComparison> answers_{kMaxEntries, kLifetime,
                                             [](const CloakingComparison& c) { return c.transient; }};
};

}  // namespace impostor::analyze
