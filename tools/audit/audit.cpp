#include "tools/audit/audit.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <type_traits>

#include "matcher/engine.hpp"
#include "persistence/byte_io.hpp"
#include "persistence/event_codec.hpp"
#include "persistence/journal_format.hpp"
#include "persistence/recovery.hpp"
#include "persistence/reference_data.hpp"

namespace rex::audit {
namespace {

using persistence::Table;

constexpr std::string_view kEventStreamDomain = "rex-event-stream-v1";  // prefix of the stream hash

std::string trade_text(const matcher::Event& t) {
  return "trade " + std::to_string(t.trade_id) + " (seq " + std::to_string(t.seq) + ", instrument " +
         std::to_string(t.instrument) + ", price " + std::to_string(t.price) + ", quantity " +
         std::to_string(t.quantity) + ", maker order " + std::to_string(t.order_id) + ", taker order " +
         std::to_string(t.taker_order_id) + ")";
}

std::string instrument_code(const refdata::Catalogue* c, refdata::InstrumentId id) {
  if (c == nullptr || id >= c->instruments().size()) return "";
  return c->instruments()[id].code;
}

std::string_view command_type_name(matcher::CommandType t) {
  switch (t) {
    case matcher::CommandType::kNewOrder: return "NEW_ORDER";
    case matcher::CommandType::kCancel: return "CANCEL";
    case matcher::CommandType::kAmend: return "AMEND";
    case matcher::CommandType::kMassCancel: return "MASS_CANCEL";
    case matcher::CommandType::kEndOfDay: return "END_OF_DAY";
    case matcher::CommandType::kClock: return "CLOCK";
    case matcher::CommandType::kHalt: return "HALT";
    case matcher::CommandType::kResume: return "RESUME";
    case matcher::CommandType::kReferenceData: return "REFERENCE_DATA";
  }
  return "UNKNOWN";
}

std::string_view side_name(matcher::Side s) { return s == matcher::Side::kBuy ? "BUY" : "SELL"; }

std::string_view tif_name(matcher::TimeInForce t) {
  switch (t) {
    case matcher::TimeInForce::kDay: return "DAY";
    case matcher::TimeInForce::kGoodTillCancel: return "GTC";
    case matcher::TimeInForce::kGoodTillDate: return "GTD";
    case matcher::TimeInForce::kImmediateOrCancel: return "IOC";
    case matcher::TimeInForce::kFillOrKill: return "FOK";
  }
  return "UNKNOWN";
}

template <typename T>
std::string value_text(T v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    return std::string(v);
  } else if constexpr (std::is_enum_v<T>) {
    return std::to_string(static_cast<std::int64_t>(v));
  } else {
    return std::to_string(v);
  }
}

// Names the first field in which the journal's trade differs from the one replay derives, with
// both values: every field of the event, so no difference prints as two identical trades.
std::string first_difference(const matcher::Event& derived, const matcher::Event& journaled) {
  std::string out;
  auto field = [&](std::string_view name, auto a, auto b) {
    if (out.empty() && a != b) {
      out = std::string(name) + ": replay derives " + value_text(a) + ", the journal has " + value_text(b);
    }
  };
  const matcher::Event& d = derived;
  const matcher::Event& j = journaled;
  field("type", d.type, j.type);
  field("trade_id", d.trade_id, j.trade_id);
  field("seq", d.seq, j.seq);
  field("timestamp", d.timestamp, j.timestamp);
  field("instrument", d.instrument, j.instrument);
  field("side", side_name(d.side), side_name(j.side));
  field("price", d.price, j.price);
  field("base_price", d.base_price, j.base_price);
  field("quantity", d.quantity, j.quantity);
  field("maker_order", d.order_id, j.order_id);
  field("taker_order", d.taker_order_id, j.taker_order_id);
  field("maker_participant", d.participant, j.participant);
  field("taker_participant", d.taker_participant, j.taker_participant);
  field("maker_leaves", d.leaves, j.leaves);
  field("taker_leaves", d.taker_leaves, j.taker_leaves);
  field("reference_data", d.reference_data, j.reference_data);
  field("cancel_reason", d.cancel_reason, j.cancel_reason);
  field("expiry_reason", d.expiry_reason, j.expiry_reason);
  field("priority_kept", d.priority_kept, j.priority_kept);
  field("halted", d.halted, j.halted);
  field("reject", d.reject, j.reject);
  field("has_bid", d.has_bid, j.has_bid);
  field("has_ask", d.has_ask, j.has_ask);
  field("order_count", d.order_count, j.order_count);
  field("ask", d.ask, j.ask);
  field("commodity", d.commodity, j.commodity);
  field("attribute", d.attribute, j.attribute);
  return out.empty() ? "differs from the journal's in a field this tool does not name" : out;
}

// One row of named values, written as CSV or as a JSON object (strings quoted, numbers bare).
class RowWriter {
 public:
  RowWriter(std::ostream& out, Format f) : out_(out), format_(f) {}
  void begin(std::initializer_list<std::string_view> header) {
    header_.assign(header.begin(), header.end());
    if (format_ == Format::kCsv) {
      for (std::size_t i = 0; i < header_.size(); ++i) out_ << (i ? "," : "") << header_[i];
      out_ << "\n";
    } else {
      out_ << "[";
    }
  }
  // (text, is_string); ("", false) is a field the row's record does not have: empty in CSV, null in
  // JSON. Strings are quoted as each format needs (write_csv_field, write_json_string): a client
  // order id may hold any printable character, commas and quotes included.
  void row(const std::vector<std::pair<std::string, bool>>& cells) {
    if (format_ == Format::kCsv) {
      for (std::size_t i = 0; i < cells.size(); ++i) {
        out_ << (i ? "," : "");
        write_csv_field(out_, cells[i].first);
      }
      out_ << "\n";
    } else {
      out_ << (rows_ ? ",\n " : "\n ") << "{";
      for (std::size_t i = 0; i < cells.size(); ++i) {
        out_ << (i ? ", " : "") << '"' << header_[i] << "\": ";
        if (cells[i].second) {
          write_json_string(out_, cells[i].first);
        } else {
          out_ << (cells[i].first.empty() ? "null" : cells[i].first);
        }
      }
      out_ << "}";
    }
    ++rows_;
  }
  void end() {
    if (format_ == Format::kJson) out_ << (rows_ ? "\n]\n" : "]\n");
  }
  std::uint64_t rows() const { return rows_; }

