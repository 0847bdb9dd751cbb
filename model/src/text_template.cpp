#include "sisyphus/model/text_template.hpp"

#include <array>

namespace sisyphus::model {
namespace {

constexpr std::array<std::string_view, 3> kWhats{"sha256", "size", "path"};

// The placeholder at `open` (a '{'): its length and what it names, or length 0.
std::size_t placeholder_at(std::string_view text, std::size_t open, TextPlaceholder& out) {
  const std::size_t close = text.find('}', open);
  if (close == std::string_view::npos) return 0;
  const std::string_view inner = text.substr(open + 1, close - open - 1);
  const std::size_t colon = inner.find(':');
  if (colon == std::string_view::npos || colon + 1 == inner.size()) return 0;
  const std::string_view what = inner.substr(0, colon);
  const std::string_view id = inner.substr(colon + 1);
  bool known = false;
  for (std::string_view w : kWhats) known = known || w == what;
  if (!known || id.find_first_of("{ \t\n") != std::string_view::npos) return 0;
  out = {std::string(what), std::string(id)};
  return close - open + 1;
}

}  // namespace

std::vector<TextPlaceholder> text_placeholders(std::string_view text) {
  std::vector<TextPlaceholder> out;
  for (std::size_t i = text.find('{'); i != std::string_view::npos; i = text.find('{', i + 1)) {
    TextPlaceholder p;
    if (placeholder_at(text, i, p) > 0) out.push_back(std::move(p));
  }
  return out;
}

std::string expand_text(std::string_view text, const DescribedResource& described) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    TextPlaceholder p;
    const std::size_t length = text[i] == '{' ? placeholder_at(text, i, p) : 0;
    if (length == 0) {
      out += text[i++];
      continue;
    }
    if (p.what == "sha256") out += described.sha256_hex();
    if (p.what == "size") out += std::to_string(described.size);
    if (p.what == "path") out += described.path;
    i += length;
  }
  return out;
}

const Resource* described_by(const Scenario& scenario, const Resource& text) {
  if (!text.text) return nullptr;
  const std::vector<TextPlaceholder> placeholders = text_placeholders(*text.text);
  return placeholders.empty() ? nullptr : scenario.find_resource_id(placeholders.front().id);
}

}  // namespace sisyphus::model
