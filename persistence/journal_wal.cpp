// The journal with a write-ahead log (JournalOptions::write_ahead_log_bytes > 0): groups are made
// durable by the log, applied to LMDB in bulk by the applier thread, and replayed from the log
// into LMDB when the journal opens after a crash. docs/journal-format.md "Write-ahead log".
#include <lmdb.h>

#include <algorithm>
#include <chrono>

#include "persistence/journal.hpp"

namespace rex::persistence {
namespace {

// The applier waits this long between LMDB transactions unless this much is queued: a small
// transaction rewrites nearly as many B-tree pages as a large one (bench/RESULTS.md).
constexpr auto kApplyInterval = std::chrono::milliseconds(20);
constexpr std::size_t kApplyBytes = std::size_t{4} << 20;

}  // namespace

WriteStatus Journal::write_group_logged(const std::function<void(Appender&)>& fill) {
  if (const int e = apply_error_.load(std::memory_order_acquire)) return classify(e);
  const std::uint64_t seq0 = tail_seq_;
  const std::uint64_t trade0 = tail_trade_;
  const Hash command_hash0 = tail_command_hash_;
  const Hash trade_hash0 = tail_trade_hash_;
  wal_record_.begin();
  Appender appender(*this);
  fill(appender);
  int rc = appender.error_;
  if (rc == MDB_SUCCESS && tail_seq_ == seq0) return classify(MDB_SUCCESS);  // no command: nothing to log
  if (rc == MDB_SUCCESS) {
    wal_record_.finish(seq0 + 1, tail_seq_);
    for (;;) {
      rc = wal_->append(wal_record_.bytes(), tail_seq_, applied_seq_.load(std::memory_order_acquire));
      if (rc != WriteAheadLog::kNoRoom) break;
      // Both files hold groups LMDB does not have yet: wait for the applier (it is behind by a
      // whole file, so only a stalled disk gets here).
      std::unique_lock lock(apply_mutex_);
      writer_waiting_ = true;
      apply_wanted_.notify_one();
      applied_.wait_for(lock, std::chrono::milliseconds(10));
      writer_waiting_ = false;
      if (const int e = apply_error_.load(std::memory_order_acquire)) {
        rc = e;
        break;
      }
    }
  }
  if (rc != MDB_SUCCESS) {
    tail_seq_ = seq0;  // nothing of the group is logged: rewind the chain
    tail_trade_ = trade0;
    tail_command_hash_ = command_hash0;
    tail_trade_hash_ = trade_hash0;
    return classify(rc);
  }
  bool wake = false;
  {
    std::lock_guard lock(apply_mutex_);
    apply_queue_bytes_ += wal_record_.bytes().size();
    std::string spare;  // a record the applier is done with: its storage builds the next group's
    if (!spare_records_.empty()) {
      spare = std::move(spare_records_.back());
      spare_records_.pop_back();
    }
    apply_queue_.push_back({wal_record_.release(std::move(spare)), tail_seq_, nullptr});
    wake = apply_queue_bytes_ >= kApplyBytes;
  }
  if (wake) apply_wanted_.notify_one();
  return classify(MDB_SUCCESS);
}

// Puts the groups of `bodies` (in seq order) into LMDB in one transaction, growing the map as
// needed; an LMDB code or errno.
int Journal::apply_logged(const std::vector<std::string_view>& bodies, std::vector<WalPut>& puts) {
  for (;;) {
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
    if (rc != MDB_SUCCESS) return rc;
    for (std::string_view body : bodies) {
      if (!decode_wal_puts(body, puts)) {
        rc = MDB_CORRUPTED;
        break;
      }
      for (const WalPut& p : puts) {
        char k[kKeyBytes];
        encode_key(p.key, k);
        MDB_val key{kKeyBytes, k};
        MDB_val value{p.value.size(), const_cast<char*>(p.value.data())};
        rc = mdb_put(txn, dbi(static_cast<Table>(p.table)), &key, &value, MDB_APPEND);
        if (rc != MDB_SUCCESS) break;
      }
      if (rc != MDB_SUCCESS) break;
    }
    rc = rc == MDB_SUCCESS ? mdb_txn_commit(txn) : (mdb_txn_abort(txn), rc);
    if (rc != MDB_MAP_FULL || !grow_map()) return rc;
  }
}

Journal::LogTail Journal::follow_log(const std::vector<WalRecord>& records, std::uint64_t journal_end) {
  LogTail out;
  out.last_seq = journal_end;
  for (const WalRecord& r : records) {
    if (r.last_seq <= out.last_seq) continue;  // applied before the restart
    if (r.first_seq != out.last_seq + 1) {
      out.gap = "the journal ends at seq " + std::to_string(out.last_seq) + " but the next logged group starts at seq " +
                std::to_string(r.first_seq);
      break;
    }
    out.bodies.push_back(r.body);
    out.last_seq = r.last_seq;
  }
  return out;
}

// The log's checksums only catch damage: a record edited in the log with its checksum made good
// again would go into data.mdb, which would then fail verification for good. Each group must hold
// what the writer logs and nothing else: the commands of its seq range, each in turn, chaining on
// from LMDB's tail; the trades they caused, chaining on likewise; for a reload among them, the
// catalogue its command record binds (the reference_data table of a format 2 journal). The log
// never holds a snapshot: the applier stores those itself.
std::string Journal::log_chain_problem(const std::vector<std::string_view>& bodies) const {
  Sha256 sha;
  Hash command = tail_command_hash_;
  Hash trade = tail_trade_hash_;
  std::uint64_t seq = tail_seq_;
  std::uint64_t trade_id = tail_trade_;
  std::vector<WalPut> puts;
  std::vector<std::pair<std::uint64_t, Hash>> reloads;  // the group's reload seqs and the catalogues they bind
  CommandRecord c;
  TradeRecord t;
  ReferenceDataRecord catalogue;
  constexpr const char* kEdited = " (edited in the log)";
  for (std::string_view body : bodies) {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    if (!decode_wal_range(body, first, last) || !decode_wal_puts(body, puts)) {
      return "a logged group after seq " + std::to_string(seq) + " does not decode" + kEdited;
    }
    const std::string group = "logged group of seqs " + std::to_string(first) + ".." + std::to_string(last);
    reloads.clear();
    for (const WalPut& p : puts) {
      switch (static_cast<Table>(p.table)) {
        case Table::kCommands:
          if (p.key > last) return group + " holds command seq " + std::to_string(p.key) + kEdited;
          if (p.key != seq + 1 || decode_command_record(sha, command, p.key, p.value, c) != RecordCheck::kOk) {
            return "logged command record seq " + std::to_string(p.key) + " does not chain on from the one before it" +
                   kEdited;
          }
          command = c.chain;
          seq = p.key;
          if (c.command.type == matcher::CommandType::kReferenceData) reloads.emplace_back(seq, c.reference_data);
          break;
        case Table::kTrades:
          if (p.key != trade_id + 1 || decode_trade_record(sha, trade, p.key, p.value, t) != RecordCheck::kOk) {
            return "logged trade record id " + std::to_string(p.key) + " does not chain on from the one before it" +
                   kEdited;
          }
          if (t.trade.seq < first || t.trade.seq > last) {
            return group + " holds trade id " + std::to_string(p.key) + " of seq " + std::to_string(t.trade.seq) +
                   kEdited;
          }
          trade = t.chain;
          trade_id = p.key;
          break;
        case Table::kReferenceData: {
          const auto reload =
              std::find_if(reloads.begin(), reloads.end(), [&](const auto& r) { return r.first == p.key; });
          if (!has_reference_data_table() || reload == reloads.end() ||
              !decode_reference_data_record(p.value, catalogue) || catalogue.hash != reload->second ||
              sha256(catalogue.catalogue) != catalogue.hash) {
            return "logged reference data at seq " + std::to_string(p.key) +
                   " is not the catalogue a reload of its group binds" + kEdited;
          }
          break;
        }
        case Table::kSnapshots:
          return group + " holds a snapshot, which a log never does" + kEdited;
      }
    }
    if (seq != last) return group + " holds its commands only up to seq " + std::to_string(seq) + kEdited;
  }
  return {};
}

// At open: the groups the log holds beyond LMDB's last command go into LMDB, in order. They must
// follow on from it without a gap: a missing group means a damaged log, and the journal refuses
// to open rather than lose what was acknowledged after it.
void Journal::recover_from_wal() {
  const std::vector<WalRecord> records = wal_->read_all(tail_seq_);  // stale groups are not kept
  const LogTail tail = follow_log(records, tail_seq_);
  if (!tail.gap.empty()) throw JournalError("write-ahead log in " + options_.directory.string() + ": " + tail.gap);
  if (const std::string problem = log_chain_problem(tail.bodies); !problem.empty()) {
    throw JournalError("write-ahead log in " + options_.directory.string() + ": " + problem);
  }
  const std::vector<std::string_view>& bodies = tail.bodies;
  if (!bodies.empty()) {
    replayed_from_log_ = tail.last_seq - tail_seq_;
    std::vector<WalPut> puts;
    if (const int rc = apply_logged(bodies, puts); rc != MDB_SUCCESS) {
      throw JournalError("cannot apply the write-ahead log to the journal in " + options_.directory.string() + ": " +
                         mdb_strerror(rc));
    }
    load_tail();
  }
  wal_->restart();
}

void Journal::run_applier() {
  Sha256 sha;
  std::string scratch;
  std::vector<WalPut> puts;
  std::vector<LoggedGroup> items;
  std::vector<std::string_view> bodies;
  for (;;) {
    {
      std::unique_lock lock(apply_mutex_);
      apply_wanted_.wait_for(lock, kApplyInterval, [&] { return apply_stop_ || writer_waiting_ || apply_queue_bytes_ >= kApplyBytes; });
      if (apply_queue_.empty()) {
        if (apply_stop_) break;
        continue;
      }
      items.swap(apply_queue_);
      apply_queue_bytes_ = 0;
      writer_waiting_ = false;
    }
    if (apply_error_.load(std::memory_order_relaxed) != 0) {
      items.clear();  // the log keeps them; the next open applies them
      continue;
    }
    bodies.clear();
    std::uint64_t last = 0;
    for (const LoggedGroup& g : items) {
      if (g.snapshot) continue;
      bodies.push_back(std::string_view(g.record).substr(kWalHeaderBytes));
      last = g.last_seq;
    }
    int rc = bodies.empty() ? MDB_SUCCESS : apply_logged(bodies, puts);
    if (rc == MDB_SUCCESS) {
      for (const LoggedGroup& g : items) {
        if (!g.snapshot) continue;
        if (const int src = store_snapshot(*g.snapshot, sha, scratch); src != MDB_SUCCESS) {
          exchange::report_problem(options_.report_problem, false,
                                   "journal: snapshot at seq " + std::to_string(g.snapshot->last_seq) +
                                       " not stored (" + mdb_strerror(src) + ")");
        }
      }
      if (last != 0) applied_seq_.store(last, std::memory_order_release);
    } else {
      exchange::report_problem(options_.report_problem, true,
                               std::string("journal: applying the write-ahead log to LMDB failed (") + mdb_strerror(rc) +
                                   "): no more groups accepted");
      apply_error_.store(rc, std::memory_order_release);
    }
    {
      std::lock_guard lock(apply_mutex_);
      for (LoggedGroup& g : items) {
        if (g.record.empty() || spare_records_.size() == kSpareRecords) continue;
        spare_records_.push_back(std::move(g.record));
      }
    }
    items.clear();
    applied_.notify_all();
  }
}

void Journal::stop_applier() {
  if (!applier_.joinable()) return;
  {
    std::lock_guard lock(apply_mutex_);
    apply_stop_ = true;
  }
  apply_wanted_.notify_one();
  applier_.join();
}

}  // namespace rex::persistence
