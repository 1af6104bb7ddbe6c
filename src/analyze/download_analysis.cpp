#include "analyze/download_analysis.hpp"

#include <algorithm>
#include <memory>

#include "core/ascii_text.hpp"
#include "core/text_safety.hpp"
#include "net/redirect_chain.hpp"
#include "scan/digest.hpp"
#include "unpack/blob.hpp"
#include "unpack/file_type.hpp"

namespace impostor::analyze {
namespace {

std::string header(const net::Hop& hop, const std::string& name) {
  const auto it = hop.headers.find(name);
  return it == hop.headers.end() ? std::string() : it->second;
}

}  // namespace

bool is_installer_response(const std::string& content_type, const std::string& content_disposition) {
  const std::string type = core::ascii_lower(content_type.substr(0, content_type.find(';')));
  if (core::ascii_lower(content_disposition).find("attachment") != std::string::npos) return true;
  static constexpr std::string_view kTypes[] = {"application/octet-stream",
                                                "application/x-msdownload",
                                                "application/x-msdos-program",
                                                "application/x-msi",
                                                "application/x-ms-installer",
                                                "application/vnd.microsoft.portable-executable",
                                                "application/x-dosexec",
                                                "application/x-executable",
                                                "application/zip",
                                                "application/x-zip-compressed",
                                                "application/x-7z-compressed",
                                                "application/x-rar-compressed",
                                                "application/vnd.rar",
                                                "application/x-apple-diskimage",
                                                "application/x-newton-compatible-pkg",
                                                "application/vnd.debian.binary-package",
                                                "application/x-debian-package",
                                                "application/x-rpm",
                                                "application/x-iso9660-image",
                                                "application/gzip",
                                                "application/x-gzip",
                                                "application/x-xz",
                                                "application/x-bzip2",
                                                "application/java-archive",
                                                "application/vnd.android.package-archive",
                                                "application/x-sh",
                                                "application/x-bat",
                                                "application/hta",
                                                "application/x-ms-shortcut",
                                                "application/msix",
                                                "application/vnd.ms-appx"};
  return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

DownloadOutcome fetch_download(net::Fetcher& fetcher, const DownloadCandidate& candidate, const std::string& referer,
                               const std::string& user_agent, const DownloadSettings& settings, FileScanner* scanner,
                               HopJudge& judge) {
  DownloadOutcome out;
  // Key by key: an initializer list builds each pair as an array first.
  out.artifact = nlohmann::json::object();
  out.artifact["kind"] = "download";
  out.artifact["url"] = core::to_valid_utf8(candidate.url);
  out.artifact["reasons"] = candidate.reasons;
  out.artifact["found_at"] = core::to_valid_utf8(candidate.where);
  net::FetchRequest base;
  base.user_agent = user_agent;
  if (!referer.empty()) base.headers.push_back("Referer: " + referer);

  // A candidate found only by its link text is probed first: a page is not downloaded as
  // an installer. HEAD first; servers that refuse HEAD get a ranged GET of 4 KiB.
  if (!candidate.by_extension) {
    auto head = base;
    head.head = true;
    net::RedirectChain probe(fetcher, head, settings.max_redirects);
    const net::Hop* last = probe.follow(candidate.url);
    bool installer = false;
    std::string type;
    // Copied out: `last` points into a chain that ends with its block below.
    long probe_status = last != nullptr ? last->status : 0;
    if (last != nullptr && last->status >= 200 && last->status < 300) {
      installer = is_installer_response(header(*last, "content-type"), header(*last, "content-disposition"));
      type = header(*last, "content-type");
    }
    if (last == nullptr || last->status == 405 || last->status == 501 || last->status == 0) {
      auto ranged = base;
      ranged.range = std::make_pair(uint64_t{0}, uint64_t{4095});
      ranged.max_body_bytes = 4096;
      net::RedirectChain get(fetcher, ranged, settings.max_redirects);
      last = get.follow(candidate.url);
      probe_status = last != nullptr ? last->status : 0;
      if (last != nullptr && last->status >= 200 && last->status < 300) {
        const auto magic =
            unpack::detect_file_type({reinterpret_cast<const uint8_t*>(last->body.data()), last->body.size()});
        installer = is_installer_response(header(*last, "content-type"), header(*last, "content-disposition")) ||
                    (magic != "html" && magic != "text" && magic != "data");
        type = header(*last, "content-type");
      }
    }
    out.artifact["probe"] = {{"status", probe_status}, {"content_type", type}};
    out.transient = probe_status == 0;
    if (!installer) {
      out.artifact["skipped"] = "the link does not serve a file (probe)";
      return out;
    }
  }

  auto blob = std::make_shared<unpack::Blob>();
  std::string blob_error;
  auto get = base;
  get.max_body_bytes = settings.max_bytes;
  get.body_sink = [&blob, &blob_error](std::span<const uint8_t> bytes) {
    if (blob->append(bytes)) return true;
    blob_error = blob->error();
    return false;
  };
  net::RedirectChain chain(fetcher, get, settings.max_redirects);
  const net::Hop* last = chain.follow(candidate.url);
  {
    core::Report hops_seen = judge.judge_apart(chain);
    out.hop_findings = std::move(hops_seen.findings);
    out.vendor = std::move(hops_seen.vendor);
  }
  nlohmann::json hops = nlohmann::json::array();
  for (const auto& hop : chain.hops()) {
    nlohmann::json step = nlohmann::json::object();
    step["url"] = core::to_valid_utf8(hop.url);
    step["status"] = hop.status;
    hops.push_back(std::move(step));
  }
  out.artifact["hops"] = std::move(hops);
  if (last == nullptr || last->status < 200 || last->status >= 300 || !last->error.empty()) {
    // A refused address or a bad URL answers the same next time; a timeout may not.
    out.transient = last != nullptr && !last->refused && (last->status == 0 || !last->error.empty());
    out.artifact["error"] = last == nullptr        ? chain.stop_detail()
                            : !last->error.empty() ? last->error
                                                   : "status " + std::to_string(last->status);
    return out;
  }
  out.installer = true;
  out.final_url = last->url;
  out.final_host = net::check_fetchable(last->url).host;
  out.artifact["final_url"] = core::to_valid_utf8(last->url);
  out.artifact["content_type"] = header(*last, "content-type");
  if (const auto cd = header(*last, "content-disposition"); !cd.empty()) out.artifact["content_disposition"] = cd;
  out.artifact["size"] = last->body_bytes;
  if (last->body_truncated) out.artifact["truncated"] = true;
  if (!blob_error.empty() || !blob->seal()) {
    out.artifact["error"] = blob_error.empty() ? blob->error() : blob_error;
    return out;
  }
  out.artifact["type"] = std::string(unpack::detect_file_type(blob->bytes()));
  if (scanner == nullptr) {
    out.artifact["sha256"] = scan::digest(blob->bytes(), {}, /*md5=*/false).sha256;
    return out;
  }

  // The file analysis runs as `impostor file` would; its findings are located at the
  // download so an analyst sees which link carried what.
  core::Report file;
  file.target = {core::TargetKind::file, last->url};
  const std::string name = last->url;
  scanner->examine(name, blob, file);
  out.artifact["sha256"] = examined_sha256(file, *blob);  // no second pass over up to 512 MiB
  nlohmann::json ids = nlohmann::json::array();
  for (auto& f : file.findings) {
    ids.push_back(f.id);
    if (f.location.empty()) f.location = core::to_valid_utf8(last->url);
    out.findings.push_back(std::move(f));
  }
  out.artifact["findings"] = std::move(ids);
  out.artifact["members"] = file.artifacts.size();
  out.artifact["file"] = std::move(file.target.details);
  constexpr size_t kMembersShown = 200;
  nlohmann::json members = nlohmann::json::array();
  for (auto& m : file.artifacts) {
    if (members.size() == kMembersShown) break;
    members.push_back(std::move(m));
  }
  out.artifact["member_list"] = std::move(members);
  return out;
}

}  // namespace impostor::analyze
