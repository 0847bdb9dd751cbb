#pragma once
// The one exception type for malformed input (sizes, durations, headers, scenarios).
#include <stdexcept>
#include <string>

namespace sisyphus {

class ParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sisyphus
