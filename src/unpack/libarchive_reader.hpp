#pragma once
#include "unpack/format_reader.hpp"

namespace impostor::unpack {

// Everything libarchive reads, streamed from memory: zip (zip64, encrypted members by
// name), 7z, rar/rar5, cab, tar with every filter, ar and .deb, rpm, cpio, xar/.pkg,
// iso9660, and single gz/xz/bz2/zstd/lz4/lzma streams (libarchive's "raw" format).
class LibarchiveReader final : public FormatReader {
 public:
  std::string_view name() const override { return "libarchive"; }
  int bid(std::string_view type, std::span<const uint8_t> bytes) const override;
  ReadResult read(std::span<const uint8_t> bytes, std::string_view type, std::string_view container_name,
                  MemberSink& sink) const override;
};

}  // namespace impostor::unpack
