// page/: download candidates and the installer checks the fetcher's probe uses.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "page/download_candidates.hpp"
#include "page/installer_types.hpp"
#include "page/page_analysis.hpp"
#include "page_fixtures.hpp"

using namespace impostor::page;

namespace {

using page_fixtures::read_page;

PageAnalysis analyze(std::string_view url, std::string_view html) {
  return page_fixtures::analyze(url, html, "text/html; charset=utf-8");
}

const DownloadCandidate* candidate(const PageAnalysis& a, std::string_view url) {
  for (const auto& c : a.downloads.items)
    if (c.url == url) return &c;
  return nullptr;
}

bool has_reason(const DownloadCandidate& c, DownloadReason r) {
  return std::find(c.reasons.begin(), c.reasons.end(), r) != c.reasons.end();
}

}  // namespace

TEST_CASE("page downloads: the fake Zoom page offers its installer five ways, each found") {
  const auto a = analyze("https://zoom-download.example/windows/", read_page("fake-zoom-download.html"));
  struct Expected {
    const char* url;
    LinkKind kind;
    const char* extension;
  };
  const Expected expected[] = {
      {"https://files.zoom-download.example/ZoomInstaller.exe", LinkKind::anchor, ".exe"},
      {"https://zoom-download.example/dl/ZoomInstallerFull.msi", LinkKind::meta_refresh, ".msi"},
      {"https://files.zoom-download.example/auto/ZoomInstaller.exe", LinkKind::script_navigation, ".exe"},
      {"https://zoom-download.example/get.php?file=ZoomSetup_x64.exe", LinkKind::handler_navigation, ".exe"},
      {"https://mirror.zoom-download.example/zoom_amd64.deb", LinkKind::handler_navigation, ".deb"},
      {"https://files.zoom-download.example/iframe/ZoomInstallerFull.exe", LinkKind::iframe, ".exe"},
      {"https://zoom-download.example/Zoom.pkg", LinkKind::anchor, ".pkg"},
  };
  CHECK(a.downloads.items.size() == std::size(expected));
  for (const auto& e : expected) {
    INFO(e.url);
    const DownloadCandidate* c = candidate(a, e.url);
    REQUIRE(c != nullptr);
    CHECK(c->kind == e.kind);
    CHECK(c->extension == e.extension);
    CHECK(c->fetchable);
    CHECK(c->strong());
    CHECK(has_reason(*c, DownloadReason::extension));
  }
  const DownloadCandidate* pkg = candidate(a, "https://zoom-download.example/Zoom.pkg");
  CHECK(has_reason(*pkg, DownloadReason::download_attribute));
  CHECK(pkg->filename == "Zoom.pkg");
  const DownloadCandidate* direct = candidate(a, "https://files.zoom-download.example/ZoomInstaller.exe");
  CHECK(has_reason(*direct, DownloadReason::link_text));
  CHECK(direct->details.back() == "link text \"Download\"");
  CHECK(candidate(a, "https://zoom-download.example/privacy") == nullptr);
  CHECK(candidate(a, "https://cdn.zoom-download.example/js/app.js") == nullptr);  // <script src> is not a download
}

TEST_CASE("page downloads: deduplicated by URL without fragment; data: installers; text-only offers come last") {
  const auto a = analyze("https://zoom-us.example/start", read_page("official-clone.html"));
  const DownloadCandidate* exe =
      candidate(a, "https://zoom-us.example/download/client/latest/ZoomInstallerFull.exe?archType=x64");
  REQUIRE(exe != nullptr);
  CHECK(exe->occurrences == 2);
  CHECK(exe->extension == ".exe");
  CHECK(exe->filename == "ZoomInstallerFull.exe");
  size_t data = 0;
  for (const auto& c : a.downloads.items) {
    if (c.url.rfind("data:", 0) != 0) continue;
    ++data;
    CHECK_FALSE(c.fetchable);
    CHECK(has_reason(c, DownloadReason::data_url));
    CHECK(has_reason(c, DownloadReason::download_attribute));
    CHECK(c.extension == ".msi");
  }
  CHECK(data == 1);

  const auto b = analyze("https://x.example/",
                         "<a href=/app>Get Zoom</a><a href=/start>Get started</a><a href=/ja>\xE3\x83\x80\xE3\x82\xA6"
                         "\xE3\x83\xB3\xE3\x83\xAD\xE3\x83\xBC\xE3\x83\x89</a><a href=/f.zip>files</a>");
  REQUIRE(b.downloads.items.size() == 3);
  CHECK(b.downloads.items[0].url == "https://x.example/f.zip");  // strong first
  CHECK(b.downloads.items[1].url == "https://x.example/app");
  CHECK_FALSE(b.downloads.items[1].strong());
  CHECK(b.downloads.items[2].url == "https://x.example/ja");
}

