// The exchange core: the one place that wires the pipeline (DESIGN.md).
//
//   gateways --submit()--> inbound queue --> sequencer+matcher thread --> journal writer thread
//   (group commit; then, on the same thread) --> ExchangeListener::on_results() --> gateways
//
// Gateways never touch the engine. A command's events reach listeners only after the command is
// durable in the journal. CONTRACT for the gateway and journal work: the implementation lives in
// exchange/ and persistence/; keep this interface stable or change it in one commit with its users.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "exchange/client_order_id.hpp"
#include "matcher/command.hpp"
#include "matcher/engine.hpp"
#include "matcher/event.hpp"
#include "reference-data/catalogue.hpp"

namespace rex::persistence {
class Journal;
}

namespace rex::exchange {

// Where the exchange and its journal report what goes wrong without throwing (a full disk, a failed
// fsync, a snapshot not stored); `stops` when it stops the exchange taking commands. rexd sends
// them to its log; empty: standard error.
using ProblemReport = std::function<void(bool stops, const std::string& text)>;
inline void report_problem(const ProblemReport& to, bool stops, const std::string& text) {
  if (to) to(stops, text);
  else std::fprintf(stderr, "rex: %s\n", text.c_str());
}

// Where a command came from, so its results can be routed back. Journaled with the command (an
// auditor sees which gateway session sent what) but never read by the engine.
struct Origin {
  // Longest client order id journaled (exchange/client_order_id.hpp: the gateway's cl_ord_id rule).
  static constexpr std::size_t kMaxClientOrderId = kMaxClientOrderIdBytes;

  std::uint32_t gateway = 0;   // 0 = internal/operator console, 1 = WebSocket, 2 = FIX, ...
  std::uint64_t session = 0;   // the gateway's session id
  std::uint64_t request = 0;   // the gateway's request/correlation id within the session
  // The client's own id of the order a new-order command creates (empty for other commands), so a
  // gateway can find it again after a restart. Inline, so an Origin stays trivially copyable.
  std::uint8_t client_order_id_size = 0;
  std::array<char, kMaxClientOrderId> client_order_id_bytes{};

