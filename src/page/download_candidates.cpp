#include "page/download_candidates.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "page/installer_types.hpp"
#include "page/text_util.hpp"

namespace impostor::page {

namespace {

constexpr size_t kMaxQueryValues = 32;

// ASCII ones match as whole words; the others anywhere (no spaces in CJK text), in UTF-8.
constexpr auto kDownloadWords = std::to_array<std::string_view>({
    "download",
    "downloads",
    "install",
    "installer",
    "setup",
    "free download",
    "herunterladen",
    "downloaden",
    "descargar",
    "instalar",
    "baixar",
    "scarica",
    "pobierz",
    "indir",
    "t\xC3\xA9l\xC3\xA9\x63harger",                                                      // télécharger
    "\xE3\x83\x80\xE3\x82\xA6\xE3\x83\xB3\xE3\x83\xAD\xE3\x83\xBC\xE3\x83\x89",          // ダウンロード
    "\xE3\x82\xA4\xE3\x83\xB3\xE3\x82\xB9\xE3\x83\x88\xE3\x83\xBC\xE3\x83\xAB",          // インストール
    "\xE4\xB8\x8B\xE8\xBD\xBD",                                                          // 下载
    "\xE5\xAE\x89\xE8\xA3\x85",                                                          // 安装
    "\xE4\xB8\x8B\xE8\xBC\x89",                                                          // 下載
    "\xEB\x8B\xA4\xEC\x9A\xB4\xEB\xA1\x9C\xEB\x93\x9C",                                  // 다운로드
    "\xD1\x81\xD0\xBA\xD0\xB0\xD1\x87\xD0\xB0\xD1\x82\xD1\x8C",                          // скачать
    "\xD0\xA1\xD0\xBA\xD0\xB0\xD1\x87\xD0\xB0\xD1\x82\xD1\x8C",                          // Скачать
    "\xD1\x83\xD1\x81\xD1\x82\xD0\xB0\xD0\xBD\xD0\xBE\xD0\xB2\xD0\xB8\xD1\x82\xD1\x8C",  // установить
    "\xD0\xA3\xD1\x81\xD1\x82\xD0\xB0\xD0\xBD\xD0\xBE\xD0\xB2\xD0\xB8\xD1\x82\xD1\x8C",  // Установить
});

// "Get" offers something unless it is one of these.
constexpr auto kGetNotAnOffer = std::to_array<std::string_view>(
    {"started", "in",      "help",     "support", "a",      "an",       "quote",    "directions",
     "touch",   "more",    "back",     "ready",   "access", "involved", "notified", "updates",
     "tickets", "answers", "inspired", "news",    "offers", "price",    "pricing"});

bool candidate_kind(LinkKind kind) { return kind != LinkKind::icon && kind != LinkKind::script; }

std::string without_fragment(std::string_view url) {
  return std::string(url.substr(0, std::min(url.find('#'), url.size())));
}

// The last path segment (percent-decoded) of an absolute URL.
std::string path_filename(std::string_view url) {
  std::string_view rest = url.substr(0, std::min(url.find_first_of("?#"), url.size()));
  const size_t scheme = rest.find("://");
  if (scheme != std::string_view::npos) {
    rest.remove_prefix(scheme + 3);
    const size_t slash = rest.find('/');
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  const size_t last = rest.rfind('/');
  if (last != std::string_view::npos) rest.remove_prefix(last + 1);
  return text::percent_decode(text::utf8_prefix(rest, 255), false);
}

// The extension of a query value that names a file: download.php?file=ZoomSetup.exe
std::string query_extension(std::string_view url) {
  const size_t q = url.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = url.substr(q + 1);
  query = query.substr(0, std::min(query.find('#'), query.size()));
  size_t values = 0;
  while (!query.empty() && values++ < kMaxQueryValues) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, std::min(amp, query.size()));
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos) {
      const std::string value = text::percent_decode(pair.substr(eq + 1), true);
      if (auto ext = installer_extension(value); !ext.empty() && value.find("://") == std::string::npos) return ext;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

std::string quoted(std::string_view s) { return "\"" + std::string(text::utf8_prefix(s, 80)) + "\""; }

}  // namespace

std::string_view to_string(DownloadReason reason) {
  switch (reason) {
    case DownloadReason::extension: return "extension";
    case DownloadReason::download_attribute: return "download-attribute";
    case DownloadReason::link_text: return "link-text";
    case DownloadReason::data_url: return "data-url";
  }
  return "extension";
}

bool DownloadCandidate::strong() const {
  return std::any_of(reasons.begin(), reasons.end(), [](DownloadReason r) { return r != DownloadReason::link_text; });
}

bool is_download_text(std::string_view link_text) {
  const std::string lowered = text::ascii_lower(link_text);
  for (auto word : kDownloadWords)
    if (text::find_word(lowered, word) != std::string::npos) return true;
  for (size_t at = text::find_word(lowered, "get"); at != std::string::npos;
       at = text::find_word(lowered, "get", at + 1)) {
    size_t next = at + 3;
    while (next < lowered.size() && lowered[next] == ' ') ++next;
    size_t end = next;
    while (end < lowered.size() && text::is_alnum(lowered[end])) ++end;
    const std::string_view following = std::string_view(lowered).substr(next, end - next);
    if (std::find(kGetNotAnOffer.begin(), kGetNotAnOffer.end(), following) == kGetNotAnOffer.end()) return true;
  }
  return false;
}

DownloadCandidates find_download_candidates(const PageContent& content, size_t max_candidates) {
  std::vector<DownloadCandidate> all;
  std::unordered_map<std::string, size_t> by_url;
  for (const Link& link : content.links) {
    if (!candidate_kind(link.kind)) continue;
    std::string filename;
    std::string extension;
    std::vector<std::pair<DownloadReason, std::string>> found;
    if (link.fetchable) {
      filename = path_filename(link.url);
      if (auto ext = installer_extension(filename); !ext.empty()) {
        extension = ext;
        found.emplace_back(DownloadReason::extension, "path ends in " + ext);
      } else if (auto qext = query_extension(link.url); !qext.empty()) {
        extension = qext;
        found.emplace_back(DownloadReason::extension, "query names a " + qext + " file");
      }
    } else if (link.scheme == "data") {
      const std::string type = data_url_media_type(link.url);
      if (is_installer_content_type(type, ""))
        found.emplace_back(DownloadReason::data_url, "data: URL of type " + type);
    } else {
      continue;  // javascript:, mailto:, ... are not downloads themselves (their navigations are links too)
    }
    if (link.download) {
      std::string detail = "download attribute";
      if (!link.download->empty()) {
        detail += " " + quoted(*link.download);
        filename = *link.download;
        if (auto ext = installer_extension(*link.download); !ext.empty() && extension.empty()) extension = ext;
      }
      found.emplace_back(DownloadReason::download_attribute, detail);
    }
    if (is_download_text(link.text)) found.emplace_back(DownloadReason::link_text, "link text " + quoted(link.text));
    if (found.empty()) continue;

    auto [it, inserted] = by_url.try_emplace(without_fragment(link.url), all.size());
    if (inserted) {
      DownloadCandidate c;
      c.url = link.url;
      c.fetchable = link.fetchable;
      c.kind = link.kind;
      c.location = link.location;
      all.push_back(std::move(c));
    }
    DownloadCandidate& target = all[it->second];
    ++target.occurrences;
    if (target.extension.empty()) target.extension = extension;
    if (target.filename.empty()) target.filename = filename;
    if (target.text.empty()) target.text = link.text;
    for (auto& [reason, detail] : found) {
      if (std::find(target.reasons.begin(), target.reasons.end(), reason) != target.reasons.end()) continue;
      target.reasons.push_back(reason);
      target.details.push_back(std::move(detail));
    }
  }
  std::stable_partition(all.begin(), all.end(), [](const DownloadCandidate& c) { return c.strong(); });
  DownloadCandidates out;
  if (all.size() > max_candidates) {
    out.dropped = all.size() - max_candidates;
    all.resize(max_candidates);
  }
  out.items = std::move(all);
  return out;
}

}  // namespace impostor::page
