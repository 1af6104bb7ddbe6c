#include "domain/established_domains.hpp"

#include <fstream>
#include <stdexcept>

namespace impostor::domain {

EstablishedDomains EstablishedDomains::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read established-domain list " + file.string());
  EstablishedDomains out;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    out.add(line);
  }
  return out;
}

}  // namespace impostor::domain