 private:
  std::ostream& out_;
  Format format_;
  std::vector<std::string_view> header_;
  std::uint64_t rows_ = 0;
};

constexpr const char* kHex = "0123456789abcdef";

// A byte a field may carry as it is: printable ASCII (the space included). Anything else (control
// characters, DEL, bytes of 0x80 and above, which alone need not be UTF-8) is escaped.
bool plain_byte(char c) { return c >= 0x20 && c <= 0x7e; }

std::pair<std::string, bool> num(std::int64_t v) { return {std::to_string(v), false}; }
std::pair<std::string, bool> num(std::uint64_t v) { return {std::to_string(v), false}; }
std::pair<std::string, bool> str(std::string_view v) { return {std::string(v), true}; }
std::pair<std::string, bool> none() { return {std::string(), false}; }

}  // namespace

ReplayReport replay_journal(const persistence::Journal& journal, const refdata::Catalogue& catalogue) {
  persistence::check_reference_data(journal.metadata(), catalogue);
  ReplayReport report;
  auto diverge = [&](std::string what) {
    if (report.ok) report.first_divergence = std::move(what);
    report.ok = false;
  };
  const persistence::Journal::Reader r = journal.reader();
  // Reloads run with the catalogues the journal stores for them, each checked against the SHA-256
  // its command record binds. A stored creation catalogue that is not the one the metadata names
  // is a failed check, not a refusal: the journal is what is wrong.
  std::optional<persistence::ReferenceDataHistory> history;
  std::unique_ptr<matcher::Engine> engine;
  try {
    history.emplace(r, journal.metadata(), &catalogue);
    engine = history->engine_at(0);
  } catch (const persistence::JournalError& e) {
    diverge(e.what());
    return report;
  }
  persistence::Sha256 sha;
  persistence::Sha256 stream;
  stream.update(kEventStreamDomain);
  persistence::CommandRecord command;
  persistence::TradeRecord journaled;
  persistence::SnapshotRecord snapshot;
  matcher::EventBuffer events;
  std::string scratch;
  std::uint64_t expected = 1;
  r.scan(Table::kCommands, 0, [&](std::uint64_t seq, std::string_view value) {
    const std::string where = "command record seq " + std::to_string(seq) + ": ";
    if (seq != expected) {
      diverge(seq > expected ? "command seq " + std::to_string(expected) + " is missing (the next record is seq " +
                                   std::to_string(seq) + ")"
                             : where + "out of order");
      return false;
    }
    ++expected;
    if (persistence::decode_command_record(sha, {}, seq, value, command) == persistence::RecordCheck::kUndecodable) {
      diverge(where + "does not decode");
      return false;
    }
    if (command.command.seq != seq) {
      diverge(where + "holds a command stamped seq " + std::to_string(command.command.seq));
      return false;
    }
    if (command.command.type == matcher::CommandType::kReferenceData) {
      if (const std::string problem = persistence::reload_catalogue_problem(r, command); !problem.empty()) {
        diverge(where + problem);
        return false;
      }
    }
    events.clear();
    try {
      history->run(*engine, command.command, events);
    } catch (const persistence::JournalError& e) {
      diverge("seq " + std::to_string(seq) + ": " + e.what());
      return false;
    }
    report.commands++;
    for (const matcher::Event& e : events) {
      scratch.clear();
      persistence::ByteWriter w(scratch);
      persistence::encode_event(e, w);
      stream.update(scratch);
      report.events++;
      if (e.type != matcher::EventType::kTrade) continue;
      report.trades++;
      const std::string trade = "trade " + std::to_string(e.trade_id) + " (seq " + std::to_string(seq) + "): ";
      const auto stored = r.get(Table::kTrades, e.trade_id);
      if (!stored) {
        diverge(trade + "replay derives " + trade_text(e) + ", the journal has no such trade");
      } else if (persistence::decode_trade_record(sha, {}, e.trade_id, *stored, journaled) ==
                 persistence::RecordCheck::kUndecodable) {
        diverge(trade + "the journal's trade record does not decode");
      } else if (!(journaled.trade == e)) {
        diverge(trade + first_difference(e, journaled.trade));
      }
    }
    if (auto snap = r.get(Table::kSnapshots, seq)) {
      if (persistence::decode_snapshot_record(sha, *snap, snapshot) == persistence::RecordCheck::kOk) {
        report.snapshots_compared++;
        if (!(snapshot.snapshot == engine->snapshot())) {
          diverge("snapshot at seq " + std::to_string(seq) + " differs from the replayed engine state");
        }
      }
    }
    return true;
  });
  if (auto last = r.last_key(Table::kTrades); last && *last > report.trades) {
    diverge("the journal holds trades up to id " + std::to_string(*last) + ", the replay derives " +
            std::to_string(report.trades));
  }
  report.event_stream_hash = persistence::to_hex(stream.finish());
  return report;
}

