// FUZZ_CHECK: an invariant of a fuzz target. A broken one prints what broke
// and aborts, which libFuzzer reports as a crash and saves the input
// (crash-<sha1>), so every finding is reproducible:
//
//   FUZZ_CHECK(reparsed.ok(), "ToWireJson output does not re-parse: " << json);
//
// Header-only; for fuzz/*_fuzzer.cc.
#ifndef SEEDANCE_FUZZ_FUZZ_CHECK_H_
#define SEEDANCE_FUZZ_FUZZ_CHECK_H_

#include <cstdlib>
#include <iostream>

#define FUZZ_CHECK(condition, message)                                       \
  do {                                                                       \
    if (!(condition)) {                                                      \
      std::cerr << __FILE__ << ":" << __LINE__ << ": invariant broken: "     \
                << #condition << "\n  " << message << std::endl;             \
      std::abort();                                                          \
    }                                                                        \
  } while (false)

#endif  // SEEDANCE_FUZZ_FUZZ_CHECK_H_
