#pragma once
#include <filesystem>

namespace impostor::fuzz {

// Harnesses load the same data files the binary ships (allowlists/, data/) from the
// source tree, so a harness judges inputs exactly as `impostor` does.
inline std::filesystem::path source_dir() { return IMPOSTOR_SOURCE_DIR; }

}  // namespace impostor::fuzz
