#pragma once
// The client command template ({url} {output} {max_attempts} {workdir}, {url:ID} and
// {output:ID}), checked by one rule
// wherever it comes from: a scenario's `client.command` or `sisyphus run --client 'command: …'`.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sisyphus::model {

// The problem with a command template, or nullopt: empty, or an unknown placeholder close to
// a known one ("unknown placeholder '{ouptut}' in command, did you mean '{output}'?"). Other
// braces are shell code (${HOME}, awk '{print}') and left alone.
std::optional<std::string> command_template_problem(std::string_view command);

// `{url:ID}` and `{output:ID}`: a resource of a scenario with `resources:` by its id. The
// loader checks the ids against the scenario; the command adapter fills them.
struct CommandResource {
  std::string what;  // url | output
  std::string id;
  std::size_t at = 0;      // offset of the '{'
  std::size_t length = 0;  // of the whole placeholder, braces included
};
std::vector<CommandResource> command_resources(std::string_view command);

}  // namespace sisyphus::model
