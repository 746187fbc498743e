// Seeded mutation fuzzing of every decoder of journal record bytes (docs/journal-format.md):
// command records (command, origin v1 and v2, reload sections), trade, snapshot, metadata and
// reference-data records, a write-ahead log record's puts, and varints. Every input decodes or is
// refused; nothing crashes, reads out of bounds or allocates from a length field (ASan/UBSan in the
// debug preset); what decodes re-encodes to a value that decodes to itself, and a record whose
// hash checks out re-encodes byte for byte. What recovery and rex-audit do next with a decoded
// record runs too: commands through an engine, snapshots into one (Engine::restore).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "matcher/engine.hpp"
#include "persistence/command_codec.hpp"
#include "persistence/event_codec.hpp"
#include "persistence/journal_format.hpp"
#include "persistence/origin_codec.hpp"
#include "persistence/recovery.hpp"
#include "persistence/snapshot_codec.hpp"
#include "persistence/write_ahead_log.hpp"
#include "tests/persistence/mutator.hpp"
#include "tests/persistence/support.hpp"
#include "tools/audit/audit.hpp"

using namespace rex;
using namespace rex::persistence;
using rex::testing::fuzz::Tally;
using rex::testing::fuzz::Verdict;

namespace {

constexpr std::uint64_t kSeed = 20260611;
constexpr int kRandomMutations = 3000;
constexpr std::uint64_t kKey = 1;  // every seed record is stored under key 1, chained from kPrevious

const Hash kPrevious = sha256("the record before");

const refdata::Catalogue& catalogue() { return testing::bundled_catalogue(); }

// An engine on the bundled catalogue's first `instruments` instruments (all by default), with a
// small order pool: one is built for every snapshot restored.
std::unique_ptr<matcher::Engine> small_engine(std::size_t instruments = SIZE_MAX) {
  matcher::EngineOptions options = engine_options_for(catalogue());
  options.initial_orders = 256;
  const auto& all = catalogue().instruments();
  const auto end = all.begin() + static_cast<std::ptrdiff_t>(std::min(instruments, all.size()));
  return std::make_unique<matcher::Engine>(std::vector<refdata::InstrumentSpec>(all.begin(), end), options);
}

// The order flow of tests/persistence/support.cpp trades on instruments 0, 7, 14 and 21: an engine
// of these and the ones between restores its snapshots, and costs a fraction of the whole catalogue's.
constexpr std::size_t kFlowInstruments = 22;

// Commands of every type, with extremes in every field, and a realistic order flow.
std::vector<matcher::Command> seed_commands() {
  std::vector<matcher::Command> out;
  for (std::uint8_t type = 0; type <= static_cast<std::uint8_t>(matcher::CommandType::kReferenceData); ++type) {
    matcher::Command c;
    c.type = static_cast<matcher::CommandType>(type);
    c.seq = 1000 + type;
    c.timestamp = 1'780'000'000'000'000'000 + type;
    c.participant = 7;
    c.instrument = type;
    c.order_id = 900;
    if (c.type == matcher::CommandType::kReferenceData) c.reference_data = 0xC0FFEE01;
    if (c.type == matcher::CommandType::kHalt) c.commodity = 2;
    out.push_back(c);
  }
  out.push_back(testing::full_command());  // an amend with every field set: codec version 2
  matcher::Command bid = testing::full_command();  // and a quality bid with every term's bounds at an extreme
  bid.type = matcher::CommandType::kNewOrder;
  bid.side = matcher::Side::kBuy;
  bid.reference_data = 0;
  bid.accepted_grades = UINT64_MAX;
  matcher::QualityTerms& q = bid.quality.edit();
  q.count = matcher::kMaxQualityTerms;
  for (std::uint8_t i = 0; i < q.count; ++i) {
    q.terms[i] = {static_cast<refdata::AttributeId>(i * 9000), i % 2 ? refdata::kNoLowerLimit : -i,
                  i % 3 ? refdata::kNoUpperLimit : i};
  }
  out.push_back(bid);
  matcher::Command extremes;
  extremes.type = matcher::CommandType::kMassCancel;
  extremes.seq = UINT64_MAX;
  extremes.timestamp = UINT64_MAX;
  extremes.participant = matcher::kAnyParticipant;
  extremes.instrument = matcher::kAnyInstrument;
  extremes.order_id = UINT64_MAX;
  extremes.price = INT64_MIN;
  extremes.quantity = INT64_MAX;
  extremes.display_quantity = INT64_MIN;
  extremes.min_quantity = -1;
  extremes.expiry = UINT64_MAX;
  extremes.commodity = 0;
  out.push_back(extremes);
  for (const matcher::Command& c : testing::stamped_flow(catalogue(), 30, 7)) out.push_back(c);
  return out;
}

std::vector<exchange::Origin> seed_origins() {
  std::vector<exchange::Origin> out{{0, 0, 0}, {1, 42, 9}, {2, UINT64_MAX, UINT64_MAX}, {UINT32_MAX, 1ull << 35, 127}};
  out[1].set_client_order_id("b1");
  out[2].set_client_order_id(std::string(exchange::Origin::kMaxClientOrderId, 'x'));
  return out;
}

std::string command_record(const matcher::Command& c, const exchange::Origin& o) {
  Sha256 sha;
  std::string out;
  const Hash catalogue_hash = sha256("a catalogue");
  encode_command_record(sha, kPrevious, kKey, c, o, out, &catalogue_hash);
  return out;
}

bool same_origin(const exchange::Origin& a, const exchange::Origin& b) {
  return a.gateway == b.gateway && a.session == b.session && a.request == b.request &&
         a.client_order_id() == b.client_order_id();
}

// Runs decoded commands through an engine as a replay does: seqs and timestamps made to increase
// (verify refuses records that do not), every other field as decoded.
class Replayer {
 public:
  void run(matcher::Command c) {
    c.seq = ++seq_;
    c.timestamp = timestamp_ = std::max(timestamp_, c.timestamp);
    events_.clear();
    if (c.type == matcher::CommandType::kReferenceData) {
      engine_->process_reference_data(c, catalogue().instruments(), events_);
    } else {
      engine_->process(c, events_);
    }
  }

