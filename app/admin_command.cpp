// `sisyphus admin --admin H:P get|put FILE|faults|add-fault RULE|remove-fault I|log [--since N]|
// stats|reset`: one request to the admin API of a running `sisyphus serve` or `sisyphus proxy`
// (proxy::admin_request), its JSON answer on stdout. Exit 0 on 2xx; 2 when the server cannot be
// reached (naming the address) or refuses the request (its reason on stderr).
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "commands.hpp"
#include "sisyphus/proxy/admin_client.hpp"

namespace sisyphus::app {
namespace {

struct AdminFlags {
  std::string address;
  std::string file;         // put
  std::string rule;         // add-fault
  std::string index;        // remove-fault
  std::uint64_t since = 0;  // log
};

int request(const AdminFlags& flags, std::string_view method, const std::string& target,
            const std::string& body = {}) {
  try {
    const proxy::AdminReply reply = proxy::admin_request(flags.address, method, target, body);
    if (reply.status < 200 || reply.status > 299) {
      fmt::print(stderr, "sisyphus admin: {} {}: {} ({})\n", method, target, reply.error(),
                 reply.status);
      return kExitUsage;
    }
    fmt::print("{}", reply.body);
    std::fflush(stdout);
    return kExitOk;
  } catch (const std::exception& e) {  // AdminUnreachable, or an address that is not H:P
    fmt::print(stderr, "sisyphus admin: {}\n", e.what());
    return kExitUsage;
  }
}

int put_scenario(const AdminFlags& flags) {
  std::ifstream in(flags.file, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "sisyphus admin: cannot read '{}'\n", flags.file);
    return kExitUsage;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return request(flags, "PUT", "/v1/scenario", text.str());
}

}  // namespace

void add_admin_command(CLI::App& root, int& exit_code) {
  auto flags = std::make_shared<AdminFlags>();
  auto* admin = root.add_subcommand(
      "admin", "Talk to the admin API of a running `sisyphus serve` or `sisyphus proxy`");
  admin->add_option("--admin", flags->address, "The admin API's HOST:PORT (serve's --admin)")
      ->required();
  admin->require_subcommand(1, 1);
  const auto simple = [&](const char* name, const char* help, const char* method,
                          const char* target) {
    admin->add_subcommand(name, help)->callback([flags, method, target, &exit_code] {
      exit_code = request(*flags, method, target);
    });
  };
  simple("get", "Print the scenario in effect as JSON (GET /v1/scenario)", "GET", "/v1/scenario");
  simple("faults", "Print the fault rules in effect, index 0 first (GET /v1/faults)", "GET",
         "/v1/faults");
  simple("stats", "Print the counters (GET /v1/stats)", "GET", "/v1/stats");
  simple("reset", "Zero every counter, the log and the attempt counts (POST /v1/reset)", "POST",
         "/v1/reset");

  auto* put = admin->add_subcommand(
      "put",
      "Replace the scenario with FILE (YAML or JSON), resetting counters (PUT /v1/scenario)");
  put->add_option("FILE", flags->file, "Scenario file")->required();
  put->callback([flags, &exit_code] { exit_code = put_scenario(*flags); });

  auto* add = admin->add_subcommand(
      "add-fault",
      "Append one fault rule, written as a `faults:` entry in JSON or YAML, e.g. "
      "'{drop: {at: 50%}}'; prints its index (POST /v1/faults)");
  add->add_option("RULE", flags->rule, "The rule")->required();
  add->callback(
      [flags, &exit_code] { exit_code = request(*flags, "POST", "/v1/faults", flags->rule); });

  auto* remove = admin->add_subcommand(
      "remove-fault", "Remove the fault rule at INDEX (0-based, as `faults` lists them)");
  remove->add_option("INDEX", flags->index, "The rule's index")->required();
  remove->callback(
      [flags, &exit_code] { exit_code = request(*flags, "DELETE", "/v1/faults/" + flags->index); });

  auto* log = admin->add_subcommand(
      "log", "Print the request log, one JSON object a line, from seq N on (GET /v1/log)");
  log->add_option("--since", flags->since, "First seq to print (default 0)");
  log->callback([flags, &exit_code] {
    exit_code = request(*flags, "GET", fmt::format("/v1/log?since={}", flags->since));
  });
}

}  // namespace sisyphus::app
