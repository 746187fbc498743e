// rex-audit's functions: replay matches or names the first divergence, refuses other reference
// data, hashes the event stream reproducibly; export selects by time.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "persistence/recovery.hpp"
#include "persistence/journal_format.hpp"
#include "persistence/verify.hpp"
#include "reference-data/loader.hpp"
#include "tests/persistence/raw_lmdb.hpp"
#include "tests/persistence/support.hpp"
#include "tools/audit/audit.hpp"

using namespace rex;
using namespace rex::persistence;
using rex::testing::TempDir;

namespace {

const refdata::Catalogue& catalogue() { return testing::bundled_catalogue(); }

std::vector<matcher::Command> flow(std::size_t n) {
  testing::OrderFlow f(catalogue(), 5);
  std::vector<matcher::Command> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(f.next());
  testing::stamp(out);
  return out;
}

JournalOptions options(const TempDir& dir) {
  JournalOptions o;
  o.directory = dir.path();
  return o;
}

JournalOptions read_only(const TempDir& dir) {
  JournalOptions o = options(dir);
  o.read_only = true;
  return o;
}

// The bundled catalogue's bytes with `suffix` appended: the same instruments, another SHA-256.
std::string catalogue_bytes(std::string_view suffix) {
  std::ifstream in(std::filesystem::path(REX_SOURCE_DIR) / refdata::kBundledCataloguePath, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {}) + std::string(suffix);
}

// A journal that stores its creation catalogue (key 0) and holds 300 commands, command 101 a
// reload of the same instruments in another file (`reloaded`), closed again.
void journal_with_reload(const TempDir& dir, const refdata::Catalogue& reloaded) {
  const JournalMetadata meta = metadata_for(catalogue());
  std::vector<matcher::Command> commands = flow(300);
  matcher::Command& reload = commands[100];
  reload = matcher::Command{};
  reload.type = matcher::CommandType::kReferenceData;
  reload.participant = 1;
  reload.reference_data = engine_options_for(reloaded).reference_data;
  testing::stamp(commands);
  {
    Journal j(options(dir), &meta, catalogue().source());
    testing::journal_commands_from(j, catalogue(), commands, 0, 100, 50);
    REQUIRE(j.write_group([&](Journal::Appender& a) {
      a.reference_data(reload, exchange::Origin{1, 7, 100}, reloaded.source(), sha256(reloaded.source()));
    }) == WriteStatus::kOk);
  }
  Journal j(options(dir), nullptr);
  testing::journal_commands_from(j, catalogue(), commands, 101, commands.size(), 50);
}

// Replaces the catalogue stored under `key` by `bytes`, with the stored SHA-256 recomputed to match
// them: a forger's edit, which only the hash bound elsewhere (metadata, command record) reveals.
void replace_stored_catalogue(const TempDir& dir, std::uint64_t key, const std::string& bytes) {
  testing::edit_raw(dir.path(), "reference_data", [&](MDB_txn* t, MDB_dbi d) {
    testing::raw_put(t, d, key, encode_reference_data_record(bytes, sha256(bytes)));
  });
}

// A journal of the 1000 commands of flow(1000) whose writer lies about one field of trade 2: its
// records chain correctly but hold `forge(trade)` instead. Returns the trade's seq.
template <typename Forge>
std::uint64_t journal_forged_trade(Journal& j, Forge forge) {
  matcher::Engine engine(catalogue().instruments(), engine_options_for(catalogue()));
  matcher::EventBuffer events;
  std::uint64_t forged = 0;
  REQUIRE(j.write_group([&](Journal::Appender& a) {
    for (const auto& c : flow(1000)) {
      events.clear();
      engine.process(c, events);
      a.command(c, {});
      for (auto e : events) {
        if (e.type != matcher::EventType::kTrade) continue;
        if (e.trade_id == 2) {
          forge(e);
          forged = e.seq;
        }
        a.trade(e);
      }
    }
  }) == WriteStatus::kOk);
  REQUIRE(forged != 0);
  return forged;
}

}  // namespace

