// Which matrices a comparison gets: the files and directories given, or the built-in ones.
#include <fmt/format.h>

#include "input_files.hpp"
#include "sisyphus/proxy/fault.hpp"
#include "sisyphus/runner/compare.hpp"

#ifndef SISYPHUS_MATRICES_DIR
#error "SISYPHUS_MATRICES_DIR must be defined by scenarios/runner/CMakeLists.txt"
#endif

namespace sisyphus::runner {

std::filesystem::path matrices_dir() {
  return detail::built_in_dir("SISYPHUS_MATRICES", "matrices", SISYPHUS_MATRICES_DIR);
}

LoadedMatrices load_matrices(const std::vector<std::filesystem::path>& inputs) {
  LoadedMatrices out;
  const auto files = detail::input_files(inputs, matrices_dir(), "matrix", out.errors);
  out.matrices = detail::load_each<model::Matrix>(
      files, "matrix",
      [](const auto& file) {
        return model::load_matrix_file(file, proxy::FaultRegistry::instance());
      },
      out.errors);
  return out;
}

}  // namespace sisyphus::runner
