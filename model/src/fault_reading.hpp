#pragma once
// A fault's YAML parameters read by its kind's key table: the table-driven half of fault
// validation (the kind's own cross-key rules come after, in FaultCatalog::validate).
#include "sisyphus/model/param_table.hpp"
#include "sisyphus/model/params.hpp"
#include "yaml_params.hpp"

namespace sisyphus::model::detail {

// Checks, in this order, with the errors Params gives: a mapping (or the bare value a table
// allows), no parameters for a table without keys, no unknown or duplicate key (with "did you
// mean"), every required key present ("expected '<key>' (<its doc line>)"), every value of its
// key's type. Returns what was written and the typed values, defaults included.
FaultParams read_fault_params(const Params& yaml, const ParamTable& table);

}  // namespace sisyphus::model::detail
