#pragma once
#include <cstdint>
#include <optional>

#include "unpack/format_reader.hpp"

namespace impostor::unpack {

// Apple disk images (UDIF, .dmg). No Debian library reads them (dmg2img is a program,
// not a library), so this follows the public format description: the 512-byte `koly`
// trailer at the end of the file points at an XML property list whose `blkx` array
// holds one `mish` block table per partition; each table lists runs of sectors stored
// zlib, bzip2, ADC or LZMA compressed, raw, or as zeros. Every partition is one member:
// its decompressed image, exactly the bytes `dmg2img` writes for it, so the walker opens
// whatever it holds (an ISO 9660 image, a nested archive) and YARA sees the raw image
// (there is no HFS+ or APFS reader: files stored uncompressed in the filesystem are
// scanned in place). LZFSE runs have no Debian decoder and become `unpack.unsupported`;
// a table pointing past the data fork or the file is `unpack.corrupt`.
class DmgReader final : public FormatReader {
 public:
  std::string_view name() const override { return "dmg"; }
  int bid(std::string_view type, std::span<const uint8_t> bytes) const override;
  ReadResult read(std::span<const uint8_t> bytes, std::string_view type, std::string_view container_name,
                  MemberSink& sink) const override;
};

// The fields of the koly trailer the reader uses.
struct KolyTrailer {
  uint64_t data_fork_offset = 0;
  uint64_t data_fork_length = 0;
  uint64_t xml_offset = 0;
  uint64_t xml_length = 0;
  uint64_t sector_count = 0;
};

// The trailer of a UDIF image, if the last 512 bytes are one.
std::optional<KolyTrailer> read_koly(std::span<const uint8_t> bytes);

}  // namespace impostor::unpack
