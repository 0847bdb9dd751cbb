#pragma once
// The curl preset's command line, shared by curl and curl-h2: a /bin/sh loop of up to
// max_attempts runs of curl, each resuming from the output's size with `-C -`, stopping at
// the first exit 0, no wait between runs (docs/runner.md "Client adapters").
#include <string>
#include <string_view>

#include "../external.hpp"
#include "../in_process.hpp"

namespace sisyphus::runner::clients {

// $1 url, $2 output, $3 max attempts, $4 connect timeout (s), $5 read timeout (s), $6 the CA
// file over HTTPS (empty over HTTP), $7 one more curl flag (curl-h2: --http2), or empty.
inline constexpr const char* kCurlLoop =
    "n=0\n"
    "while :; do\n"
    "  n=$((n+1))\n"
    "  curl -q -fsS --connect-timeout \"$4\" --speed-limit 1 --speed-time \"$5\" "
    "${6:+--cacert} ${6:+\"$6\"} ${7:+\"$7\"} -C - -o \"$2\" \"$1\" && exit 0\n"
    "  rc=$?\n"
    "  [ \"$n\" -ge \"$3\" ] && exit \"$rc\"\n"
    "done\n";

inline ClientOutcome run_curl_loop(const ClientContext& ctx, std::string_view extra_flag) {
  return detail::run_external(
      ctx, {"/bin/sh", "-c", kCurlLoop, "curl-loop", ctx.url, ctx.output.string(),
            std::to_string(ctx.scenario->client.max_attempts),
            detail::whole_seconds(detail::connect_timeout(ctx)),
            detail::whole_seconds(detail::read_timeout(ctx)), ctx.ca_file.string(),
            std::string(extra_flag)});
}

}  // namespace sisyphus::runner::clients
