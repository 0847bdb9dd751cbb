#pragma once
// From a schema file's bytes to its one YAML document, for scenario and matrix files alike:
// the size limit, printable UTF-8, YAML syntax, exactly one non-empty document. Every error
// is a ScenarioError naming the file.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace sisyphus::model::detail {

// A scenario or a matrix is a page of YAML; the admin API takes request bodies up to the
// same size.
inline constexpr std::size_t kMaxSourceBytes = 1024 * 1024;

// What the file holds, for the errors: "scenario" or "matrix", and what an empty one lacks
// ("a mapping with at least 'name' and 'resource'").
struct SourceKind {
  std::string_view noun;
  std::string_view expected;
};

// The file's bytes; "cannot open: …" / "cannot read: …" / "is a directory" naming it.
std::string read_source_file(const std::filesystem::path& file);

// The one document of `text`, loaded as `file`.
YAML::Node read_one_document(std::string_view text, const std::string& file,
                             const SourceKind& kind);

}  // namespace sisyphus::model::detail
