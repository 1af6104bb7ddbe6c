#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "analyze/download_analysis.hpp"
#include "analyze/shared_answers.hpp"

namespace impostor::analyze {

// Downloads a run fetched, by what decides the answer: the download URL, the origin of the
// page that links it (a kit may serve its payload only to its own pages, so another site
// linking the same URL fetches it for itself), the user agent and whether the link needs a
// probe. Fake sites link one payload from page after page; fetching and unpacking it once
// per page would hammer the site and tell nothing new. An answer lasts kLifetime, so a
// long crawl sees a payload that changes; one that failed in transport is not kept. An ask
// for a key being fetched waits for that fetch (SharedAnswers). `crawl
// --fetch-every-download` runs without it.
class DownloadMemo {
 public:
  // An answer can hold a member list of 200 entries: 256 of them stay within tens of MiB.
  static constexpr size_t kMaxEntries = 256;
  static constexpr std::chrono::seconds kLifetime{300};

  struct Answer {
    DownloadOutcome outcome;
    std::string first_page;  // the page whose fetch it was
  };

  static std::string key(const DownloadCandidate& candidate, const std::string& referer, const std::string& user_agent);

  // The answer for `key`: known, on its way, or fetched now by `fetch` for `page`.
  // `reused` says whether it came from another page's fetch. What `fetch` throws is
  // thrown to every ask waiting for it, and nothing is kept.
  std::shared_ptr<const Answer> get(const std::string& key, const std::string& page,
                                    const std::function<DownloadOutcome()>& fetch, bool& reused);

 private:
  SharedAnswers<Answer> answers_{kMaxEntries, kLifetime, [](const Answer& a) { return a.outcome.transient; }};
};

}  // namespace impostor::analyze
