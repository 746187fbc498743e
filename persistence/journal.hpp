// The LMDB journal of one exchange: journaled commands (the source of truth), the trades derived
// from them, the metadata record and engine snapshots, in one environment (docs/journal-format.md).
// One writer thread appends groups of commands, one write transaction each; any number of readers
// read in their own read transactions meanwhile, in this process or another.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <vector>
#include <stdexcept>
#include <string>
#include <string_view>

#include "exchange/exchange.hpp"
#include "persistence/journal_format.hpp"
#include "persistence/write_ahead_log.hpp"

struct MDB_env;
struct MDB_txn;

namespace rex::persistence {

class JournalWriterLock;

// A journal that cannot be opened or fails a check; the message names the file or record.
class JournalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct JournalOptions {
  std::filesystem::path directory;  // holds data.mdb and lock.mdb
  // true: a group is durable once write_group() and a later commit or sync() return (MDB_NOMETASYNC,
  // see docs/journal-format.md "Durability"); false: nothing is ever synced (benchmarks only).
  bool durable = true;
  bool read_only = false;  // auditors: MDB_RDONLY, never writes
  // The map starts at this size and doubles when full, up to max_map_bytes; beyond it the journal
  // answers kFull. 64 MiB holds ~300,000 commands; 1 TiB is far beyond any disk here.
  std::size_t initial_map_bytes = std::size_t{64} << 20;
  std::size_t max_map_bytes = std::size_t{1} << 40;
  // > 0 puts a write-ahead log of two files of this size in front of LMDB
  // (persistence/write_ahead_log.hpp): write_group() is then durable when it returns, with one
  // sequential write, and a thread of the journal applies the groups to LMDB in bulk (a journal
  // that is not durable writes the log without syncing, as it does everything else). 0: every
  // group is an LMDB commit, durable after the next commit or sync() (MDB_NOMETASYNC); a log
  // found in the directory (left by a run with one) is then applied to LMDB at open and deleted.
  std::size_t write_ahead_log_bytes = 0;
  exchange::ProblemReport report_problem;  // empty: standard error
};

enum class WriteStatus : std::uint8_t {
  kOk = 0,
  kFull = 1,    // the map reached max_map_bytes or the disk is full: nothing of this write is stored
  kFailed = 2,  // any other I/O error: nothing of this write is stored
};

// kReferenceData: catalogues by the seq of the reload command that brought them (key 0: the one
// the journal was created with, when its creator gave the bytes). Format 2 journals only: reads
// of it in a format 1 journal find nothing.
enum class Table : std::uint8_t { kCommands = 0, kTrades = 1, kSnapshots = 2, kReferenceData = 3 };

class Journal {
 public:
  // Opens the journal in options.directory, or creates it with `create_with` as its metadata when
  // there is none (and not read-only), storing `create_catalogue` (the exact bytes of the catalogue
  // the metadata names, if given) as reference data 0. Throws JournalError for a missing, truncated
  // or unreadable journal, or one whose metadata does not decode.
  Journal(JournalOptions options, const JournalMetadata* create_with, std::string_view create_catalogue = {});
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  const JournalMetadata& metadata() const { return metadata_; }
  // SHA-256 of the metadata record's value: the "previous hash" of command 1 and of trade 1.
  const Hash& genesis() const { return genesis_; }
  const std::filesystem::path& directory() const { return options_.directory; }
  // Format 2 and later: the reference_data table exists, reloads can be journaled.
  bool has_reference_data_table() const { return dbi_reference_data_ != 0; }
  std::size_t map_bytes() const;

  // ---- the writer (one thread) ----
  std::uint64_t last_seq() const { return tail_seq_; }
  std::uint64_t last_trade() const { return tail_trade_; }
  // The command and trade chains' heads after last_seq() and last_trade(): what an auditor keeps
  // outside the journal to prove it later unaltered (docs/audit-guide.md "Anchoring"). The
  // writer's state: read it while no group is being written (before the exchange starts, after
  // it stops).
  const Hash& command_chain_head() const { return tail_command_hash_; }
  const Hash& trade_chain_head() const { return tail_trade_hash_; }

