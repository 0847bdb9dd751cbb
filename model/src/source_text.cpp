#include "source_text.hpp"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sisyphus/model/scenario_error.hpp"
#include "yaml_characters.hpp"
#include "yaml_documents.hpp"

namespace sisyphus::model::detail {
namespace {

SourceLocation mark_location(const YAML::Mark& mark, std::string_view file) {
  if (mark.is_null()) return {std::string(file), 0, 0};
  return {std::string(file), mark.line + 1, mark.column + 1};
}

}  // namespace

std::string read_source_file(const std::filesystem::path& file) {
  std::string name = file.string();
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw ScenarioError({name, 0, 0}, "cannot open: is a directory");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ScenarioError({name, 0, 0}, fmt::format("cannot open: {}", std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    throw ScenarioError({name, 0, 0}, fmt::format("cannot read: {}", std::strerror(errno)));
  return text.str();
}

YAML::Node read_one_document(std::string_view text, const std::string& file,
                             const SourceKind& kind) {
  if (text.size() > kMaxSourceBytes) {
    throw ScenarioError({file, 1, 1}, fmt::format("{} too large: {} bytes, at most {} (1 MiB)",
                                                  kind.noun, text.size(), kMaxSourceBytes));
  }
  if (const auto bad = first_bad_character(text, kind.noun)) {
    throw ScenarioError({file, bad->line, bad->column}, bad->message);
  }
  Documents docs;
  try {
    docs = read_documents(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    throw ScenarioError(mark_location(e.mark, file), "invalid YAML: nested too deeply");
  } catch (const YAML::Exception& e) {
    throw ScenarioError(mark_location(e.mark, file), fmt::format("invalid YAML: {}", e.msg));
  }
  if (docs.count == 0 || !docs.first.IsDefined() || docs.first.IsNull()) {
    throw ScenarioError({file, 1, 1},
                        fmt::format("empty {}: expected {}", kind.noun, kind.expected));
  }
  if (docs.count > 1) {
    throw ScenarioError(mark_location(docs.second, file),
                        fmt::format("expected one YAML document, found {} (one {} per file)",
                                    docs.count, kind.noun));
  }
  return docs.first;
}

}  // namespace sisyphus::model::detail
