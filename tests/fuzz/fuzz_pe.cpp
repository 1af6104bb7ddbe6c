// PE/COFF layout (pe::PeImage: headers, sections, directories, overlay, resources and
// the version resource) and Authenticode (sign::verify_authenticode: the certificate
// table, PKCS#7 through OpenSSL, nested signatures, timestamps, the file digest).
#include <cstdlib>
#include <span>

#include "fuzz_target.hpp"
#include "pe/pe_image.hpp"
#include "sign/authenticode.hpp"

namespace {

using namespace impostor;

bool inside(const pe::FileRange& range, size_t file_size) {
  return range.offset <= file_size && range.size <= file_size - range.offset;
}

// Every range PeImage hands out is promised to lie inside the file.
void check_layout(const pe::PeImage& image, size_t file_size) {
  if (image.image_end() > file_size || !inside(image.overlay(), file_size)) std::abort();
  if (const auto table = image.certificate_table(); table && !inside(*table, file_size)) std::abort();
  for (const auto& section : image.sections()) {
    if (const auto range = image.section_data(section); range && !inside(*range, file_size)) std::abort();
    (void)image.rva_to_offset(section.virtual_address);
  }
  for (unsigned index = 0; index < 16; ++index) {
    const auto directory = image.directory(index);
    if (directory) (void)image.rva_to_offset(directory->rva);
  }
  for (const auto& resource : image.resources(256))
    if (!inside(resource.data, file_size)) std::abort();
  if (const auto version = image.resource(16, 1); version && !inside(*version, file_size)) std::abort();
  (void)image.version_strings();
  (void)image.find_section(".rsrc");
}

}  // namespace

IMPOSTOR_FUZZ_TARGET(pe) {
  static const sign::TrustStore trust = sign::TrustStore::empty();
  const std::span<const uint8_t> file(data, size);
  if (const auto image = pe::PeImage::parse(file)) check_layout(*image, size);

  sign::VerifyOptions options;
  options.now = 1'700'000'000;  // fixed, so a replay judges validity periods as the run did
  const auto result = sign::verify_authenticode(file, trust, options);
  if (result.status == sign::Status::valid) std::abort();  // nothing chains to an empty store
  (void)sign::authenticode_digest(file, "sha256");
  return 0;
}