TEST_CASE("page downloads: link text in several languages; ordinary labels are not offers") {
  for (const char* yes :
       {"Download", "DOWNLOAD NOW", "Install Zoom", "Get Zoom Workplace", "Free download",
        "\xE3\x82\xA4\xE3\x83\xB3\xE3\x82\xB9\xE3\x83\x88\xE3\x83\xBC\xE3\x83\xAB\xE3\x81\x99\xE3\x82\x8B",
        "Herunterladen", "Descargar", "T\xC3\xA9l\xC3\xA9\x63harger",
        "\xD0\xA1\xD0\xBA\xD0\xB0\xD1\x87\xD0\xB0\xD1\x82\xD1\x8C", "\xE4\xB8\x8B\xE8\xBD\xBD"}) {
    INFO(yes);
    CHECK(is_download_text(yes));
  }
  for (const char* no :
       {"Get started", "Get in touch", "Pricing", "Downloaded 5 times? no: downloadable", "Together", "Budget"}) {
    INFO(no);
    CHECK_FALSE(is_download_text(no));
  }
}

TEST_CASE("page downloads: installer extensions, content types and Content-Disposition") {
  CHECK(installer_extension("ZoomInstaller.EXE") == ".exe");
  CHECK(installer_extension("zoom_x86_64.tar.gz") == ".tar.gz");
  CHECK(installer_extension("Teams.msixbundle") == ".msixbundle");
  CHECK(installer_extension("x.AppImage") == ".appimage");
  CHECK(installer_extension("readme.txt").empty());
  CHECK(installer_extension(".exe").empty());
  CHECK(installer_extension("dir.exe/").empty());

  CHECK(is_installer_content_type("application/x-msdownload", ""));
  CHECK(is_installer_content_type("Application/Octet-Stream; charset=binary", ""));
  CHECK(is_installer_content_type("application/vnd.debian.binary-package", ""));
  CHECK(is_installer_content_type("text/plain", "attachment; filename=\"ZoomSetup.exe\""));
  CHECK(is_installer_content_type("", "attachment; filename*=UTF-8''Zoom%20Setup.msi"));
  CHECK_FALSE(is_installer_content_type("text/html; charset=utf-8", ""));
  CHECK_FALSE(is_installer_content_type("text/html", "attachment; filename=\"report.html\""));
  CHECK_FALSE(is_installer_content_type("image/png", "inline"));

  CHECK(content_disposition_filename("attachment; filename=\"a\\\"b.exe\"") == "a\"b.exe");
  CHECK(content_disposition_filename("attachment; filename=plain.zip; size=3") == "plain.zip");
  CHECK(content_disposition_filename("attachment; filename=\"..\\\\..\\\\win.ini\"") == "win.ini");
  CHECK(content_disposition_filename(
            "attachment; filename=\"fallback.exe\"; filename*=UTF-8''%E3%82%BA%E3%83%BC%E3%83%A0.exe") ==
        "\xE3\x82\xBA\xE3\x83\xBC\xE3\x83\xA0.exe");
  CHECK(content_disposition_filename("attachment; filename*=iso-8859-1'en'caf%E9.msi") == "caf\xC3\xA9.msi");
  CHECK(content_disposition_filename("inline") == std::nullopt);
  CHECK(data_url_media_type("data:Application/X-MSDownload;base64,AAAA") == "application/x-msdownload");
  CHECK(data_url_media_type("https://x/") == "");
}
