// The archive walker with every reader `impostor file` has (FormatRegistry::standard():
// libarchive's formats, OLE/MSI, NSIS, self-extracting PEs, ...), recursing into what it
// finds, under small limits.
#include "fuzz_target.hpp"
#include "walk_harness.hpp"

IMPOSTOR_FUZZ_TARGET(walker) {
  impostor::fuzz::walk_bytes(impostor::unpack::FormatRegistry::standard(), {data, size});
  return 0;
}
