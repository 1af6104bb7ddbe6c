#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace impostor::page {

enum class PhoneKind {
  toll_free,      // +1/1 800, 833, 844, 855, 866, 877, 888; 0800/0808 (UK); 0120/0800 (Japan)
  international,  // written with a leading '+' and a country code
  national,       // a formatted NANP (3-3-4) or trunk-prefixed (0...) number
};
std::string_view to_string(PhoneKind kind);

struct PhoneNumber {
  std::string written;  // as on the page (separators kept, trimmed)
  std::string digits;   // digits only, with '+' when written with one
  PhoneKind kind = PhoneKind::national;
  size_t pos = 0;  // byte offset in the scanned text
  size_t len = 0;
};

// Finds phone numbers the way scam pages write them: "+1 (888) 555-0142", "1-888-555-0142",
// "(866) 555 0199", "+44 20 7946 0958", "0120-555-012", "050-1234-5678", also with
// full-width digits and hyphens (０１２０－…). Unformatted digit runs, dates, versions,
// IP addresses and card numbers are not numbers. Written by hand: a linear scan with no
// backtracking; at most `max_results`.
std::vector<PhoneNumber> find_phone_numbers(std::string_view text, size_t max_results);

}  // namespace impostor::page
