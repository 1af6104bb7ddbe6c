#include "unpack/dmg_reader.hpp"
#include "unpack/format_reader.hpp"
#include "unpack/inno_reader.hpp"
#include "unpack/installshield_reader.hpp"
#include "unpack/libarchive_reader.hpp"
#include "unpack/nsis_reader.hpp"
#include "unpack/ole_reader.hpp"
#include "unpack/pe_overlay_reader.hpp"

namespace impostor::unpack {

// The one place formats are registered (the installer-formats issue adds OLE/MSI, NSIS,
// Inno Setup, self-extractors and DMG here).
const FormatRegistry& FormatRegistry::standard() {
  static const FormatRegistry registry = [] {
    FormatRegistry r;
    r.add(std::make_unique<LibarchiveReader>());
    r.add(std::make_unique<OleReader>());
    r.add(std::make_unique<NsisReader>());
    r.add(std::make_unique<PeOverlayReader>());
    r.add(std::make_unique<DmgReader>());
    r.add(std::make_unique<InnoReader>());
    r.add(std::make_unique<InstallShieldReader>());
    return r;
  }();
  return registry;
}

const FormatReader* FormatRegistry::choose(std::string_view type, std::span<const uint8_t> bytes) const {
  const FormatReader* best = nullptr;
  int best_bid = 0;
  for (const auto& r : readers_) {
    const int b = r->bid(type, bytes);
    if (b > best_bid) {
      best = r.get();
      best_bid = b;
    }
  }
  return best;
}

}  // namespace impostor::unpack
