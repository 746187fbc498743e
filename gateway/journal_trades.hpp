// What the gateway reads back from a journal at start-up so it survives a restart: the newest
// trades (HTTP and trade subscriptions), read before the exchange opens the journal, and the
// origins of the commands that created the open orders (their client order ids), read through the
// open exchange. Read-only; the exchange verifies the journal itself.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <vector>

#include "exchange/exchange.hpp"
#include "matcher/event.hpp"

namespace rex::gateway {

// Up to `count` of the newest trades (oldest first) of the exchange's journal, read once it is
// open (and has replayed its write-ahead log): the journal is opened once per process.
std::vector<matcher::Event> load_recent_trades(const persistence::Journal& journal, std::size_t count);

// The origins of the commands `seqs` (in that order; a default Origin for a seq the journal does
// not hold or whose record does not check out), in one read transaction: two point reads each.
std::vector<exchange::Origin> load_command_origins(const persistence::Journal& journal,
                                                   std::span<const std::uint64_t> seqs);

}  // namespace rex::gateway
