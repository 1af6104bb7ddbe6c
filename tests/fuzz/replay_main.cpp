// Replays saved inputs through the harnesses without libFuzzer, so the normal build
// (gcc) and the debug-asan preset run every crash ever found and the checked-in seeds.
//
//   fuzz_replay --list
//   fuzz_replay [--tree DIR]... [HARNESS=PATH]...
//
// --tree DIR replays DIR/<harness>/** through <harness>; a subfolder naming no harness is
// an error (a renamed harness must not silently stop replaying its crashes). HARNESS=PATH
// replays one file or every file under a folder. A crash or sanitizer report ends the
// process, naming the input on stderr first; otherwise it prints what it replayed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "fuzz_target.hpp"

namespace impostor::fuzz {

namespace {

std::map<std::string, OneInput>& harnesses() {
  static std::map<std::string, OneInput> table;
  return table;
}

namespace fs = std::filesystem;

std::vector<fs::path> files_under(const fs::path& root) {
  std::vector<fs::path> out;
  if (fs::is_regular_file(root)) {
    out.push_back(root);
  } else {
    for (const auto& entry : fs::recursive_directory_iterator(root))
      if (entry.is_regular_file() && entry.path().filename() != "README.md") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());  // the same order every run
  return out;
}

// Returns the number of inputs replayed, or -1 when the harness or path is unknown.
long replay(const std::string& harness, const fs::path& root) {
  const auto found = harnesses().find(harness);
  if (found == harnesses().end()) {
    std::cerr << "fuzz_replay: no harness named '" << harness << "' (for " << root << ")\n";
    return -1;
  }
  if (!fs::exists(root)) {
    std::cerr << "fuzz_replay: " << root << " does not exist\n";
    return -1;
  }
  long count = 0;
  for (const auto& file : files_under(root)) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Named before the run, so a crash's report is preceded by the input that caused it.
    std::cerr << "replay " << harness << " " << file.string() << "\n";
    found->second(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    ++count;
  }
  return count;
}

}  // namespace

bool register_harness(const char* name, OneInput run) {
  harnesses()[name] = run;
  return true;
}

}  // namespace impostor::fuzz

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using impostor::fuzz::harnesses;
  using impostor::fuzz::replay;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args.front() == "--help") {
    std::cerr << "usage: fuzz_replay --list | [--tree DIR]... [HARNESS=PATH]...\n";
    return args.empty() ? 2 : 0;
  }
  if (args.front() == "--list") {
    for (const auto& [name, run] : harnesses()) std::cout << name << "\n";
    return 0;
  }
  long total = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    std::vector<std::pair<std::string, fs::path>> jobs;
    if (args[i] == "--tree" && i + 1 < args.size()) {
      const fs::path tree = args[++i];
      if (!fs::is_directory(tree)) {
        std::cerr << "fuzz_replay: " << tree << " is not a directory\n";
        return 2;
      }
      for (const auto& entry : fs::directory_iterator(tree))
        if (entry.is_directory()) jobs.emplace_back(entry.path().filename().string(), entry.path());
      std::sort(jobs.begin(), jobs.end());
    } else if (const auto eq = args[i].find('='); eq != std::string::npos) {
      jobs.emplace_back(args[i].substr(0, eq), args[i].substr(eq + 1));
    } else {
      std::cerr << "fuzz_replay: cannot read argument '" << args[i] << "'\n";
      return 2;
    }
    for (const auto& [harness, path] : jobs) {
      const long count = replay(harness, path);
      if (count < 0) return 2;
      std::cout << harness << ": " << count << " input(s) from " << path.string() << "\n";
      total += count;
    }
  }
  std::cout << "replayed " << total << " input(s) without a crash\n";
  return 0;
}
