#include "scan/hash_list.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

namespace impostor::scan {

HashList HashList::load_dir(const std::filesystem::path& dir, std::vector<std::string>& problems) {
  HashList list;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return list;  // optional folder
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      const auto start = line.find_first_not_of(" \t");
      if (start == std::string::npos || line[start] == '#') continue;
      const auto end = line.find_first_of(" \t", start);
      std::string hash = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
      std::transform(hash.begin(), hash.end(), hash.begin(), [](unsigned char c) { return std::tolower(c); });
      const bool hex = hash.size() == 64 && std::all_of(hash.begin(), hash.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                       });
      const std::string where = f.string() + ":" + std::to_string(n);
      if (!hex) {
        problems.push_back(where + ": not a SHA-256 hex digest");
        continue;
      }
      std::string description = end == std::string::npos ? "" : line.substr(line.find_first_not_of(" \t", end));
      list.entries_[hash] = {std::move(description), where};
    }
  }
  return list;
}

const HashList::Entry* HashList::find(const std::string& sha256) const {
  const auto it = entries_.find(sha256);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace impostor::scan
