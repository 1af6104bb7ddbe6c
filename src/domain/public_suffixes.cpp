#include "domain/public_suffixes.hpp"

#include <libpsl.h>

#include <cstring>

#include <stdexcept>
#include "domain/string_map.hpp"

namespace impostor::domain {

PublicSuffixes::PublicSuffixes(const std::string& dafsa_or_dat) {
  psl_ = psl_load_file(dafsa_or_dat.c_str());
  source_ = dafsa_or_dat;
  if (psl_ == nullptr) {
    psl_ = psl_latest(nullptr);
    source_ = "libpsl latest (built-in or distribution)";
  }
  if (psl_ == nullptr) {
    psl_ = const_cast<psl_ctx_t*>(psl_builtin());  // libpsl's own static data; never freed
    source_ = "libpsl built-in";
    if (psl_ == nullptr) throw std::runtime_error("no public-suffix data available");
    return;
  }
  owned_ = true;
}

PublicSuffixes::~PublicSuffixes() {
  if (owned_) psl_free(psl_);
}

SuffixSplit PublicSuffixes::split(std::string_view host) const {
  SuffixSplit out;
  thread_local std::string h;  // libpsl wants a C string; reused, not allocated per name
  h.assign(host);
  // The registrable domain is one label plus the public suffix, so one look-up gives both;
  // only a host that is itself a suffix needs the second.
  const char* reg = psl_registrable_domain(psl_, h.c_str());
  const char* suffix = nullptr;
  if (reg != nullptr) {
    out.registrable = reg;
    const char* dot = std::strchr(reg, '.');
    suffix = dot != nullptr ? dot + 1 : nullptr;
  } else {
    suffix = psl_unregistrable_domain(psl_, h.c_str());
  }
  if (suffix != nullptr) {
    out.public_suffix = suffix;
    // Every public suffix is ICANN (the "*" rule included) or private; private ones are
    // those third parties hand out names under. Suffixes are few (com, co.uk, web.app) and
    // libpsl's look-up scans its DAFSA, so the answer is remembered per thread (bounded).
    thread_local StringMap<bool> private_by_suffix;
    if (auto it = private_by_suffix.find(out.public_suffix); it != private_by_suffix.end()) {
      out.private_suffix = it->second;
    } else {
      out.private_suffix = psl_is_public_suffix2(psl_, suffix, PSL_TYPE_ICANN) == 0;
      if (private_by_suffix.size() >= 4096) private_by_suffix.clear();
      private_by_suffix.emplace(out.public_suffix, out.private_suffix);
    }
  }
  return out;
}

}  // namespace impostor::domain
