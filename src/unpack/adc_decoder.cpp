#include "unpack/adc_decoder.hpp"

#include <algorithm>
#include <vector>

namespace impostor::unpack {

namespace {

constexpr size_t kWindow = size_t{64} * 1024;  // the longest back-reference is 65536
constexpr size_t kFlushAt = 2 * kWindow;

}  // namespace

DecodeResult decode_adc(std::span<const uint8_t> in, const ChunkFn& out) {
  DecodeResult r;
  // `buf` holds the window (bytes already emitted) followed by bytes not yet emitted.
  std::vector<uint8_t> buf;
  buf.reserve(kFlushAt + 256);
  size_t emitted = 0;  // bytes of buf already handed to `out`
  const auto flush = [&](bool trim) {
    while (emitted < buf.size()) {
      const size_t n = std::min(kWindow, buf.size() - emitted);
      r.produced += n;
      emitted += n;
      if (!out({buf.data() + emitted - n, n})) return false;
    }
    if (trim && buf.size() > kWindow) {
      buf.erase(buf.begin(), buf.end() - static_cast<std::ptrdiff_t>(kWindow));
      emitted = buf.size();
    }
    return true;
  };
  size_t pos = 0;
  while (pos < in.size()) {
    const uint8_t op = in[pos];
    if ((op & 0x80) != 0) {
      const size_t len = (op & 0x7F) + 1u;
      if (pos + 1 + len > in.size()) {
        r.ok = false;
        r.error = "ADC literal run cut short";
        break;
      }
      buf.insert(buf.end(), in.begin() + static_cast<std::ptrdiff_t>(pos + 1),
                 in.begin() + static_cast<std::ptrdiff_t>(pos + 1 + len));
      pos += 1 + len;
    } else {
      const bool three = (op & 0x40) != 0;
      const size_t width = three ? 3 : 2;
      if (pos + width > in.size()) {
        r.ok = false;
        r.error = "ADC back-reference cut short";
        break;
      }
      const size_t len = three ? (op & 0x3Fu) + 4 : ((op & 0x3Cu) >> 2) + 3;
      const size_t dist =
          (three ? (size_t{in[pos + 1]} << 8 | in[pos + 2]) : (size_t{op & 0x03u} << 8 | in[pos + 1])) + 1;
      if (dist > buf.size()) {
        r.ok = false;
        r.error = "ADC back-reference before the start of the data";
        break;
      }
      for (size_t i = 0; i < len; ++i) buf.push_back(buf[buf.size() - dist]);  // may overlap itself
      pos += width;
    }
    if (buf.size() >= kFlushAt && !flush(true)) {
      r.stopped = true;
      r.consumed = pos;
      return r;
    }
  }
  if (!flush(false)) r.stopped = true;
  r.consumed = pos;
  return r;
}

}  // namespace impostor::unpack
