#pragma once
// YAML 1.2 (§5.1) allows only printable Unicode in a stream, encoded here as UTF-8. yaml-cpp
// 0.7 does not check: it passes invalid UTF-8 through (and `GET /v1/scenario` then sent
// invalid JSON) and turns a NUL inside a block scalar into a lone 0xA0 byte. The loader
// refuses such text before parsing it.
#include <optional>
#include <string>
#include <string_view>

namespace sisyphus::model::detail {

struct CharacterError {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in characters
  std::string message;
};

// The first character of `text` that is not printable UTF-8 YAML, or nullopt. `noun` names
// what the text is in the message ("a scenario is UTF-8 text").
std::optional<CharacterError> first_bad_character(std::string_view text, std::string_view noun);

}  // namespace sisyphus::model::detail