std::optional<StoredCatalogue> stored_catalogue(const persistence::Journal& journal, std::uint64_t seq) {
  const persistence::Journal::Reader r = journal.reader();
  const auto value = r.get(Table::kReferenceData, seq);
  if (!value) return std::nullopt;
  StoredCatalogue out;
  persistence::ReferenceDataRecord record;
  if (!persistence::decode_reference_data_record(*value, record)) {
    out.problem = "does not decode";
    return out;
  }
  out.bytes = std::string(record.catalogue);  // the view ends with the read transaction
  if (seq == 0) {
    if (persistence::to_hex(persistence::sha256(record.catalogue)) != journal.metadata().reference_data_hash) {
      out.problem = "the stored catalogue is not the one the metadata names";
    }
    return out;
  }
  persistence::Sha256 sha;
  persistence::CommandRecord command;
  const auto stored = r.get(Table::kCommands, seq);
  if (!stored || persistence::decode_command_record(sha, {}, seq, *stored, command) ==
                     persistence::RecordCheck::kUndecodable ||
      command.command.type != matcher::CommandType::kReferenceData) {
    out.problem = "no reload command at that seq";
  } else {
    out.problem = persistence::reload_catalogue_problem(r, command);
  }
  return out;
}

std::uint64_t export_trades(const persistence::Journal& journal, TimeRange range, Format format,
                            const refdata::Catalogue* catalogue, std::ostream& out) {
  RowWriter rows(out, format);
  rows.begin({"trade_id", "seq", "timestamp_ns", "time_utc", "instrument_id", "instrument", "taker_side",
              "price_fen_per_t", "base_price_fen_per_t", "quantity_kg", "maker_order", "taker_order",
              "maker_participant", "taker_participant"});
  persistence::Sha256 sha;
  persistence::TradeRecord t;
  journal.reader().scan(Table::kTrades, 1, [&](std::uint64_t id, std::string_view value) {
    if (persistence::decode_trade_record(sha, {}, id, value, t) == persistence::RecordCheck::kUndecodable) return true;
    const matcher::Event& e = t.trade;
    if (e.timestamp >= range.to) return false;  // timestamps never decrease with trade ids
    if (e.timestamp < range.from) return true;
    rows.row({num(e.trade_id), num(e.seq), num(e.timestamp), str(format_time(e.timestamp)),
              num(std::uint64_t{e.instrument}), str(instrument_code(catalogue, e.instrument)), str(side_name(e.side)),
              num(e.price), num(e.base_price), num(e.quantity), num(e.order_id), num(e.taker_order_id),
              num(std::uint64_t{e.participant}), num(std::uint64_t{e.taker_participant})});
    return true;
  });
  rows.end();
  return rows.rows();
}

