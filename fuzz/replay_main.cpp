// main() of a fuzz target outside libFuzzer (every g++ preset): runs each input once through
// LLVMFuzzerTestOneInput, so the corpus in fuzz/corpus/<target>/ is a regression test of the
// ordinary suite. Arguments are files and directories (each regular file of a directory, in
// name order); those starting with '-' are libFuzzer flags and are ignored, so one command
// line (`fuzz_<target> -runs=0 DIR`) replays a corpus in both builds.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_of(const fs::path& arg) {
  if (!fs::is_directory(arg)) return {arg};
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(arg)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]).starts_with("-")) continue;
    auto found = inputs_of(argv[i]);
    inputs.insert(inputs.end(), found.begin(), found.end());
  }
  // An empty corpus would make the test pass without testing anything.
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s [-flag ...] FILE|DIR... (no input found)\n", argv[0]);
    return 2;
  }
  for (const auto& input : inputs) {
    std::ifstream in(input, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", input.c_str());
      return 2;
    }
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    // Named before it runs: a crash's output then says which input it was.
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", input.c_str(), bytes.size());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::fprintf(stderr, "replayed %zu inputs\n", inputs.size());
  return 0;
}
