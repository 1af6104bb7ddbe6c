#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace impostor::unpack {

// Decompressors shared by the installer readers. Each one streams its output through
// `out` in pieces of at most 64 KiB and never sizes a buffer from the input; `out`
// returns false to stop early (a sink limit), which is not an error.
using ChunkFn = std::function<bool(std::span<const uint8_t>)>;

struct DecodeResult {
  bool ok = true;        // false: damaged stream, `error` says why
  bool stopped = false;  // the consumer asked to stop
  std::string error;
  uint64_t produced = 0;
  size_t consumed = 0;  // input bytes used (meaningful when ok)
};

// Raw LZMA1 (liblzma) after 5 property bytes, optionally behind the x86 BCJ filter. The
// stream may end with an end marker or simply where the input ends. Dictionaries above
// 256 MiB are refused: the decoder would allocate them.
DecodeResult decode_lzma_raw(std::span<const uint8_t> props_and_data, bool x86_bcj, const ChunkFn& out);

// Raw deflate (zlib). `nsis_stored_blocks`: NSIS writes stored blocks with LEN and no
// NLEN, which zlib rejects, so those blocks are copied here and zlib resumes after them.
DecodeResult decode_deflate_raw(std::span<const uint8_t> in, bool nsis_stored_blocks, const ChunkFn& out);

// zlib-wrapped deflate (header and Adler-32).
DecodeResult decode_zlib(std::span<const uint8_t> in, const ChunkFn& out);

// Standard .bz2 streams (libbz2).
DecodeResult decode_bzip2(std::span<const uint8_t> in, const ChunkFn& out);

// Raw LZMA2 after Inno Setup's one dictionary-size byte (0..40, as in xz's LZMA2
// property); dictionaries above 256 MiB are refused.
DecodeResult decode_lzma2_raw(std::span<const uint8_t> in, const ChunkFn& out);

// An .xz or .lzma ("LZMA alone") stream, as liblzma's auto decoder tells them apart;
// dictionaries above 256 MiB are refused through its memory limit.
DecodeResult decode_xz(std::span<const uint8_t> in, const ChunkFn& out);

// NSIS's bzip2 dialect, which libbz2 cannot read: no "BZh" stream header, each block
// opens with the single byte 0x31 and has no CRC and no randomisation bit, the stream
// ends with the byte 0x17. The block format is otherwise bzip2's (Huffman, MTF, BWT).
DecodeResult decode_bzip2_nsis(std::span<const uint8_t> in, const ChunkFn& out);

}  // namespace impostor::unpack
