#pragma once
// results.json: writer and reader. The reader accepts exactly what the writer produces
// (schema 1) and names the offending field on anything else; round trips are exact.
#include <boost/json/value.hpp>
#include <filesystem>
#include <string>
#include <string_view>

#include "sisyphus/reports/results.hpp"

namespace sisyphus::reports {

boost::json::value to_json_value(const RunResults& results);
// Pretty-printed (two-space indent), newline-terminated.
std::string to_json(const RunResults& results);

// Throws sisyphus::ParseError "<where>: <field path>: <what was expected>".
RunResults from_json_value(const boost::json::value& v, std::string_view where = "results.json");
RunResults from_json(std::string_view text, std::string_view where = "results.json");

// Reads `path`, or `path`/results.json when `path` is a directory.
RunResults read_results(const std::filesystem::path& path);

}  // namespace sisyphus::reports
