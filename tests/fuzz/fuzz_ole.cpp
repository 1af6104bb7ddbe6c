// OLE compound files and MSI packages: the structural check and the libgsf reading of
// unpack::OleReader, alone in the registry so every input reaches it (nested OLE streams
// are opened again; a cabinet inside is left to the walker harness).
#include <memory>

#include "fuzz_target.hpp"
#include "unpack/ole_reader.hpp"
#include "walk_harness.hpp"

IMPOSTOR_FUZZ_TARGET(ole) {
  static const impostor::unpack::FormatRegistry formats = [] {
    impostor::unpack::FormatRegistry r;
    r.add(std::make_unique<impostor::unpack::OleReader>());
    return r;
  }();
  impostor::fuzz::walk_bytes(formats, {data, size});
  (void)impostor::unpack::decode_msi_stream_name({reinterpret_cast<const char*>(data), size});
  return 0;
}