  class Appender {
   public:
    // c.seq must be last_seq() + 1 (the previous command appended); t a kTrade event.
    void command(const matcher::Command& c, const exchange::Origin& o) { command(c, o, nullptr); }
    void trade(const matcher::Event& t);
    // A kReferenceData command: its record binds `hash` (the SHA-256 of `catalogue`), and the
    // catalogue's bytes go into the reference_data table under its seq, in this transaction.
    // Fails the group in a format 1 journal.
    void reference_data(const matcher::Command& c, const exchange::Origin& o, std::string_view catalogue,
                        const Hash& hash);

   private:
    friend class Journal;
    explicit Appender(Journal& j) : journal_(j) {}
    void command(const matcher::Command& c, const exchange::Origin& o, const Hash* reference);
    void put(Table t, std::uint64_t key, std::string_view value);
    Journal& journal_;
    int error_ = 0;
  };
  // Runs `fill` in one write transaction and commits it. On a full map it aborts, grows the map
  // and runs `fill` again, so `fill` must only append.
  WriteStatus write_group(const std::function<void(Appender&)>& fill);
  // Stores a snapshot whose last_seq is already journaled, bound to that command's chain hash.
  // Keeps the newest kSnapshotsKept. Failing here loses nothing: the journal still has every command.
  WriteStatus write_snapshot(const matcher::EngineSnapshot& s);
  // Forces everything committed to disk (one fdatasync; nothing to do with a write-ahead log).
  WriteStatus sync();
  // With a write-ahead log a group is durable as soon as write_group() returns kOk; without one,
  // only after the next write_group() or sync() returns.
  bool durable_on_write() const { return wal_ != nullptr; }
  // With a write-ahead log: the last seq LMDB holds durably (the applier's progress; any thread).
  // Without one it is not kept (0): LMDB has every group write_group() returned.
  std::uint64_t applied_seq() const { return applied_seq_.load(std::memory_order_acquire); }
  // Commands the write-ahead log held beyond LMDB when this journal opened (applied since).
  std::uint64_t replayed_from_log() const { return replayed_from_log_; }
  // Read-only journals: commands a write-ahead log in the directory holds beyond LMDB (its writer
  // stopped before applying them, e.g. a crash). They are not visible to this reader; opening the
  // journal with its log (starting rexd) applies them.
  std::uint64_t unapplied_log_commands() const { return unapplied_log_commands_; }
  // Read-only opens: whether a writer (rexd) had the journal open, and, when none had, why a
  // writable open would refuse the write-ahead log (a gap between LMDB and the log's groups;
  // empty when it would not). Counts and checks of a journal being written are a moment's view.
  bool writer_live() const { return writer_live_; }
  const std::string& log_gap() const { return log_gap_; }
  // The errno or LMDB code of the last failed write, and its text.
  int last_error() const { return last_error_; }
  std::string last_error_text() const;

  // ---- readers (any thread) ----
  class Reader {
   public:
    Reader(Reader&& other) noexcept;
    Reader& operator=(Reader&&) = delete;
    ~Reader();
    std::optional<std::string_view> get(Table t, std::uint64_t key) const;
    std::optional<std::uint64_t> last_key(Table t) const;
    std::optional<std::uint64_t> first_key(Table t) const;
    // Visits records in key order from `from` on while `visit` returns true.
    void scan(Table t, std::uint64_t from,
              const std::function<bool(std::uint64_t key, std::string_view value)>& visit) const;
    // Every key of a table, newest first (snapshots).
    std::vector<std::uint64_t> keys_descending(Table t) const;
    std::optional<std::string_view> metadata_value() const;

   private:
    friend class Journal;
    Reader(const Journal& j);
    const Journal* journal_;
    std::shared_lock<std::shared_mutex> lock_;
    MDB_txn* txn_ = nullptr;
  };
  Reader reader() const { return Reader(*this); }

