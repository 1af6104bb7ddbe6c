// Nullsoft installers: unpack::NsisReader alone in the registry. The reader looks for the
// first header on a 512-byte boundary after the PE stub, so the input is what follows
// the stub (first header, then the data) and a fixed 512-byte "MZ" stub is put before
// it: the fuzzer mutates NSIS structures instead of spending its work on a PE image.
#include <cstring>
#include <memory>
#include <vector>

#include "fuzz_target.hpp"
#include "unpack/nsis_reader.hpp"
#include "walk_harness.hpp"

IMPOSTOR_FUZZ_TARGET(nsis) {
  static const impostor::unpack::FormatRegistry formats = [] {
    impostor::unpack::FormatRegistry r;
    r.add(std::make_unique<impostor::unpack::NsisReader>());
    return r;
  }();
  constexpr size_t kStub = 512;
  std::vector<uint8_t> file(kStub + size, 0);
  file[0] = 'M';
  file[1] = 'Z';
  if (size > 0) std::memcpy(file.data() + kStub, data, size);
  impostor::fuzz::walk_bytes(formats, file);
  return 0;
}
