#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace impostor::page {

// What counts as "an installer or something that runs" when offered for download:
// Windows, macOS, Linux and Android packages and executables, scripts Windows runs on a
// double click, disk images and the archives installers come in.

// The matching extension in lower case with its dot (".exe", ".tar.gz", ".msixbundle"),
// or empty. Only the last path segment's name is looked at: "zoom.exe/" is not a file.
std::string installer_extension(std::string_view filename);

// For the fetcher's HEAD / ranged-GET probe: true when the response is an executable,
// package, disk image or archive by its Content-Type, or is an attachment whose
// Content-Disposition filename has an installer extension. "application/octet-stream" counts.
bool is_installer_content_type(std::string_view content_type, std::string_view content_disposition);

// The filename of a Content-Disposition value: filename* (RFC 8187, UTF-8 or Latin-1,
// percent-decoded) before filename=; any path in it dropped; bounded to 255 bytes.
std::optional<std::string> content_disposition_filename(std::string_view content_disposition);

// The media type of a data: URL ("data:application/x-msdownload;base64,..." ->
// "application/x-msdownload"), lower case; empty when it has none.
std::string data_url_media_type(std::string_view url);

}  // namespace impostor::page
