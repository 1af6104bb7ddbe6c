#include "core/report.hpp"

namespace impostor::core {

std::string_view to_string(TargetKind k) {
  switch (k) {
    case TargetKind::url: return "url";
    case TargetKind::file: return "file";
    case TargetKind::domain: return "domain";
  }
  return "domain";
}

}  // namespace impostor::core
