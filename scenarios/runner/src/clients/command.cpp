// command: any client, as a /bin/sh command template. {url}, {output}, {max_attempts},
// {workdir}, {ca_file} (server.tls), {url:ID} and {output:ID} are replaced by shell-quoted values;
// other braces are left alone. The command runs in the work directory; exit 0 means the client
// claims success.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "../external.hpp"
#include "../subprocess.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/model/command_template.hpp"

namespace sisyphus::runner::clients {
namespace {

class Command final : public ClientAdapter {
 public:
  explicit Command(std::string_view tmpl) : template_(tmpl) {}
  std::string_view kind() const override { return "command"; }
  std::string label() const override { return "command: " + template_; }
  std::string spec() const override { return "command: " + template_; }

  ClientOutcome run(const ClientContext& ctx) const override {
    const std::array<std::pair<std::string_view, std::string>, 5> values{{
        {"{url}", ctx.url},
        {"{output}", ctx.output.string()},
        {"{max_attempts}", std::to_string(ctx.scenario->client.max_attempts)},
        {"{workdir}", ctx.workdir.string()},
        {"{ca_file}", ctx.ca_file.string()},
    }};
    const std::vector<model::CommandResource> named = model::command_resources(template_);
    std::string cmd;
    for (std::size_t i = 0; i < template_.size();) {
      if (auto it = std::find_if(named.begin(), named.end(),
                                 [&](const model::CommandResource& p) { return p.at == i; });
          it != named.end()) {
        const ResourceTarget* target = nullptr;
        for (const ResourceTarget& t : ctx.resources) target = t.id == it->id ? &t : target;
        if (target == nullptr) {
          ClientOutcome outcome;
          outcome.error = fmt::format("placeholder '{}' names no resource of this scenario",
                                      template_.substr(it->at, it->length));
          return outcome;
        }
        cmd += detail::shell_quote(it->what == "url" ? target->url : target->output.string());
        i += it->length;
        continue;
      }
      bool replaced = false;
      for (const auto& [key, value] : values) {
        if (template_.compare(i, key.size(), key) == 0) {
          cmd += detail::shell_quote(value);
          i += key.size();
          replaced = true;
          break;
        }
      }
      if (!replaced) cmd += template_[i++];
    }
    return detail::run_external(ctx, {"/bin/sh", "-c", cmd});
  }

 private:
  std::string template_;
};

}  // namespace

const ClientKind& command_client() {
  static const ClientKind kind{
      .name = "command",
      .summary =
          "any client: 'command: TEMPLATE' with {url} {output} {max_attempts} {workdir} {ca_file}",
      .make = [](std::string_view argument) -> std::unique_ptr<ClientAdapter> {
        // `--client 'command: …'` is checked by the rule YAML templates are checked by.
        if (auto problem = model::command_template_problem(argument)) {
          throw ParseError(fmt::format("bad client 'command: {}': {}", argument, *problem));
        }
        return std::make_unique<Command>(argument);
      },
  };
  return kind;
}

}  // namespace sisyphus::runner::clients
