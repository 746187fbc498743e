// The pipeline, wired in one place (see exchange.hpp for its shape):
//
//   submit() -> inbound MpscQueue -> sequencer thread (stamp, Engine::process, batch, snapshot)
//            -> to_writer ring -> writer thread (group commit to the journal; once a group is
//               durable, its results to the listeners) -> free ring -> sequencer
//
// The writer publishes itself: a thread of its own for the listeners cost every group one more
// wake-up and, on two shared cores, one more runnable thread (measured in bench/RESULTS.md).
//
// Hand-offs: each thread sleeps on its own WakeSignal (a futex) when it has nothing to do, and
// whoever gives it work wakes it; a busy pipeline makes no system call for it (wake.hpp).
// Back-pressure: no thread ever blocks on another. When a ring or the batch pool is exhausted the
// sequencer stops taking inbound commands, the inbound queue fills, and submit() answers kBusy.
#include "exchange/exchange.hpp"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <thread>
#include <vector>

#include "exchange/batch.hpp"
#include "exchange/mpsc_queue.hpp"
#include "exchange/wake.hpp"
#include "persistence/journal.hpp"
#include "persistence/recovery.hpp"

namespace rex::exchange {
namespace {

// Commands per batch at most: small enough that the writer can start on a batch while the
// sequencer fills the next, large enough that ring traffic is per hundreds of commands.
constexpr std::size_t kBatchCommands = 512;
// Batches in circulation: 128 x 512 = 64 Ki commands may be between the sequencer and the
// listeners, several full groups of the default 8192, so the writer never starves under load.
constexpr std::size_t kBatchPool = 128;

std::uint64_t wall_clock_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

std::uint64_t steady_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

struct Inbound {
  matcher::Command command;
  Origin origin;
  std::shared_ptr<const refdata::Catalogue> reference_data;  // kReferenceData only
};

// One writer: a plain load and store keep the matcher thread free of locked instructions.
void bump(std::atomic<std::uint64_t>& a, std::uint64_t by) {
  a.store(a.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

std::size_t bucket_of(std::uint64_t ns) {
  std::size_t i = 0;
  while (i < kLatencyBoundsNs.size() && ns > kLatencyBoundsNs[i]) ++i;
  return i;
}

void copy_buckets(const std::array<std::atomic<std::uint64_t>, kLatencyBoundsNs.size() + 1>& from, LatencyBuckets& to) {
  for (std::size_t i = 0; i < to.size(); ++i) to[i] = from[i].load(std::memory_order_relaxed);
}

template <typename T>
void update_max(std::atomic<T>& a, T v) {
  T current = a.load(std::memory_order_relaxed);
  while (v > current && !a.compare_exchange_weak(current, v, std::memory_order_relaxed)) {
  }
}

}  // namespace

struct Exchange::State {
  State(ExchangeConfig c, refdata::Catalogue cat)
      : config(std::move(c)),
        catalogue(std::move(cat)),
        create_metadata(persistence::metadata_for(catalogue)),
        journal(journal_options(config), &create_metadata, catalogue.source()),
        inbound(config.inbound_capacity),
        free_batches(kBatchPool),
        to_writer(kBatchPool) {
    persistence::Recovered r = persistence::recover(journal, catalogue);
    // After a reload, the reloaded catalogue; the journal stores it, so an exchange may run with it.
    if (std::string mismatch = persistence::in_force_mismatch(r, catalogue); !mismatch.empty()) {
      if (!config.run_catalogue_in_force) throw persistence::JournalError(mismatch);
      catalogue_note = std::move(mismatch);
      catalogue = *r.catalogue;
    }
    engine = std::move(r.engine);
    last_seq = r.last_seq;
    last_timestamp = r.last_timestamp;
    published_seq.store(r.last_seq);
    recovered = engine->snapshot();
    for (const std::string& s : r.skipped_snapshots) report_problem(config.report_problem, false, "skipped " + s);
    batch_limit = std::max<std::size_t>(1, std::min(kBatchCommands, config.max_group_commands));
    for (std::size_t i = 0; i < kBatchPool; ++i) {
      pool.push_back(std::make_unique<Batch>());
      pool.back()->results.reserve(batch_limit);
      free_batches.try_push(pool.back().get());
    }
  }

  static persistence::JournalOptions journal_options(const ExchangeConfig& c) {
    persistence::JournalOptions o;
    o.directory = c.data_directory;
    o.durable = c.sync_commits;
    o.initial_map_bytes = c.journal_initial_map_bytes;
    o.max_map_bytes = c.journal_max_map_bytes;
    o.write_ahead_log_bytes = c.journal_write_ahead_log_bytes;
    o.report_problem = c.report_problem;
    return o;
  }

  SubmitStatus push(Inbound&& item);  // submit()'s queueing
  void run_sequencer();
  void run_writer();
  void publish(Batch& b);
  void sequence(Inbound& item, Batch& batch);
  void forward_durable(std::vector<Batch*>& group, std::uint64_t started_ns);
  void forward_rejected(std::vector<Batch*>& group);
  // After making room in to_writer or returning a batch to the pool. The fence pairs with the one
  // in the sequencer's wait: either it sees the ring change or this sees its flag.
  void wake_sequencer_for(const std::atomic<bool>& wants) {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (wants.load(std::memory_order_relaxed)) sequencer_wake.notify();
  }

  ExchangeConfig config;
  refdata::Catalogue catalogue;
  std::string catalogue_note;  // why `catalogue` is not the one given (run_catalogue_in_force)
  persistence::JournalMetadata create_metadata;  // used only if the journal is new
  persistence::Journal journal;
  std::unique_ptr<matcher::Engine> engine;
  matcher::EngineSnapshot recovered;

  MpscQueue<Inbound> inbound;
  std::vector<std::unique_ptr<Batch>> pool;
  SpscRing<Batch> free_batches;  // writer -> sequencer, once published
  SpscRing<Batch> to_writer;     // sequencer -> writer
  std::vector<ExchangeListener*> listeners;
  WakeSignal sequencer_wake;  // inbound push, stop, a batch back in the pool, room in to_writer
  // What the sequencer waits for besides commands, set before it sleeps: the writer wakes it only
  // for these (else each batch would cost it spurious wake-ups).
  std::atomic<bool> sequencer_wants_batch{false};
  std::atomic<bool> sequencer_wants_room{false};
  WakeSignal writer_wake;  // a batch in to_writer, sequencer done
  std::thread sequencer_thread;
  std::thread writer_thread;

  std::atomic<bool> started{false};
  std::atomic<bool> stopping{false};
  std::atomic<bool> journal_full{false};
  std::atomic<bool> sequencer_done{false};
  std::atomic<int> submitters{0};  // submit() calls between their stop check and their push

  // Sequencer thread only.
  matcher::SequenceNumber last_seq = 0;
  matcher::Timestamp last_timestamp = 0;
  std::size_t batch_limit = kBatchCommands;

  std::atomic<std::uint64_t> published_seq{0};
  std::atomic<std::uint64_t> commands_submitted{0};
  std::atomic<std::uint64_t> commands_busy{0};
  std::atomic<std::uint64_t> commands_journaled{0};
  std::atomic<std::uint64_t> events_published{0};
  std::atomic<std::uint64_t> trades{0};
  std::atomic<std::uint64_t> group_commits{0};
  std::atomic<std::uint64_t> commit_ns_total{0};
  std::atomic<std::uint64_t> commit_ns_max{0};
  // Each written by one thread only (load + store, no locked instruction), read by stats().
  std::array<std::atomic<std::uint64_t>, kLatencyBoundsNs.size() + 1> commit_buckets{};    // writer
  std::array<std::atomic<std::uint64_t>, kLatencyBoundsNs.size() + 1> matching_buckets{};  // sequencer
  std::atomic<std::uint64_t> matching_ns_total{0};
};

// ---- sequencer + matcher ----

void Exchange::State::sequence(Inbound& item, Batch& batch) {
  matcher::Command& c = item.command;
  if (journal_full.load(std::memory_order_acquire) || batch.rejected) {
    batch.rejected = true;  // the engine no longer runs: nothing after this point can be journaled
    c.seq = 0;
    c.timestamp = 0;
  } else {
    last_timestamp = std::max(last_timestamp, wall_clock_ns());  // never decreasing
    c.seq = ++last_seq;
    c.timestamp = last_timestamp;
    const std::uint64_t match_start = steady_ns();
    if (item.reference_data) {  // a rare operator action: copying the specs may allocate here
      engine->process_reference_data(c, item.reference_data->instruments(), batch.events);
      batch.closed = true;  // at most one reload per batch, its last command
    } else {
      engine->process(c, batch.events);
    }
    const std::uint64_t took = steady_ns() - match_start;
    bump(matching_buckets[bucket_of(took)], 1);
    bump(matching_ns_total, took);
  }
  const matcher::SequenceNumber seq = c.seq;
  // Moved, not copied: a copy of an order's quality terms would allocate on this thread.
  batch.results.push_back(CommandResult{std::move(c), item.origin, {}, SubmitStatus::kQueued, std::move(item.reference_data)});
  batch.event_end.push_back(static_cast<std::uint32_t>(batch.events.size()));
  if (batch.size() >= batch_limit) batch.closed = true;
  // Snapshots fall on multiples of snapshot_every_commands, whatever the restarts in between.
  if (!batch.rejected && config.snapshot_every_commands != 0 && seq % config.snapshot_every_commands == 0) {
    batch.snapshot = std::make_unique<matcher::EngineSnapshot>(engine->snapshot());
    batch.closed = true;  // the snapshot is the state after this batch's last command
  }
}

void Exchange::State::run_sequencer() {
  Batch* current = nullptr;
  Inbound item;
  // What would let the loop below make progress.
  auto ready = [&] {
    if (stopping.load(std::memory_order_relaxed)) return true;
    if (current == nullptr) return !free_batches.empty();
    if (!current->closed && inbound.can_pop()) return true;
    return current->size() != 0 && !to_writer.full();
  };
  for (;;) {
    if (current == nullptr) current = free_batches.try_pop();
    bool took = false;
    if (current != nullptr && !current->closed && inbound.try_pop(item)) {
      sequence(item, *current);
      took = true;
    }
    // Hand the batch on when it is closed or nothing else is waiting; if the writer's ring is
    // full keep filling it up to its limit, then stop taking commands (submit() answers busy).
    if (current != nullptr && current->size() != 0 && (current->closed || !took) && to_writer.try_push(current)) {
      current = nullptr;
      writer_wake.notify();
    }
    if (took) continue;
    // Stopping: every submit() that passed its stop check has pushed, the queue is drained and
    // the last batch handed on.
    if (stopping.load() && submitters.load() == 0 && (current == nullptr || current->size() == 0) &&
        inbound.drained()) {
      break;
    }
    sequencer_wants_batch.store(current == nullptr, std::memory_order_relaxed);
    sequencer_wants_room.store(current != nullptr && current->size() != 0, std::memory_order_relaxed);
    sequencer_wake.wait(ready);  // its fence orders the two stores before its last look at the rings
  }
  sequencer_done.store(true, std::memory_order_release);
  writer_wake.notify();
}

// ---- journal writer ----

void Exchange::State::forward_durable(std::vector<Batch*>& group, std::uint64_t started_ns) {
  if (group.empty()) return;
  const std::uint64_t elapsed = steady_ns() - started_ns;
  group_commits.fetch_add(1, std::memory_order_relaxed);
  commit_ns_total.fetch_add(elapsed, std::memory_order_relaxed);
  update_max(commit_ns_max, elapsed);
  bump(commit_buckets[bucket_of(elapsed)], 1);
  for (Batch* b : group) {
    commands_journaled.fetch_add(b->size(), std::memory_order_relaxed);
    publish(*b);
  }
  group.clear();
}

void Exchange::State::forward_rejected(std::vector<Batch*>& group) {
  for (Batch* b : group) {
    b->rejected = true;
    b->snapshot.reset();
    publish(*b);
  }
  group.clear();
}

void Exchange::State::run_writer() {
  for (ExchangeListener* l : listeners) l->on_recovered(recovered);
  recovered = matcher::EngineSnapshot{};
  std::vector<Batch*> group;
  std::vector<Batch*> pending;  // committed; durable once the next commit or a sync returns
  std::uint64_t pending_started = 0;
  auto ready = [&] { return !to_writer.empty() || sequencer_done.load(std::memory_order_acquire); };

  // Syncs what is committed and hands it on. A failed fsync leaves the durability of acknowledged
  // data unknowable (the kernel may have dropped the dirty pages): stop the process; a restart
  // recovers exactly what the disk holds.
  auto make_pending_durable = [&] {
    if (pending.empty()) return;
    if (journal.sync() != persistence::WriteStatus::kOk) {
      report_problem(config.report_problem, true, "journal fsync failed (" + journal.last_error_text() + "): stopping");
      std::abort();
    }
    forward_durable(pending, pending_started);
  };

  // One write transaction for the batches [first, last): their commands and derived trades.
  auto write = [&](std::vector<Batch*>::iterator first, std::vector<Batch*>::iterator last) {
    return journal.write_group([&](persistence::Journal::Appender& append) {
      for (auto it = first; it != last; ++it) {
        const Batch* b = *it;
        std::uint32_t begin = 0;
        for (std::size_t i = 0; i < b->size(); ++i) {
          if (const auto& reloaded = b->results[i].reference_data) {
            append.reference_data(b->results[i].command, b->results[i].origin, reloaded->source(),
                                  persistence::sha256(reloaded->source()));
          } else {
            append.command(b->results[i].command, b->results[i].origin);
          }
          for (std::uint32_t e = begin; e < b->event_end[i]; ++e) {
            if (b->events[e].type == matcher::EventType::kTrade) append.trade(b->events[e]);
          }
          begin = b->event_end[i];
        }
      }
    });
  };

  // Under load (the last group was large) the next group waits until config.group_linger_us after
  // the last one started: fewer, larger groups, each one log write and one hand-off of results to
  // the gateways (whose socket writes are the machine's largest cost per group). A lone command
  // after a quiet spell is committed at once.
  const std::uint64_t linger_ns = std::uint64_t{config.group_linger_us} * 1000;
  std::uint64_t last_started = 0;
  std::size_t last_group_commands = 0;
  for (;;) {
    std::size_t commands = 0;
    if (linger_ns != 0 && last_group_commands >= kLingerAfterGroupOf && !to_writer.empty()) {
      const std::uint64_t now = steady_ns();
      if (now < last_started + linger_ns) {
        const timespec nap{0, static_cast<long>(last_started + linger_ns - now)};
        ::nanosleep(&nap, nullptr);
      }
    }
    while (Batch* b = to_writer.front()) {
      if (!group.empty() && commands + b->size() > config.max_group_commands) break;
      to_writer.pop();
      group.push_back(b);
      commands += b->size();
    }
    if (!group.empty()) wake_sequencer_for(sequencer_wants_room);
    if (group.empty()) {
      if (!pending.empty()) {
        make_pending_durable();
        continue;
      }
      if (sequencer_done.load(std::memory_order_acquire) && to_writer.empty()) break;
      writer_wake.wait(ready);
      continue;
    }

    bool rejected = journal_full.load(std::memory_order_relaxed);
    for (Batch* b : group) rejected = rejected || b->rejected;
    if (rejected) {  // once full, nothing more is journaled (the engine ran past the journal)
      make_pending_durable();
      forward_rejected(group);
      continue;
    }

    const std::uint64_t started_ns = steady_ns();
    last_started = started_ns;
    last_group_commands = commands;
    persistence::WriteStatus status = write(group.begin(), group.end());
    std::size_t stored = status == persistence::WriteStatus::kOk ? group.size() : 0;
    if (status != persistence::WriteStatus::kOk && group.size() > 1) {
      // The map or the disk is full (a full disk may show as EIO, LMDB's answer to a short write):
      // keep what fits, batch by batch, before refusing the rest.
      for (stored = 0; stored < group.size(); ++stored) {
        if (write(group.begin() + static_cast<std::ptrdiff_t>(stored),
                  group.begin() + static_cast<std::ptrdiff_t>(stored) + 1) != persistence::WriteStatus::kOk) {
          break;
        }
      }
    }
    if (stored < group.size()) {
      report_problem(config.report_problem, true,
                     "journal full or failing (" + journal.last_error_text() + "): no longer accepting commands");
      journal_full.store(true, std::memory_order_release);
      std::vector<Batch*> refused(group.begin() + static_cast<std::ptrdiff_t>(stored), group.end());
      group.resize(stored);
      make_pending_durable();  // rare path: a sync of its own rather than reasoning about which commit ran
      pending.swap(group);
      pending_started = started_ns;
      make_pending_durable();
      forward_rejected(refused);
      continue;
    }
    // This commit's own data sync also flushed the previous group's meta page: it is durable now.
    forward_durable(pending, pending_started);
    pending.swap(group);
    pending_started = started_ns;
    for (Batch* b : pending) {
      if (!b->snapshot) continue;
      if (journal.write_snapshot(*b->snapshot) != persistence::WriteStatus::kOk) {
        report_problem(config.report_problem, false,
                       "snapshot at seq " + std::to_string(b->snapshot->last_seq) + " not stored (" +
                           journal.last_error_text() + ")");
      }
      b->snapshot.reset();
    }
    // With a write-ahead log the group was durable when write_group() returned.
    if (journal.durable_on_write()) forward_durable(pending, pending_started);
  }
  make_pending_durable();
}

// ---- publication (on the writer's thread) ----

// Hands a batch's results to the listeners and returns the batch to the pool.
void Exchange::State::publish(Batch& b) {
  std::uint32_t first = 0;
  std::uint64_t trade_count = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    CommandResult& r = b.results[i];
    if (b.rejected) {
      r.command.seq = 0;
      r.command.timestamp = 0;
      r.status = SubmitStatus::kJournalFull;
    } else {
      r.events = std::span<const matcher::Event>(b.events.data() + first, b.event_end[i] - first);
    }
    first = b.event_end[i];
  }
  if (!b.rejected) {
    for (const matcher::Event& e : b.events) trade_count += e.type == matcher::EventType::kTrade ? 1 : 0;
  }
  for (ExchangeListener* l : listeners) l->on_results(b.results);
  if (!b.rejected) {
    events_published.fetch_add(b.events.size(), std::memory_order_relaxed);
    trades.fetch_add(trade_count, std::memory_order_relaxed);
    published_seq.store(b.results.back().command.seq, std::memory_order_release);
  }
  b.clear();
  free_batches.try_push(&b);  // cannot fail: the ring holds the whole pool
  wake_sequencer_for(sequencer_wants_batch);
}

// ---- the public face ----

Exchange::Exchange(ExchangeConfig config, refdata::Catalogue catalogue)
    : state_(std::make_unique<State>(std::move(config), std::move(catalogue))) {}

Exchange::~Exchange() { stop(); }

void Exchange::add_listener(ExchangeListener* listener) {
  if (!state_->started.load()) state_->listeners.push_back(listener);
}

void Exchange::start() {
  State& s = *state_;
  if (s.started.exchange(true)) return;
  s.writer_thread = std::thread([&s] {
    ::pthread_setname_np(::pthread_self(), "rex-journal");
    s.run_writer();
  });
  s.sequencer_thread = std::thread([&s] {
    ::pthread_setname_np(::pthread_self(), "rex-sequencer");
    s.run_sequencer();
  });
}

void Exchange::stop() {
  State& s = *state_;
  s.stopping.store(true);
  if (!s.started.load()) return;
  s.sequencer_wake.notify();
  if (s.sequencer_thread.joinable()) s.sequencer_thread.join();
  if (s.writer_thread.joinable()) s.writer_thread.join();
}

SubmitStatus Exchange::submit(const matcher::Command& command, const Origin& origin) {
  if (command.type == matcher::CommandType::kReferenceData) return SubmitStatus::kRefused;
  return state_->push(Inbound{command, origin, nullptr});
}

bool Exchange::accepts_reference_data() const { return state_->journal.has_reference_data_table(); }

SubmitStatus Exchange::submit_reference_data(std::shared_ptr<const refdata::Catalogue> catalogue,
                                             matcher::ParticipantId participant, const Origin& origin) {
  if (!catalogue || !accepts_reference_data()) return SubmitStatus::kRefused;
  matcher::Command c;
  c.type = matcher::CommandType::kReferenceData;
  c.participant = participant;
  c.reference_data = persistence::engine_options_for(*catalogue).reference_data;
  return state_->push(Inbound{std::move(c), origin, std::move(catalogue)});
}

SubmitStatus Exchange::State::push(Inbound&& item) {
  State& s = *this;
  s.submitters.fetch_add(1);
  SubmitStatus status = SubmitStatus::kQueued;
  if (s.stopping.load()) {
    status = SubmitStatus::kStopped;
  } else if (s.journal_full.load(std::memory_order_acquire)) {
    status = SubmitStatus::kJournalFull;
  } else if (!s.inbound.try_push(std::move(item))) {
    status = SubmitStatus::kBusy;
  }
  s.submitters.fetch_sub(1);
  if (status == SubmitStatus::kQueued) {
    s.sequencer_wake.notify();
    s.commands_submitted.fetch_add(1, std::memory_order_relaxed);
  } else if (status == SubmitStatus::kBusy) {
    s.commands_busy.fetch_add(1, std::memory_order_relaxed);
  }
  return status;
}

const refdata::Catalogue& Exchange::catalogue() const { return state_->catalogue; }
const std::string& Exchange::catalogue_note() const { return state_->catalogue_note; }

const persistence::Journal& Exchange::journal() const { return state_->journal; }

std::uint64_t Exchange::published_seq() const { return state_->published_seq.load(std::memory_order_acquire); }

ExchangeStats Exchange::stats() const {
  const State& s = *state_;
  ExchangeStats out;
  out.commands_submitted = s.commands_submitted.load(std::memory_order_relaxed);
  out.commands_busy = s.commands_busy.load(std::memory_order_relaxed);
  out.commands_journaled = s.commands_journaled.load(std::memory_order_relaxed);
  out.events_published = s.events_published.load(std::memory_order_relaxed);
  out.trades = s.trades.load(std::memory_order_relaxed);
  out.inbound_depth = s.inbound.size();
  out.group_commits = s.group_commits.load(std::memory_order_relaxed);
  out.commit_nanoseconds_total = s.commit_ns_total.load(std::memory_order_relaxed);
  out.commit_nanoseconds_max = s.commit_ns_max.load(std::memory_order_relaxed);
  out.journal_applied_seq = s.journal.durable_on_write() ? s.journal.applied_seq()
                                                         : s.published_seq.load(std::memory_order_relaxed);
  copy_buckets(s.commit_buckets, out.commit_buckets);
  copy_buckets(s.matching_buckets, out.matching_buckets);
  out.matching_nanoseconds_total = s.matching_ns_total.load(std::memory_order_relaxed);
  out.journal_full = s.journal_full.load(std::memory_order_acquire);
  return out;
}

}  // namespace rex::exchange
