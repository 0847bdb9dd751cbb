#pragma once
// A text resource (`text: …`, docs/scenarios.md "Several resources") is a small body written
// in the scenario whose placeholders describe another resource as it is served at the moment:
// `{sha256:ID}` (64 hex digits), `{size:ID}` (decimal bytes) and `{path:ID}`. The server fills
// them per request and the runner fills them to verify a download, both with expand_text(), so
// the two cannot disagree; the loader checks them with text_placeholders().
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/model/scenario.hpp"

namespace sisyphus::model {

struct TextPlaceholder {
  std::string what;  // sha256 | size | path
  std::string id;    // the resource it describes
};

// Every `{WHAT:ID}` with WHAT one of the three, in order. Other braces are text (JSON).
std::vector<TextPlaceholder> text_placeholders(std::string_view text);

// What a placeholder is replaced by: the described resource's path, its size and the hex
// SHA-256 of the version the text describes (asked for only when the text has `{sha256:…}`).
struct DescribedResource {
  std::string path;
  std::uint64_t size = 0;
  std::function<std::string()> sha256_hex;
};

std::string expand_text(std::string_view text, const DescribedResource& described);

// The resource of `scenario` that the text resource `text` describes; nullptr for a text
// without placeholders (or a resource that is not a text). The loader made sure there is one.
const Resource* described_by(const Scenario& scenario, const Resource& text);

}  // namespace sisyphus::model