 private:
  friend class Appender;
  void create(const JournalMetadata& metadata, std::string_view catalogue);
  bool logged() const { return !options_.read_only && options_.write_ahead_log_bytes > 0; }
  void open_environment();
  void load_metadata();
  void check_not_truncated() const;
  void load_tail();
  bool grow_map();
  WriteStatus classify(int rc);
  unsigned dbi(Table t) const;
  int store_snapshot(const matcher::EngineSnapshot& s, Sha256& sha, std::string& scratch);

  // journal_wal.cpp: the write-ahead log's side of the journal.
  WriteStatus write_group_logged(const std::function<void(Appender&)>& fill);
  void recover_from_wal();
  // The log's groups that follow on from LMDB's last command (journal_end), in order, up to the end
  // of the log or a gap (described in `gap`).
  struct LogTail {
    std::vector<std::string_view> bodies;  // into the records given
    std::uint64_t last_seq = 0;
    std::string gap;
  };
  static LogTail follow_log(const std::vector<WalRecord>& records, std::uint64_t journal_end);
  // Why the log's groups `bodies` do not continue LMDB's command and trade chains, or hold what the
  // writer never logs (edited in the log); empty if they are as logged.
  std::string log_chain_problem(const std::vector<std::string_view>& bodies) const;
  int apply_logged(const std::vector<std::string_view>& bodies, std::vector<WalPut>& puts);
  void run_applier();
  void stop_applier();

  JournalOptions options_;
  JournalMetadata metadata_;
  Hash genesis_{};
  MDB_env* env_ = nullptr;
  unsigned dbi_meta_ = 0;
  unsigned dbi_commands_ = 0;
  unsigned dbi_trades_ = 0;
  unsigned dbi_snapshots_ = 0;
  unsigned dbi_reference_data_ = 0;  // 0: a format 1 journal, without the table
  // Readers hold it shared; the writer takes it exclusively only to grow the map (LMDB requires
  // that no transaction of this process is open while mdb_env_set_mapsize runs).
  mutable std::shared_mutex map_mutex_;

  // Writer state: the chain tails and scratch, touched only by the writer thread.
  MDB_txn* write_txn_ = nullptr;
  std::uint64_t tail_seq_ = 0;
  std::uint64_t tail_trade_ = 0;
  Hash tail_command_hash_{};
  Hash tail_trade_hash_{};
  Sha256 sha_;
  std::string scratch_;
  int last_error_ = 0;

  // With a write-ahead log: the writer logs each group durably and queues it here; the applier
  // thread puts what is queued into LMDB, one transaction (fully synced) at a time, and advances
  // applied_seq_, which lets the log overwrite a file whose groups are all applied.
  struct LoggedGroup {
    std::string record;  // the whole WAL record (header and body); empty for a snapshot
    std::uint64_t last_seq = 0;
    std::shared_ptr<const matcher::EngineSnapshot> snapshot;
  };
  std::unique_ptr<WriteAheadLog> wal_;
  WalRecordBuilder wal_record_;
  std::mutex apply_mutex_;
  std::condition_variable apply_wanted_;  // the applier waits for groups
  std::condition_variable applied_;       // the writer waits for room in the log
  std::vector<LoggedGroup> apply_queue_;  // under apply_mutex_
  // Records the applier is done with, kept for their storage (under apply_mutex_): the writer
  // builds its next groups in them, so logging a group allocates nothing once warm.
  std::vector<std::string> spare_records_;
  static constexpr std::size_t kSpareRecords = 64;
  std::size_t apply_queue_bytes_ = 0;     // under apply_mutex_
  bool apply_stop_ = false;               // under apply_mutex_
  bool writer_waiting_ = false;           // under apply_mutex_: the log is full, apply now
  std::atomic<std::uint64_t> applied_seq_{0};
  std::atomic<int> apply_error_{0};  // the first LMDB error of the applier: the journal takes no more
  std::thread applier_;
  std::uint64_t replayed_from_log_ = 0;
  std::uint64_t unapplied_log_commands_ = 0;
  bool writer_live_ = false;
  std::string log_gap_;
  std::unique_ptr<JournalWriterLock> writer_lock_;  // writable opens: held while open
};

// How many snapshots the journal keeps: the newest, and older ones in case it is damaged.
inline constexpr std::size_t kSnapshotsKept = 3;

}  // namespace rex::persistence
