// A batch: commands the sequencer ran back to back, with their origins and events, on their way
// to the journal writer, which publishes them once durable. Batches are pooled and reused (no allocation per
// command once their vectors have grown).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "exchange/exchange.hpp"

namespace rex::exchange {

struct Batch {
  // Command i as stamped, with its origin; publish() fills in its events and status.
  std::vector<CommandResult> results;
  std::vector<std::uint32_t> event_end;  // events of command i: [event_end[i-1], event_end[i])
  matcher::EventBuffer events;
  std::unique_ptr<matcher::EngineSnapshot> snapshot;  // the engine after the last command, if taken
  bool closed = false;    // the sequencer adds no more commands (full, or a snapshot was taken)
  bool rejected = false;  // not journaled (journal full): published as kJournalFull
  std::uint64_t commit_started_ns = 0;  // writer: when the group holding it began its transaction

  std::size_t size() const { return results.size(); }
  void clear() {
    results.clear();
    event_end.clear();
    events.clear();
    snapshot.reset();
    closed = false;
    rejected = false;
    commit_started_ns = 0;
  }
};

}  // namespace rex::exchange
