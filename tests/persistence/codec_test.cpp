// Every codec round-trips every field, refuses unknown versions, and has the documented size.
#include <catch2/catch.hpp>

#include "persistence/command_codec.hpp"
#include "persistence/event_codec.hpp"
#include "persistence/journal_format.hpp"
#include "persistence/origin_codec.hpp"
#include "persistence/snapshot_codec.hpp"
#include "tests/persistence/support.hpp"

using namespace rex;
using namespace rex::persistence;
using rex::testing::full_command;

TEST_CASE("command and origin codecs round-trip every field", "[codec]") {
  const matcher::Command c = full_command();
  const exchange::Origin o{2, 0xfeedfacecafebeef, 42};
  std::string bytes;
  ByteWriter w(bytes);
  encode_command(c, w);
  encode_origin(o, w);
  ByteReader r(bytes);
  matcher::Command back;
  exchange::Origin origin_back;
  REQUIRE(decode_command(r, back));
  REQUIRE(decode_origin(r, origin_back));
  REQUIRE(back == c);
  REQUIRE(origin_back.gateway == o.gateway);
  REQUIRE(origin_back.session == o.session);
  REQUIRE(origin_back.request == o.request);
  REQUIRE(r.remaining() == 0);

  REQUIRE(bytes[0] == 2);
  bytes[0] = 3;  // an unknown codec version is refused, not guessed at
  ByteReader again(bytes);
  REQUIRE_FALSE(decode_command(again, back));
  bytes[0] = 1;  // version 1 has no reference data: the body is 4 bytes too long
  ByteReader v1(bytes);
  REQUIRE_FALSE(decode_command(v1, back));
}

TEST_CASE("an origin with a client order id round-trips as version 2, bounded", "[codec]") {
  exchange::Origin o{1, 42, 9};
  REQUIRE(o.set_client_order_id("b1"));
  std::string bytes;
  ByteWriter w(bytes);
  encode_origin(o, w);
  // Section version 2, 6 bytes: gateway 1, session 42, request 9, length 2, "b1".
  REQUIRE(bytes == std::string("\x02\x06\x01\x2a\x09\x02" "b1", 8));
  ByteReader r(bytes);
  exchange::Origin back;
  REQUIRE(back.set_client_order_id("stale"));  // a decode replaces whatever was there
  REQUIRE(decode_origin(r, back));
  REQUIRE(back.gateway == 1);
  REQUIRE(back.session == 42);
  REQUIRE(back.request == 9);
  REQUIRE(back.client_order_id() == "b1");
  REQUIRE(r.remaining() == 0);

  const std::string longest(exchange::Origin::kMaxClientOrderId, 'x');
  REQUIRE(o.set_client_order_id(longest));
  REQUIRE_FALSE(o.set_client_order_id(longest + "y"));  // refused, the old id kept
  REQUIRE(o.client_order_id() == longest);
  bytes.clear();
  encode_origin(o, w);
  ByteReader r2(bytes);
  REQUIRE(decode_origin(r2, back));
  REQUIRE(back.client_order_id() == longest);

  // A stored length beyond the bound, or zero, or past the body, is refused.
  std::string bad = std::string("\x02\x05\x01\x2a\x09\x25" "x", 7);  // length 37
  ByteReader r3(bad);
  REQUIRE_FALSE(decode_origin(r3, back));
  bad = std::string("\x02\x04\x01\x2a\x09\x00", 6);
  ByteReader r4(bad);
  REQUIRE_FALSE(decode_origin(r4, back));
  bad = std::string("\x02\x05\x01\x2a\x09\x03" "x", 7);
  ByteReader r5(bad);
  REQUIRE_FALSE(decode_origin(r5, back));
}