TEST_CASE("replay reproduces every journaled trade and a stable event stream hash", "[audit]") {
  TempDir a;
  TempDir b;
  const JournalMetadata meta = metadata_for(catalogue());
  std::string hash_a;
  {
    Journal j(options(a), &meta);
    testing::journal_commands(j, catalogue(), flow(2000), 100);
    REQUIRE(j.write_snapshot(recover(j, catalogue()).engine->snapshot()) == WriteStatus::kOk);
    const audit::ReplayReport r = audit::replay_journal(j, catalogue());
    INFO(r.first_divergence);
    REQUIRE(r.ok);
    REQUIRE(r.commands == 2000);
    REQUIRE(r.trades == j.last_trade());
    REQUIRE(r.snapshots_compared == 1);
    REQUIRE(r.event_stream_hash.size() == 64);
    hash_a = r.event_stream_hash;
  }
  Journal j(options(b), &meta);  // the same commands in other groups: the same events
  testing::journal_commands(j, catalogue(), flow(2000), 7);
  REQUIRE(audit::replay_journal(j, catalogue()).event_stream_hash == hash_a);
}

TEST_CASE("replay names the first journaled trade the commands do not produce", "[audit]") {
  TempDir dir;
  const JournalMetadata meta = metadata_for(catalogue());
  Journal j(options(dir), &meta);
  // verify cannot see a lying writer's trades (they are chained correctly); replay does.
  const std::uint64_t forged = journal_forged_trade(j, [](matcher::Event& e) { e.price += 100; });
  const audit::ReplayReport r = audit::replay_journal(j, catalogue());
  REQUIRE_FALSE(r.ok);
  REQUIRE_THAT(r.first_divergence, Catch::StartsWith("trade 2 (seq " + std::to_string(forged) + "): price: replay derives "));
}

TEST_CASE("replay names the field of a trade that differs, whichever it is", "[audit]") {
  TempDir dir;
  const JournalMetadata meta = metadata_for(catalogue());
  Journal j(options(dir), &meta);
  // Fields the old message did not print: both trades looked the same.
  matcher::Event original{};
  const std::uint64_t forged = journal_forged_trade(j, [&](matcher::Event& e) {
    original = e;
    e.taker_participant += 4;
    e.leaves += 1;  // a later field: only the first is named
  });
  const audit::ReplayReport r = audit::replay_journal(j, catalogue());
  REQUIRE_FALSE(r.ok);
  REQUIRE(r.first_divergence == "trade 2 (seq " + std::to_string(forged) + "): taker_participant: replay derives " +
                                    std::to_string(original.taker_participant) + ", the journal has " +
                                    std::to_string(original.taker_participant + 4));
}

TEST_CASE("replay fails on a missing or undecodable command record, naming its seq", "[audit]") {
  TempDir dir;
  {
    const JournalMetadata meta = metadata_for(catalogue());
    Journal j(options(dir), &meta);
    testing::journal_commands(j, catalogue(), flow(300), 50);
  }
  SECTION("deleted") {
    testing::edit_raw(dir.path(), "commands", [](MDB_txn* t, MDB_dbi d) { testing::raw_del(t, d, 150); });
    const audit::ReplayReport r = audit::replay_journal(Journal(read_only(dir), nullptr), catalogue());
    REQUIRE_FALSE(r.ok);
    REQUIRE(r.first_divergence == "command seq 150 is missing (the next record is seq 151)");
  }
  SECTION("undecodable") {
    testing::edit_raw(dir.path(), "commands",
                      [](MDB_txn* t, MDB_dbi d) { testing::raw_put(t, d, 150, std::string(40, 'x')); });
    const audit::ReplayReport r = audit::replay_journal(Journal(read_only(dir), nullptr), catalogue());
    REQUIRE_FALSE(r.ok);
    REQUIRE(r.first_divergence == "command record seq 150: does not decode");
  }
}

