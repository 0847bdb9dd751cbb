#include "json_support.hpp"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <charconv>
#include <fstream>
#include <sstream>

#include "text.hpp"

namespace sisyphus::reports::json_support {
namespace {

// Boost.JSON 1.81 has no pretty printer; scalars go through json::serialize so numbers
// keep their shortest round-trip spelling and strings their escaping.
void pretty(const json::value& v, std::string& out, int indent) {
  const auto newline = [&](int level) {
    out += '\n';
    out.append(static_cast<std::size_t>(level) * 2, ' ');
  };
  if (const auto* obj = v.if_object()) {
    if (obj->empty()) {
      out += "{}";
      return;
    }
    out += '{';
    bool first = true;
    for (const auto& kv : *obj) {
      if (!first) out += ',';
      first = false;
      newline(indent + 1);
      out += json::serialize(json::string(kv.key()));
      out += ": ";
      pretty(kv.value(), out, indent + 1);
    }
    newline(indent);
    out += '}';
  } else if (const auto* arr = v.if_array()) {
    if (arr->empty()) {
      out += "[]";
      return;
    }
    // Short arrays of scalars (bad ranges) and arrays of numbers (a server series' bins,
    // thousands of them) stay on one line.
    const auto scalar = [](const json::value& e) { return !e.is_object() && !e.is_array(); };
    const bool flat =
        (arr->size() <= 2 && std::all_of(arr->begin(), arr->end(), scalar)) ||
        std::all_of(arr->begin(), arr->end(), [](const json::value& e) { return e.is_number(); });
    out += '[';
    bool first = true;
    for (const auto& e : *arr) {
      if (!first) out += flat ? ", " : ",";
      first = false;
      if (!flat) newline(indent + 1);
      pretty(e, out, indent + 1);
    }
    if (!flat) newline(indent);
    out += ']';
  } else if (v.is_double()) {
    // Boost.JSON spells 0.25 as "2.5E-1"; fmt gives the shortest form that reads back
    // exactly ("0.25", "1e-09"). Non-finite numbers are not JSON: null, which the reader
    // then rejects by name.
    const double d = v.get_double();
    out += std::isfinite(d) ? fmt::format("{}", d) : "null";
  } else {
    out += json::serialize(v);
  }
}

// json::parse in Boost 1.81 may misread the last digit of a double (it has no precise
// mode), so 13.610631861338549 comes back as ...547 and round trips drift. This is
// json::parser with one change: a double is read from its text with std::from_chars.
class ExactDoubles {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  json::value release() { return stack_.release(); }

  bool on_document_begin(boost::system::error_code&) {
    stack_.reset();
    return true;
  }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_object_begin(boost::system::error_code&) { return true; }
  bool on_object_end(std::size_t n, boost::system::error_code&) {
    stack_.push_object(n);
    return true;
  }
  bool on_array_begin(boost::system::error_code&) { return true; }
  bool on_array_end(std::size_t n, boost::system::error_code&) {
    stack_.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, boost::system::error_code&) {
    stack_.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, boost::system::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, boost::system::error_code&) {
    stack_.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, boost::system::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, boost::system::error_code&) {
    number_.clear();
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, boost::system::error_code&) {
    number_.clear();
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, boost::system::error_code&) {
    number_.append(s.data(), s.size());
    double exact = 0;
    const auto [end, ec] = std::from_chars(number_.data(), number_.data() + number_.size(), exact);
    // Out of range: keep what Boost made of it (an infinity), which readers reject by name.
    stack_.push_double(ec == std::errc{} && end == number_.data() + number_.size() ? exact : d);
    number_.clear();
    return true;
  }
  bool on_bool(bool b, boost::system::error_code&) {
    stack_.push_bool(b);
    return true;
  }
  bool on_null(boost::system::error_code&) {
    stack_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(json::string_view, boost::system::error_code&) { return true; }

 private:
  json::value_stack stack_;
  std::string number_;
};

}  // namespace

json::string str(std::string_view s) {
  return json::string(text::sanitize_utf8(s));
}

std::string pretty(const json::value& v) {
  std::string out;
  pretty(v, out, 0);
  out += '\n';
  return out;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ParseError(fmt::format("{}: cannot read (does it exist?)", file.string()));
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

json::value parse(std::string_view text, std::string_view where) {
  json::basic_parser<ExactDoubles> parser(json::parse_options{});
  boost::system::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = json::error::extra_data;
  if (ec) throw ParseError(fmt::format("{}: not valid JSON: {}", where, ec.message()));
  return parser.handler().release();
}

}  // namespace sisyphus::reports::json_support
