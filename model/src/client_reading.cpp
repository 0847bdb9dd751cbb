#include "client_reading.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <optional>

#include "schema_rules.hpp"
#include "section_keys.hpp"
#include "sisyphus/model/command_template.hpp"
#include "yaml_text.hpp"

namespace sisyphus::model::detail {
namespace {

const std::vector<std::string> kClientKeys{"kind",    "command",      "max_attempts",
                                           "backoff", "resume",       "prefill",
                                           "sha256",  "read_timeout", "connect_timeout"};
const std::vector<std::string> kBackoffKeys{"strategy", "base", "cap"};
const std::vector<std::string> kPrefillKeys{"size", "changed"};
const std::vector<std::string> kNoKeys{};

const std::vector<std::string> kPlaceholders{"url", "output", "max_attempts", "workdir"};
const std::vector<std::string> kStrategies(std::begin(kBackoffStrategies),
                                           std::end(kBackoffStrategies));

std::optional<Duration> positive_duration(const Params& p, std::string_view key) {
  auto d = p.optional_duration(key);
  if (d && d->count() == 0) p.fail(key, "expected a duration greater than zero");
  return d;
}

}  // namespace
}  // namespace sisyphus::model::detail

// The one rule for command templates, from YAML (check_command below) and from `run --client`
// (the runner's command adapter). A typo in a placeholder would reach the client as literal
// text; catch the close ones and leave other braces alone (shell code such as ${HOME} or
// awk '{print}').
namespace sisyphus::model {

std::optional<std::string> command_template_problem(std::string_view cmd) {
  if (cmd.find_first_not_of(" \t\n") == std::string_view::npos) {
    return "expected a non-empty command template such as 'mytool {url} -o {output}'";
  }
  for (std::size_t open = cmd.find('{'); open != std::string_view::npos;
       open = cmd.find('{', open + 1)) {
    std::size_t close = cmd.find('}', open);
    if (close == std::string_view::npos) break;
    std::string word(cmd.substr(open + 1, close - open - 1));
    bool identifier = !word.empty() && std::all_of(word.begin(), word.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || ch == '_';
    });
    const auto& known = detail::kPlaceholders;
    if (!identifier || std::find(known.begin(), known.end(), word) != known.end()) continue;
    std::string guess = closest_match(word, known);
    if (!guess.empty()) {
      return fmt::format("unknown placeholder '{{{}}}' in command, did you mean '{{{}}}'?", word,
                         guess);
    }
  }
  return std::nullopt;
}

std::vector<CommandResource> command_resources(std::string_view cmd) {
  std::vector<CommandResource> out;
  for (std::size_t open = cmd.find('{'); open != std::string_view::npos;
       open = cmd.find('{', open + 1)) {
    for (std::string_view what : {"url", "output"}) {
      const std::string prefix = fmt::format("{{{}:", what);
      if (cmd.substr(open, prefix.size()) != prefix) continue;
      const std::size_t close = cmd.find('}', open);
      if (close == std::string_view::npos) break;
      const std::string_view id = cmd.substr(open + prefix.size(), close - open - prefix.size());
      const bool word = !id.empty() && id.find_first_of("{ \t\n:") == std::string_view::npos;
      if (word) out.push_back({std::string(what), std::string(id), open, close - open + 1});
    }
  }
  return out;
}

}  // namespace sisyphus::model

