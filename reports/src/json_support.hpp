#pragma once
// The JSON pieces results.json and compare.json share (internal): the strict reader that
// names the offending field, the pretty printer and the UTF-8 guard on strings.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "sisyphus/core/error.hpp"
#include "sisyphus/reports/results.hpp"
#include "sisyphus/reports/verdict.hpp"

namespace sisyphus::reports::json_support {
namespace json = boost::json;

// Client output and labels are arbitrary bytes; JSON text must be UTF-8 or readers (ours
// included) reject the whole file.
json::string str(std::string_view s);

// Two-space indent, newline-terminated; numbers in their shortest exact spelling.
std::string pretty(const json::value& v);

// Every accessor throws sisyphus::ParseError "<where>: <field path>: <what was expected>".
class Reader {
 public:
  explicit Reader(std::string_view where) : where_(where) {}

  [[noreturn]] void fail(const std::string& path, std::string_view what) const {
    throw ParseError(fmt::format("{}: {}: {}", where_, path, what));
  }

  const json::object& object(const json::value& v, const std::string& path) const {
    if (!v.is_object()) fail(path, "expected an object");
    return v.get_object();
  }

  const json::array& array(const json::value& v, const std::string& path) const {
    if (!v.is_array()) fail(path, "expected an array");
    return v.get_array();
  }

  const json::value& field(const json::object& o, std::string_view key,
                           const std::string& path) const {
    const auto* v = o.if_contains(key);
    if (v == nullptr) fail(join(path, key), "missing");
    return *v;
  }

  std::string string(const json::object& o, std::string_view key, const std::string& path) const {
    const auto& v = field(o, key, path);
    if (!v.is_string()) fail(join(path, key), "expected a string");
    return std::string(v.get_string());
  }

  std::optional<std::string> optional_string(const json::object& o, std::string_view key,
                                             const std::string& path) const {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_string()) fail(join(path, key), "expected a string or null");
    return std::string(v->get_string());
  }

  bool boolean(const json::object& o, std::string_view key, const std::string& path) const {
    const auto& v = field(o, key, path);
    if (!v.is_bool()) fail(join(path, key), "expected true or false");
    return v.get_bool();
  }

  std::uint64_t uint(const json::value& v, const std::string& path) const {
    if (v.is_uint64()) return v.get_uint64();
    if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
    fail(path, "expected a non-negative integer");
  }

  std::uint64_t uint(const json::object& o, std::string_view key, const std::string& path) const {
    return uint(field(o, key, path), join(path, key));
  }

  std::optional<std::uint64_t> optional_uint(const json::object& o, std::string_view key,
                                             const std::string& path) const {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    return uint(*v, join(path, key));
  }

  // bytes_written next to `bytes_sent`: a file from before it existed counted written bytes
  // as sent.
  std::uint64_t bytes_written(const json::object& o, std::uint64_t bytes_sent,
                              const std::string& path) const {
    if (!o.contains("bytes_written")) return bytes_sent;
    return uint(o, "bytes_written", path);
  }

  std::int64_t integer(const json::value& v, std::int64_t lo, std::int64_t hi,
                       const std::string& path) const {
    std::int64_t n = 0;
    if (v.is_int64()) {
      n = v.get_int64();
    } else if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(
                                                      std::numeric_limits<std::int64_t>::max())) {
      n = static_cast<std::int64_t>(v.get_uint64());
    } else {
      fail(path, "expected an integer");
    }
    if (n < lo || n > hi)
      fail(path, fmt::format("expected an integer in {}..{}, got {}", lo, hi, n));
    return n;
  }

  double number(const json::value& v, const std::string& path) const {
    double d = 0;
    if (v.is_double()) {
      d = v.get_double();
    } else if (v.is_int64()) {
      d = static_cast<double>(v.get_int64());
    } else if (v.is_uint64()) {
      d = static_cast<double>(v.get_uint64());
    } else {
      fail(path, "expected a number");
    }
    if (!std::isfinite(d) || d < 0) fail(path, "expected a non-negative number");
    return d;
  }

  double number(const json::object& o, std::string_view key, const std::string& path) const {
    return number(field(o, key, path), join(path, key));
  }

  // `key` as one of the verdict names.
  Verdict verdict(const json::object& o, std::string_view key, const std::string& path) const {
    const std::string text = string(o, key, path);
    const auto parsed = verdict_from_string(text);
    if (!parsed) {
      fail(join(path, key),
           fmt::format("expected ok, failed-clean, failed-dirty, corrupt or error, got \"{}\"",
                       text));
    }
    return *parsed;
  }

  // `key` as {"kind", "label"}.
  ClientInfo client(const json::object& o, std::string_view key, const std::string& path) const {
    const std::string here = join(path, key);
    const auto& c = object(field(o, key, path), here);
    return {string(c, "kind", here), string(c, "label", here)};
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
  }
  static std::string index(const std::string& path, std::size_t i) {
    return fmt::format("{}[{}]", path, i);
  }

 private:
  std::string where_;
};

// The bytes of `file`, or ParseError "<file>: cannot read (does it exist?)".
std::string read_file(const std::filesystem::path& file);

// Parses `text` as JSON or throws ParseError "<where>: not valid JSON: ...".
json::value parse(std::string_view text, std::string_view where);

}  // namespace sisyphus::reports::json_support
