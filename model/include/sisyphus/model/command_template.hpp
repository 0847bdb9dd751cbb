#pragma once
// The client command template ({url} {output} {max_attempts} {workdir}), checked by one rule
// wherever it comes from: a scenario's `client.command` or `sisyphus run --client 'command: …'`.
#include <optional>
#include <string>
#include <string_view>

namespace sisyphus::model {

// The problem with a command template, or nullopt: empty, or an unknown placeholder close to
// a known one ("unknown placeholder '{ouptut}' in command, did you mean '{output}'?"). Other
// braces are shell code (${HOME}, awk '{print}') and left alone.
std::optional<std::string> command_template_problem(std::string_view command);

}  // namespace sisyphus::model
