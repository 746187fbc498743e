// Seeded mutation fuzzing: random byte edits of a valid workload and of event lines must either
// parse (and then read back unchanged through the writer) or throw the library's ParseError.
// Nothing else: no crash, no other exception, no sanitizer report (the debug preset runs ASan/UBSan).
#include <catch2/catch.hpp>

#include <array>
#include <random>
#include <string>

#include "tests/workload/test_instruments.hpp"
#include "workload/command_text.hpp"
#include "workload/event_text.hpp"

namespace {

using namespace rex::workload;

const auto kInstruments = testing::test_instruments();
const InstrumentCodes kCodes{kInstruments};

constexpr std::uint64_t kSeed = 0x5eed'2026;
constexpr int kMutations = 6000;

const std::string kWorkload =
    "# fuzz seed workload\n"
    "REX-WORKLOAD 1\n"
    "1 t=1000 NEW p=1 ins=FE-HMS1-TANGSHAN SELL LIMIT qty=32000 px=2800.00 tif=DAY aon\n"
    "2 t=1000 NEW p=2 ins=CU-BARLEY-XUCHANG BUY LIMIT qty=5000 px=72350.00 tif=GTD display=1000 minqty=2000 "
    "stp=CANCEL_RESTING exp=5000\n"
    "3 t=1001 NEW p=3 ins=#9 side=4 MARKET qty=-7 px=-0.01 tif=IOC postonly\n"
    "4 t=1002 AMEND p=2 order=2 qty=3000 px=72340.5\n"
    "5 t=1003 CANCEL p=1 order=1   # comment\n"
    "\n"
    "6 t=1004 MASS_CANCEL p=* ins=AL-TAINT-FOSHAN\n"
    "7 t=1005 END_OF_DAY\n"
    "8 t=18446744073709551615 CLOCK\n"
    "9 t=1006 cmd=77 p=4 order=3 qty=9 aon\n"
    "10 t=1007 NEW p=2 ins=CU-BARLEY-XUCHANG BUY LIMIT qty=10000 px=76000.00 tif=GTC grades=9,10 hubs=0,3 "
    "bounds=6:..120,14:9950..\n"
    "11 t=1008 NEW p=1 ins=CU-BARLEY-XUCHANG SELL LIMIT qty=32500 px=75980.00 aon assay=0:640,6:85,7:-3\n"
    "12 t=1009 AMEND p=2 order=10 replace_quality grades=9 hubs=63 bounds=14:9960..9999\n"
    "13 t=1010 HALT ins=FE-HMS1-TANGSHAN\n"
    "14 t=1011 HALT p=9 commodity=2\n"
    "15 t=1012 RESUME\n";

const std::array<std::string, 12> kEventLines = {
    "ACCEPTED seq=2 t=1000 order=2 p=2 ins=CU-BARLEY-XUCHANG BUY px=72350.00 qty=5000",
    "REJECTED seq=3 t=1001 code=PRICE_OFF_TICK p=3 order=7",
    "TRADE seq=4 t=1002 id=1 ins=CU-BARLEY-XUCHANG px=72350.00 qty=1000 maker=7(p2) taker=12(p3) side=BUY leaves=0 "
    "taker_leaves=4000",
    "AMENDED order=2 p=2 ins=CU-BARLEY-XUCHANG BUY px=72340.00 qty=3000 priority=KEPT",
    "CANCELLED order=12 p=3 ins=FE-HMS1-TANGSHAN SELL px=2800.00 reason=SELF_TRADE_PREVENTION qty=2000 leaves=3000",
    "EXPIRED order=12 p=3 ins=FE-HMS1-TANGSHAN SELL px=2800.00 reason=END_OF_DAY qty=2000",
    "LEVEL ins=FE-HMS1-TANGSHAN BUY px=2800.00 qty=5000 count=2",
    "event=200 seq=1 id=3 cancel_reason=7 expiry_reason=1 code=999 count=4",
    "STATUS seq=13 t=1010 ins=FE-HMS1-TANGSHAN status=HALTED",
    "TOP commodity=1 bid=75950.00 ask=none",
    "TRADE id=4 ins=CU-BARLEY-XUCHANG px=75650.00 base=75950.00 qty=10000 maker=3(p1) taker=5(p2) side=BUY leaves=0 "
    "taker_leaves=0 refdata=bcbeb564",
    "REJECTED code=ASSAY_OUT_OF_SPEC p=1 attr=14 has_bid=1 ask_px=3.00 commodity=2",
};

// Bytes that tend to matter to the grammar, mixed with arbitrary ones.
char random_byte(std::mt19937_64& rng) {
  static constexpr std::string_view kInteresting = " \t\r\n#=.-*()p0123456789AEBSx:,";
  std::uniform_int_distribution<int> coin(0, 2);
  if (coin(rng) != 0) {
    return kInteresting[std::uniform_int_distribution<std::size_t>(0, kInteresting.size() - 1)(rng)];
  }
  return static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
}

std::string mutate(std::string text, std::mt19937_64& rng) {
  const int edits = std::uniform_int_distribution<int>(1, 4)(rng);
  for (int i = 0; i < edits; ++i) {
    const std::size_t at = std::uniform_int_distribution<std::size_t>(0, text.size())(rng);
    switch (std::uniform_int_distribution<int>(0, 4)(rng)) {
      case 0: text.insert(at, 1, random_byte(rng)); break;
      case 1:
        if (at < text.size()) text.erase(at, 1);
        break;
      case 2:
        if (at < text.size()) text[at] = random_byte(rng);
        break;
      case 3: {  // duplicate a slice: repeated keys, long digit runs
        const std::size_t len = std::uniform_int_distribution<std::size_t>(1, 24)(rng);
        text.insert(at, text.substr(at, len));
        break;
      }
      default: {  // truncate
        text.resize(at);
        break;
      }
    }
  }
  return text;
}

TEST_CASE("mutated workloads parse or give ParseError, never anything else", "[workload][fuzz]") {
  REQUIRE(parse_workload(kWorkload, kCodes).size() == 15);
  std::mt19937_64 rng(kSeed);
  int parsed = 0;
  int rejected = 0;
  for (int i = 0; i < kMutations; ++i) {
    const std::string text = mutate(kWorkload, rng);
    try {
      const auto commands = parse_workload(text, kCodes);
      ++parsed;
      // Whatever was read is a formattable command and reads back unchanged.
      for (const auto& c : commands) {
        const std::string line = format_command(c, kCodes);
        INFO("mutation " << i << ": " << line);
        REQUIRE(parse_command(line, kCodes) == c);
      }
    } catch (const ParseError& e) {
      ++rejected;
      REQUIRE((e.line() >= 1 || (e.kind() == ErrorKind::kMissingHeader && text.find_first_not_of(" \t\r\n\v\f") == std::string::npos)));
    }
  }
  // Both outcomes occur, so the edits are neither all harmless nor all fatal.
  CHECK(parsed > kMutations / 50);
  CHECK(rejected > kMutations / 2);
}

TEST_CASE("mutated event lines parse or give ParseError, never anything else", "[workload][fuzz]") {
  std::mt19937_64 rng(kSeed + 1);
  int parsed = 0;
  for (int i = 0; i < kMutations; ++i) {
    const std::string& base = kEventLines[static_cast<std::size_t>(i) % kEventLines.size()];
    const std::string line = mutate(base, rng);
    try {
      const auto event = parse_event(line, kCodes, 1);
      ++parsed;
      const std::string text = format_event(event, kCodes);
      INFO("mutation " << i << ": " << line << " -> " << text);
      REQUIRE(parse_event(text, kCodes) == event);
    } catch (const ParseError& e) {
      REQUIRE(e.line() == 1);
    }
  }
  CHECK(parsed > 0);
}

}  // namespace
