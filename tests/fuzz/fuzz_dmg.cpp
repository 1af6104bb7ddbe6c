// Apple disk images: unpack::DmgReader alone in the registry (koly trailer, the XML
// property list, mish block tables, zlib/bzip2/ADC/LZMA runs). Partitions that hold
// another image are opened again; what else they hold is left to the walker harness.
#include <memory>

#include "fuzz_target.hpp"
#include "unpack/dmg_reader.hpp"
#include "walk_harness.hpp"

IMPOSTOR_FUZZ_TARGET(dmg) {
  static const impostor::unpack::FormatRegistry formats = [] {
    impostor::unpack::FormatRegistry r;
    r.add(std::make_unique<impostor::unpack::DmgReader>());
    return r;
  }();
  impostor::fuzz::walk_bytes(formats, {data, size});
  (void)impostor::unpack::read_koly({data, size});
  return 0;
}
