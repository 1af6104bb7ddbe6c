#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>

#include "net/fetch_types.hpp"

namespace impostor::net {

// One element of the report's "hops" array: everything recorded about the request,
// without the body (`now` gives certificate ages).
nlohmann::json to_json(const Hop& hop, std::int64_t now);

}  // namespace impostor::net
