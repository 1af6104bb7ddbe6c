#pragma once
#include <cstddef>
#include <cstdint>

// One harness source builds two ways. Under the `fuzz` preset (clang, libFuzzer) the
// target is the binary's LLVMFuzzerTestOneInput. In every other build all harnesses are
// compiled into the one `fuzz_replay` driver, which registers them by name so that a
// single binary (one link, not one per harness) replays every saved input under the
// build's sanitizers.
namespace impostor::fuzz {

using OneInput = int (*)(const uint8_t* data, size_t size);

// Adds a harness to the replay driver's table; the return value only exists so the call
// can initialise a static. Defined in replay_main.cpp.
bool register_harness(const char* name, OneInput run);

}  // namespace impostor::fuzz

#if defined(IMPOSTOR_LIBFUZZER)
#define IMPOSTOR_FUZZ_TARGET(name)                                                                                     \
  static int impostor_fuzz_##name(const uint8_t* data, size_t size);                                                   \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return impostor_fuzz_##name(data, size); } \
  static int impostor_fuzz_##name(const uint8_t* data, size_t size)
#else
#define IMPOSTOR_FUZZ_TARGET(name)                                     \
  static int impostor_fuzz_##name(const uint8_t* data, size_t size);   \
  [[maybe_unused]] static const bool impostor_fuzz_registered_##name = \
      ::impostor::fuzz::register_harness(#name, impostor_fuzz_##name); \
  static int impostor_fuzz_##name(const uint8_t* data, size_t size)
#endif
