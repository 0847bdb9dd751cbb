// redirect: answer with a 3xx and `Location: TO` instead of the resource, as a CDN sends a
// client to a mirror (which may itself be the one that fails).
#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <optional>
#include <string>

#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

class Redirect final : public Fault {
 public:
  Redirect(int code, std::string to) : code_(code), to_(std::move(to)) {}

  std::string_view kind() const override { return "redirect"; }

  void apply(ResponsePlan& plan, const RequestContext&, Rng&) const override {
    // A redirect is a status with a Location: the last status to apply wins, and it carries
    // no Retry-After of an earlier one.
    plan.status = code_;
    plan.location = to_;
    std::erase_if(plan.headers, [](const auto& h) { return h.first == "Retry-After"; });
    plan.retry_after_date_in.reset();
    plan.applied.emplace_back("redirect");
  }

 private:
  int code_;
  std::string to_;
};

constexpr model::ParamKey kKeys[] = {
    {.name = "to",
     .type = model::ParamType::string,
     .doc = "the Location: a path (/mirror/file) or an http(s) URL, sent as written",
     .required = true},
    {.name = "code",
     .type = model::ParamType::unsigned_integer,
     .default_value = "302",
     .doc = "301, 302, 303, 307 or 308"},
};

bool is_redirect_code(std::uint64_t code) {
  return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
}

// The path a request for `to` asks for, percent-decoded as the origin decodes a request
// target, when `to` is a path; nullopt for a URL (its host and port are not known here).
// Fails at `to` for anything a client could not follow as written.
std::optional<std::string> check_to(const model::FaultParams& params) {
  const std::string& to = params.string("to");
  if (to.empty()) params.fail("to", "expected a path starting with '/' or an http(s) URL, got ''");
  // Sent verbatim in a header: a space, a control byte or a non-ASCII byte would make the
  // field something other than the URI-reference RFC 9110 §10.2.2 asks for.
  const auto bad = std::find_if(to.begin(), to.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u >= 0x7f;
  });
  if (bad != to.end()) {
    params.fail("to", fmt::format("invalid Location '{}': byte 0x{:02x} at position {} (spaces, "
                                  "control and non-ASCII bytes must be percent-encoded)",
                                  to, static_cast<unsigned char>(*bad), bad - to.begin()));
  }
  if (to.starts_with("//")) {
    params.fail("to", fmt::format("'{}' is a scheme-relative URL: write a path starting with a "
                                  "single '/' or a URL starting with http:// or https://",
                                  to));
  }
  if (to.starts_with('/')) {
    auto path = boost::urls::parse_origin_form(to);
    if (!path) params.fail("to", fmt::format("invalid path '{}': {}", to, path.error().message()));
    return std::string(path->path());
  }
  auto url = boost::urls::parse_absolute_uri(to);
  const bool http = url && (url->scheme() == "http" || url->scheme() == "https");
  if (!http) {
    params.fail("to",
                fmt::format("expected a path starting with '/' or an http:// or https:// URL, "
                            "got '{}'",
                            to));
  }
  if (!url->has_authority() || url->encoded_host().empty()) {
    params.fail("to", fmt::format("'{}' has no host", to));
  }
  return std::nullopt;
}

// The loop the loader can see: a `faults:` rule for every attempt, with probability 1, that
// sends the resource's own path back to itself, so no GET of it ever gets the resource. (A
// URL may name this server too, but its port is not known before the server listens; the
// client's redirect limit ends that loop.)
void refuse_loop(const model::FaultParams& params, const model::Scenario& scenario,
                 const std::string& path) {
  // The rule being checked is the one whose parameters these are: the loader and the engine
  // both pass the scenario that holds them.
  const auto rule =
      std::find_if(scenario.faults.begin(), scenario.faults.end(),
                   [&](const model::FaultRule& r) { return &r.fault.params == &params; });
  if (rule == scenario.faults.end() || !rule->attempts.empty() || rule->probability < 1.0) return;
  // The resources the rule applies to (`resource:`), any of which it sends back to itself.
  for (std::size_t i = 0; i < scenario.resources.size(); ++i) {
    const model::Resource& res = scenario.resources[i];
    const bool selected =
        rule->resources.empty() ||
        std::find(rule->resources.begin(), rule->resources.end(), i) != rule->resources.end();
    // Under `sisyphus proxy` the resource path is a glob of the request paths the faults break.
    const bool same =
        res.relayed ? ::fnmatch(res.path.c_str(), path.c_str(), 0) == 0 : path == res.path;
    if (selected && same) {
      params.fail("to", fmt::format("redirect loop: every GET of {} is redirected to {} (give the "
                                    "rule attempts: or a probability below 1, or another path)",
                                    res.path, params.string("to")));
    }
  }
}

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario& scenario) {
  const std::uint64_t code = params.unsigned_integer("code");
  if (!is_redirect_code(code)) {
    params.fail("code", fmt::format("expected 301, 302, 303, 307 or 308, got {}", code));
  }
  if (const auto path = check_to(params)) refuse_loop(params, scenario, *path);
  return std::make_unique<Redirect>(static_cast<int>(code), params.string("to"));
}

}  // namespace

const FaultKind& redirect_kind() {
  static const FaultKind kind{
      .name = "redirect",
      .summary = "answer with a redirect (302 by default) whose Location is a path or a URL",
      .params = {kKeys, "to"},
      .parse = &parse,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
