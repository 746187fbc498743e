#include "tests/persistence/support.hpp"

#include <stdlib.h>

#include <stdexcept>

#include "persistence/journal_format.hpp"
#include "persistence/recovery.hpp"
#include "reference-data/loader.hpp"

namespace rex::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "rex-journal-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

const refdata::Catalogue& bundled_catalogue() {
  static const refdata::Catalogue catalogue =
      refdata::load_catalogue_file(std::filesystem::path(REX_SOURCE_DIR) / refdata::kBundledCataloguePath);
  return catalogue;
}

matcher::Command full_command() {
  matcher::Command c;
  c.type = matcher::CommandType::kAmend;
  c.side = matcher::Side::kSell;
  c.order_type = matcher::OrderType::kMarket;
  c.time_in_force = matcher::TimeInForce::kGoodTillDate;
  c.self_trade = matcher::SelfTradePrevention::kDecrement;
  c.post_only = true;
  c.all_or_none = true;
  c.seq = 0x0102030405060708;
  c.timestamp = 1'780'000'000'123'456'789;
  c.participant = 77;
  c.instrument = 12;
  c.order_id = 99;
  c.price = -5;
  c.quantity = 1'000'000'000'000;
  c.display_quantity = 3;
  c.min_quantity = 4;
  c.expiry = 1'780'000'001'000'000'000;
  c.commodity = 2;
  c.accepted_grades = 0b1011;
  c.accepted_hubs = 1ull << 40;
  c.replace_quality = true;
  c.reference_data = 0xC0FFEE01;  // written as codec version 2
  c.quality = matcher::QualityTerms::of({{3, 9900, 10000}, {5, refdata::kNoLowerLimit, 150}});
  return c;
}

OrderFlow::OrderFlow(const refdata::Catalogue& catalogue, std::uint64_t seed) : state_(seed) {
  constexpr std::size_t kBooks = 4;  // few books, so orders meet
  for (std::size_t i = 0; i < catalogue.instruments().size() && instruments_.size() < kBooks; i += 7) {
    instruments_.push_back(catalogue.instruments()[i]);
  }
}

std::uint64_t OrderFlow::random() {  // splitmix64
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

matcher::Command OrderFlow::next() {
  ++issued_;
  matcher::Command c;
  c.participant = static_cast<matcher::ParticipantId>(between(1, 8));
  const std::int64_t kind = between(0, 99);
  if (kind < 20 && issued_ > 10) {  // cancel or amend of a recent order (it may be gone: a reject)
    c.type = kind < 14 ? matcher::CommandType::kCancel : matcher::CommandType::kAmend;
    c.order_id = issued_ - static_cast<std::uint64_t>(between(1, 10));
    if (c.type == matcher::CommandType::kAmend) c.quantity = instruments_[0].lot_minimum;
    return c;
  }
  const refdata::InstrumentSpec& spec = instruments_[static_cast<std::size_t>(between(0, 3))];
  c.type = matcher::CommandType::kNewOrder;
  c.instrument = spec.id;
  c.side = between(0, 1) == 0 ? matcher::Side::kBuy : matcher::Side::kSell;
  const std::int64_t middle = (spec.price_floor + spec.price_ceiling) / 2 / spec.tick_size;
  const std::int64_t lean = c.side == matcher::Side::kBuy ? -2 : 2;  // most orders rest, some cross
  c.price = (middle + lean + between(-4, 4)) * spec.tick_size;
  c.quantity = spec.lot_minimum + between(0, 5) * spec.lot_increment;
  if (kind < 28) c.time_in_force = matcher::TimeInForce::kImmediateOrCancel;
  if (kind == 99) c.quantity = 1;  // off the lot increment: rejected
  return c;
}

void stamp(std::vector<matcher::Command>& commands) {
  matcher::Timestamp t = 1'780'000'000'000'000'000;  // 2026-05-28
  matcher::SequenceNumber seq = 0;
  for (matcher::Command& c : commands) {
    c.seq = ++seq;
    c.timestamp = t += 1000;
  }
}

Replay replay_from_scratch(const persistence::Journal& journal, const refdata::Catalogue& catalogue) {
  Replay out;
  matcher::Engine engine(catalogue.instruments(), persistence::engine_options_for(catalogue));
  persistence::Sha256 sha;
  persistence::CommandRecord record;
  matcher::EventBuffer events;
  const persistence::Journal::Reader r = journal.reader();
  r.scan(persistence::Table::kCommands, 1, [&](std::uint64_t seq, std::string_view value) {
    if (persistence::decode_command_record(sha, {}, seq, value, record) == persistence::RecordCheck::kUndecodable) {
      throw std::runtime_error("undecodable command " + std::to_string(seq));
    }
    events.clear();
    engine.process(record.command, events);
    for (const matcher::Event& e : events) {
      if (e.type == matcher::EventType::kTrade) out.trades.push_back(e);
    }
    out.commands++;
    return true;
  });
  out.state = engine.snapshot();
  return out;
}

std::vector<matcher::Command> stamped_flow(const refdata::Catalogue& catalogue, std::size_t n, std::uint64_t seed) {
  OrderFlow f(catalogue, seed);
  std::vector<matcher::Command> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(f.next());
  stamp(out);
  return out;
}

void journal_commands(persistence::Journal& journal, const refdata::Catalogue& catalogue,
                      const std::vector<matcher::Command>& commands, std::size_t group, bool snapshots) {
  journal_commands_from(journal, catalogue, commands, 0, commands.size(), group, snapshots);
}

std::string client_order_id(std::size_t command_index) {
  std::string id(1, 'c');
  id += std::to_string(command_index);  // (not "c" + ...: GCC 12 warns -Wrestrict on that)
  return id;
}

void journal_commands_from(persistence::Journal& journal, const refdata::Catalogue& catalogue,
                           const std::vector<matcher::Command>& commands, std::size_t first, std::size_t last,
                           std::size_t group, bool snapshots) {
  persistence::Recovered recovered = persistence::recover(journal, catalogue);
  matcher::Engine& engine = *recovered.engine;
  std::vector<matcher::Event> events;
  for (std::size_t start = first; start < last; start += group) {
    const std::size_t end = std::min(last, start + group);
    std::vector<std::vector<matcher::Event>> results;
    for (std::size_t i = start; i < end; ++i) {
      events.clear();
      engine.process(commands[i], events);
      results.push_back(events);
    }
    const auto status = journal.write_group([&](persistence::Journal::Appender& a) {
      for (std::size_t i = start; i < end; ++i) {
        exchange::Origin origin{1, 7, i};
        if (commands[i].type == matcher::CommandType::kNewOrder) origin.set_client_order_id(client_order_id(i));
        a.command(commands[i], origin);
        for (const matcher::Event& e : results[i - start]) {
          if (e.type == matcher::EventType::kTrade) a.trade(e);
        }
      }
    });
    if (status != persistence::WriteStatus::kOk) throw std::runtime_error("write_group failed");
    if (snapshots && journal.write_snapshot(engine.snapshot()) != persistence::WriteStatus::kOk) {
      throw std::runtime_error("write_snapshot failed");
    }
  }
}

}  // namespace rex::testing
