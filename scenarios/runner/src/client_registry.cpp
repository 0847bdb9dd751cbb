// The adapter registry (the build generates the list from the file names in src/clients/,
// like the proxy's fault registry) and the default prefill.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "sisyphus/core/error.hpp"
#include "sisyphus/runner/client_adapter.hpp"
#include "sisyphus/runner/verify.hpp"

namespace sisyphus::runner {

namespace clients {
#define SISYPHUS_CLIENT(name) const ClientKind& name##_client();
#include "client_list.inc"
#undef SISYPHUS_CLIENT
}  // namespace clients

namespace {

constexpr std::string_view kCommandPrefix = "command:";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

}  // namespace

const std::vector<const ClientKind*>& client_kinds() {
  static const std::vector<const ClientKind*> kinds = [] {
    std::vector<const ClientKind*> v;
#define SISYPHUS_CLIENT(name) v.push_back(&clients::name##_client());
#include "client_list.inc"
#undef SISYPHUS_CLIENT
    std::sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->name < b->name; });
    return v;
  }();
  return kinds;
}

std::unique_ptr<ClientAdapter> make_client(std::string_view spec) {
  std::string_view name = trim(spec);
  std::string_view argument;
  if (name.substr(0, kCommandPrefix.size()) == kCommandPrefix) {
    argument = trim(name.substr(kCommandPrefix.size()));
    name = "command";
    if (argument.empty()) {
      throw ParseError(
          "bad client 'command:': expected a template after it, such as "
          "'command: mytool {url} -o {output}'");
    }
  } else if (name == "command") {
    throw ParseError(
        "bad client 'command': give the template, such as 'command: mytool {url} -o {output}'");
  }
  for (const ClientKind* kind : client_kinds()) {
    if (kind->name == name) return kind->make(argument);
  }
  std::string names;
  for (const ClientKind* kind : client_kinds()) {
    names += names.empty() ? "" : ", ";
    names += kind->name == "command" ? "'command: TEMPLATE'" : std::string(kind->name);
  }
  throw ParseError(fmt::format("unknown client '{}': expected one of {}", spec, names));
}

std::unique_ptr<ClientAdapter> make_client(const model::ClientOptions& options) {
  if (options.kind == "command") return make_client("command: " + options.command);
  return make_client(options.kind);
}

void write_original_prefix(const PrefillContext& ctx, const std::filesystem::path& path) {
  const ExpectedContent original = ctx.file
                                       ? ExpectedContent::file(*ctx.file)
                                       : ExpectedContent::synthetic(ctx.original_seed, ctx.bytes);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(fmt::format("prefill: cannot create {}", path.string()));
  std::vector<std::byte> block(1 << 20);
  for (std::uint64_t off = 0; off < ctx.bytes; off += block.size()) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), ctx.bytes - off));
    original.read(off, std::span(block).first(n));
    out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n));
  }
  out.close();
  if (!out) throw std::runtime_error(fmt::format("prefill: cannot write {}", path.string()));
}

void ClientAdapter::prefill(const PrefillContext& ctx) const {
  write_original_prefix(ctx, ctx.output);
}

}  // namespace sisyphus::runner
