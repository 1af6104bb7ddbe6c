#pragma once
#include <cstdint>

#include "core/json_writer.hpp"
#include "net/fetch_types.hpp"

namespace impostor::net {

// One element of the report's "hops" array: everything recorded about the request,
// without the body (`now` gives certificate ages).
void write_json(core::JsonWriter& out, const Hop& hop, std::int64_t now);

}  // namespace impostor::net
