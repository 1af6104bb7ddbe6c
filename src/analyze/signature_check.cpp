#include "analyze/signature_check.hpp"

#include "pe/pe_image.hpp"
#include "sign/authenticode.hpp"
#include "sign/msi_signature.hpp"
#include "sign/xar_signature.hpp"

namespace impostor::analyze {

namespace {

std::string base_name(const std::string& name) {
  const size_t slash = name.find_last_of("/\\");
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

std::string declared_version(const std::map<std::string, std::string>& strings) {
  for (const char* key : {"ProductVersion", "FileVersion"})
    if (auto it = strings.find(key); it != strings.end() && !it->second.empty()) return it->second;
  return {};
}

}  // namespace

std::optional<SignedFile> check_signature(const std::string& path, const std::string& name, const std::string& type,
                                          std::span<const uint8_t> bytes, const sign::TrustStore& trust) {
  SignedFile f;
  f.path = path;
  f.claims.file_name = base_name(name);
  if (type == "pe") {
    f.format = "Authenticode";
    f.signature = sign::verify_authenticode(bytes, trust);
    if (const auto pe = pe::PeImage::parse(bytes)) {
      f.claims.version_strings = pe->version_strings();
      f.version = declared_version(f.claims.version_strings);
    }
    return f;
  }
  if (type == "msi") {
    f.format = "MSI Authenticode";
    f.signature = sign::verify_msi_signature(bytes, trust);
    return f;  // its Manufacturer, ProductName and ProductVersion come from the walk (MSI properties)
  }
  if (type == "xar") {
    f.format = "xar";
    auto xar = sign::verify_xar_signature(bytes, trust);
    f.signature = std::move(xar.result);
    f.team_id = std::move(xar.team_id);
    f.claims.properties = std::move(xar.properties);
    return f;
  }
  return std::nullopt;
}

}  // namespace impostor::analyze
