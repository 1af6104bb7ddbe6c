#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "domain/string_map.hpp"

namespace impostor::domain {

// Popular, long-established domains (Chromium's spoof-checker list, shipped as
// data/top-domains.list). An established site is not a lookalike, however close its name
// is to a brand: that is how zoom.com.br and zoomit.ir stay unflagged.
class EstablishedDomains {
 public:
  EstablishedDomains() = default;
  // One domain per line; '#' comments, blank lines and the "###END_TOP_BUCKET###" marker skipped.
  static EstablishedDomains load(const std::filesystem::path& file);
  void add(std::string domain) { domains_.insert(std::move(domain)); }
  bool contains(std::string_view domain) const { return domains_.find(domain) != domains_.end(); }
  size_t size() const { return domains_.size(); }

 private:
  StringSet domains_;
};

}  // namespace impostor::domain