TEST_CASE("replay fails on a reload whose stored catalogue is not the one its command binds", "[audit]") {
  TempDir dir;
  const refdata::Catalogue reloaded = refdata::load_catalogue_string(catalogue_bytes("\n"));
  journal_with_reload(dir, reloaded);
  REQUIRE(audit::replay_journal(Journal(read_only(dir), nullptr), catalogue()).ok);
  // Same instruments, so the trades still match: only the binding shows the swap.
  replace_stored_catalogue(dir, 101, catalogue_bytes("\n\n"));
  const audit::ReplayReport r = audit::replay_journal(Journal(read_only(dir), nullptr), catalogue());
  REQUIRE_FALSE(r.ok);
  REQUIRE(r.first_divergence == "command record seq 101: its stored catalogue does not hash to the SHA-256 the "
                                "command record binds (catalogue edited)");
}

TEST_CASE("replay fails, not refuses, on a stored creation catalogue that is not the one the metadata names",
          "[audit]") {
  TempDir dir;
  journal_with_reload(dir, refdata::load_catalogue_string(catalogue_bytes("\n")));
  replace_stored_catalogue(dir, 0, catalogue_bytes("  "));
  const Journal j(read_only(dir), nullptr);
  audit::ReplayReport r;
  REQUIRE_NOTHROW(r = audit::replay_journal(j, catalogue()));
  REQUIRE_FALSE(r.ok);
  REQUIRE(r.first_divergence == "reference data at seq 0: the stored catalogue is not the one the metadata names");
  REQUIRE_THAT(verify_journal(j).first_bad, Catch::StartsWith("reference data at seq 0:"));
}

TEST_CASE("replay refuses reference data other than the journaled", "[audit]") {
  TempDir dir;
  const JournalMetadata meta = metadata_for(catalogue());
  Journal j(options(dir), &meta);
  testing::journal_commands(j, catalogue(), flow(20), 10);
  std::ifstream in(std::filesystem::path(REX_SOURCE_DIR) / refdata::kBundledCataloguePath, std::ios::binary);
  const std::string json = std::string(std::istreambuf_iterator<char>(in), {}) + " ";
  REQUIRE_THROWS_AS(audit::replay_journal(j, refdata::load_catalogue_string(json)), JournalError);
}

TEST_CASE("export selects trades and orders by time, as CSV and JSON", "[audit]") {
  TempDir dir;
  const JournalMetadata meta = metadata_for(catalogue());
  Journal j(options(dir), &meta);
  const auto commands = flow(500);
  testing::journal_commands(j, catalogue(), commands, 100);
  const audit::TimeRange range{commands[100].timestamp, commands[200].timestamp};  // seq 101..200
  std::ostringstream csv;
  REQUIRE(audit::export_orders(j, range, audit::Format::kCsv, &catalogue(), csv) == 100);
  REQUIRE_THAT(csv.str(), Catch::StartsWith("seq,timestamp_ns,time_utc,type,"));
  REQUIRE_THAT(csv.str(), Catch::Contains("\n101,"));
  REQUIRE_THAT(csv.str(), !Catch::Contains("\n201,"));
  // The client's own order id travels with the command's origin.
  REQUIRE_THAT(csv.str(), Catch::Contains(",request,client_order_id\n"));
  for (std::size_t i = 100; i < 200; ++i) {
    const bool new_order = commands[i].type == rex::matcher::CommandType::kNewOrder;
    std::string tail(1, ',');
    tail += std::to_string(i);
    tail += ',';
    if (new_order) tail += testing::client_order_id(i);
    tail += '\n';
    INFO("command " << i);
    REQUIRE_THAT(csv.str(), Catch::Contains(tail));
  }
  std::ostringstream json;
  const std::uint64_t trades = audit::export_trades(j, {}, audit::Format::kJson, &catalogue(), json);
  REQUIRE(trades == j.last_trade());
  REQUIRE_THAT(json.str(), Catch::StartsWith("[\n {\"trade_id\": 1, "));
  REQUIRE_THAT(json.str(), Catch::EndsWith("}\n]\n"));
  std::ostringstream none;
  REQUIRE(audit::export_trades(j, {0, 1}, audit::Format::kJson, nullptr, none) == 0);
  REQUIRE(none.str() == "[]\n");
}

