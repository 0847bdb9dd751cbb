#pragma once
// The invariants of a fuzz target. A failed check prints what did not hold and the input's
// own words for it, then aborts: libFuzzer reports the abort as a crash (and saves the input),
// and a corpus replay test fails on it. A macro, for the condition's text and its line.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, ...)                                                                \
  do {                                                                                            \
    if (!(condition)) {                                                                           \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n  %s\n", __FILE__, __LINE__, #condition, \
                   ::fmt::format(__VA_ARGS__).c_str());                                           \
      std::abort();                                                                               \
    }                                                                                             \
  } while (false)
