#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "unpack/format_reader.hpp"

namespace impostor::unpack {

// Inno Setup installers. No library reads them (innoextract is a program), so this follows
// the format as innoextract documents it in its source: the setup loader's offset table
// (pointed at from file offset 0x30 before Inno 5.1.5, in RCDATA resource 11111 since)
// gives the offsets of setup-0 and setup-1. setup-0 is a 64-byte version string ("Inno
// Setup Setup Data (5.5.0) (u)") and two compressed blocks (the setup header with every
// script entry - [Run], [Registry], [Code] strings - and the file locations), each made
// of 4096-byte pieces behind a CRC32; setup-1 is a run of chunks, each behind `zlb\x1a`
// and compressed with zlib, bzip2, LZMA1 or LZMA2 (or stored). Every block and every
// chunk is a member ($Inno/setup-0, $Inno/file-locations, $Inno/chunk-N), scanned whole:
// a chunk holds the files of the installer back to back. File names are not decoded
// (the setup header's layout changes with every Inno version). A chunk that no decoder
// opens and that looks like ciphertext (Inno's ARC4/XChaCha encryption) is an
// encrypted member: `unpack.encrypted`.
class InnoReader final : public FormatReader {
 public:
  std::string_view name() const override { return "inno"; }
  int bid(std::string_view type, std::span<const uint8_t> bytes) const override;
  ReadResult read(std::span<const uint8_t> bytes, std::string_view type, std::string_view container_name,
                  MemberSink& sink) const override;
};

struct InnoLoader {
  uint32_t header_offset = 0;  // setup-0
  uint32_t data_offset = 0;    // setup-1; 0: kept in external setup-N.bin files
  std::string via;             // "offset 0x30" or "resource 11111"
  uint32_t total_size = 0;     // the whole setup as the compiler wrote it
};

// The loader's offset table, if the PE carries one with a valid CRC.
std::optional<InnoLoader> find_inno_loader(std::span<const uint8_t> bytes);

}  // namespace impostor::unpack
