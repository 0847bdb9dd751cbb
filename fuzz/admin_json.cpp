// The admin API's PUT /v1/scenario: the admin session hands the request body to
// proxy::load_scenario_string(body, "<admin>") (load_relay_scenario_string when the server
// relays to an upstream) and answers with model::to_json of what it loaded. The input is such
// a body; the seeds are JSON, the form the API documents. check_scenario_text says what must
// hold, the answer's JSON loading back into the same scenario included.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scenario_checks.hpp"
#include "sisyphus/proxy/server.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sisyphus;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  fuzz::check_scenario_text(body, "<admin>", proxy::load_scenario_string);
  fuzz::check_scenario_text(body, "<admin>", proxy::load_relay_scenario_string);
  return 0;
}
