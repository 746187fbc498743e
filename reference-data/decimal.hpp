// Exact fixed-point decimals: "99.90" at scale 2 is 9990. No floating point anywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rex::refdata {

enum class DecimalStatus : std::uint8_t {
  kOk,
  kMalformed,      // not -?[0-9]+(.[0-9]+)?
  kTooManyPlaces,  // more fractional digits than the scale allows (never rounded away)
  kOverflow,       // the scaled value does not fit int64
};

// Parses `text` into value * 10^scale exactly; `scale` in [0, 18]. `out` is set only on kOk.
DecimalStatus parse_decimal(std::string_view text, int scale, std::int64_t& out);

// The inverse: 9990 at scale 2 is "99.90"; -5 at scale 2 is "-0.05".
std::string format_decimal(std::int64_t value, int scale);

std::string_view decimal_status_text(DecimalStatus status);

}  // namespace rex::refdata
