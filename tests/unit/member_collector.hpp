#pragma once
// Shared by the unpack tests: a walk visitor that keeps every member it is shown.
#include <string>
#include <vector>

#include "unpack/archive_walker.hpp"

struct Collect final : impostor::unpack::MemberVisitor {
  std::vector<impostor::unpack::Member> members;
  void visit(const impostor::unpack::Member& m) override { members.push_back(m); }
  const impostor::unpack::Member* find(const std::string& path) const {
    for (const auto& m : members)
      if (m.path == path) return &m;
    return nullptr;
  }
};
