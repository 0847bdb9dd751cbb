#pragma once
// Where in a scenario file something was written, and the error that names it.
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/core/error.hpp"

namespace sisyphus::model {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

// what(): "FILE:LINE:COLUMN: MESSAGE"
class ScenarioError : public ParseError {
 public:
  ScenarioError(SourceLocation where, const std::string& message);
  const SourceLocation& where() const { return where_; }
  const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

// "did you mean" helper: the closest candidate within edit distance 2, or empty.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace sisyphus::model
