#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "page/link.hpp"
#include "page/page_content.hpp"

namespace impostor::page {

enum class DownloadReason {
  extension,           // the URL path (or a query value such as ?file=Setup.exe) ends in an installer extension
  download_attribute,  // <a download="ZoomInstaller.exe">, or <a download> on any link
  link_text,  // "Download", "Install", "Get", "ダウンロード", "インストール", "Скачать", ...
  data_url,   // a data: URL whose media type is an installer type (HTML smuggling)
};
std::string_view to_string(DownloadReason reason);

// A URL the page offers as a download. The fetcher probes it (HEAD, then a ranged GET)
// with is_installer_content_type() and, when it is one, fetches and analyses it.
struct DownloadCandidate {
  std::string url;  // resolved; for data: URLs the bounded reference
  bool fetchable = false;
  std::string filename;                 // from the download attribute, else the URL's last path segment
  std::string extension;                // ".exe" when one matched (path, query value or download attribute)
  std::vector<DownloadReason> reasons;  // distinct, in the order found
  std::vector<std::string> details;     // one readable line per reason: "download attribute \"Zoom.exe\""
  LinkKind kind = LinkKind::anchor;     // of the first link that offered it
  std::string text;                     // its link text
  std::string location;                 // where the first link is
  size_t occurrences = 0;               // links on the page that lead to it
  // An extension, a download attribute or a data: installer: more than a button label.
  bool strong() const;
};

struct DownloadCandidates {
  std::vector<DownloadCandidate> items;  // strong ones first, then in page order
  size_t dropped = 0;                    // beyond the cap
};

// Candidates among the page's links (anchors, areas, forms, frames, meta refresh and
// script/handler navigations; not icons or <script src>), deduplicated by URL without
// its fragment.
DownloadCandidates find_download_candidates(const PageContent& content, size_t max_candidates);

// True when link text reads as an offer to download or install, in English, Japanese and
// a few other languages ("Get started" and the like are not).
bool is_download_text(std::string_view text);

}  // namespace impostor::page
