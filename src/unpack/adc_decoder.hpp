#pragma once
#include <span>

#include "unpack/stream_decoders.hpp"

namespace impostor::unpack {

// Apple Data Compression (ADC), the LZ77 variant of old UDCO disk images. No Debian
// library decodes it and the format is three opcode shapes, so it is decoded here:
//   1xxxxxxx                     literal run of (x + 1) bytes
//   01xxxxxx oooooooo oooooooo   copy (x + 4) bytes from (o + 1) back
//   00xxxxoo oooooooo            copy (x + 3) bytes from (o + 1) back
// Output streams through `out` in pieces of at most 64 KiB; only the last 64 KiB are
// kept for back-references, so memory stays bounded whatever the stream claims.
DecodeResult decode_adc(std::span<const uint8_t> in, const ChunkFn& out);

}  // namespace impostor::unpack
