// The newest trades of a journal, read before the exchange opens it, so that recent trades (HTTP
// and trade subscriptions) survive a restart. Read-only; the exchange verifies the journal itself.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "matcher/event.hpp"

namespace rex::gateway {

// Up to `count` of the newest trades (oldest first); empty when there is no journal yet.
// Throws persistence::JournalError for a journal that cannot be opened.
std::vector<matcher::Event> load_recent_trades(const std::filesystem::path& data_directory, std::size_t count);

}  // namespace rex::gateway
