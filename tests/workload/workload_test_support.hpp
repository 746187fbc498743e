// Shared by the workload text tests (workload_commands_test.cpp, workload_events_test.cpp,
// workload_errors_test.cpp): the instrument codes they read and write with, random values for
// round trips, and the check that a parse fails with the error it should.
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tests/workload/test_instruments.hpp"
#include "workload/command_text.hpp"

namespace rex::workload::testing {

// The test instruments, and the codes the text form reads and writes them by, built once.
inline const std::vector<refdata::InstrumentSpec>& instruments() {
  static const auto list = test_instruments();
  return list;
}

inline const InstrumentCodes& codes() {
  static const InstrumentCodes instrument_codes{instruments()};
  return instrument_codes;
}

// Runs `parse` and checks it throws ParseError of `kind`, naming `line` and `token`.
template <typename Parse>
void require_error(Parse parse, ErrorKind kind, std::size_t line, std::string_view token) {
  try {
    parse();
    FAIL("expected " << error_kind_name(kind) << ", parsed without error");
  } catch (const ParseError& e) {
    INFO(e.what());
    CHECK(e.kind() == kind);
    CHECK(e.line() == line);
    CHECK(e.token() == token);
    CHECK(std::string(e.what()).find(std::string(error_kind_name(kind))) != std::string::npos);
  }
}

inline void command_error(std::string_view line, ErrorKind kind, std::string_view token) {
  INFO(line);
  require_error([&] { (void)parse_command(line, codes(), 4); }, kind, 4, token);
}

// Random values for round trips: extremes mixed with ordinary values.
class Random {
 public:
  explicit Random(std::uint64_t seed) : rng_(seed) {}

  std::uint64_t u64() {
    switch (pick(6)) {
      case 0: return 0;
      case 1: return std::numeric_limits<std::uint64_t>::max();
      case 2: return pick(100);
      default: return rng_();
    }
  }
  std::uint32_t u32() { return static_cast<std::uint32_t>(pick(4) == 0 ? std::numeric_limits<std::uint32_t>::max() : u64()); }
  std::int64_t i64() {
    switch (pick(6)) {
      case 0: return std::numeric_limits<std::int64_t>::min();
      case 1: return std::numeric_limits<std::int64_t>::max();
      case 2: return static_cast<std::int64_t>(pick(200)) - 100;
      case 3: return static_cast<std::int64_t>(pick(10'000'000));
      default: return static_cast<std::int64_t>(rng_());
    }
  }
  std::uint64_t pick(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_); }
  bool coin() { return pick(2) == 0; }
  template <typename Enum>
  Enum enumeration(unsigned known) {
    return static_cast<Enum>(pick(8) == 0 ? pick(256) : pick(known));
  }
  std::uint32_t instrument() {
    switch (pick(4)) {
      case 0: return u32();
      default: return instruments()[pick(instruments().size())].id;
    }
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace rex::workload::testing
