#include "gateway/journal_trades.hpp"

#include "persistence/journal.hpp"
#include "persistence/journal_format.hpp"

namespace rex::gateway {

std::vector<matcher::Event> load_recent_trades(const persistence::Journal& journal, std::size_t count) {
  std::vector<matcher::Event> out;
  if (count == 0) return out;
  auto reader = journal.reader();
  const auto last = reader.last_key(persistence::Table::kTrades);
  if (!last) return out;
  const std::uint64_t from = *last > count ? *last - count + 1 : 1;
  persistence::Hash previous = journal.genesis();
  if (from > 1) {
    auto value = reader.get(persistence::Table::kTrades, from - 1);
    if (!value || !persistence::stored_chain_hash(*value, previous)) return out;
  }
  persistence::Sha256 sha;
  reader.scan(persistence::Table::kTrades, from, [&](std::uint64_t key, std::string_view value) {
    persistence::TradeRecord record;
    if (persistence::decode_trade_record(sha, previous, key, value, record) != persistence::RecordCheck::kOk) {
      return false;
    }
    previous = record.chain;
    out.push_back(record.trade);
    return true;
  });
  return out;
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
    persistence::Hash previous = journal.genesis();
    if (seq > 1) {
      auto before = reader.get(persistence::Table::kCommands, seq - 1);
      if (!before || !persistence::stored_chain_hash(*before, previous)) continue;
    }
    auto value = reader.get(persistence::Table::kCommands, seq);
    if (value && persistence::decode_command_record(sha, previous, seq, *value, record) == persistence::RecordCheck::kOk) {
      out[i] = record.origin;
    }
  }
  return out;
}

}  // namespace rex::gateway
