#pragma once
// Signed fixtures for the pe/ and sign/ tests, built at test time by tools/fixtures and
// shared by every test file of the process (inline functions: one build per run).
// Missing tools fail the tests rather than skip them.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fx {

using Bytes = std::vector<uint8_t>;

inline std::filesystem::path process_dir(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("impostor-" + name + "-" + std::to_string(::getpid()));
}

// Runs the fixture tool that fills `dir`, and removes `dir` when the process ends.
inline void build_into(const std::filesystem::path& dir, const std::string& command, const char* hint) {
  REQUIRE_MESSAGE(std::system(command.c_str()) == 0, hint);
  static struct Cleanup {
    std::vector<std::filesystem::path> dirs;
    ~Cleanup() {
      std::error_code ec;
      for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
    }
  } cleanup;
  cleanup.dirs.push_back(dir);
}

inline std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

inline std::string tool(const char* name) {
  return quoted(std::filesystem::path(IMPOSTOR_SOURCE_DIR) / "tools/fixtures" / name);
}

// tools/fixtures/make-signed-pe: a tiny PE, signed by a throwaway CA in several ways.
inline std::filesystem::path dir() {
  static const std::filesystem::path path = [] {
    const auto p = process_dir("signed-pe");
    build_into(p, tool("make-signed-pe") + " " + quoted(p) + " >/dev/null",
               "tools/fixtures/make-signed-pe failed: are openssl, osslsigncode and mingw-w64 installed?");
    return p;
  }();
  return path;
}

// tools/fixtures/make-signed-installers: MSI and pkg samples signed by the same CA.
inline std::filesystem::path installers_dir() {
  static const std::filesystem::path path = [] {
    const auto p = process_dir("signed-installers");
    build_into(p, tool("make-signed-installers") + " " + quoted(p) + " " + quoted(dir()) + " >/dev/null",
               "make-signed-installers failed: are openssl, osslsigncode, wixl and mingw-w64 installed?");
    return p;
  }();
  return path;
}

// Real signed EFI binaries from Debian packages: tools/fixtures/fetch-signed-efi puts
// them here (tests never download).
inline std::filesystem::path efi_dir() {
  if (const char* env = std::getenv("IMPOSTOR_SIGNED_EFI_DIR")) return env;
  return std::filesystem::path(IMPOSTOR_SOURCE_DIR) / "build/fixtures/signed-efi";
}

inline Bytes read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in,
                  "missing fixture " << path.string()
                                     << " (EFI files: run tools/fixtures/fetch-signed-efi build/fixtures/signed-efi)");
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

}  // namespace fx
