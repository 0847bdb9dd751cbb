#include "yaml_characters.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace sisyphus::model::detail {
namespace {

// c-printable of YAML 1.2: tab, LF, CR, x20-x7E, x85, xA0-xD7FF, xE000-xFFFD, x10000-x10FFFF.
bool printable(char32_t c) {
  return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) || c == 0x85 ||
         (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 when it is not valid
// (overlong forms, surrogates and values past U+10FFFF included).
std::size_t decode(std::string_view text, std::size_t i, char32_t& out) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[i + k]); };
  const std::uint8_t b0 = byte(0);
  std::size_t n = 0;
  char32_t min = 0;
  if (b0 < 0x80) {
    out = b0;
    return 1;
  }
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, min = 0x80, out = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, min = 0x800, out = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, min = 0x10000, out = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
    out = (out << 6) | (byte(k) & 0x3F);
  }
  if (out < min || out > 0x10FFFF || (out >= 0xD800 && out <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::optional<CharacterError> first_bad_character(std::string_view text, std::string_view noun) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    const std::size_t n = decode(text, i, c);
    if (n == 0) {
      return CharacterError{line, column,
                            fmt::format("invalid UTF-8 (byte 0x{:02X}): a {} is UTF-8 text",
                                        static_cast<std::uint8_t>(text[i]), noun)};
    }
    if (!printable(c) && !(c == 0xFEFF && i == 0)) {
      return CharacterError{
          line, column,
          fmt::format("character U+{:04X} is not allowed in YAML (only printable characters, "
                      "tab and line breaks)",
                      static_cast<std::uint32_t>(c))};
    }
    if (c == '\n') {
      ++line, column = 1;
    } else {
      ++column;
    }
    i += n;
  }
  return std::nullopt;
}

}  // namespace sisyphus::model::detail