TEST_CASE("a client order id of bytes no gateway accepts is refused, with the reason", "[codec]") {
  // Version 2, 6 bytes: gateway 1, session 42, request 9, length 2, "b" and one byte more.
  auto origin_with = [](char c) { return std::string("\x02\x06\x01\x2a\x09\x02" "b", 7) + c; };
  for (char c : {'!', '~', 'Z', ',', '"', '\\'}) {
    INFO("byte " << int(static_cast<unsigned char>(c)));
    const std::string bytes = origin_with(c);
    ByteReader r(bytes);
    exchange::Origin back;
    REQUIRE(decode_origin(r, back));
    REQUIRE(back.client_order_id() == std::string("b") + c);
  }
  for (int byte : {0x00, 0x09, 0x1f, 0x20, 0x7f, 0x80, 0xc3, 0xe9, 0xff}) {
    INFO("byte " << byte);
    const std::string bytes = origin_with(static_cast<char>(byte));
    ByteReader r(bytes);
    exchange::Origin back;
    std::string why;
    REQUIRE_FALSE(decode_origin(r, back, &why));
    REQUIRE(why == kBadClientOrderId);
    REQUIRE(exchange::is_client_order_id(std::string("b") + static_cast<char>(byte)) == false);
    // An Origin never takes one either, so no journal is ever written with one.
    exchange::Origin o{1, 42, 9};
    REQUIRE_FALSE(o.set_client_order_id(std::string("b") + static_cast<char>(byte)));
    REQUIRE(o.client_order_id().empty());
  }

  // In a whole command record (its hash made good again, as a tamperer would) verify names the id.
  exchange::Origin o{1, 42, 9};
  REQUIRE(o.set_client_order_id("id-Q7"));
  Sha256 sha;
  std::string value;
  encode_command_record(sha, Hash{}, 1, full_command(), o, value);
  const std::size_t at = value.find("id-Q7");
  REQUIRE(at != std::string::npos);
  value[at + 4] = static_cast<char>(0xe9);
  CommandRecord record;
  REQUIRE(decode_command_record(sha, Hash{}, 1, value, record) == RecordCheck::kUndecodable);
  REQUIRE(describe_undecodable_command(value) == "record does not decode: " + std::string(kBadClientOrderId));
  REQUIRE(describe_undecodable_command(std::string(40, 'x')) == describe(RecordCheck::kUndecodable));
}

TEST_CASE("a version 1 origin (journals before client order ids) still decodes", "[codec]") {
  // The bytes of docs/journal-format.md's example: version 1, 3 bytes: gateway 1, session 42, request 9.
  const std::string v1("\x01\x03\x01\x2a\x09", 5);
  ByteReader r(v1);
  exchange::Origin back;
  REQUIRE(decode_origin(r, back));
  REQUIRE(back.gateway == 1);
  REQUIRE(back.session == 42);
  REQUIRE(back.request == 9);
  REQUIRE(back.client_order_id().empty());
  // An origin without a client order id is still written as version 1, byte for byte.
  std::string bytes;
  ByteWriter w(bytes);
  encode_origin(exchange::Origin{1, 42, 9}, w);
  REQUIRE(bytes == v1);
}

TEST_CASE("varints and zigzags round-trip their extremes and refuse truncation", "[codec]") {
  std::string bytes;
  ByteWriter w(bytes);
  const std::vector<std::uint64_t> unsigned_values{0, 1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX};
  const std::vector<std::int64_t> signed_values{0, -1, 1, -64, 64, INT64_MIN, INT64_MAX};
  for (auto v : unsigned_values) w.varint(v);
  for (auto v : signed_values) w.zigzag(v);
  ByteReader r(bytes);
  for (auto v : unsigned_values) REQUIRE(r.varint() == v);
  for (auto v : signed_values) REQUIRE(r.zigzag() == v);
  REQUIRE_FALSE(r.failed());
  REQUIRE(r.remaining() == 0);
  ByteReader cut(std::string_view(bytes).substr(0, 9));  // UINT64_MAX needs 10 bytes... 0,1,127 take 1,1,1
  for (int i = 0; i < 8; ++i) cut.varint();
  REQUIRE(cut.failed());
}

TEST_CASE("a plain new order journals compactly", "[codec]") {
  matcher::Command c;
  c.seq = 1'000'000;
  c.timestamp = 1'780'000'000'123'456'789;
  c.participant = 7;
  c.instrument = 3;
  c.price = 7'250'000;
  c.quantity = 25'000;
  std::string bytes;
  ByteWriter w(bytes);
  encode_command(c, w);
  REQUIRE(bytes.size() <= 40);  // the disk's bandwidth, not the CPU, bounds durable commands per second
  ByteReader r(bytes);
  matcher::Command back;
  REQUIRE(decode_command(r, back));
  REQUIRE(back == c);  // kAnyCommodity survives its "+1" storage
}

