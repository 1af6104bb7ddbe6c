#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace impostor::pe {

// A byte range of the file: [offset, offset + size).
struct FileRange {
  size_t offset = 0;
  size_t size = 0;
};

struct Section {
  std::string name;  // up to 8 bytes as stored, attacker-chosen
  // For a stored name "/N" (N decimal): the name at offset N of the COFF string table
  // (how mingw and EFI binaries spell names longer than 8 bytes); else empty.
  std::string long_name;
  uint32_t virtual_address = 0;
  uint32_t virtual_size = 0;
  uint32_t raw_offset = 0;
  uint32_t raw_size = 0;
};

struct DataDirectory {
  uint32_t rva = 0;  // for the certificate table (index 4) this is a file offset, not an RVA
  uint32_t size = 0;
};

// The layout of a PE/COFF file, parsed with every offset and size checked against the
// bytes. Written here because no Debian library parses PE for C++ (pe-parse and LIEF are
// not packaged); the parser only reads and never trusts a header size for allocation.
// Used by sign/ (Authenticode ranges, version info) and unpack/ (overlay of
// self-extractors, NSIS and Inno Setup, the Inno loader resource).
//
// A PeImage keeps a view of the bytes it was parsed from: they must outlive it.
class PeImage {
 public:
  // nullopt when the bytes are not a PE or a header is out of bounds; `error` says why.
  static std::optional<PeImage> parse(std::span<const uint8_t> bytes, std::string* error = nullptr);

  bool pe32_plus() const { return pe32_plus_; }
  uint16_t machine() const { return machine_; }
  uint16_t characteristics() const { return characteristics_; }
  uint16_t subsystem() const { return subsystem_; }
  uint32_t size_of_headers() const { return size_of_headers_; }
  // File offsets Authenticode excludes from the digest. security_directory_offset() is 0
  // when the optional header has no certificate-table entry (fewer than 5 directories).
  size_t checksum_offset() const { return checksum_offset_; }
  size_t security_directory_offset() const { return security_directory_offset_; }

  const std::vector<Section>& sections() const { return sections_; }
  // nullopt when the optional header has fewer directories than index + 1.
  std::optional<DataDirectory> directory(unsigned index) const;
  // The certificate table (directory 4) as a file range; nullopt when absent, and also
  // when it points outside the file (certificate_table_error() then says so).
  std::optional<FileRange> certificate_table() const { return certificate_table_; }
  const std::string& certificate_table_error() const { return certificate_table_error_; }
  // End of the image proper: the furthest section end on disk (at least size_of_headers),
  // clamped to the file size.
  size_t image_end() const { return image_end_; }
  // Bytes after image_end() that are not the certificate table: where self-extractors,
  // NSIS and Inno Setup keep their payload. Empty range when there is none.
  FileRange overlay() const { return overlay_; }

  std::optional<size_t> rva_to_offset(uint32_t rva) const;
  // Data of the first resource with this type and id (e.g. RT_RCDATA=10 / 11111 for the
  // Inno Setup loader, RT_VERSION=16), clamped to the file; nullopt when absent or bad.
  std::optional<FileRange> resource(uint32_t type_id, uint32_t name_id) const;
  // StringFileInfo of the version resource (CompanyName, ProductName, OriginalFilename,
  // FileVersion, ProductVersion, ...), first language block; empty when absent or bad.
  std::map<std::string, std::string> version_strings() const;

  // --- added after the first agreed version ---
  size_t file_size() const { return bytes_.size(); }
  uint32_t time_date_stamp() const { return time_date_stamp_; }
  uint32_t entry_point_rva() const { return entry_point_rva_; }
  // As declared in the header; directory() only ever exposes the first min(this, 16)
  // that also fit inside SizeOfOptionalHeader.
  uint32_t number_of_rva_and_sizes() const { return number_of_rva_and_sizes_; }
  // A section's raw data clamped to the file; nullopt when it has none inside the file.
  std::optional<FileRange> section_data(const Section& section) const;
  // The first section with exactly this name (stored or long).
  const Section* find_section(std::string_view name) const;

  struct Resource {
    uint32_t type_id = 0;  // named (string) types and names are skipped
    uint32_t name_id = 0;
    uint32_t language = 0;
    FileRange data;  // clamped to the file
  };
  // Every id-addressed resource leaf (type/name/language), at most `max_leaves`. The
  // directory is walked with its depth fixed at three, each directory visited once and
  // a cap on entries read, so loops and cycles in a hostile tree cost bounded work.
  std::vector<Resource> resources(size_t max_leaves = 4096) const;

 private:
  std::span<const uint8_t> bytes_;
  bool pe32_plus_ = false;
  uint16_t machine_ = 0;
  uint16_t characteristics_ = 0;
  uint16_t subsystem_ = 0;
  uint32_t size_of_headers_ = 0;
  size_t checksum_offset_ = 0;
  size_t security_directory_offset_ = 0;
  std::vector<Section> sections_;
  std::vector<DataDirectory> directories_;
  std::optional<FileRange> certificate_table_;
  std::string certificate_table_error_;
  size_t image_end_ = 0;
  FileRange overlay_;
  uint32_t time_date_stamp_ = 0;
  uint32_t entry_point_rva_ = 0;
  uint32_t number_of_rva_and_sizes_ = 0;
};

}  // namespace impostor::pe
