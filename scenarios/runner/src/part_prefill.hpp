#pragma once
// A prefill for the reference client: an earlier `sisyphus get` killed after `bytes` leaves
// FILE.part holding them and FILE.part.json counting them, with the validators of the
// response it was reading (client-under-test/include/sisyphus/client/state.hpp).
#include "sisyphus/runner/client_adapter.hpp"

namespace sisyphus::runner::detail {

void write_part_prefill(const PrefillContext& ctx);

}  // namespace sisyphus::runner::detail