TEST_CASE("snapshot codec round-trips orders, quality terms and halts", "[codec]") {
  matcher::EngineSnapshot s;
  s.last_seq = 500;
  s.last_timestamp = 1'780'000'000'000'000'000;
  s.last_trade = 33;
  s.last_priority = 41;
  matcher::RestingOrder a;
  a.id = 7;
  a.participant = 3;
  a.instrument = 1;
  a.side = matcher::Side::kSell;
  a.time_in_force = matcher::TimeInForce::kGoodTillDate;
  a.self_trade = matcher::SelfTradePrevention::kCancelBoth;
  a.all_or_none = true;
  a.price = 250'000;
  a.open = 5000;
  a.visible = 5000;
  a.expiry = 1'780'000'001'000'000'000;
  a.priority = 9;
  a.quality.count = 1;
  a.quality.terms[0] = {1, 9950, 9950};
  matcher::RestingOrder b = a;
  b.id = 8;
  b.side = matcher::Side::kBuy;
  b.quality_bid = true;
  b.accepted_grades = 6;
  b.accepted_hubs = 1;
  b.post_only = true;
  b.display = 1000;
  s.orders = {a, b};
  s.halted = {4, 9};
  s.reference_data = 0xC0FFEE01;
  s.reference_data_seq = 450;
  std::string bytes;
  ByteWriter w(bytes);
  encode_snapshot(s, w);
  ByteReader r(bytes);
  matcher::EngineSnapshot back;
  REQUIRE(decode_snapshot(r, back));
  REQUIRE(back == s);

  bytes.resize(bytes.size() - 3);  // cut short: refused
  ByteReader cut(bytes);
  REQUIRE_FALSE(decode_snapshot(cut, back));
}

TEST_CASE("trade records and metadata round-trip", "[codec]") {
  matcher::Event t;
  t.type = matcher::EventType::kTrade;
  t.trade_id = 5;
  t.seq = 17;
  t.timestamp = 123;
  t.instrument = 2;
  t.side = matcher::Side::kSell;
  t.order_id = 3;
  t.taker_order_id = 17;
  t.participant = 1;
  t.taker_participant = 2;
  t.price = 260'000;
  t.quantity = 10'000;
  t.leaves = 1000;
  t.taker_leaves = 0;
  t.base_price = 255'000;
  t.reference_data = 0xdeadbeef;
  Sha256 sha;
  std::string value;
  const Hash genesis = sha256("genesis");
  const Hash h = encode_trade_record(sha, genesis, t, value);
  TradeRecord back;
  REQUIRE(decode_trade_record(sha, genesis, 5, value, back) == RecordCheck::kOk);
  REQUIRE(back.trade == t);
  REQUIRE(back.chain == h);
  REQUIRE(decode_trade_record(sha, genesis, 6, value, back) == RecordCheck::kHashMismatch);  // the key is hashed
  REQUIRE(decode_trade_record(sha, h, 5, value, back) == RecordCheck::kHashMismatch);        // so is the chain

  JournalMetadata m;
  m.engine_version = "rex 9.9.9";
  m.catalogue_version = "2026.05.1";
  m.reference_data_hash = std::string(64, 'a');
  m.created_at = 42;
  JournalMetadata m_back;
  REQUIRE(decode_metadata(encode_metadata(m), m_back));
  REQUIRE(m_back == m);
}

TEST_CASE("the codecs cover every field of the matcher's structs", "[codec]") {
  // A failure here means a field was added to the struct: encode it in its codec (a new codec
  // version once journals exist in the wild), document it in docs/journal-format.md, then update
  // the size in persistence/event_codec.hpp.
  CHECK(sizeof(matcher::Command) == kCommandBytesCovered);
  CHECK(sizeof(matcher::Event) == kEventBytesCovered);
  CHECK(sizeof(matcher::RestingOrder) == kRestingOrderBytesCovered);
  CHECK(sizeof(matcher::EngineSnapshot) == kEngineSnapshotBytesCovered);
}