TEST_CASE("times read as nanoseconds or UTC and print back", "[audit]") {
  REQUIRE(audit::parse_time("1780000000000000000") == 1'780'000'000'000'000'000ull);
  REQUIRE(audit::parse_time("1970-01-02") == 86'400'000'000'000ull);
  const auto t = audit::parse_time("2026-05-28T09:30:00.000000123Z");
  REQUIRE(t.has_value());
  REQUIRE(audit::format_time(*t) == "2026-05-28T09:30:00.000000123Z");
  REQUIRE_FALSE(audit::parse_time("2026-02-30").has_value());
  REQUIRE_FALSE(audit::parse_time("yesterday").has_value());
}

TEST_CASE("export writes only the fields a command has, and quotes client order ids as CSV and JSON need",
          "[audit]") {
  TempDir dir;
  const JournalMetadata meta = metadata_for(catalogue());
  Journal j(options(dir), &meta);
  rex::matcher::Command order;
  order.type = rex::matcher::CommandType::kNewOrder;
  order.seq = 1;
  order.timestamp = 1'790'000'000'000'000'000;
  order.participant = 1;
  order.side = rex::matcher::Side::kSell;
  order.price = 270'000;
  order.quantity = 10'000;
  rex::matcher::Command cancel;
  cancel.type = rex::matcher::CommandType::kCancel;
  cancel.seq = 2;
  cancel.timestamp = order.timestamp + 1;
  cancel.participant = 1;
  cancel.order_id = 1;
  REQUIRE(j.write_group([&](Journal::Appender& a) {
    rex::exchange::Origin o{1, 7, 1};
    REQUIRE(o.set_client_order_id(R"(a,"b\c)"));  // printable ASCII: the protocol allows all of it
    a.command(order, o);
    a.command(cancel, rex::exchange::Origin{1, 7, 2});
  }) == rex::persistence::WriteStatus::kOk);
  std::ostringstream csv;
  REQUIRE(audit::export_orders(j, {}, audit::Format::kCsv, &catalogue(), csv) == 2);
  INFO(csv.str());
  CHECK_THAT(csv.str(), Catch::Contains(",SELL,LIMIT,GTC,270000,10000,") && Catch::EndsWith(",1,7,2,\n"));
  CHECK_THAT(csv.str(), Catch::Contains(R"(,1,7,1,"a,""b\c")" "\n"));
  CHECK_THAT(csv.str(), Catch::Contains(",CANCEL,1,,,,,,,,,,,1,1,7,2,\n"));
  std::ostringstream json;
  REQUIRE(audit::export_orders(j, {}, audit::Format::kJson, &catalogue(), json) == 2);
  INFO(json.str());
  CHECK_THAT(json.str(), Catch::Contains(R"("client_order_id": "a,\"b\\c")"));
  CHECK_THAT(json.str(), Catch::Contains(R"("type": "CANCEL", "participant": 1, "instrument_id": null, )"
                                         R"("instrument": null, "side": null)"));
}

TEST_CASE("export writes any byte a string may hold as ASCII: escaped in JSON, escaped and quoted in CSV",
          "[audit]") {
  // The journal's decoder refuses such client order ids; export does not rely on it.
  const std::string odd = std::string("a\xe9\x80,\"\x7f\x01\\b\xff", 10);
  auto ascii = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
  };
  std::ostringstream csv;
  audit::write_csv_field(csv, odd);
  INFO(csv.str());
  REQUIRE(ascii(csv.str()));
  REQUIRE(csv.str() == R"("a\xe9\x80,""\x7f\x01\b\xff")");
  std::ostringstream json;
  audit::write_json_string(json, odd);
  INFO(json.str());
  REQUIRE(ascii(json.str()));
  REQUIRE(json.str() == R"("a\u00e9\u0080,\"\u007f\u0001\\b\u00ff")");
  // Printable ASCII is left as it is: quoted only when it must be.
  std::ostringstream plain;
  audit::write_csv_field(plain, "b-1 x");
  audit::write_json_string(plain, "b-1 x");
  REQUIRE(plain.str() == "b-1 x\"b-1 x\"");
}
