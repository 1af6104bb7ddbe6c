#pragma once
// Shared by the unpack tests: a walk visitor that keeps every member it is shown.
#include <map>
#include <string>
#include <vector>

#include "unpack/archive_walker.hpp"

struct Collect final : impostor::unpack::MemberVisitor {
  std::vector<impostor::unpack::Member> members;
  std::map<std::string, bool> archives;  // path -> covered, as the walker settled it
  void visit(const impostor::unpack::Member& m) override { members.push_back(m); }
  void archive_read(const impostor::unpack::Member& m, bool covered) override {
    archives[m.path] = covered;
    for (auto& kept : members)  // a streamed archive is complete only now
      if (kept.path == m.path) kept = m;
  }
  const impostor::unpack::Member* find(const std::string& path) const {
    for (const auto& m : members)
      if (m.path == path) return &m;
    return nullptr;
  }
};