 private:
  std::unique_ptr<matcher::Engine> engine_ = small_engine();
  matcher::EventBuffer events_;
  std::uint64_t seq_ = 0;
  std::uint64_t timestamp_ = 0;
};

// An engine's state and trades after `n` commands of a seeded flow (resting orders, quality bids
// and assays among them) and a halt.
struct FlowRun {
  matcher::EngineSnapshot state;
  std::vector<matcher::Event> trades;
};

FlowRun run_flow(std::size_t n) {
  auto engine = small_engine(kFlowInstruments);
  matcher::EventBuffer events;
  std::vector<matcher::Command> commands = testing::stamped_flow(catalogue(), n, 3);
  matcher::Command halt;
  halt.type = matcher::CommandType::kHalt;
  halt.instrument = 1;
  commands.push_back(halt);
  testing::stamp(commands);
  FlowRun out;
  for (const matcher::Command& c : commands) {
    events.clear();
    engine->process(c, events);
    for (const matcher::Event& e : events) {
      if (e.type == matcher::EventType::kTrade) out.trades.push_back(e);
    }
  }
  out.state = engine->snapshot();
  return out;
}

void require_both(const Tally& t) {
  INFO("decoded " << t.decoded << ", refused " << t.refused);
  CHECK(t.decoded > 0);
  CHECK(t.refused > 0);
}

}  // namespace

TEST_CASE("fuzz: command records decode or are refused, and what decodes re-encodes to itself", "[codec][fuzz]") {
  std::vector<std::string> seeds;
  const auto origins = seed_origins();
  const auto commands = seed_commands();
  for (std::size_t i = 0; i < commands.size(); ++i) {
    seeds.push_back(command_record(commands[i], origins[i % origins.size()]));
  }
  Sha256 sha;
  Replayer replayer;
  auto verdict = [&](const std::string& input) -> Verdict {
    CommandRecord record;
    const RecordCheck check = decode_command_record(sha, kPrevious, kKey, input, record);
    if (check == RecordCheck::kUndecodable) return {};
    if (record.command.quality->count > matcher::kMaxQualityTerms) return {true, "more quality terms than the bound"};
    if (record.origin.client_order_id_size > exchange::Origin::kMaxClientOrderId) {
      return {true, "client order id too long"};
    }
    std::string again;
    const Hash chain =
        encode_command_record(sha, kPrevious, kKey, record.command, record.origin, again, &record.reference_data);
    if (check == RecordCheck::kOk && (again != input || chain != record.chain)) {
      return {true, "a record whose hash checks out re-encodes to other bytes"};
    }
    CommandRecord back;
    if (decode_command_record(sha, kPrevious, kKey, again, back) != RecordCheck::kOk ||
        !(back.command == record.command) || !same_origin(back.origin, record.origin) ||
        back.reference_data != record.reference_data) {
      return {true, "the re-encoded record does not decode to the same command"};
    }
    replayer.run(record.command);
    audit::format_time(record.command.timestamp);
    return {true, ""};
  };
  require_both(testing::fuzz::run_fuzz(seeds, kRandomMutations, kSeed, verdict));
}