namespace sisyphus::model::detail {
namespace {

void check_command(const Params& c, const std::string& cmd) {
  if (auto problem = command_template_problem(cmd)) c.fail("command", *problem);
}

void read_kind_and_command(const Params& c, ClientOptions& client) {
  if (c.has("kind")) {
    client.kind = c.choice("kind", kClientKinds);
  } else if (c.has("command")) {
    client.kind = "command";
  }
  if (client.kind == "command") {
    if (c.has("command")) {
      client.command = c.string("command");
      check_command(c, client.command);
    } else if (client.command.empty()) {
      c.fail("kind",
             "client kind 'command' needs a 'command' template such as 'mytool {url} -o {output}'");
    }
  } else if (c.has("command")) {
    c.fail("command",
           fmt::format("'command' is only used with kind: command (kind is '{}')", client.kind));
  } else {
    client.command.clear();  // a strategy that picks another kind drops the scenario's template
  }
}

void read_backoff(const Params& b, Backoff& backoff) {
  if (b.is_scalar()) {  // `backoff: exponential` is short for {strategy: exponential}
    std::string text = b.node().Scalar();
    if (std::find(kStrategies.begin(), kStrategies.end(), text) == kStrategies.end()) {
      b.fail(fmt::format("expected one of {}, got '{}'", join(kStrategies), text));
    }
    backoff.strategy = text;
    return;
  }
  b.allow_only(kBackoffKeys);
  if (b.has("strategy")) backoff.strategy = b.choice("strategy", kBackoffStrategies);
  if (b.has("base")) backoff.base = b.duration("base");
  if (b.has("cap")) backoff.cap = b.duration("cap");
  if (backoff.cap < backoff.base) {
    b.fail(b.has("cap") ? "cap" : "base",
           fmt::format("backoff cap ({}) is less than base ({})", format_duration(backoff.cap),
                       format_duration(backoff.base)));
  }
}

SizeSpec prefill_size(const Params& p, std::optional<std::string_view> key,
                      const Resource& resource) {
  SizeSpec size;
  if (key) {
    size = p.size(*key);
  } else {
    std::string text = p.scalar("a size (e.g. 50% or 1MiB)");
    try {
      size = SizeSpec::parse(text);
    } catch (const ParseError& e) {
      p.fail(e.what());
    }
  }
  if (!size.is_percent() && !resource.relayed && size.byte_count() > resource.size) {
    std::string message = fmt::format("prefill ({}) is larger than the resource ({} bytes)",
                                      format_size(size.byte_count()), resource.size);
    if (key) p.fail(*key, message);
    p.fail(message);
  }
  return size;
}

void read_prefill(const Params& p, ClientOptions& client, const Resource& resource) {
  if (p.is_scalar()) {
    client.prefill = prefill_size(p, std::nullopt, resource);
    client.prefill_changed = false;
    return;
  }
  if (p.is_null() && !p.is_map()) return;
  p.allow_only(kPrefillKeys);
  if (!p.has("size")) p.fail("missing required key 'size' in client.prefill");
  client.prefill = prefill_size(p, "size", resource);
  client.prefill_changed = p.boolean("changed", false);
}

}  // namespace

void read_client(const Params& c, ClientOptions& client, const Resource& resource,
                 const std::vector<Change>& changes) {
  c.allow_only(kClientKeys);
  read_kind_and_command(c, client);
  if (c.has("max_attempts")) client.max_attempts = bounded(c, "max_attempts", 1);
  read_backoff(c.child("backoff"), client.backoff);
  if (c.has("resume")) client.resume = c.choice("resume", kResumePolicies);
  read_prefill(c.child("prefill"), client, resource);
  client.sha256 = c.boolean("sha256", client.sha256);
  const auto random_change =
      std::find_if(changes.begin(), changes.end(), [](const Change& ch) { return ch.random(); });
  if (client.sha256 && random_change != changes.end()) {
    // The hash handed to the client before the run is of the last version; with a random
    // change which version that is depends on the draws of attempts not yet made.
    c.fail("sha256", fmt::format("client.sha256 cannot be given with a random change "
                                 "(before_each_attempt at {}:{}): the version served last is "
                                 "not known before the run",
                                 random_change->where.line, random_change->where.column));
  }
  if (auto d = positive_duration(c, "read_timeout")) client.read_timeout = d;
  if (auto d = positive_duration(c, "connect_timeout")) client.connect_timeout = d;
}

const std::vector<std::string>& client_keys() {
  return kClientKeys;
}

const std::vector<std::string>& client_subkeys(std::string_view key) {
  if (key == "backoff") return kBackoffKeys;
  if (key == "prefill") return kPrefillKeys;
  return kNoKeys;
}

}  // namespace sisyphus::model::detail
