#pragma once
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace impostor::scan {

// Known file hashes: allowlists/hashes/*.txt (genuine vendor installers) and
// signatures/hashes/*.txt (known bad). One entry a line: a SHA-256 in hex, whitespace, a
// description; '#' starts a comment. Malformed lines are problems with file:line.
class HashList {
 public:
  struct Entry {
    std::string description;
    std::string source;  // file:line
  };
  static HashList load_dir(const std::filesystem::path& dir, std::vector<std::string>& problems);
  const Entry* find(const std::string& sha256) const;
  size_t size() const { return entries_.size(); }

 private:
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace impostor::scan
