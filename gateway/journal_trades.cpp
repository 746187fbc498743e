#include "gateway/journal_trades.hpp"

#include "persistence/journal.hpp"
#include "persistence/journal_format.hpp"

namespace rex::gateway {

namespace {

// The chain hash a record's successor is checked against: the one stored in record `key` - 1.
bool chain_before(const persistence::Journal& journal, const persistence::Journal::Reader& reader,
                  persistence::Table table, std::uint64_t key, persistence::Hash& out) {
  out = journal.genesis();
  if (key <= 1) return true;
  auto value = reader.get(table, key - 1);
  return value && persistence::stored_chain_hash(*value, out);
}

// Trade `key`, checked against its predecessor's chain hash.
bool read_trade(const persistence::Journal& journal, const persistence::Journal::Reader& reader,
                persistence::Sha256& sha, std::uint64_t key, persistence::TradeRecord& out) {
  persistence::Hash previous;
  if (!chain_before(journal, reader, persistence::Table::kTrades, key, previous)) return false;
  auto value = reader.get(persistence::Table::kTrades, key);
  return value && persistence::decode_trade_record(sha, previous, key, *value, out) == persistence::RecordCheck::kOk;
}

// Visits trades `from`.. in order while each checks out against the one before; false if one did not.
bool scan_trades(const persistence::Journal& journal, const persistence::Journal::Reader& reader, std::uint64_t from,
                 const std::function<void(const matcher::Event&)>& visit) {
  persistence::Hash previous;
  if (!chain_before(journal, reader, persistence::Table::kTrades, from, previous)) return false;
  persistence::Sha256 sha;
  bool ok = true;
  reader.scan(persistence::Table::kTrades, from, [&](std::uint64_t key, std::string_view value) {
    persistence::TradeRecord record;
    if (persistence::decode_trade_record(sha, previous, key, value, record) != persistence::RecordCheck::kOk) {
      ok = false;
      return false;
    }
    previous = record.chain;
    visit(record.trade);
    return true;
  });
  return ok;
}

}  // namespace

std::vector<matcher::Event> load_recent_trades(const persistence::Journal& journal, std::size_t count) {
  std::vector<matcher::Event> out;
  if (count == 0) return out;
  auto reader = journal.reader();
  const auto last = reader.last_key(persistence::Table::kTrades);
  if (!last) return out;
  const std::uint64_t from = *last > count ? *last - count + 1 : 1;
  scan_trades(journal, reader, from, [&](const matcher::Event& trade) { out.push_back(trade); });
  return out;
}

bool for_each_trade_since(const persistence::Journal& journal, std::uint64_t first_seq,
                          const std::function<void(const matcher::Event&)>& visit) {
  auto reader = journal.reader();
  const auto last = reader.last_key(persistence::Table::kTrades);
  if (!last) return true;
  // Trade ids rise with the seq of the command that made them: the first trade at or after first_seq.
  persistence::Sha256 sha;
  persistence::TradeRecord record;
  std::uint64_t lo = 1, hi = *last + 1;  // answer in [lo, hi]; hi: none
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (!read_trade(journal, reader, sha, mid, record)) return false;
    if (record.trade.seq >= first_seq) hi = mid;
    else lo = mid + 1;
  }
  return lo > *last || scan_trades(journal, reader, lo, visit);
}

std::vector<exchange::Origin> load_command_origins(const persistence::Journal& journal,
                                                   std::span<const std::uint64_t> seqs) {
  std::vector<exchange::Origin> out(seqs.size());
  if (seqs.empty()) return out;
  auto reader = journal.reader();
  persistence::Sha256 sha;
  persistence::CommandRecord record;
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    const std::uint64_t seq = seqs[i];
    if (seq == 0) continue;
    persistence::Hash previous;
    if (!chain_before(journal, reader, persistence::Table::kCommands, seq, previous)) continue;
    auto value = reader.get(persistence::Table::kCommands, seq);
    if (value && persistence::decode_command_record(sha, previous, seq, *value, record) == persistence::RecordCheck::kOk) {
      out[i] = record.origin;
    }
  }
  return out;
}

}  // namespace rex::gateway
