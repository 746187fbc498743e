// A reference-data reload through the pipeline on a real journal: journaled with its catalogue,
// replayed by recovery (with and without a snapshot after it) and by the audit, checked by verify.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "exchange/exchange.hpp"
#include "persistence/recovery.hpp"
#include "persistence/verify.hpp"
#include "reference-data/loader.hpp"
#include "reference-data/reload.hpp"
#include "tests/exchange/recorder.hpp"
#include "tests/persistence/raw_lmdb.hpp"
#include "tests/persistence/support.hpp"
#include "tools/audit/audit.hpp"

using namespace rex;
using exchange::SubmitStatus;
using rex::testing::TempDir;

namespace {

const refdata::Catalogue& catalogue() { return testing::bundled_catalogue(); }

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// The bundled catalogue with BERRY's differential at -400 CNY/t instead of -500, version 2026.05.2.
std::shared_ptr<const refdata::Catalogue> berry_closer() {
  std::string text = replaced(catalogue().source(), R"({"grade": "BERRY", "differential_fen": -50000,)",
                              R"({"grade": "BERRY", "differential_fen": -40000,)");
  text = replaced(text, R"("version": "2026.05.1")", R"("version": "2026.05.2")");
  return std::make_shared<const refdata::Catalogue>(refdata::load_catalogue_string(text));
}

const refdata::InstrumentSpec& spec(const char* code) { return *catalogue().find_instrument(code); }

matcher::Command limit(matcher::ParticipantId participant, const char* instrument, matcher::Side side,
                       matcher::Price price, matcher::Quantity quantity) {
  matcher::Command c;
  c.participant = participant;
  c.instrument = spec(instrument).id;
  c.side = side;
  c.price = price;
  c.quantity = quantity;
  return c;
}

// A mill's bid for Barley or Berry at Xuchang, 76,000 CNY/t on the Barley basis.
matcher::Command quality_bid() {
  matcher::Command c = limit(1, "CU-BARLEY-XUCHANG", matcher::Side::kBuy, 7'600'000, 20'000);
  c.accepted_grades = (1ull << spec("CU-BARLEY-XUCHANG").grade) | (1ull << spec("CU-BERRY-XUCHANG").grade);
  return c;
}

// A Berry lot at 75,550: 76,050 on the base basis before the reload (no trade with the bid), 75,950
// after. The first one rests; after the reload it is crossed with the bid and stays so: a reload
// matches nothing (docs/reference-data.md "Reloading").
matcher::Command berry_lot() { return limit(2, "CU-BERRY-XUCHANG", matcher::Side::kSell, 7'555'000, 10'000); }

std::vector<matcher::Event> trades_of(const std::vector<testing::Published>& results) {
  std::vector<matcher::Event> trades;
  for (const auto& r : results) {
    for (const auto& e : r.events) {
      if (e.type == matcher::EventType::kTrade) trades.push_back(e);
    }
  }
  return trades;
}

exchange::ExchangeConfig config(const TempDir& dir, std::uint64_t snapshot_every) {
  exchange::ExchangeConfig c;
  c.data_directory = dir.path();
  c.snapshot_every_commands = snapshot_every;
  return c;
}

persistence::JournalOptions read_only(const TempDir& dir) {
  persistence::JournalOptions o;
  o.directory = dir.path();
  o.read_only = true;
  return o;
}

// bid, lot (rests), reload, lot (trades with the bid at the new differential).
std::vector<testing::Published> run_reload(const TempDir& dir, std::uint64_t snapshot_every,
                                           const std::shared_ptr<const refdata::Catalogue>& next) {
  testing::Recorder recorder;
  exchange::Exchange ex(config(dir, snapshot_every), catalogue());
  ex.add_listener(&recorder);
  ex.start();
  REQUIRE(ex.accepts_reference_data());
  REQUIRE(ex.submit(quality_bid(), {1, 1, 1}) == SubmitStatus::kQueued);
  REQUIRE(ex.submit(berry_lot(), {1, 2, 1}) == SubmitStatus::kQueued);
  matcher::Command sneaky;
  sneaky.type = matcher::CommandType::kReferenceData;
  REQUIRE(ex.submit(sneaky, {}) == SubmitStatus::kRefused);  // reloads come with their catalogue
  REQUIRE(ex.submit_reference_data(next, 9, {0, 9, 1}) == SubmitStatus::kQueued);
  REQUIRE(ex.submit(berry_lot(), {1, 2, 2}) == SubmitStatus::kQueued);
  REQUIRE(recorder.wait_for(4));
  ex.stop();
  return recorder.results();
}

}  // namespace

TEST_CASE("check_reload: differentials and versions may change, trading rules and tables may not", "[reload]") {
  CHECK(refdata::check_reload(catalogue(), *berry_closer()).empty());
  CHECK_THAT(refdata::check_reload(catalogue(), catalogue()), Catch::StartsWith("no change"));
  const std::string tick = replaced(catalogue().source(), R"("code": "CU-BERRY-XUCHANG", "commodity": "CU", "grade": "BERRY", "hub": "XUCHANG", "currency": "CNY/t", "tick_size_fen": 1000)",
                                    R"("code": "CU-BERRY-XUCHANG", "commodity": "CU", "grade": "BERRY", "hub": "XUCHANG", "currency": "CNY/t", "tick_size_fen": 500)");
  CHECK(refdata::check_reload(catalogue(), refdata::load_catalogue_string(tick)) ==
        "instrument CU-BERRY-XUCHANG: tick_size changes from 1000 to 500 (resting orders depend on it)");
}

TEST_CASE("a reload is journaled with its catalogue, and trades after it carry the new reference data", "[reload]") {
  TempDir dir;
  const auto next = berry_closer();
  const auto results = run_reload(dir, 0, next);
  REQUIRE(results[2].command.type == matcher::CommandType::kReferenceData);
  REQUIRE(results[2].events.size() >= 1);
  CHECK(results[2].events[0].type == matcher::EventType::kReferenceData);
  const std::uint32_t id = persistence::engine_options_for(*next).reference_data;
  CHECK(results[2].events[0].reference_data == id);
  const auto trades = trades_of(results);
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].seq == 4);
  CHECK(trades[0].order_id == 1);         // the bid, at its price in Berry terms: 76,000 - 400
  CHECK(trades[0].price == 7'560'000);    // (it was 75,500 before the reload: no trade then)
  CHECK(trades[0].base_price == 7'600'000);
  CHECK(trades[0].reference_data == id);

  persistence::Journal journal(read_only(dir), nullptr);
  CHECK(journal.metadata().format_version == persistence::kJournalFormatVersion);
  const persistence::VerifyReport verified = persistence::verify_journal(journal);
  INFO(verified.first_bad);
  CHECK(verified.ok);

  // The auditor replays from the catalogue the journal was created with; the reload comes from it.
  const audit::ReplayReport replay = audit::replay_journal(journal, catalogue());
  INFO(replay.first_divergence);
  CHECK(replay.ok);
  CHECK(replay.trades == 1);

  const persistence::Recovered recovered = persistence::recover(journal, catalogue());
  CHECK(recovered.catalogue->content_hash() == next->content_hash());
  CHECK(recovered.engine->reference_data() == id);
  CHECK_THROWS_WITH(persistence::check_in_force(recovered, catalogue()), Catch::Contains("in force"));
}

TEST_CASE("a restart after a reload runs on the reloaded catalogue, with or without a snapshot after it", "[reload]") {
  const std::uint64_t snapshot_every = GENERATE(0, 3);
  INFO("snapshot every " << snapshot_every);
  TempDir dir;
  const auto next = berry_closer();
  const auto before = run_reload(dir, snapshot_every, next);
  {
    persistence::Journal journal(read_only(dir), nullptr);
    const persistence::Recovered r = persistence::recover(journal, catalogue());
    CHECK(r.snapshot_seq == (snapshot_every == 0 ? 0 : 3));
    CHECK(r.engine->reference_data() == persistence::engine_options_for(*next).reference_data);
  }
  // Started with the catalogue it was created with: refused, the reload is in force.
  CHECK_THROWS_WITH(exchange::Exchange(config(dir, snapshot_every), catalogue()), Catch::Contains("in force"));

  testing::Recorder recorder;
  exchange::Exchange ex(config(dir, snapshot_every), *next);
  ex.add_listener(&recorder);
  ex.start();
  REQUIRE(ex.submit(berry_lot(), {1, 2, 3}) == SubmitStatus::kQueued);  // takes the rest of the bid
  REQUIRE(recorder.wait_for(1));
  ex.stop();
  const auto trades = trades_of(recorder.results());
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].trade_id == 2);
  CHECK(trades[0].order_id == 1);
  CHECK(trades[0].price == 7'560'000);
  CHECK(trades[0].reference_data == persistence::engine_options_for(*next).reference_data);
}

