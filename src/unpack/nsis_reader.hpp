#pragma once
#include <optional>

#include "unpack/format_reader.hpp"

namespace impostor::unpack {

// Nullsoft (NSIS) installers. No library reads them, so this follows the public format
// description (NSIS's fileform.h and the notes 7-Zip's reader documents): the first
// header sits on a 512-byte boundary after the PE stub (flags, EF BE AD DE,
// "NullsoftInst", header size, archive size); the data that follows is either one solid
// stream or a compressed header block plus one block per file, compressed with LZMA
// (optionally behind the x86 BCJ filter), deflate (with NSIS's stored-block dialect) or
// NSIS's own bzip2 dialect. Every data block is a member, named after the file the
// script's ExtractFile entries give it where the header decodes, `$NSIS/blob-N` where
// not; the decompressed header (the script's commands and strings) is `$NSIS/header`.
class NsisReader final : public FormatReader {
 public:
  std::string_view name() const override { return "nsis"; }
  int bid(std::string_view type, std::span<const uint8_t> bytes) const override;
  ReadResult read(std::span<const uint8_t> bytes, std::string_view type, std::string_view container_name,
                  MemberSink& sink) const override;
};

// Offset of the NSIS first header, if the bytes carry one.
std::optional<size_t> find_nsis_header(std::span<const uint8_t> bytes);

}  // namespace impostor::unpack
