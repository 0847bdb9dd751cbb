#pragma once
// JSON Schemas (draft-07) of scenario and matrix files, for editors (yaml-language-server)
// and CI linters (docs/scenarios.md "JSON Schema"). Made, never written by hand: the fault
// kinds' keys from the catalog's key tables, the sections' keys and choice words from the
// lists the loader allows (section_keys.hpp), so a kind or key added is in the schema.
//
// The loader stays the judge: the schema checks names, shapes, types and the unit grammar
// (4MiB, 95%, 100ms), not the rules across keys or against the resource (an offset beyond
// its size, cap below base). `key: null` is accepted wherever the loader reads it as absent,
// so GET /v1/scenario's JSON validates too.
#include <string>

#include "sisyphus/model/fault_catalog.hpp"

namespace sisyphus::model {

std::string scenario_schema(const FaultCatalog& faults);  // JSON text, final newline
std::string matrix_schema(const FaultCatalog& faults);    // its `scenario:` is the above

}  // namespace sisyphus::model
