#include "server_reading.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "schema_rules.hpp"
#include "section_keys.hpp"
#include "source_text.hpp"
#include "yaml_text.hpp"

namespace sisyphus::model::detail {
namespace {

OverCapacity read_over_capacity(const Params& p) {
  OverCapacity answer;
  if (p.is_null()) return answer;
  if (p.is_scalar()) {
    const std::string text = p.scalar("'refuse' or {status: 503, retry_after: 1s}");
    if (text != "refuse") {
      p.fail(fmt::format(
          "expected 'refuse' or a mapping such as {{status: 503, retry_after: 1s}}, got '{}'",
          text));
    }
    answer.refuse = true;
    return answer;
  }
  p.allow_only(kOverCapacityKeys);
  if (p.has("status")) answer.status = static_cast<int>(bounded(p, "status", 400, 599));
  answer.retry_after = p.optional_duration("retry_after");
  return answer;
}

Outage read_outage(const Params& item) {
  item.allow_only(kOutageKeys);
  Outage outage;
  outage.where = item.location();
  if (!item.has("at")) item.fail("missing required key 'at' in outage (e.g. at: 2s)");
  if (!item.has("for")) item.fail("missing required key 'for' in outage (e.g. for: 3s)");
  outage.at = item.duration("at");
  outage.length = item.duration("for");
  if (outage.length <= Duration::zero()) {
    item.fail("for", fmt::format("expected an outage length above zero, got '{}'",
                                 format_duration(outage.length)));
  }
  if (item.has("how")) {
    const std::string how = item.choice("how", kOutageHows);
    outage.how = how == "reset"    ? OutageHow::reset
                 : how == "refuse" ? OutageHow::refuse
                                   : OutageHow::unavailable;
  }
  return outage;
}

std::string describe_at(const SourceLocation& at) {
  return fmt::format("{}:{}:{}", at.file, at.line, at.column);
}

std::vector<Outage> read_outages(const Params& p) {
  std::vector<Outage> outages;
  if (p.is_null()) return outages;
  if (!p.node().IsSequence()) {
    p.fail(
        fmt::format("expected a sequence of outages such as [{{at: 2s, for: 3s, how: reset}}], "
                    "got {}",
                    describe(p.node())));
  }
  for (const auto& node : p.node()) {
    outages.push_back(read_outage(Params(node, p.file(), "outage")));
  }
  std::stable_sort(outages.begin(), outages.end(),
                   [](const Outage& a, const Outage& b) { return a.at < b.at; });
  for (std::size_t i = 1; i < outages.size(); ++i) {
    const Outage& before = outages[i - 1];
    const Outage& after = outages[i];
    if (after.at < before.at + before.length) {
      throw ScenarioError(
          after.where,
          fmt::format("outage at {} overlaps the outage at {} for {} ({}): outages must not "
                      "overlap",
                      format_duration(after.at), format_duration(before.at),
                      format_duration(before.length), describe_at(before.where)));
    }
  }
  return outages;
}

}  // namespace

void read_server(const Params& p, ServerOptions& server) {
  p.allow_only(kServerKeys);
  server.ranges = p.boolean("ranges", true);
  server.chunked = p.boolean("chunked", false);
  server.tls = p.boolean("tls", false);
  if (p.has("max_active")) server.max_active = bounded(p, "max_active", 1);
  if (p.has("over_capacity") && !server.max_active) {
    p.fail("over_capacity", "'over_capacity' applies only with max_active");
  }
  server.over_capacity = read_over_capacity(p.child("over_capacity"));
  server.outages = read_outages(p.child("outages"));
}

}  // namespace sisyphus::model::detail
