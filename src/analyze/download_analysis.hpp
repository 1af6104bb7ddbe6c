#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analyze/file_analysis.hpp"
#include "analyze/hop_judgement.hpp"
#include "core/finding.hpp"
#include "net/fetcher.hpp"

namespace impostor::analyze {

// One link a page offers, and why it was taken for a download.
struct DownloadCandidate {
  std::string url;
  std::vector<std::string> reasons;  // "extension .exe", "link text 'Download'", ...
  bool by_extension = false;         // fetched without a probe
  std::string where;                 // where on the page it was found
};

struct DownloadSettings {
  uint64_t max_bytes = uint64_t{512} << 20;
  size_t max_downloads = 5;
  int max_redirects = 10;
};

// What became of one candidate: always an artifact for the report, the findings of the
// file analysis (located at "<download URL>!<member>"), and what the download's hops
// showed (for the page's report, through add_finding_once).
// Its implicit move is nlohmann::json's, which is noexcept; clang-tidy follows json's
// invariant checks into code that can only assert.
struct DownloadOutcome {  // NOLINT(bugprone-exception-escape)
  nlohmann::json artifact;
  std::vector<core::Finding> findings;
  std::vector<core::Finding> hop_findings;  // its hosts, certificates and redirects, judged
  std::string vendor;                       // the vendor its hosts are or imitate
  bool installer = false;                   // it was fetched as an installer or archive
  bool transient = false;                   // a transport failure: asking again may differ
  std::string final_host;                   // where the bytes came from, after redirects
  std::string final_url;
};

// Probes a candidate (HEAD, falling back to a ranged GET of its first bytes when the
// server refuses HEAD), fetches it through the same fetcher, guard and caps as pages when
// it is an installer, hashes it and hands it to file analysis. Every hop of the download
// is judged like a page hop (a download from a lookalike host is itself a finding).
DownloadOutcome fetch_download(net::Fetcher& fetcher, const DownloadCandidate& candidate, const std::string& referer,
                               const std::string& user_agent, const DownloadSettings& settings, FileScanner* scanner,
                               HopJudge& judge);

// True when the response headers say "a file to save", not a page.
bool is_installer_response(const std::string& content_type, const std::string& content_disposition);

}  // namespace impostor::analyze
