#include "domain/established_domains.hpp"

#include <fstream>
#include <functional>
#include <stdexcept>

namespace impostor::domain {

namespace {

uint64_t hash_of(std::string_view s) { return std::hash<std::string_view>{}(s); }
uint32_t tag_of(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }

}  // namespace

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

std::string_view EstablishedDomains::entry(uint32_t offset) const {
  const auto byte = [&](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(text_[i])); };
  const size_t length = byte(offset) | byte(offset + 1) << 8;
  return std::string_view(text_).substr(offset + 2, length);
}

bool EstablishedDomains::contains(std::string_view domain) const {
  if (slots_.empty()) return false;
  const uint64_t hash = hash_of(domain);
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.offset == 0) return false;
    if (slot.tag == tag_of(hash) && entry(slot.offset - 1) == domain) return true;
  }
}

void EstablishedDomains::insert(std::vector<Slot>& slots, uint64_t hash, uint32_t offset) const {
  const size_t mask = slots.size() - 1;
  size_t i = hash & mask;
  while (slots[i].offset != 0) i = (i + 1) & mask;
  slots[i] = {tag_of(hash), offset + 1};
}

void EstablishedDomains::add(std::string_view domain) {
  if (contains(domain)) return;
  if (domain.size() > 0xFFFF || text_.size() + domain.size() + 2 >= UINT32_MAX)
    throw std::length_error("established-domain list or name too long");
  if ((size_ + 1) * 2 > slots_.size()) {
    // Twice the slots, every entry placed anew.
    std::vector<Slot> slots(slots_.empty() ? 64 : slots_.size() * 2);
    for (const Slot& s : slots_)
      if (s.offset != 0) insert(slots, hash_of(entry(s.offset - 1)), s.offset - 1);
    slots_ = std::move(slots);
  }
  const auto offset = static_cast<uint32_t>(text_.size());
  text_ += static_cast<char>(domain.size() & 0xFF);
  text_ += static_cast<char>(domain.size() >> 8);
  text_.append(domain);
  insert(slots_, hash_of(domain), offset);
  ++size_;
}

}  // namespace impostor::domain
