#pragma once
// For the over-the-wire fault tests.
#include <algorithm>
#include <vector>

#include "sisyphus/proxy/log.hpp"

namespace sisyphus::test {

// Sessions log a request when its response ends, so a cut or stalled response can be
// logged after the next one: tests compare records in attempt order.
inline std::vector<proxy::LogRecord> by_attempt(std::vector<proxy::LogRecord> log) {
  std::stable_sort(log.begin(), log.end(),
                   [](const auto& a, const auto& b) { return a.attempt < b.attempt; });
  return log;
}

}  // namespace sisyphus::test
