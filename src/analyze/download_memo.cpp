#include "analyze/download_memo.hpp"

#include "net/fetcher.hpp"

namespace impostor::analyze {

std::string DownloadMemo::key(const DownloadCandidate& candidate, const std::string& referer,
                              const std::string& user_agent) {
  const auto page = net::check_fetchable(referer);
  const std::string origin = page.ok() ? page.scheme + "://" + page.host + ":" + std::to_string(page.port) : referer;
  // Length-prefixed parts: no two different triples give one key.
  std::string out;
  for (const std::string_view part :
       {std::string_view(candidate.url), std::string_view(origin), std::string_view(user_agent)})
    out.append(std::to_string(part.size())).append(":").append(part);
  out += candidate.by_extension ? "E" : "P";
  return out;
}

std::shared_ptr<const DownloadMemo::Answer> DownloadMemo::get(const std::string& key, const std::string& page,
                                                              const std::function<DownloadOutcome()>& fetch,
                                                              bool& reused) {
  return answers_.get(
      key,
      [&] {
        return Answer{fetch(), page};
      },
      reused);
}

}  // namespace impostor::analyze