TEST_CASE("fuzz: trade records decode or are refused, and what decodes re-encodes to itself", "[codec][fuzz]") {
  std::vector<matcher::Event> trades = run_flow(200).trades;
  REQUIRE(trades.size() > 3);
  trades.resize(3);
  matcher::Event extremes = trades[0];  // the record's key is kKey whatever the trade says
  extremes.trade_id = extremes.seq = extremes.timestamp = UINT64_MAX;
  extremes.instrument = extremes.participant = extremes.taker_participant = UINT32_MAX;
  extremes.order_id = extremes.taker_order_id = UINT64_MAX;
  extremes.price = INT64_MIN;
  extremes.quantity = INT64_MAX;
  extremes.leaves = extremes.taker_leaves = extremes.base_price = -1;
  extremes.reference_data = UINT32_MAX;
  trades.push_back(extremes);
  Sha256 sha;
  std::vector<std::string> seeds;
  for (const matcher::Event& t : trades) {
    seeds.emplace_back();
    encode_trade_record(sha, kPrevious, t, seeds.back());
  }
  auto verdict = [&](const std::string& input) -> Verdict {
    TradeRecord record;
    const RecordCheck check = decode_trade_record(sha, kPrevious, kKey, input, record);
    if (check == RecordCheck::kUndecodable) return {};
    std::string again;
    const Hash chain = encode_trade_record(sha, kPrevious, record.trade, again);
    if (check == RecordCheck::kOk && (again != input || chain != record.chain)) {
      return {true, "a record whose hash checks out re-encodes to other bytes"};
    }
    TradeRecord back;
    if (decode_trade_record(sha, kPrevious, kKey, again, back) == RecordCheck::kUndecodable ||
        !(back.trade == record.trade)) {
      return {true, "the re-encoded record does not decode to the same trade"};
    }
    audit::format_time(record.trade.timestamp);
    return {true, ""};
  };
  require_both(testing::fuzz::run_fuzz(seeds, kRandomMutations, kSeed + 1, verdict));
}

namespace {

// A version 1 snapshot section (no reference data): version 2's body without its last 12 bytes.
std::string as_snapshot_v1(const matcher::EngineSnapshot& s) {
  std::string v2;
  ByteWriter w(v2);
  encode_snapshot(s, w);
  ByteReader r(v2);
  const Section section = read_section(r);
  std::string out;
  ByteWriter w1(out);
  {
    SectionWriter v1(w1, kSnapshotCodecVersion1);
    w1.bytes(section.body.substr(0, section.body.size() - 12));
  }
  return out;
}

// A snapshot record around a codec section, its own hash made good (as whoever edits a journal can).
std::string snapshot_record(std::string_view section, const Hash& command_chain) {
  std::string out(1, static_cast<char>(kRecordVersion));
  out += section;
  out += as_bytes(command_chain);
  out += as_bytes(sha256(out));
  return out;
}

std::string with_own_hash(std::string value) {
  if (value.size() < 32) return value;
  const Hash h = sha256(std::string_view(value).substr(0, value.size() - 32));
  value.replace(value.size() - 32, 32, as_bytes(h));
  return value;
}

}  // namespace

