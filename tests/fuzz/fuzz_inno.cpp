// Inno Setup installers: unpack::InnoReader alone in the registry (the loader resource
// of the PE, the setup headers and their compressed blocks).
#include <memory>

#include "fuzz_target.hpp"
#include "unpack/inno_reader.hpp"
#include "walk_harness.hpp"

IMPOSTOR_FUZZ_TARGET(inno) {
  static const impostor::unpack::FormatRegistry formats = [] {
    impostor::unpack::FormatRegistry r;
    r.add(std::make_unique<impostor::unpack::InnoReader>());
    return r;
  }();
  impostor::fuzz::walk_bytes(formats, {data, size});
  return 0;
}