TEST_CASE("an exchange told to run the catalogue in force runs the reloaded one, whatever it was given", "[reload]") {
  TempDir dir;
  const auto next = berry_closer();
  run_reload(dir, 0, next);
  exchange::ExchangeConfig c = config(dir, 0);
  c.run_catalogue_in_force = true;
  testing::Recorder recorder;
  {
    exchange::Exchange ex(c, catalogue());  // the file as it was before the reload
    CHECK(ex.catalogue().content_hash() == next->content_hash());
    CHECK_THAT(ex.catalogue_note(), Catch::Contains("in force") && Catch::Contains(next->content_hash()) &&
                                        Catch::Contains(catalogue().content_hash()));
    ex.add_listener(&recorder);
    ex.start();
    REQUIRE(ex.submit(berry_lot(), {1, 2, 3}) == SubmitStatus::kQueued);
    REQUIRE(recorder.wait_for(1));
  }
  const auto trades = trades_of(recorder.results());
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].price == 7'560'000);  // in the reloaded catalogue's terms
  CHECK(trades[0].reference_data == persistence::engine_options_for(*next).reference_data);

  // Given the one in force, nothing to say.
  exchange::Exchange same(c, *next);
  CHECK(same.catalogue_note().empty());
}

TEST_CASE("verify names a reload whose stored catalogue was edited", "[reload]") {
  TempDir dir;
  run_reload(dir, 0, berry_closer());
  testing::edit_raw(dir.path(), "reference_data", [](MDB_txn* txn, MDB_dbi dbi) {
    std::string value = testing::raw_get(txn, dbi, 3);
    const auto at = value.find("-40000");
    REQUIRE(at != std::string::npos);
    value.replace(at, 6, "-30000");  // a kinder differential, same length
    testing::raw_put(txn, dbi, 3, value);
  });
  persistence::Journal journal(read_only(dir), nullptr);
  const persistence::VerifyReport r = persistence::verify_journal(journal);
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.first_bad, Catch::StartsWith("command record seq 3: its stored catalogue does not hash"));
  CHECK_THROWS_WITH(persistence::recover(journal, catalogue()), Catch::Contains("seq 3"));
}
