#include "core/report.hpp"

#include "core/json_writer.hpp"

namespace impostor::core {

std::string_view to_string(TargetKind k) {
  switch (k) {
    case TargetKind::url: return "url";
    case TargetKind::file: return "file";
    case TargetKind::domain: return "domain";
  }
  return "domain";
}

nlohmann::json RenderedJson::tree() const {
  // Written by JsonWriter, so always well-formed; a discarded value would mean a bug, and
  // null is what a reader of the report then sees rather than a crash.
  auto value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? nlohmann::json() : value;
}

RenderedJson RenderedJson::of(const nlohmann::json& value) {
  RenderedJson out;
  append_json(out.text, value);
  return out;
}

}  // namespace impostor::core
