// The command side of the workload text form: exact prices, the documented lines, defaults and raw
// values, round trips of random commands, halts, quality terms, and whole workload files.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/workload/workload_test_support.hpp"
#include "workload/command_text.hpp"
#include "workload/event_text.hpp"

namespace {

using namespace rex::workload;
using rex::matcher::Command;
using rex::matcher::CommandType;
using rex::matcher::OrderType;
using rex::matcher::QualityTerms;
using rex::matcher::SelfTradePrevention;
using rex::matcher::Side;
using rex::matcher::TimeInForce;
using rex::refdata::AttributeRange;
using rex::refdata::kNoLowerLimit;
using rex::refdata::kNoUpperLimit;
using testing::command_error;
using testing::Random;

const InstrumentCodes& kCodes = testing::codes();

// Quality terms as orders carry them (assays, bounds with open ends) and as broken orders might
// (unordered or repeated attributes, min > max): the text must carry them all.
QualityTerms random_terms(Random& r) {
  QualityTerms q;
  q.count = static_cast<std::uint8_t>(r.pick(rex::matcher::kMaxQualityTerms + 1));
  for (std::size_t i = 0; i < q.count; ++i) {
    AttributeRange& t = q.terms[i];
    t.attribute = static_cast<rex::refdata::AttributeId>(r.coin() ? r.pick(30) : r.pick(65536));
    switch (r.pick(5)) {
      case 0: t.min = t.max = r.i64(); break;  // an assay
      case 1: t.min = r.i64(); break;          // open above
      case 2: t.max = r.i64(); break;          // open below
      case 3: break;                           // open both ways: "the lot must give it"
      default:
        t.min = r.i64();
        t.max = r.i64();
        break;
    }
  }
  return q;
}

std::uint64_t random_set(Random& r) {
  switch (r.pick(4)) {
    case 0: return 0;
    case 1: return std::uint64_t{1} << r.pick(64);
    default: return r.u64();
  }
}

// A command whose unused fields are at their defaults: every command the format must carry.
Command random_command(Random& r) {
  Command c;
  c.seq = r.u64();
  c.timestamp = r.u64();
  c.type = r.enumeration<CommandType>(9);
  const bool unknown = static_cast<unsigned>(c.type) >= 9;
  if (c.type == CommandType::kNewOrder || unknown) {
    c.participant = r.u32();
    c.instrument = r.instrument();
    c.side = r.enumeration<Side>(2);
    c.order_type = r.enumeration<OrderType>(2);
    c.time_in_force = r.enumeration<TimeInForce>(5);
    c.self_trade = r.enumeration<SelfTradePrevention>(5);
    c.post_only = r.coin();
    c.all_or_none = r.coin();
    c.price = r.i64();
    c.quantity = r.i64();
    c.display_quantity = r.coin() ? 0 : r.i64();
    c.min_quantity = r.coin() ? 0 : r.i64();
    c.expiry = r.coin() ? 0 : r.u64();
  }
  if (c.type == CommandType::kCancel || c.type == CommandType::kAmend || unknown) {
    c.participant = r.u32();
    c.order_id = r.u64();
  }
  if (c.type == CommandType::kAmend) {
    c.price = r.coin() ? 0 : r.i64();
    c.quantity = r.coin() ? 0 : r.i64();
    c.replace_quality = r.coin();
  }
  if (c.type == CommandType::kNewOrder || c.type == CommandType::kAmend || unknown) {
    if (r.coin()) {
      c.accepted_grades = random_set(r);
      c.accepted_hubs = random_set(r);
      c.quality = random_terms(r);
    }
  }
  if (unknown) {
    c.commodity = r.coin() ? rex::refdata::kAnyCommodity : r.u32();
    c.replace_quality = r.coin();
  }
  if (c.type == CommandType::kReferenceData || unknown) {
    if (!unknown) c.participant = r.coin() ? 0 : r.u32();
    c.reference_data = r.coin() ? 0 : r.u32();
  }
  if (c.type == CommandType::kMassCancel) {
    c.participant = r.coin() ? rex::refdata::kAnyParticipant : r.u32();
    c.instrument = r.coin() ? rex::refdata::kAnyInstrument : r.instrument();
  }
  if (c.type == CommandType::kHalt || c.type == CommandType::kResume) {
    c.participant = r.coin() ? 0 : r.u32();
    c.instrument = r.coin() ? rex::refdata::kAnyInstrument : r.instrument();
    c.commodity = r.coin() ? rex::refdata::kAnyCommodity : r.u32();
  }
  return c;
}

// ---------------------------------------------------------------------------------------------

TEST_CASE("prices convert exactly between CNY text and fen", "[workload][price]") {
  CHECK(parse_price("72350.00", 1, "px") == 7'235'000);
  CHECK(parse_price("72350", 1, "px") == 7'235'000);
  CHECK(parse_price("72350.5", 1, "px") == 7'235'050);
  CHECK(parse_price("2800.07", 1, "px") == 280'007);
  CHECK(parse_price("0.01", 1, "px") == 1);
  CHECK(parse_price("-0.01", 1, "px") == -1);
  CHECK(parse_price("0", 1, "px") == 0);
  CHECK(parse_price("92233720368547758.07", 1, "px") == std::numeric_limits<std::int64_t>::max());
  CHECK(parse_price("-92233720368547758.08", 1, "px") == std::numeric_limits<std::int64_t>::min());
  CHECK(format_price(7'235'000) == "72350.00");
  CHECK(format_price(280'007) == "2800.07");
  CHECK(format_price(-1) == "-0.01");
  CHECK(format_price(0) == "0.00");
  CHECK(format_price(std::numeric_limits<std::int64_t>::min()) == "-92233720368547758.08");
  CHECK(format_price(std::numeric_limits<std::int64_t>::max()) == "92233720368547758.07");
  Random r(7);
  for (int i = 0; i < 10'000; ++i) {
    const auto fen = r.i64();
    REQUIRE(parse_price(format_price(fen), 1, "px") == fen);
  }
}

TEST_CASE("the brief's example lines read as the commands they say", "[workload][command]") {
  const Command c = parse_command(
      "12 t=1000 NEW p=3 ins=CU-BARLEY-XUCHANG BUY LIMIT qty=5000 px=72350.00 tif=GTC display=1000 "
      "minqty=2000 aon postonly stp=CANCEL_RESTING exp=5000",
      kCodes);
  CHECK(c.type == CommandType::kNewOrder);
  CHECK(c.seq == 12);
  CHECK(c.timestamp == 1000);
  CHECK(c.participant == 3);
  CHECK(c.instrument == 0);
  CHECK(c.side == Side::kBuy);
  CHECK(c.order_type == OrderType::kLimit);
  CHECK(c.quantity == 5000);
  CHECK(c.price == 7'235'000);
  CHECK(c.time_in_force == TimeInForce::kGoodTillCancel);
  CHECK(c.display_quantity == 1000);
  CHECK(c.min_quantity == 2000);
  CHECK(c.all_or_none);
  CHECK(c.post_only);
  CHECK(c.self_trade == SelfTradePrevention::kCancelResting);
  CHECK(c.expiry == 5000);
  CHECK(format_command(c, kCodes) ==
        "12 t=1000 NEW p=3 ins=CU-BARLEY-XUCHANG BUY LIMIT qty=5000 px=72350.00 tif=GTC display=1000 "
        "minqty=2000 aon postonly stp=CANCEL_RESTING exp=5000");

  const Command cancel = parse_command("13 t=1000 CANCEL p=3 order=12", kCodes);
  CHECK(cancel.type == CommandType::kCancel);
  CHECK(cancel.order_id == 12);
  const Command amend = parse_command("14 t=1001 AMEND p=3 order=12 qty=3000 px=72340.00", kCodes);
  CHECK(amend.type == CommandType::kAmend);
  CHECK(amend.quantity == 3000);
  CHECK(amend.price == 7'234'000);
  const Command mass = parse_command("15 t=1002 MASS_CANCEL p=3 ins=*", kCodes);
  CHECK(mass.participant == 3);
  CHECK(mass.instrument == rex::refdata::kAnyInstrument);
  CHECK(format_command(mass, kCodes) == "15 t=1002 MASS_CANCEL p=3 ins=*");
  CHECK(parse_command("16 t=1003 END_OF_DAY", kCodes).type == CommandType::kEndOfDay);
  CHECK(parse_command("17 t=1004 CLOCK   # expire GTD orders", kCodes).type == CommandType::kClock);
}

TEST_CASE("defaults, shorthands and raw values", "[workload][command]") {
  const Command market = parse_command("1 t=5 NEW p=1 ins=FE-HMS1-TANGSHAN SELL MARKET qty=32000 tif=IOC", kCodes);
  CHECK(market.order_type == OrderType::kMarket);
  CHECK(market.price == 0);
  CHECK(format_command(market, kCodes) == "1 t=5 NEW p=1 ins=FE-HMS1-TANGSHAN SELL MARKET qty=32000 tif=IOC");
  // LIMIT and GTC are the defaults; side= and type= are the long forms of the bare words.
  const Command a = parse_command("2 t=5 NEW p=1 ins=FE-HMS1-TANGSHAN side=SELL qty=1000 px=2800", kCodes);
  const Command b = parse_command("2 t=5 NEW p=1 ins=FE-HMS1-TANGSHAN SELL LIMIT qty=1000 px=2800.00 tif=GTC", kCodes);
  CHECK(a == b);
  // Out-of-range enumerations and unknown instrument ids stay representable (the engine rejects them).
  const Command raw = parse_command("3 t=5 NEW p=1 ins=#42 side=9 type=7 qty=0 px=-1.5 tif=200 stp=6", kCodes);
  CHECK(static_cast<int>(raw.side) == 9);
  CHECK(static_cast<int>(raw.order_type) == 7);
  CHECK(static_cast<int>(raw.time_in_force) == 200);
  CHECK(static_cast<int>(raw.self_trade) == 6);
  CHECK(raw.instrument == 42);
  CHECK(raw.price == -150);
  CHECK(parse_command(format_command(raw, kCodes), kCodes) == raw);
  const Command unknown_type = parse_command("4 t=5 cmd=9 p=2 order=8", kCodes);
  CHECK(static_cast<int>(unknown_type.type) == 9);
  CHECK(format_command(unknown_type, kCodes) == "4 t=5 cmd=9 p=2 order=8");
  CHECK(parse_command("5 t=5 cmd=1 p=2 order=8", kCodes) == parse_command("5 t=5 CANCEL p=2 order=8", kCodes));
  // Instrument ids that are not dense still resolve by code.
  CHECK(parse_command("6 t=5 MASS_CANCEL p=* ins=AL-TAINT-FOSHAN", kCodes).instrument == 7);
}

TEST_CASE("parse(format(c)) == c for random commands", "[workload][command][roundtrip]") {
  Random r(20240601);
  for (int i = 0; i < 20'000; ++i) {
    const Command c = random_command(r);
    REQUIRE(is_formattable(c));
    const std::string line = format_command(c, kCodes);
    INFO(line);
    REQUIRE(parse_command(line, kCodes) == c);
  }
}

TEST_CASE("a command with a field its verb does not use is not written", "[workload][command]") {
  Command c;
  c.type = CommandType::kCancel;
  c.seq = 3;
  c.participant = 1;
  c.order_id = 2;
  c.price = 100;  // a cancel has no price: writing it would lose it on the way back
  CHECK_FALSE(is_formattable(c));
  CHECK_THROWS_AS(format_command(c, kCodes), std::invalid_argument);
}

TEST_CASE("halt and resume: by instrument, by commodity, the whole market", "[workload][command][halt]") {
  const Command by_instrument = parse_command("20 t=3000 HALT ins=CU-BARLEY-XUCHANG", kCodes);
  CHECK(by_instrument.type == CommandType::kHalt);
  CHECK(by_instrument.instrument == 0);
  CHECK(by_instrument.commodity == rex::refdata::kAnyCommodity);
  CHECK(format_command(by_instrument, kCodes) == "20 t=3000 HALT ins=CU-BARLEY-XUCHANG");

  const Command by_commodity = parse_command("21 t=3001 HALT commodity=2", kCodes);
  CHECK(by_commodity.instrument == rex::refdata::kAnyInstrument);
  CHECK(by_commodity.commodity == 2);
  CHECK(format_command(by_commodity, kCodes) == "21 t=3001 HALT commodity=2");

  const Command market = parse_command("22 t=3002 RESUME", kCodes);
  CHECK(market.type == CommandType::kResume);
  CHECK(market.instrument == rex::refdata::kAnyInstrument);
  CHECK(market.commodity == rex::refdata::kAnyCommodity);
  CHECK(format_command(market, kCodes) == "22 t=3002 RESUME");
  CHECK(parse_command("22 t=3002 RESUME ins=* commodity=*", kCodes) == market);

  // Both named (the engine's INVALID_HALT_SCOPE), the operator who sent it, raw ids.
  const Command both = parse_command("23 t=3003 HALT p=9 ins=#42 commodity=0", kCodes);
  CHECK(both.participant == 9);
  CHECK(both.instrument == 42);
  CHECK(both.commodity == 0);
  CHECK(format_command(both, kCodes) == "23 t=3003 HALT p=9 ins=#42 commodity=0");
  CHECK(parse_command("24 t=3004 cmd=6", kCodes) == parse_command("24 t=3004 HALT", kCodes));

  // Halting instrument 0 is not the whole market: a command built with the default instrument
  // (0) keeps it.
  Command zero;
  zero.type = CommandType::kResume;
  zero.seq = 25;
  CHECK(format_command(zero, kCodes) == "25 t=0 RESUME ins=CU-BARLEY-XUCHANG");
  CHECK(parse_command(format_command(zero, kCodes), kCodes) == zero);
}

TEST_CASE("quality terms, accepted grades and hubs, replace_quality", "[workload][command][quality]") {
  const Command bid = parse_command(
      "30 t=4000 NEW p=2 ins=CU-BARLEY-XUCHANG BUY LIMIT qty=10000 px=76000.00 tif=GTC grades=9,10 hubs=0,3 "
      "bounds=6:..120,14:9950..",
      kCodes);
  CHECK(bid.accepted_grades == ((std::uint64_t{1} << 9) | (std::uint64_t{1} << 10)));
  CHECK(bid.accepted_hubs == ((std::uint64_t{1} << 0) | (std::uint64_t{1} << 3)));
  REQUIRE(bid.quality->count == 2);
  CHECK(bid.quality->terms[0] == AttributeRange{6, kNoLowerLimit, 120});
  CHECK(bid.quality->terms[1] == AttributeRange{14, 9950, kNoUpperLimit});
  CHECK(bid.quality->terms[2] == AttributeRange{});
  CHECK(format_command(bid, kCodes) ==
        "30 t=4000 NEW p=2 ins=CU-BARLEY-XUCHANG BUY LIMIT qty=10000 px=76000.00 tif=GTC grades=9,10 hubs=0,3 "
        "bounds=6:..120,14:9950..");
  // Sets are read in any order and written ascending.
  CHECK(parse_command("30 t=4000 NEW p=2 ins=CU-BARLEY-XUCHANG BUY qty=10000 px=76000 grades=10,9 hubs=3,0 "
                      "bounds=6:..120,14:9950..",
                      kCodes) == bid);

  const Command lot = parse_command(
      "31 t=4001 NEW p=1 ins=CU-BARLEY-XUCHANG SELL LIMIT qty=32500 px=75980.00 tif=GTC aon assay=0:640,6:85", kCodes);
  REQUIRE(lot.quality->count == 2);
  CHECK(lot.quality->terms[0] == AttributeRange{0, 640, 640});
  CHECK(lot.quality->terms[1] == AttributeRange{6, 85, 85});
  CHECK(format_command(lot, kCodes) ==
        "31 t=4001 NEW p=1 ins=CU-BARLEY-XUCHANG SELL LIMIT qty=32500 px=75980.00 tif=GTC aon assay=0:640,6:85");
  // assay= and bounds= are one field: the writer picks the word by side, the reader takes either.
  CHECK(parse_command("31 t=4001 NEW p=1 ins=CU-BARLEY-XUCHANG SELL qty=32500 px=75980 tif=GTC aon bounds=0:640,6:85",
                      kCodes) == lot);
  CHECK(parse_command("31 t=4001 NEW p=1 ins=CU-BARLEY-XUCHANG SELL qty=32500 px=75980 tif=GTC aon "
                      "assay=0:640..640,6:85..85",
                      kCodes) == lot);

  // What the engine must refuse stays representable, in the order written: repeated and
  // unordered attributes, min > max, a range on a sell, negative values, both ends open.
  const Command odd = parse_command(
      "32 t=4002 NEW p=1 ins=CU-BARLEY-XUCHANG SELL qty=1000 px=75000 assay=14:9990,3:5,3:-7..-9,7:1..2,8:..", kCodes);
  REQUIRE(odd.quality->count == 5);
  CHECK(odd.quality->terms[1] == AttributeRange{3, 5, 5});
  CHECK(odd.quality->terms[2] == AttributeRange{3, -7, -9});
  CHECK(odd.quality->terms[3] == AttributeRange{7, 1, 2});
  CHECK(odd.quality->terms[4] == AttributeRange{8, kNoLowerLimit, kNoUpperLimit});
  CHECK(parse_command(format_command(odd, kCodes), kCodes) == odd);
  // Exactly 8 terms fit.
  CHECK(parse_command("33 t=1 AMEND p=1 order=2 bounds=1:1,2:2,3:3,4:4,5:5,6:6,7:7,8:8", kCodes).quality->count == 8);
  // An explicit extreme is the open end it equals.
  CHECK(parse_command("33 t=1 AMEND p=1 order=2 bounds=1:-9223372036854775808..9223372036854775807", kCodes) ==
        parse_command("33 t=1 AMEND p=1 order=2 bounds=1:..", kCodes));

  const std::string amend_line =
      "34 t=4003 AMEND p=2 order=30 px=76010.00 replace_quality grades=9 bounds=14:9960..";
  const Command amend = parse_command(amend_line, kCodes);
  CHECK(amend.replace_quality);
  CHECK(amend.accepted_grades == std::uint64_t{1} << 9);
  CHECK(amend.accepted_hubs == 0);
  CHECK(amend.quality->count == 1);
  CHECK(format_command(amend, kCodes) == amend_line);
  // replace_quality with nothing after it: replace the terms with none (the engine decides).
  const Command clear = parse_command("35 t=4004 AMEND p=2 order=30 replace_quality", kCodes);
  CHECK(clear.replace_quality);
  CHECK(format_command(clear, kCodes) == "35 t=4004 AMEND p=2 order=30 replace_quality");
  // All 64 bits.
  const Command all = parse_command(format_command(
      [] {
        Command c;
        c.type = CommandType::kAmend;
        c.accepted_grades = ~std::uint64_t{0};
        return c;
      }(),
      kCodes), kCodes);
  CHECK(all.accepted_grades == ~std::uint64_t{0});
}

TEST_CASE("quality terms a line cannot carry are not written", "[workload][command][quality]") {
  Command c;
  c.type = CommandType::kNewOrder;
  c.quality.edit().count = 9;  // beyond the array: nothing to write
  CHECK_FALSE(is_formattable(c));
  CHECK_THROWS_AS(format_command(c, kCodes), std::invalid_argument);
  c.quality.edit().count = 1;
  c.quality.edit().terms[1].attribute = 4;  // a term past the count would be lost
  CHECK_FALSE(is_formattable(c));
  c.quality.edit().terms[1] = AttributeRange{};
  CHECK(is_formattable(c));
  Command halt;
  halt.type = CommandType::kHalt;
  halt.quantity = 5;  // a halt has no quantity
  CHECK_FALSE(is_formattable(halt));
}

TEST_CASE("workload files: header, comments, blank lines, CRLF, streaming", "[workload][file]") {
  const std::string text =
      "# a small workload\n"
      "\n"
      "REX-WORKLOAD 1\r\n"
      "1 t=100 NEW p=1 ins=FE-HMS1-TANGSHAN SELL LIMIT qty=32000 px=2800.00 tif=DAY  # a truck of HMS\r\n"
      "   # indented comment\n"
      "2 t=200 NEW p=2 ins=FE-HMS1-TANGSHAN BUY LIMIT qty=10000 px=2810.00 tif=GTC\n"
      "3 t=300 END_OF_DAY";
  const auto commands = parse_workload(text, kCodes);
  REQUIRE(commands.size() == 3);
  CHECK(commands[0].quantity == 32000);
  CHECK(commands[1].price == 281'000);
  CHECK(commands[2].type == CommandType::kEndOfDay);

  std::istringstream in(text);
  WorkloadReader reader(in, kCodes);
  std::vector<Command> streamed;
  while (auto c = reader.next()) streamed.push_back(*c);
  CHECK(streamed == commands);

  std::ostringstream out;
  WorkloadWriter writer(out, kCodes);
  writer.comment("written back\nin two lines");
  for (const auto& c : commands) writer.write(c);
  CHECK(parse_workload(out.str(), kCodes) == commands);
  const std::string formatted = format_workload(commands, kCodes);
  CHECK(formatted.starts_with("REX-WORKLOAD 1\n1 t=100 NEW"));
  CHECK(parse_workload(formatted, kCodes) == commands);
}

TEST_CASE("a reference-data reload and its event read and write as documented", "[workload][command]") {
  const std::string line = "7 t=1000 REFERENCE_DATA p=100 refdata=c0ffee01";
  const Command c = parse_command(line, kCodes);
  CHECK(c.type == CommandType::kReferenceData);
  CHECK(c.participant == 100);
  CHECK(c.reference_data == 0xC0FFEE01u);
  CHECK(format_command(c, kCodes) == line);
  command_error("7 t=1000 REFERENCE_DATA p=100", ErrorKind::kMissingField, "REFERENCE_DATA");

  const std::string event = "REFERENCE_DATA seq=7 t=1000 refdata=c0ffee01";
  const rex::matcher::Event e = parse_event(event, kCodes);
  CHECK(e.type == rex::matcher::EventType::kReferenceData);
  CHECK(e.reference_data == 0xC0FFEE01u);
  CHECK(format_event(e, kCodes) == event);
}

}  // namespace
