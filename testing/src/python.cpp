#include "sisyphus/testing/python.hpp"

#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {

RunResult python_on(std::string_view script, std::string_view input, std::string_view name) {
  const TempDir tmp(name);
  write_file(tmp / "script.py", script);
  write_file(tmp / "input", input);
  const auto output = tmp / "output";
  RunResult r;
  {
    Child python({"python3", (tmp / "script.py").string(), (tmp / "input").string()}, output,
                 output);
    r.exit_code = python.wait(std::chrono::seconds(60));
  }
  r.out = read_file(output);
  return r;
}

}  // namespace sisyphus::testing