  std::string_view client_order_id() const { return {client_order_id_bytes.data(), client_order_id_size}; }
  // Empty clears it. False (and nothing set) for an id that is not one (is_client_order_id): the
  // journal's decoder refuses those, so none is ever journaled.
  bool set_client_order_id(std::string_view id) {
    if (!id.empty() && !is_client_order_id(id)) return false;
    std::copy(id.begin(), id.end(), client_order_id_bytes.begin());
    client_order_id_size = static_cast<std::uint8_t>(id.size());
    return true;
  }
};

struct ExchangeConfig {
  std::filesystem::path data_directory;     // holds the LMDB environment
  bool sync_commits = true;                 // false only for benchmarks that show the non-disk cost
  std::size_t inbound_capacity = 1u << 16;  // commands queued before submit() answers kBusy
  // Commands per group commit at most. A group of 2048 commits in ~1.1 ms here (p99 1.3 ms) and
  // still carries 1.7 M commands/s through one fdatasync each (bench/RESULTS.md); 8192 adds
  // throughput the pipeline cannot use and quadruples the commit time.
  std::size_t max_group_commands = 2048;
  std::uint64_t snapshot_every_commands = 1'000'000;  // a snapshot after every seq that is a multiple; 0: none
  // The journal's LMDB map starts at the first size and doubles as needed up to the second; beyond
  // it (or when the disk is full) submit() answers kJournalFull. 64 MiB holds ~300,000 commands.
  std::size_t journal_initial_map_bytes = std::size_t{64} << 20;
  std::size_t journal_max_map_bytes = std::size_t{1} << 40;
  // > 0: the journal's write-ahead log, two files of this size; a group is then durable after one
  // sequential write instead of an LMDB commit and the next one (persistence/journal.hpp; without
  // sync_commits the log is written unsynced, like everything else). 0: no log.
  std::size_t journal_write_ahead_log_bytes = 0;
  // > 0: once a group held at least kLingerAfterGroupOf commands, the next one starts no sooner
  // than this many microseconds after it: under load, fewer and larger groups (one log write and
  // one hand-off of results to the gateways each), at up to this much more latency; at low rates
  // (small groups) nothing waits. 0: a group starts as soon as the previous commit returns.
  std::uint32_t group_linger_us = 0;
  // A catalogue given that is not the one in force at the journal's end (its file edited, or a
  // reload of it the engine refused): false, the exchange refuses to start (persistence::JournalError);
  // true, it runs with the one in force, which the journal stores, and says so (catalogue_note()).
  // Either way nothing unjournaled changes the reference data.
  bool run_catalogue_in_force = false;
  ProblemReport report_problem;  // also the journal's
};

inline constexpr std::size_t kLingerAfterGroupOf = 16;

enum class SubmitStatus : std::uint8_t {
  kQueued = 0,    // will be sequenced; its results arrive through the listener
  kBusy = 1,      // inbound queue full: reject to the client as "busy", nothing was queued
  kStopped = 2,   // the exchange is stopping or stopped
  kJournalFull = 3,  // the journal cannot take more commands (disk or map full): reads still work
  // A kReferenceData command through submit() (it needs submit_reference_data()), or a reload the
  // journal cannot take (a format 1 journal): nothing was queued.
  kRefused = 4,
};

// One journaled command and what it caused.
struct CommandResult {
  matcher::Command command;  // as stamped by the sequencer (seq, timestamp)
  Origin origin;
  std::span<const matcher::Event> events;
  // kQueued: journaled and run, `events` are its results. kJournalFull: the journal could not take
  // it, so it was neither journaled nor run (command.seq is 0, events empty): reject to the sender.
  SubmitStatus status = SubmitStatus::kQueued;
  // A kReferenceData command: the catalogue it brought (in force if its events hold an
  // EventType::kReferenceData, else the engine refused it). Null for every other command.
  std::shared_ptr<const refdata::Catalogue> reference_data;
};

// Receives results in sequence order on the exchange's journal writer thread, after they are
// durable. Called once per batch (never per event): implementations must be quick and must not
// block (the next group commit waits for them).
class ExchangeListener {
 public:
  virtual ~ExchangeListener() = default;
  // Once, on the writer thread, before any results: the recovered engine state (resting orders,
  // halted instruments), from which a gateway builds its books, open-order tables and market data.
  virtual void on_recovered(const matcher::EngineSnapshot& state) = 0;
  virtual void on_results(std::span<const CommandResult> batch) = 0;
};

// Upper bounds of the exchange's latency histograms' buckets, in nanoseconds (ExchangeStats): from
// a simple command's matching (tens of ns) to a slow group commit (tens of ms).
inline constexpr std::array<std::uint64_t, 21> kLatencyBoundsNs = {
    50,        100,       200,       500,        1'000,      2'000,      5'000,
    10'000,    20'000,    50'000,    100'000,    200'000,    500'000,    1'000'000,
    2'000'000, 5'000'000, 10'000'000, 20'000'000, 50'000'000, 100'000'000, 1'000'000'000};
// Histogram counts: buckets[i] counts observations of at most kLatencyBoundsNs[i] and more than the
// bound before; the last bucket counts the rest.
using LatencyBuckets = std::array<std::uint64_t, kLatencyBoundsNs.size() + 1>;

// Counters for /metrics, readable from any thread (relaxed atomics behind it).
struct ExchangeStats {
  std::uint64_t commands_submitted = 0;
  std::uint64_t commands_busy = 0;       // submit() answered kBusy
  std::uint64_t commands_journaled = 0;
  std::uint64_t events_published = 0;
  std::uint64_t trades = 0;
  std::uint64_t inbound_depth = 0;       // queued now
  std::uint64_t group_commits = 0;
  std::uint64_t commit_nanoseconds_total = 0;  // with group_commits gives the mean commit time
  std::uint64_t commit_nanoseconds_max = 0;
  // Per group commit, from the start of its write transaction to the moment it is durable (its
  // own commit, then the next group's commit or an explicit sync): what an ack waits on the disk.
  LatencyBuckets commit_buckets{};
  // Matching latency: the time Engine::process takes per command, on the matcher thread (steady
  // clock read before and after). The buckets sum to the number of commands the engine ran since
  // start() (a recovery replay is not counted).
  LatencyBuckets matching_buckets{};
  std::uint64_t matching_nanoseconds_total = 0;
  // The last seq in the journal's LMDB tables (with a write-ahead log, behind the durable seq by
  // what the log's applier has not applied yet, ~20 ms of commands; readers of LMDB see this far).
  std::uint64_t journal_applied_seq = 0;
  // The journal could not take a group (disk or map full, or an I/O error): every command since is
  // refused (kJournalFull) until a restart.
  bool journal_full = false;
};

class Exchange {
 public:
  // Opens (or creates) the journal in config.data_directory and recovers: loads the newest valid
  // snapshot, replays the journal tail. Throws on a journal that fails verification or whose
  // reference-data hash differs from `catalogue`'s.
  Exchange(ExchangeConfig config, refdata::Catalogue catalogue);
  ~Exchange();  // stops if running
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  void add_listener(ExchangeListener* listener);  // before start()
  void start();
  // Stops taking commands, drains what is queued, commits it, publishes it, joins the threads.
  void stop();

  // Thread-safe, lock-free, never blocks. The exchange stamps seq and timestamp (any values in
  // `command` are overwritten).
  SubmitStatus submit(const matcher::Command& command, const Origin& origin);
  // Operator: puts `catalogue` in force at a sequenced point (docs/reference-data.md "Reloading").
  // The sequencer runs a kReferenceData command from `participant` naming it, through
  // Engine::process_reference_data; the writer journals the catalogue's bytes with it; its result
  // carries the catalogue. The caller checks compatibility first (refdata::check_reload); the engine
  // refuses what would break its books. kRefused when the journal cannot take reloads.
  SubmitStatus submit_reference_data(std::shared_ptr<const refdata::Catalogue> catalogue,
                                     matcher::ParticipantId participant, const Origin& origin);
  bool accepts_reference_data() const;  // false for a format 1 journal

  // The catalogue the exchange started with (the one in force at the journal's end then); a reload
  // reaches listeners through CommandResult::reference_data instead.
  const refdata::Catalogue& catalogue() const;
  // Empty, or (run_catalogue_in_force) why catalogue() is not the catalogue the exchange was given.
  const std::string& catalogue_note() const;
  // Highest sequence number that is durable and published.
  std::uint64_t published_seq() const;
  ExchangeStats stats() const;
  // The journal, for readers in this process (index publication, exports): each opens its own read
  // transaction with journal().reader() and reads while the exchange writes (persistence/journal.hpp).
  // LMDB allows one environment per file per process, so in-process readers must come through here.
  const persistence::Journal& journal() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace rex::exchange
