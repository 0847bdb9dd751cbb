// soak_clients: the client side of bench/soak.sh. Runs the herd of sisyphus::testing (200
// concurrent raw HTTP clients by default, seeded random Range/If-Range/HEAD/hang-ups; see
// testing/include/sisyphus/testing/client_herd.hpp) against a resource URL until it has
// issued --requests or --duration has passed. Prints a `progress {...}` line of counts every
// --progress-every and a last `result {...}` line, both JSON (to_json()); the result's counts
// include the HEAD below.
//
// The resource's size and content seed come from a HEAD of the URL: its Content-Length, and
// its ETag, which sisyphus writes as "<content seed hex>-<size hex>" (docs/server.md).
// Exit status: 0 when every answer fitted its request (wrong_answers == 0) and no socket
// error or timeout occurred, 1 otherwise, 2 for a usage error or a URL that does not answer.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <regex>
#include <string>

#include "sisyphus/testing/client_herd.hpp"
#include "sisyphus/testing/raw_http_client.hpp"

namespace {

using sisyphus::testing::HerdOptions;

// http://HOST:PORT/PATH with an IP literal host, into `o`; false when it is not that.
bool parse_url(const std::string& url, HerdOptions& o) {
  static const std::regex form(R"(http://(\[[0-9a-fA-F:.]+\]|[0-9.]+):([0-9]+)(/\S*))");
  std::smatch m;
  if (!std::regex_match(url, m, form)) return false;
  o.host = m[1].str();
  if (o.host.front() == '[') o.host = o.host.substr(1, o.host.size() - 2);
  o.port = static_cast<std::uint16_t>(std::stoul(m[2].str()));
  o.path = m[3].str();
  return true;
}

// Size and content seed of the resource, from a HEAD; false (with a message) when the answer
// is not a sisyphus resource.
bool learn_resource(HerdOptions& o) {
  const auto r = sisyphus::testing::fetch(o.host, o.port, "HEAD", o.path);
  const auto length = r.header("Content-Length");
  const auto etag = r.header("ETag");
  static const std::regex tag(R"re("([0-9a-f]+)-([0-9a-f]+)")re");
  std::smatch m;
  if (r.status != 200 || !length || !etag || !std::regex_match(*etag, m, tag)) {
    fmt::print(stderr, "soak_clients: HEAD {} answered {} without a sisyphus ETag\n", o.path,
               r.status);
    return false;
  }
  o.size = std::stoull(*length);
  o.content_seed = std::stoull(m[1].str(), nullptr, 16);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The herd of concurrent clients of bench/soak.sh"};
  std::string url;
  HerdOptions o;
  double duration_s = 0, progress_s = 10;
  app.add_option("url", url, "http://HOST:PORT/PATH of a sisyphus resource")->required();
  app.add_option("--clients", o.clients, "concurrent clients")->capture_default_str();
  app.add_option("--requests", o.requests, "requests in all")->capture_default_str();
  app.add_option("--duration", duration_s, "seconds; no new request after (0: no limit)")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "seeds every client's choices")->capture_default_str();
  app.add_option("--progress-every", progress_s, "seconds between progress lines")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (!parse_url(url, o)) {
    fmt::print(stderr, "soak_clients: expected http://IP:PORT/PATH, got '{}'\n", url);
    return 2;
  }
  try {
    if (!learn_resource(o)) return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "soak_clients: HEAD {}: {}\n", url, e.what());
    return 2;
  }
  o.duration = std::chrono::milliseconds(static_cast<std::int64_t>(duration_s * 1000));
  o.progress_every = std::chrono::milliseconds(static_cast<std::int64_t>(progress_s * 1000));
  o.progress = [](const sisyphus::testing::HerdCounts& c) {
    fmt::print("progress {}\n", to_json(c));
    std::fflush(stdout);
  };
  auto c = sisyphus::testing::run_herd(o);
  // The HEAD that learnt the resource is a request the server logged too: counted with the
  // herd's, so that `sent` is what the log must hold.
  ++c.sent;
  ++c.responses;
  ++c.complete;
  ++c.statuses[200];
  fmt::print("result {}\n", to_json(c));
  return c.wrong_answers + c.errors + c.timeout == 0 ? 0 : 1;
}
