#include "gateway/journal_trades.hpp"

#include "persistence/journal.hpp"
#include "persistence/journal_format.hpp"

namespace rex::gateway {

std::vector<matcher::Event> load_recent_trades(const std::filesystem::path& dir, std::size_t count) {
  std::vector<matcher::Event> out;
  if (count == 0 || !std::filesystem::exists(dir / "data.mdb")) return out;
  persistence::JournalOptions options;
  options.directory = dir;
  options.read_only = true;
  persistence::Journal journal(options, nullptr);
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

}  // namespace rex::gateway
