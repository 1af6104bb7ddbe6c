#include "core/libxml2_lock.hpp"

namespace impostor::core {

std::mutex& libxml2_lock() {
  static std::mutex lock;
  return lock;
}

}  // namespace impostor::core