std::uint64_t export_orders(const persistence::Journal& journal, TimeRange range, Format format,
                            const refdata::Catalogue* catalogue, std::ostream& out) {
  RowWriter rows(out, format);
  rows.begin({"seq", "timestamp_ns", "time_utc", "type", "participant", "instrument_id", "instrument", "side",
              "order_type", "time_in_force", "price_fen_per_t", "quantity_kg", "display_quantity_kg",
              "min_quantity_kg", "expiry_ns", "target_order", "gateway", "session", "request", "client_order_id"});
  persistence::Sha256 sha;
  persistence::CommandRecord r;
  journal.reader().scan(Table::kCommands, 1, [&](std::uint64_t seq, std::string_view value) {
    if (persistence::decode_command_record(sha, {}, seq, value, r) == persistence::RecordCheck::kUndecodable) {
      return true;
    }
    const matcher::Command& c = r.command;
    if (c.timestamp >= range.to) return false;
    if (c.timestamp < range.from) return true;
    // Only the fields a command of its type carries; the others are empty (null), not the
    // defaults a decoded command holds (a CANCEL is no "BUY LIMIT GTC" of instrument 0).
    using matcher::CommandType;
    const bool order = c.type == CommandType::kNewOrder;
    const bool amend = c.type == CommandType::kAmend;
    const bool scoped = c.type == CommandType::kMassCancel || c.type == CommandType::kHalt ||
                        c.type == CommandType::kResume;
    const bool participant =
        order || amend || c.type == CommandType::kCancel || c.type == CommandType::kReferenceData ||
        (c.type == CommandType::kMassCancel && c.participant != matcher::kAnyParticipant);
    const bool instrument = order || (scoped && c.instrument != matcher::kAnyInstrument);
    const bool target = c.type == CommandType::kCancel || amend;
    rows.row({num(c.seq), num(c.timestamp), str(format_time(c.timestamp)), str(command_type_name(c.type)),
              participant ? num(std::uint64_t{c.participant}) : none(),
              instrument ? num(std::uint64_t{c.instrument}) : none(),
              instrument ? str(instrument_code(catalogue, c.instrument)) : none(),
              order ? str(side_name(c.side)) : none(),
              order ? str(c.order_type == matcher::OrderType::kLimit ? "LIMIT" : "MARKET") : none(),
              order ? str(tif_name(c.time_in_force)) : none(), order || amend ? num(c.price) : none(),
              order || amend ? num(c.quantity) : none(), order ? num(c.display_quantity) : none(),
              order ? num(c.min_quantity) : none(), order ? num(c.expiry) : none(), target ? num(c.order_id) : none(),
              num(std::uint64_t{r.origin.gateway}), num(r.origin.session), num(r.origin.request),
              str(r.origin.client_order_id())});
    return true;
  });
  rows.end();
  return rows.rows();
}

