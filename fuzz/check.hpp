#pragma once
// What every fuzz target shares: a check that holds in every build (assert() is compiled out in
// release builds, and a broken invariant must crash the fuzzer, whatever the build type).

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)
