// c10k_clients: the client side of bench/c10k.sh. Opens --connections connections to one URL
// within --open-within seconds, each sending one GET and reading its response at --rate
// bytes per second, holds them --hold seconds after the last one opened, then closes them all
// (testing/include/sisyphus/testing/slow_readers.hpp). Prints one `result {...}` JSON line of
// counts (resets, connect failures, answered, held, peak open...).
// Exit status: 0 when no connection was reset or refused, 1 otherwise, 2 for a usage error.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <regex>
#include <string>

#include "sisyphus/testing/slow_readers.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Thousands of slow readers against one URL (bench/c10k.sh)"};
  std::string url;
  sisyphus::testing::SlowReadersOptions o;
  double open_within_s = 1, hold_s = 20;
  app.add_option("url", url, "http://IPv4:PORT/PATH")->required();
  app.add_option("--connections", o.connections, "connections in all")->capture_default_str();
  app.add_option("--rate", o.read_rate, "bytes/s each connection reads (0: unlimited)")
      ->capture_default_str();
  app.add_option("--open-within", open_within_s, "seconds over which the connects spread")
      ->capture_default_str();
  app.add_option("--hold", hold_s, "seconds to hold them after the last connect")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  static const std::regex form(R"(http://([0-9.]+):([0-9]+)(/\S*))");
  std::smatch m;
  if (!std::regex_match(url, m, form)) {
    fmt::print(stderr, "c10k_clients: expected http://IPv4:PORT/PATH, got '{}'\n", url);
    return 2;
  }
  o.host = m[1].str();
  o.port = static_cast<std::uint16_t>(std::stoul(m[2].str()));
  o.path = m[3].str();
  o.open_within = std::chrono::milliseconds(static_cast<std::int64_t>(open_within_s * 1000));
  o.hold = std::chrono::milliseconds(static_cast<std::int64_t>(hold_s * 1000));
  const std::uint64_t limit = sisyphus::testing::raise_open_files_limit(o.connections + 64);
  if (limit < o.connections + 16) {
    fmt::print(stderr, "c10k_clients: the open-files limit is {} (hard limit), below {}\n", limit,
               o.connections + 16);
    return 2;
  }
  try {
    const auto c = sisyphus::testing::run_slow_readers(o);
    fmt::print("result {}\n", to_json(c));
    return c.resets + c.connect_failed == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "c10k_clients: {}\n", e.what());
    return 2;
  }
}
