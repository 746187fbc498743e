// What the gateway reads back from a journal at start-up so it survives a restart: the newest
// trades (HTTP and trade subscriptions), and for the open orders the origins of the commands that
// created them (their client order ids) and their fills. Read-only; the exchange verifies the journal itself.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <span>
#include <vector>

#include "exchange/exchange.hpp"
#include "matcher/event.hpp"

namespace rex::gateway {

// Up to `count` of the newest trades (oldest first) of the exchange's journal, read once it is
// open (and has replayed its write-ahead log): the journal is opened once per process.
std::vector<matcher::Event> load_recent_trades(const persistence::Journal& journal, std::size_t count);

// Calls `visit` with every trade of commands from `first_seq` on, oldest first, in one read
// transaction (a binary search for the first, then one scan). At start-up: the fills of the
// recovered open orders (an order's trades all come at or after the seq of its NEW_ORDER), which the
// engine's state does not keep. Stops at a record that does not check out; false then.
bool for_each_trade_since(const persistence::Journal& journal, std::uint64_t first_seq,
                          const std::function<void(const matcher::Event&)>& visit);

// The origins of the commands `seqs` (in that order; a default Origin for a seq the journal does
// not hold or whose record does not check out), in one read transaction: two point reads each.
std::vector<exchange::Origin> load_command_origins(const persistence::Journal& journal,
                                                   std::span<const std::uint64_t> seqs);

}  // namespace rex::gateway
