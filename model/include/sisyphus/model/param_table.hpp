#pragma once
// The keys a fault kind takes, declared once in the kind's file (like toxiproxy's toxics
// declare their attributes): name, type, default and one doc line each. The loader checks
// every fault's parameters against its kind's table; `sisyphus list faults` prints the
// tables, docs/faults.md shows them (a test compares), and a schema can be made from them.
#include <span>
#include <string>
#include <string_view>

namespace sisyphus::model {

enum class ParamType {
  size,              // "4MiB", "1000", "95%" (of the resource)
  signed_size,       // "1KiB", "-512B"
  duration,          // "100ms", "2s"
  rate,              // "1MiB/s"
  unsigned_integer,  // "503"
  choice,            // one of ParamKey::choices
  string,            // any text; the kind's own rules read it
  boolean,           // true or false
};

struct ParamKey {
  std::string_view name = {};
  ParamType type = ParamType::string;
  // The value of an absent key, as a scenario would write it ("30s"); empty: no default.
  std::string_view default_value = {};
  // One line for docs and `sisyphus list faults`. For a required key it is also what the
  // error for a missing one says was expected: "expected 'code' (an HTTP status from 300 to
  // 599)".
  std::string_view doc = {};
  bool required = false;
  std::span<const std::string_view> choices = {};  // ParamType::choice: the accepted words
  // The key also takes `{mean: VALUE}`: a value drawn per request, exponentially distributed
  // with that mean (a memoryless link, docs/faults.md). Only for size and duration keys; the
  // mean is greater than zero. FaultParams::is_mean() says which form was written.
  bool random = false;
  // The key means something only over HTTPS (drop's close_notify): a server that serves the
  // scenario over plain HTTP refuses it, naming its position (docs/server.md "HTTPS").
  bool tls_only = false;
};

struct ParamTable {
  std::span<const ParamKey> keys = {};  // in the order errors list them
  // `kind: VALUE` is short for `kind: {<bare_key>: VALUE}`; empty: parameters are a mapping.
  std::string_view bare_key = {};

  const ParamKey* find(std::string_view name) const;
};

// The type column of docs and `sisyphus list faults`: "size or %", "duration",
// "close | reset | stall"; a random key adds ", or {mean: …}".
std::string type_label(const ParamKey& key);
// What an error says a value of the key's type looks like: "a size (e.g. 4MiB or 95%)"; a
// random key adds " or an exponential mean (e.g. {mean: 4MiB})".
std::string expected_value(const ParamKey& key);

// Throws std::logic_error, naming the kind, for a table no scenario could be checked against:
// an empty or duplicate name, no doc line, a required key with a default, a default that does
// not read as its type, choices on a key that is not a choice (or none on one that is), a
// random key that is not a size or a duration, a bare key that is not declared.
void check_table(std::string_view kind, const ParamTable& table);

}  // namespace sisyphus::model