TEST_CASE("fuzz: snapshot records, their hash made good, decode or are refused, and the engine restores or refuses "
          "what decodes",
          "[codec][fuzz]") {
  const matcher::EngineSnapshot flow = run_flow(40).state;
  REQUIRE(flow.orders.size() > 10);
  REQUIRE(flow.halted.size() == 1);
  matcher::EngineSnapshot small;  // a few orders of the flow, one with every quality term
  small.last_seq = flow.last_seq;
  small.last_timestamp = flow.last_timestamp;
  small.last_trade = flow.last_trade;
  small.last_priority = flow.last_priority;
  small.orders.assign(flow.orders.begin(), flow.orders.begin() + 3);
  small.orders[1].quality.count = matcher::kMaxQualityTerms;
  small.halted = {1, 4};
  small.reference_data = flow.reference_data;
  small.reference_data_seq = 9;
  const Hash chain = sha256("command chain");
  std::vector<std::string> seeds;
  for (const matcher::EngineSnapshot* s : {&flow, static_cast<const matcher::EngineSnapshot*>(&small)}) {
    std::string section;
    ByteWriter w(section);
    encode_snapshot(*s, w);
    seeds.push_back(snapshot_record(section, chain));
  }
  seeds.push_back(snapshot_record(as_snapshot_v1(small), chain));
  seeds.push_back(snapshot_record([] {
    std::string section;
    ByteWriter w(section);
    encode_snapshot(matcher::EngineSnapshot{}, w);
    return section;
  }(), chain));

  Sha256 sha;
  int decoded = 0;
  int restored = 0;
  auto verdict = [&](const std::string& mutated) -> Verdict {
    SnapshotRecord record;
    if (mutated.size() >= 64 && decode_snapshot_record(sha, mutated, record) == RecordCheck::kOk &&
        std::find(seeds.begin(), seeds.end(), mutated) == seeds.end()) {
      return {true, "an edited snapshot record checks out without its hash made good"};
    }
    const std::string input = with_own_hash(mutated);
    const RecordCheck check = decode_snapshot_record(sha, input, record);
    if (check == RecordCheck::kHashMismatch) return {true, "its hash was made good, yet it does not check out"};
    if (check == RecordCheck::kUndecodable) return {};
    const matcher::EngineSnapshot& s = record.snapshot;
    if (s.orders.size() * kRestingOrderFixedV1Bytes + s.halted.size() * 4 > input.size()) {
      return {true, "more orders or halts than the record's bytes can hold"};
    }
    std::string again;
    encode_snapshot_record(sha, s, record.command_chain, again);
    SnapshotRecord back;
    if (decode_snapshot_record(sha, again, back) != RecordCheck::kOk || !(back.snapshot == s) ||
        back.command_chain != record.command_chain) {
      return {true, "the re-encoded record does not decode to the same snapshot"};
    }
    // An engine takes ~0.1 ms to build (more under the sanitizers): every 16th snapshot that
    // decodes goes into one.
    if (++decoded % 16 != 0) return {true, ""};
    auto engine = small_engine(kFlowInstruments);
    try {
      engine->restore(s);
    } catch (const std::invalid_argument&) {
      return {true, ""};  // refused by the engine: recovery skips it for an older snapshot
    }
    ++restored;
    matcher::EventBuffer events;  // and the restored engine runs the commands after it
    std::vector<matcher::Command> after = testing::stamped_flow(catalogue(), 20, 11);
    for (matcher::Command& c : after) {
      c.seq += s.last_seq;
      c.timestamp = s.last_timestamp + c.seq;
      events.clear();
      engine->process(c, events);
    }
    return {true, ""};
  };
  require_both(testing::fuzz::run_fuzz(seeds, kRandomMutations, kSeed + 2, verdict));
  CHECK(restored > 0);
}

TEST_CASE("fuzz: metadata and reference-data records decode or are refused, and what decodes re-encodes to itself",
          "[codec][fuzz]") {
  std::vector<std::string> meta_seeds;
  JournalMetadata m = metadata_for(catalogue());
  meta_seeds.push_back(encode_metadata(m));
  m.format_version = kJournalFormatVersion1;
  m.engine_version.clear();
  m.catalogue_version = std::string(300, 'v');  // a length of two bytes
  m.created_at = UINT64_MAX;
  meta_seeds.push_back(encode_metadata(m));
  auto verdict_of_metadata = [](const std::string& input) -> Verdict {
    JournalMetadata decoded;
    if (!decode_metadata(input, decoded)) return {};
    if (decoded.reference_data_hash.size() != 64) return {true, "the reference-data hash is not 32 bytes of hex"};
    JournalMetadata back;
    if (!decode_metadata(encode_metadata(decoded), back) || !(back == decoded)) {
      return {true, "the re-encoded metadata does not decode to itself"};
    }
    return {true, ""};
  };
  require_both(testing::fuzz::run_fuzz(meta_seeds, kRandomMutations, kSeed + 3, verdict_of_metadata));

  const std::vector<std::string> reference_seeds = {
      encode_reference_data_record("", sha256("")),
      encode_reference_data_record(R"({"version":"x"})", sha256("not these bytes")),
  };
  auto verdict_of_reference = [](const std::string& input) -> Verdict {
    ReferenceDataRecord record;
    if (!decode_reference_data_record(input, record)) return {};
    if (encode_reference_data_record(record.catalogue, record.hash) != input) {
      return {true, "the re-encoded record differs"};
    }
    return {true, ""};
  };
  require_both(testing::fuzz::run_fuzz(reference_seeds, kRandomMutations, kSeed + 4, verdict_of_reference));
}

