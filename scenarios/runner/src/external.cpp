#include "external.hpp"

#include <fmt/format.h>

#include <system_error>

#include "sisyphus/reports/results.hpp"
#include "subprocess.hpp"

namespace sisyphus::runner::detail {

ClientOutcome run_external(const ClientContext& ctx, std::vector<std::string> argv) {
  ClientOutcome out;
  const auto log = ctx.workdir / "client.log";
  ProcessResult p;
  try {
    p = run_process(ProcessSpec{std::move(argv), ctx.workdir, log}, ctx.deadline);
  } catch (const std::system_error& e) {
    out.error = fmt::format("{}: {}", reports::kClientCouldNotStart, e.what());
    return out;
  }
  out.exit_code = p.exit_code;
  out.timed_out = p.timed_out;
  out.success = p.exit_code == 0;
  out.output = tail_of(log);
  if (p.timed_out) {
    out.output +=
        fmt::format("[sisyphus] killed (SIGKILL to the process group) at the {:.3f}s deadline\n",
                    static_cast<double>(ctx.deadline.count()) / 1e6);
  } else if (p.signal) {
    out.output += fmt::format("[sisyphus] the client died of signal {}\n", *p.signal);
  }
  return out;
}

void insert_ca_option(const ClientContext& ctx, std::vector<std::string>& argv,
                      std::string_view flag) {
  if (ctx.ca_file.empty() || argv.empty()) return;
  argv.insert(argv.end() - 1, std::string(flag) + ctx.ca_file.string());
}

std::string whole_seconds(Duration d) {
  const auto s = (d.count() + 999'999) / 1'000'000;
  return std::to_string(s < 1 ? 1 : s);
}

std::string decimal_seconds(Duration d) {
  return fmt::format("{:.3f}", static_cast<double>(d.count()) / 1e6);
}

}  // namespace sisyphus::runner::detail
