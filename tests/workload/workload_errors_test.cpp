// One test per parse error class of the workload text form, in command lines, event lines and
// whole files: each error names its class, the line and the token at fault.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <string_view>

#include "tests/workload/workload_test_support.hpp"
#include "workload/command_text.hpp"
#include "workload/event_text.hpp"

namespace {

using namespace rex::workload;
using testing::command_error;
using testing::require_error;

const InstrumentCodes& kCodes = testing::codes();

void event_error(std::string_view line, ErrorKind kind, std::string_view token) {
  INFO(line);
  require_error([&] { (void)parse_event(line, kCodes, 9); }, kind, 9, token);
}

// --- one test per error class ------------------------------------------------------------------

TEST_CASE("error: MISSING_HEADER", "[workload][error]") {
  require_error([] { (void)parse_workload("1 t=1 CLOCK\n", kCodes); }, ErrorKind::kMissingHeader, 1, "1");
  require_error([] { (void)parse_workload("# only a comment\n\n", kCodes); }, ErrorKind::kMissingHeader, 2, "");
  require_error([] { (void)parse_workload("REX-WORKLOAD\n", kCodes); }, ErrorKind::kMissingHeader, 1, "REX-WORKLOAD");
}

TEST_CASE("error: UNSUPPORTED_VERSION", "[workload][error]") {
  require_error([] { (void)parse_workload("\nREX-WORKLOAD 2\n1 t=1 CLOCK\n", kCodes); },
                ErrorKind::kUnsupportedVersion, 2, "2");
}

TEST_CASE("error: UNKNOWN_VERB", "[workload][error]") {
  command_error("5 t=1 BUY p=1", ErrorKind::kUnknownVerb, "BUY");
  command_error("5 t=1 halt", ErrorKind::kUnknownVerb, "halt");
  event_error("HALTED ins=FE-HMS1-TANGSHAN", ErrorKind::kUnknownVerb, "HALTED");
  command_error("5 t=1 new p=1", ErrorKind::kUnknownVerb, "new");
  event_error("FILLED order=3", ErrorKind::kUnknownVerb, "FILLED");
}

TEST_CASE("error: UNKNOWN_KEY", "[workload][error]") {
  command_error("5 t=1 CANCEL p=1 order=2 reason=x", ErrorKind::kUnknownKey, "reason=x");
  command_error("5 t=1 NEW p=1 ins=FE-HMS1-TANGSHAN BUY qty=1000 px=1 iceberg", ErrorKind::kUnknownKey, "iceberg");
  event_error("LEVEL ins=FE-HMS1-TANGSHAN BUY px=1 qty=1 count=1 orders=2", ErrorKind::kUnknownKey, "orders=2");
  command_error("5 t=1 NEW p=1 ins=FE-HMS1-TANGSHAN BUY qty=1000 px=1 quality=1:1", ErrorKind::kUnknownKey,
                "quality=1:1");
  command_error("5 t=1 AMEND p=1 order=2 replace", ErrorKind::kUnknownKey, "replace");
}

TEST_CASE("error: KEY_NOT_ALLOWED", "[workload][error]") {
  command_error("5 t=1 CANCEL p=1 order=2 qty=1000", ErrorKind::kKeyNotAllowed, "qty=1000");
  command_error("5 t=1 CLOCK p=1", ErrorKind::kKeyNotAllowed, "p=1");
  command_error("5 t=1 AMEND p=1 order=2 aon", ErrorKind::kKeyNotAllowed, "aon");
  event_error("TRADE id=1 reason=REQUESTED", ErrorKind::kKeyNotAllowed, "reason=REQUESTED");
  command_error("5 t=1 CANCEL p=1 order=2 grades=1", ErrorKind::kKeyNotAllowed, "grades=1");
  command_error("5 t=1 MASS_CANCEL p=1 ins=* bounds=1:2..", ErrorKind::kKeyNotAllowed, "bounds=1:2..");
  command_error("5 t=1 NEW p=1 ins=FE-HMS1-TANGSHAN BUY qty=1000 px=1 replace_quality", ErrorKind::kKeyNotAllowed,
                "replace_quality");
  command_error("5 t=1 NEW p=1 ins=FE-HMS1-TANGSHAN BUY qty=1000 px=1 commodity=1", ErrorKind::kKeyNotAllowed,
                "commodity=1");
  command_error("5 t=1 HALT order=3", ErrorKind::kKeyNotAllowed, "order=3");
  command_error("5 t=1 RESUME BUY", ErrorKind::kKeyNotAllowed, "BUY");
}

TEST_CASE("error: MISSING_FIELD", "[workload][error]") {
  command_error("", ErrorKind::kMissingField, "");
  command_error("5", ErrorKind::kMissingField, "5");
  command_error("5 NEW", ErrorKind::kMissingField, "NEW");
  command_error("5 t=1", ErrorKind::kMissingField, "t=1");
  command_error("5 t=1 NEW p=1 ins=FE-HMS1-TANGSHAN qty=1000 px=2800", ErrorKind::kMissingField, "NEW");
  command_error("5 t=1 NEW p=1 ins=FE-HMS1-TANGSHAN BUY qty=1000", ErrorKind::kMissingField, "NEW");  // limit, no px
  command_error("5 t=1 CANCEL p=1", ErrorKind::kMissingField, "CANCEL");
  command_error("5 t=1 MASS_CANCEL p=1", ErrorKind::kMissingField, "MASS_CANCEL");
  event_error("CANCELLED order=3 p=1 ins=FE-HMS1-TANGSHAN BUY px=1 reason=REQUESTED qty=1000", ErrorKind::kMissingField,
              "CANCELLED");
  event_error("REJECTED code=ASSAY_OUT_OF_SPEC p=1", ErrorKind::kMissingField, "REJECTED");
  event_error("TOP commodity=1 bid=none", ErrorKind::kMissingField, "TOP");
  event_error("STATUS ins=FE-HMS1-TANGSHAN", ErrorKind::kMissingField, "STATUS");
}

TEST_CASE("error: DUPLICATE_KEY", "[workload][error]") {
  command_error("5 t=1 NEW p=1 ins=FE-HMS1-TANGSHAN BUY SELL qty=1000 px=1", ErrorKind::kDuplicateKey, "SELL");
  command_error("5 t=1 NEW p=1 ins=FE-HMS1-TANGSHAN side=BUY BUY qty=1000 px=1", ErrorKind::kDuplicateKey, "BUY");
  command_error("5 t=1 AMEND p=1 order=2 qty=1000 qty=2000", ErrorKind::kDuplicateKey, "qty=2000");
  command_error("5 t=1 NEW p=1 ins=FE-HMS1-TANGSHAN BUY qty=1000 px=1 aon aon", ErrorKind::kDuplicateKey, "aon");
  event_error("TRADE id=1 maker=3(p1) order=3", ErrorKind::kDuplicateKey, "order=3");
  command_error("5 t=1 NEW p=1 ins=FE-HMS1-TANGSHAN SELL qty=1000 px=1 assay=1:2 bounds=1:2", ErrorKind::kDuplicateKey,
                "bounds=1:2");
  command_error("5 t=1 HALT commodity=1 commodity=2", ErrorKind::kDuplicateKey, "commodity=2");
  command_error("5 t=1 AMEND p=1 order=2 replace_quality replace_quality", ErrorKind::kDuplicateKey, "replace_quality");
  event_error("TOP commodity=1 bid=1.00 px=1.00 ask=none", ErrorKind::kDuplicateKey, "px=1.00");
  event_error("STATUS ins=FE-HMS1-TANGSHAN status=HALTED status=TRADING", ErrorKind::kDuplicateKey, "status=TRADING");
}

TEST_CASE("error: BAD_NUMBER", "[workload][error]") {
  command_error("x5 t=1 CLOCK", ErrorKind::kBadNumber, "x5");
  command_error("5 t= CLOCK", ErrorKind::kBadNumber, "t=");
  command_error("5 t=1 AMEND p=1 order=2 qty=1e3", ErrorKind::kBadNumber, "qty=1e3");
  command_error("5 t=1 AMEND p=1 order=2 qty=+1000", ErrorKind::kBadNumber, "qty=+1000");
  command_error("5 t=1 AMEND p=1 order=2 px=72,350.00", ErrorKind::kBadNumber, "px=72,350.00");
  command_error("5 t=1 AMEND p=1 order=2 px=72350.", ErrorKind::kBadNumber, "px=72350.");
  command_error("5 t=1 AMEND p=1 order=2 px=.5", ErrorKind::kBadNumber, "px=.5");
  command_error("5 t=1 CANCEL p=-1 order=2", ErrorKind::kBadNumber, "p=-1");
  command_error("5 t=1 CANCEL p=* order=2", ErrorKind::kBadNumber, "p=*");
  event_error("TRADE id=1 maker=3p1", ErrorKind::kBadNumber, "maker=3p1");
  command_error("5 t=1 AMEND p=1 order=2 grades=", ErrorKind::kBadNumber, "grades=");
  command_error("5 t=1 AMEND p=1 order=2 grades=1,,2", ErrorKind::kBadNumber, "grades=1,,2");
  command_error("5 t=1 AMEND p=1 order=2 hubs=3,3", ErrorKind::kBadNumber, "hubs=3,3");
  command_error("5 t=1 AMEND p=1 order=2 hubs=0x3", ErrorKind::kBadNumber, "hubs=0x3");
  command_error("5 t=1 AMEND p=1 order=2 bounds=", ErrorKind::kBadNumber, "bounds=");
  command_error("5 t=1 AMEND p=1 order=2 bounds=14", ErrorKind::kBadNumber, "bounds=14");
  command_error("5 t=1 AMEND p=1 order=2 bounds=:5", ErrorKind::kBadNumber, "bounds=:5");
  command_error("5 t=1 AMEND p=1 order=2 bounds=14:99.50..", ErrorKind::kBadNumber, "bounds=14:99.50..");
  command_error("5 t=1 AMEND p=1 order=2 bounds=14:1...5", ErrorKind::kBadNumber, "bounds=14:1...5");
  command_error("5 t=1 AMEND p=1 order=2 bounds=14:1..5..6", ErrorKind::kBadNumber, "bounds=14:1..5..6");
  command_error("5 t=1 AMEND p=1 order=2 bounds=14:1,", ErrorKind::kBadNumber, "bounds=14:1,");
  command_error("5 t=1 HALT commodity=-1", ErrorKind::kBadNumber, "commodity=-1");
  event_error("TRADE id=1 refdata=xyz", ErrorKind::kBadNumber, "refdata=xyz");
  event_error("TOP commodity=1 bid=some ask=none", ErrorKind::kBadNumber, "bid=some");
}

TEST_CASE("error: OVERFLOW", "[workload][error]") {
  command_error("18446744073709551616 t=1 CLOCK", ErrorKind::kOverflow, "18446744073709551616");
  command_error("5 t=1 CANCEL p=4294967296 order=2", ErrorKind::kOverflow, "p=4294967296");
  command_error("5 t=1 AMEND p=1 order=2 qty=9223372036854775808", ErrorKind::kOverflow, "qty=9223372036854775808");
  command_error("5 t=1 AMEND p=1 order=2 px=92233720368547758.08", ErrorKind::kOverflow, "px=92233720368547758.08");
  command_error("5 t=1 NEW p=1 ins=FE-HMS1-TANGSHAN side=256 qty=1 px=1", ErrorKind::kOverflow, "side=256");
  command_error("5 t=1 MASS_CANCEL p=1 ins=#4294967296", ErrorKind::kOverflow, "ins=#4294967296");
  command_error("5 t=1 AMEND p=1 order=2 grades=64", ErrorKind::kOverflow, "grades=64");
  command_error("5 t=1 AMEND p=1 order=2 bounds=65536:1", ErrorKind::kOverflow, "bounds=65536:1");
  command_error("5 t=1 AMEND p=1 order=2 bounds=1:9223372036854775808..", ErrorKind::kOverflow,
                "bounds=1:9223372036854775808..");
  command_error("5 t=1 HALT commodity=4294967296", ErrorKind::kOverflow, "commodity=4294967296");
  event_error("TRADE id=1 refdata=100000000", ErrorKind::kOverflow, "refdata=100000000");
  event_error("TOP commodity=65536 bid=none ask=none", ErrorKind::kOverflow, "commodity=65536");
  event_error("REJECTED code=ASSAY_OUT_OF_SPEC p=1 attr=65536", ErrorKind::kOverflow, "attr=65536");
}

TEST_CASE("error: TOO_MANY_TERMS (never truncated)", "[workload][error]") {
  command_error("5 t=1 AMEND p=1 order=2 bounds=1:1,2:2,3:3,4:4,5:5,6:6,7:7,8:8,9:9", ErrorKind::kTooManyTerms,
                "bounds=1:1,2:2,3:3,4:4,5:5,6:6,7:7,8:8,9:9");
}

TEST_CASE("error: TOO_MANY_DECIMALS (never rounded)", "[workload][error]") {
  command_error("5 t=1 AMEND p=1 order=2 px=72350.001", ErrorKind::kTooManyDecimals, "px=72350.001");
  command_error("5 t=1 AMEND p=1 order=2 px=2800.000", ErrorKind::kTooManyDecimals, "px=2800.000");
}

TEST_CASE("error: UNKNOWN_INSTRUMENT", "[workload][error]") {
  command_error("5 t=1 NEW p=1 ins=CU-BARLEY-SHANGHAI BUY qty=1000 px=1", ErrorKind::kUnknownInstrument,
                "ins=CU-BARLEY-SHANGHAI");
  event_error("LEVEL ins=XX BUY px=1 qty=1 count=1", ErrorKind::kUnknownInstrument, "ins=XX");
}

TEST_CASE("error: UNKNOWN_NAME", "[workload][error]") {
  command_error("5 t=1 NEW p=1 ins=FE-HMS1-TANGSHAN BUY qty=1000 px=1 tif=GTX", ErrorKind::kUnknownName, "tif=GTX");
  command_error("5 t=1 NEW p=1 ins=FE-HMS1-TANGSHAN BUY qty=1000 px=1 stp=cancel_resting", ErrorKind::kUnknownName,
                "stp=cancel_resting");
  event_error("REJECTED code=PRICE_TOO_HIGH p=1", ErrorKind::kUnknownName, "code=PRICE_TOO_HIGH");
  event_error("CANCELLED order=1 reason=BORED", ErrorKind::kUnknownName, "reason=BORED");
  event_error("STATUS ins=FE-HMS1-TANGSHAN status=OPEN", ErrorKind::kUnknownName, "status=OPEN");
  event_error("STATUS ins=FE-HMS1-TANGSHAN status=HALTED has_bid=yes", ErrorKind::kUnknownName, "has_bid=yes");
}

TEST_CASE("errors name the file line", "[workload][error]") {
  const std::string text = "REX-WORKLOAD 1\n1 t=1 CLOCK\n\n# c\n2 t=2 CANCEL p=1 order=1 px=3\n";
  require_error([&] { (void)parse_workload(text, kCodes); }, ErrorKind::kKeyNotAllowed, 5, "px=3");
  std::istringstream in(text);
  WorkloadReader reader(in, kCodes);
  CHECK(reader.next().has_value());
  require_error([&] { (void)reader.next(); }, ErrorKind::kKeyNotAllowed, 5, "px=3");
}

}  // namespace