TEST_CASE("fuzz: a write-ahead log record's puts decode or are refused, and what decodes rebuilds the same body",
          "[codec][fuzz][wal]") {
  auto body = [](std::uint64_t first, std::uint64_t last, const std::vector<WalPut>& puts) {
    WalRecordBuilder b;
    b.begin();
    for (const WalPut& p : puts) b.put(p.table, p.key, p.value);
    b.finish(first, last);
    return std::string(b.bytes().substr(kWalHeaderBytes));
  };
  const std::string value(300, 'v');
  const std::vector<std::string> seeds = {
      body(1, 1, {}),
      body(4, 5, {{0, 4, value}, {1, 1, "t"}, {0, 5, ""}, {3, 5, value}}),
      body(UINT64_MAX - 1, UINT64_MAX, {{0, UINT64_MAX, std::string(1, '\0')}, {1, UINT64_MAX, value}}),
  };
  auto verdict = [&](const std::string& input) -> Verdict {
    std::vector<WalPut> puts;
    if (!decode_wal_puts(input, puts)) return {};
    std::size_t bytes = 16;
    for (const WalPut& p : puts) bytes += 13 + p.value.size();
    if (bytes != input.size()) return {true, "the puts do not cover the body exactly"};
    auto little_endian = [&](std::size_t at) {
      std::uint64_t v = 0;
      for (std::size_t i = 8; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(input[at + i]);
      return v;
    };
    if (body(little_endian(0), little_endian(8), puts) != input) return {true, "the puts rebuild another body"};
    return {true, ""};
  };
  require_both(testing::fuzz::run_fuzz(seeds, kRandomMutations, kSeed + 5, verdict));
}

TEST_CASE("fuzz: varints of every shape decode to a value that encodes back, or fail within the input",
          "[codec][fuzz]") {
  // Every string of up to 5 bytes drawn from continuation and end bytes, then every 10- and 11-byte
  // varint around the 64-bit limit.
  std::vector<std::string> inputs{""};
  const std::string_view alphabet("\x00\x01\x7f\x80\x81\xff", 6);
  for (std::size_t n = 0; n < inputs.size(); ++n) {
    if (inputs[n].size() == 5) continue;
    for (char c : alphabet) inputs.push_back(inputs[n] + c);
  }
  for (int last = 0; last < 256; ++last) {
    for (char filler : {'\x80', '\xff'}) {
      inputs.push_back(std::string(9, filler) + static_cast<char>(last));
      inputs.push_back(std::string(10, filler) + static_cast<char>(last));
    }
  }
  int decoded = 0;
  for (const std::string& input : inputs) {
    ByteReader r(input);
    const std::uint64_t v = r.varint();
    if (r.failed()) {
      REQUIRE(r.remaining() == 0);
      continue;
    }
    ++decoded;
    std::string again;
    ByteWriter w(again);
    w.varint(v);
    INFO(testing::fuzz::hex(input));
    REQUIRE(r.position() <= 10);
    REQUIRE(again.size() <= r.position());  // the shortest form, or a padded one
    ByteReader back(again);
    REQUIRE(back.varint() == v);
    ByteReader z(input);
    const std::int64_t signed_value = z.zigzag();
    std::string zz;
    ByteWriter wz(zz);
    wz.zigzag(signed_value);
    ByteReader zback(zz);
    REQUIRE(zback.zigzag() == signed_value);
  }
  CHECK(decoded > 1000);
}