namespace {

// `s` in double quotes, each '"' written as `quote`, each '\\' as `backslash`, and each byte
// outside printable ASCII as `escape` and two hex digits.
void write_quoted(std::ostream& out, std::string_view s, std::string_view quote, std::string_view backslash,
                  std::string_view escape) {
  out << '"';
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"') {
      out << quote;
    } else if (c == '\\') {
      out << backslash;
    } else if (plain_byte(c)) {
      out << c;
    } else {
      out << escape << kHex[b >> 4] << kHex[b & 0xf];
    }
  }
  out << '"';
}

}  // namespace

void write_csv_field(std::ostream& out, std::string_view s) {
  const bool escaped = std::find_if_not(s.begin(), s.end(), plain_byte) != s.end();
  if (escaped || s.find_first_of(",\"") != std::string_view::npos) {
    write_quoted(out, s, "\"\"", "\\", "\\x");
  } else {
    out << s;
  }
}

void write_json_string(std::ostream& out, std::string_view s) { write_quoted(out, s, "\\\"", "\\\\", "\\u00"); }

std::optional<std::uint64_t> parse_time(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.find_first_not_of("0123456789") == std::string_view::npos) {
    if (text.size() > 19) return std::nullopt;  // past 2^63 ns
    return std::stoull(std::string(text));
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, consumed = 0;
  const std::string t(text);
  if (std::sscanf(t.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3) return std::nullopt;
  std::uint64_t fraction = 0;
  if (static_cast<std::size_t>(consumed) < t.size()) {
    int more = 0;
    if (std::sscanf(t.c_str() + consumed, "T%2d:%2d:%2d%n", &h, &mi, &s, &more) != 3) return std::nullopt;
    std::size_t at = static_cast<std::size_t>(consumed + more);
    if (at < t.size() && t[at] == '.') {
      std::uint64_t scale = 100'000'000;  // the first digit after the point is 0.1 s
      for (++at; at < t.size() && t[at] >= '0' && t[at] <= '9'; ++at, scale /= 10) {
        fraction += static_cast<std::uint64_t>(t[at] - '0') * scale;
      }
    }
    if (at != t.size() - 1 || t[at] != 'Z') return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || y < 1970 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  const auto days = std::chrono::sys_days(ymd).time_since_epoch().count();
  const auto seconds = static_cast<std::uint64_t>(days) * 86'400 + static_cast<std::uint64_t>(h * 3600 + mi * 60 + s);
  return seconds * 1'000'000'000 + fraction;
}

std::string format_time(std::uint64_t ns) {
  const auto days = std::chrono::sys_days(std::chrono::days(static_cast<long>(ns / 86'400'000'000'000)));
  const std::chrono::year_month_day ymd(days);
  const std::uint64_t in_day = ns % 86'400'000'000'000;
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02llu:%02llu:%02llu.%09lluZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<unsigned long long>(in_day / 3'600'000'000'000),
                static_cast<unsigned long long>(in_day / 60'000'000'000 % 60),
                static_cast<unsigned long long>(in_day / 1'000'000'000 % 60),
                static_cast<unsigned long long>(in_day % 1'000'000'000));
  return out;
}

}  // namespace rex::audit
