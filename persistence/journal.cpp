#include "persistence/journal.hpp"

#include <lmdb.h>
#include <pthread.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "persistence/writer_lock.hpp"

namespace rex::persistence {
namespace {

constexpr unsigned kMaxDatabases = 5;  // meta, commands, trades, snapshots, reference_data
constexpr std::size_t kMapGrowthFactor = 2;

MDB_val as_val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
std::string_view as_view(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

[[noreturn]] void fail(const std::string& what, int rc) {
  throw JournalError(what + ": " + mdb_strerror(rc));
}

void check(int rc, const std::string& what) {
  if (rc != MDB_SUCCESS) fail(what, rc);
}

}  // namespace

Journal::Journal(JournalOptions options, const JournalMetadata* create_with, std::string_view create_catalogue)
    : options_(std::move(options)) {
  if (!options_.read_only) writer_lock_ = std::make_unique<JournalWriterLock>(options_.directory);
  const auto data_file = options_.directory / "data.mdb";
  std::error_code ec;
  if (!std::filesystem::exists(data_file, ec)) {
    if (options_.read_only || create_with == nullptr) {
      throw JournalError("no journal in " + options_.directory.string() + " (data.mdb missing)");
    }
    create(*create_with, create_catalogue);
  }
  // LMDB would take an empty file for a new environment: a journal cut to nothing must not
  // silently become an empty journal (creation never leaves one: see create()).
  constexpr std::uintmax_t kMetaPagesBytes = 2 * 4096;  // LMDB's two meta pages
  if (std::filesystem::file_size(data_file, ec) < kMetaPagesBytes) {
    throw JournalError(data_file.string() + " is truncated: " + std::to_string(std::filesystem::file_size(data_file, ec)) +
                       " bytes, less than LMDB's two meta pages");
  }
  open_environment();
  try {
    check_not_truncated();
    load_metadata();
    load_tail();
    if (options_.read_only) {
      // What a writable open would do with the log: apply its groups past LMDB's tail, or refuse
      // at a gap. While a writer runs, the files and LMDB move under this reader: only a
      // moment's count then, and a "gap" may be the writer overwriting applied groups.
      writer_live_ = JournalWriterLock::held_in(options_.directory);
      const std::vector<WalRecord> records = WriteAheadLog::read_existing(options_.directory, tail_seq_);
      const LogTail tail = follow_log(records, tail_seq_);
      unapplied_log_commands_ = tail.last_seq - tail_seq_;
      if (!writer_live_) log_gap_ = tail.gap.empty() ? log_chain_problem(tail.bodies) : tail.gap;
    }
    if (logged()) {
      wal_ = std::make_unique<WriteAheadLog>(options_.directory, options_.write_ahead_log_bytes, options_.durable);
      recover_from_wal();
      applied_seq_.store(tail_seq_);
      applier_ = std::thread([this] {
        ::pthread_setname_np(::pthread_self(), "rex-applier");
        run_applier();
      });
    } else if (!options_.read_only && WriteAheadLog::exists_in(options_.directory)) {
      // A log left by a run with one (a crash, and the setting turned off since): its groups go
      // into LMDB, durably, and then the files go, so that no later open can replay them onto
      // commands written without them.
      wal_ = std::make_unique<WriteAheadLog>(options_.directory, kWalMinFileBytes, false);
      recover_from_wal();
      wal_.reset();
      check(mdb_env_sync(env_, 1), "mdb_env_sync");
      WriteAheadLog::remove_from(options_.directory);
    }
  } catch (...) {
    wal_.reset();
    mdb_env_close(env_);
    throw;
  }
}

Journal::~Journal() {
  stop_applier();
  if (write_txn_ != nullptr) mdb_txn_abort(write_txn_);
  mdb_env_close(env_);
}

// A new journal is built aside, in <directory>/.creating, synced, and renamed into place: a crash
// at any moment leaves either no data.mdb or a complete one holding its metadata.
void Journal::create(const JournalMetadata& metadata, std::string_view catalogue) {
  const auto aside = options_.directory / ".creating";
  std::error_code ec;
  std::filesystem::remove_all(aside, ec);
  std::filesystem::create_directories(aside, ec);
  if (ec) throw JournalError("cannot create " + aside.string() + ": " + ec.message());
  MDB_env* env = nullptr;
  check(mdb_env_create(&env), "mdb_env_create");
  MDB_txn* txn = nullptr;
  int rc = mdb_env_set_maxdbs(env, kMaxDatabases);
  if (rc == MDB_SUCCESS) rc = mdb_env_open(env, aside.c_str(), 0, 0644);
  if (rc == MDB_SUCCESS) rc = mdb_txn_begin(env, nullptr, 0, &txn);
  const std::string value = encode_metadata(metadata);
  const bool reference_table = metadata.format_version >= kJournalFormatVersion;
  for (const char* name : {"meta", "commands", "trades", "snapshots", "reference_data"}) {
    MDB_dbi d = 0;
    if (std::string_view(name) == "reference_data" && !reference_table) break;
    if (rc == MDB_SUCCESS) rc = mdb_dbi_open(txn, name, MDB_CREATE, &d);
    if (rc == MDB_SUCCESS && std::string_view(name) == "meta") {
      MDB_val key = as_val(kMetadataKey);
      MDB_val v = as_val(value);
      rc = mdb_put(txn, d, &key, &v, 0);
    }
    if (rc == MDB_SUCCESS && std::string_view(name) == "reference_data" && !catalogue.empty()) {
      const std::string k = encode_key(0);
      const std::string record = encode_reference_data_record(catalogue, sha256(catalogue));
      MDB_val key = as_val(k);
      MDB_val v = as_val(record);
      rc = mdb_put(txn, d, &key, &v, 0);
    }
  }
  if (txn != nullptr) rc = rc == MDB_SUCCESS ? mdb_txn_commit(txn) : (mdb_txn_abort(txn), rc);
  if (rc == MDB_SUCCESS) rc = mdb_env_sync(env, 1);
  mdb_env_close(env);
  if (rc != MDB_SUCCESS) fail("cannot create a journal in " + aside.string(), rc);
  std::filesystem::rename(aside / "data.mdb", options_.directory / "data.mdb", ec);
  if (ec) throw JournalError("cannot move the new journal into place: " + ec.message());
  if (const int dir = ::open(options_.directory.c_str(), O_RDONLY | O_DIRECTORY); dir >= 0) {
    ::fsync(dir);  // the rename itself is durable
    ::close(dir);
  }
  std::filesystem::remove_all(aside, ec);
}

void Journal::open_environment() {
  check(mdb_env_create(&env_), "mdb_env_create");
  unsigned flags = MDB_NOTLS;  // read transactions are not tied to threads
  if (options_.read_only) {
    flags |= MDB_RDONLY;
  } else {
    // With a write-ahead log LMDB commits are few and off the acknowledgement path: each is fully
    // synced (data, then meta page), so the log may be overwritten once it returns.
    if (!options_.durable) flags |= MDB_NOSYNC;
    else if (!logged()) flags |= MDB_NOMETASYNC;
  }
  int rc = mdb_env_set_maxdbs(env_, kMaxDatabases);
  if (rc == MDB_SUCCESS && !options_.read_only) rc = mdb_env_set_mapsize(env_, options_.initial_map_bytes);
  if (rc == MDB_SUCCESS) rc = mdb_env_open(env_, options_.directory.c_str(), flags, 0644);
  if (rc != MDB_SUCCESS) {
    mdb_env_close(env_);
    env_ = nullptr;
    fail("cannot open the journal in " + options_.directory.string(), rc);
  }
}

// LMDB maps the file and trusts its meta page: a file cut short would fault on the first read of
// a missing page. Compare the file size with the last page the meta page names before any read.
void Journal::check_not_truncated() const {
  MDB_envinfo info{};
  MDB_stat stat{};
  check(mdb_env_info(env_, &info), "mdb_env_info");
  check(mdb_env_stat(env_, &stat), "mdb_env_stat");
  struct stat file {};
  const auto data_file = options_.directory / "data.mdb";
  if (::stat(data_file.c_str(), &file) != 0) throw JournalError("cannot stat " + data_file.string());
  const auto needed = static_cast<std::uint64_t>(info.me_last_pgno + 1) * stat.ms_psize;
  if (static_cast<std::uint64_t>(file.st_size) < needed) {
    throw JournalError(data_file.string() + " is truncated: " + std::to_string(file.st_size) +
                       " bytes, its last page ends at byte " + std::to_string(needed));
  }
}

void Journal::load_metadata() {
  MDB_txn* txn = nullptr;
  check(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn), "mdb_txn_begin");
  auto open_db = [&](const char* name, unsigned& out) {
    MDB_dbi d = 0;
    const int rc = mdb_dbi_open(txn, name, 0, &d);
    if (rc != MDB_SUCCESS) {
      mdb_txn_abort(txn);
      fail(std::string("journal table '") + name + "' missing or unreadable", rc);
    }
    out = d;
  };
  open_db("meta", dbi_meta_);
  open_db("commands", dbi_commands_);
  open_db("trades", dbi_trades_);
  open_db("snapshots", dbi_snapshots_);
  MDB_val key = as_val(kMetadataKey);
  MDB_val value{};
  const int rc = mdb_get(txn, dbi_meta_, &key, &value);
  const std::string stored = rc == MDB_SUCCESS ? std::string(as_view(value)) : std::string();
  const bool decoded = rc == MDB_SUCCESS && decode_metadata(stored, metadata_);
  if (decoded && metadata_.format_version == kJournalFormatVersion) open_db("reference_data", dbi_reference_data_);
  mdb_txn_commit(txn);  // a read-only commit keeps the table handles open for the environment
  if (rc != MDB_SUCCESS) throw JournalError("the journal in " + options_.directory.string() + " has no metadata record");
  if (!decoded) throw JournalError("the metadata record does not decode");
  if (metadata_.format_version != kJournalFormatVersion && metadata_.format_version != kJournalFormatVersion1) {
    throw JournalError("journal format version " + std::to_string(metadata_.format_version) +
                       " is not supported (this build reads versions " + std::to_string(kJournalFormatVersion1) +
                       " and " + std::to_string(kJournalFormatVersion) + ")");
  }
  genesis_ = sha256(stored);
}

void Journal::load_tail() {
  tail_command_hash_ = genesis_;
  tail_trade_hash_ = genesis_;
  const Reader r = reader();
  if (auto last = r.last_key(Table::kCommands)) {
    tail_seq_ = *last;
    stored_chain_hash(*r.get(Table::kCommands, *last), tail_command_hash_);
  }
  if (auto last = r.last_key(Table::kTrades)) {
    tail_trade_ = *last;
    stored_chain_hash(*r.get(Table::kTrades, *last), tail_trade_hash_);
  }
}

std::size_t Journal::map_bytes() const {
  MDB_envinfo info{};
  mdb_env_info(env_, &info);
  return info.me_mapsize;
}

unsigned Journal::dbi(Table t) const {
  switch (t) {
    case Table::kCommands: return dbi_commands_;
    case Table::kTrades: return dbi_trades_;
    case Table::kSnapshots: return dbi_snapshots_;
    case Table::kReferenceData: return dbi_reference_data_;
  }
  return dbi_commands_;
}

std::string Journal::last_error_text() const { return last_error_ == 0 ? "" : mdb_strerror(last_error_); }

WriteStatus Journal::classify(int rc) {
  last_error_ = rc;
  if (rc == MDB_SUCCESS) return WriteStatus::kOk;
  if (rc == MDB_MAP_FULL || rc == ENOSPC || rc == EDQUOT || rc == EFBIG) return WriteStatus::kFull;
  return WriteStatus::kFailed;
}

bool Journal::grow_map() {
  const std::size_t current = map_bytes();
  if (current >= options_.max_map_bytes) return false;
  const std::size_t next = std::min(options_.max_map_bytes, current * kMapGrowthFactor);
  std::unique_lock lock(map_mutex_);
  return mdb_env_set_mapsize(env_, next) == MDB_SUCCESS;
}

void Journal::Appender::reference_data(const matcher::Command& c, const exchange::Origin& o,
                                       std::string_view catalogue, const Hash& hash) {
  if (error_ != 0) return;
  if (!journal_.has_reference_data_table() || c.type != matcher::CommandType::kReferenceData) {
    error_ = MDB_INCOMPATIBLE;
    return;
  }
  command(c, o, &hash);
  if (error_ != 0) return;
  put(Table::kReferenceData, c.seq, encode_reference_data_record(catalogue, hash));
}

// Into the group's write-ahead log record, or straight into its LMDB transaction.
void Journal::Appender::put(Table t, std::uint64_t key, std::string_view value) {
  if (journal_.wal_) {
    journal_.wal_record_.put(static_cast<std::uint8_t>(t), key, value);
    return;
  }
  char k[kKeyBytes];
  encode_key(key, k);
  MDB_val mk{kKeyBytes, k};
  MDB_val mv = as_val(value);
  error_ = mdb_put(journal_.write_txn_, journal_.dbi(t), &mk, &mv, MDB_APPEND);
}

void Journal::Appender::command(const matcher::Command& c, const exchange::Origin& o, const Hash* reference) {
  if (error_ != 0) return;
  Journal& j = journal_;
  if (c.seq != j.tail_seq_ + 1) {
    error_ = MDB_KEYEXIST;  // a gap or a repeat would break the chain: refuse the whole group
    return;
  }
  const Hash h = encode_command_record(j.sha_, j.tail_command_hash_, c.seq, c, o, j.scratch_, reference);
  put(Table::kCommands, c.seq, j.scratch_);
  if (error_ == 0) {
    j.tail_seq_ = c.seq;
    j.tail_command_hash_ = h;
  }
}

void Journal::Appender::trade(const matcher::Event& t) {
  if (error_ != 0) return;
  Journal& j = journal_;
  if (t.trade_id != j.tail_trade_ + 1) {
    error_ = MDB_KEYEXIST;
    return;
  }
  const Hash h = encode_trade_record(j.sha_, j.tail_trade_hash_, t, j.scratch_);
  put(Table::kTrades, t.trade_id, j.scratch_);
  if (error_ == 0) {
    j.tail_trade_ = t.trade_id;
    j.tail_trade_hash_ = h;
  }
}

WriteStatus Journal::write_group(const std::function<void(Appender&)>& fill) {
  if (options_.read_only) return WriteStatus::kFailed;
  if (wal_) return write_group_logged(fill);
  const std::uint64_t seq0 = tail_seq_;
  const std::uint64_t trade0 = tail_trade_;
  const Hash command_hash0 = tail_command_hash_;
  const Hash trade_hash0 = tail_trade_hash_;
  for (;;) {
    int rc = mdb_txn_begin(env_, nullptr, 0, &write_txn_);
    if (rc != MDB_SUCCESS) {
      write_txn_ = nullptr;
      return classify(rc);
    }
    Appender appender(*this);
    fill(appender);
    rc = appender.error_;
    if (rc == MDB_SUCCESS) {
      rc = mdb_txn_commit(write_txn_);  // frees the transaction whatever it answers
    } else {
      mdb_txn_abort(write_txn_);
    }
    write_txn_ = nullptr;
    if (rc == MDB_SUCCESS) return classify(rc);
    tail_seq_ = seq0;  // nothing of the group is stored: rewind the chain
    tail_trade_ = trade0;
    tail_command_hash_ = command_hash0;
    tail_trade_hash_ = trade_hash0;
    if (rc != MDB_MAP_FULL || !grow_map()) return classify(rc);
  }
}

WriteStatus Journal::write_snapshot(const matcher::EngineSnapshot& s) {
  if (options_.read_only || s.last_seq == 0) return WriteStatus::kFailed;
  if (wal_) {  // after the groups before it, on the applier thread
    {
      std::lock_guard lock(apply_mutex_);
      apply_queue_.push_back({{}, s.last_seq, std::make_shared<const matcher::EngineSnapshot>(s)});
    }
    apply_wanted_.notify_one();
    return WriteStatus::kOk;
  }
  return classify(store_snapshot(s, sha_, scratch_));
}

// One write transaction storing `s`; an LMDB code.
int Journal::store_snapshot(const matcher::EngineSnapshot& s, Sha256& sha, std::string& scratch) {
  for (;;) {
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
    if (rc != MDB_SUCCESS) return rc;
    char k[kKeyBytes];
    encode_key(s.last_seq, k);
    MDB_val key{kKeyBytes, k};
    MDB_val command{};
    rc = mdb_get(txn, dbi_commands_, &key, &command);
    Hash chain{};
    if (rc == MDB_SUCCESS && !stored_chain_hash(as_view(command), chain)) rc = MDB_CORRUPTED;
    if (rc == MDB_SUCCESS) {
      encode_snapshot_record(sha, s, chain, scratch);
      MDB_val value = as_val(scratch);
      rc = mdb_put(txn, dbi_snapshots_, &key, &value, 0);
    }
    if (rc == MDB_SUCCESS) {  // keep the newest kSnapshotsKept
      MDB_cursor* cursor = nullptr;
      rc = mdb_cursor_open(txn, dbi_snapshots_, &cursor);
      if (rc == MDB_SUCCESS) {
        MDB_val ck{};
        MDB_val cv{};
        std::size_t seen = 0;
        for (int op = MDB_LAST; mdb_cursor_get(cursor, &ck, &cv, static_cast<MDB_cursor_op>(op)) == MDB_SUCCESS;
             op = MDB_PREV) {
          if (++seen > kSnapshotsKept && (rc = mdb_cursor_del(cursor, 0)) != MDB_SUCCESS) break;
        }
        mdb_cursor_close(cursor);
      }
    }
    rc = rc == MDB_SUCCESS ? mdb_txn_commit(txn) : (mdb_txn_abort(txn), rc);
    if (rc != MDB_MAP_FULL || !grow_map()) return rc;
  }
}

WriteStatus Journal::sync() {
  if (!options_.durable || options_.read_only || wal_) return WriteStatus::kOk;
  return classify(mdb_env_sync(env_, 1));
}

// ---- readers ----

Journal::Reader::Reader(const Journal& j) : journal_(&j), lock_(j.map_mutex_) {
  for (;;) {
    const int rc = mdb_txn_begin(j.env_, nullptr, MDB_RDONLY, &txn_);
    if (rc == MDB_SUCCESS) return;
    if (rc != MDB_MAP_RESIZED) fail("cannot begin a read transaction", rc);
    // Another process grew the map: adopt its size (no transaction of ours is open), then retry.
    lock_.unlock();
    {
      std::unique_lock grow(j.map_mutex_);
      mdb_env_set_mapsize(j.env_, 0);
    }
    lock_.lock();
  }
}

Journal::Reader::Reader(Reader&& other) noexcept
    : journal_(other.journal_), lock_(std::move(other.lock_)), txn_(other.txn_) {
  other.txn_ = nullptr;
}

Journal::Reader::~Reader() {
  if (txn_ != nullptr) mdb_txn_abort(txn_);
}

std::optional<std::string_view> Journal::Reader::get(Table t, std::uint64_t key) const {
  char k[kKeyBytes];
  encode_key(key, k);
  MDB_val mk{kKeyBytes, k};
  MDB_val value{};
  // dbi 0 is the reference_data table of a format 1 journal, which has none: LMDB's dbi 0 is its
  // main database (the names of the tables), never a table of records.
  if (journal_->dbi(t) == 0 || mdb_get(txn_, journal_->dbi(t), &mk, &value) != MDB_SUCCESS) return std::nullopt;
  return as_view(value);
}

std::optional<std::string_view> Journal::Reader::metadata_value() const {
  MDB_val key = as_val(kMetadataKey);
  MDB_val value{};
  if (mdb_get(txn_, journal_->dbi_meta_, &key, &value) != MDB_SUCCESS) return std::nullopt;
  return as_view(value);
}

namespace {

std::optional<std::uint64_t> edge_key(MDB_txn* txn, unsigned dbi, MDB_cursor_op op) {
  MDB_cursor* cursor = nullptr;
  if (mdb_cursor_open(txn, dbi, &cursor) != MDB_SUCCESS) return std::nullopt;
  MDB_val key{};
  MDB_val value{};
  std::optional<std::uint64_t> out;
  std::uint64_t n = 0;
  if (mdb_cursor_get(cursor, &key, &value, op) == MDB_SUCCESS && decode_key(as_view(key), n)) out = n;
  mdb_cursor_close(cursor);
  return out;
}

}  // namespace

std::optional<std::uint64_t> Journal::Reader::last_key(Table t) const {
  if (journal_->dbi(t) == 0) return std::nullopt;  // the reference_data table of a format 1 journal
  return edge_key(txn_, journal_->dbi(t), MDB_LAST);
}
std::optional<std::uint64_t> Journal::Reader::first_key(Table t) const {
  if (journal_->dbi(t) == 0) return std::nullopt;  // the reference_data table of a format 1 journal
  return edge_key(txn_, journal_->dbi(t), MDB_FIRST);
}

void Journal::Reader::scan(Table t, std::uint64_t from,
                           const std::function<bool(std::uint64_t, std::string_view)>& visit) const {
  if (journal_->dbi(t) == 0) return;  // the reference_data table of a format 1 journal: empty
  MDB_cursor* cursor = nullptr;
  check(mdb_cursor_open(txn_, journal_->dbi(t), &cursor), "mdb_cursor_open");
  char k[kKeyBytes];
  encode_key(from, k);
  MDB_val key{kKeyBytes, k};
  MDB_val value{};
  int rc = mdb_cursor_get(cursor, &key, &value, MDB_SET_RANGE);
  while (rc == MDB_SUCCESS) {
    std::uint64_t n = 0;
    // A key of the wrong size is reported as key 0, which no table uses: checkers name it.
    if (!decode_key(as_view(key), n)) n = 0;
    if (!visit(n, as_view(value))) break;
    rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT);
  }
  mdb_cursor_close(cursor);
}

std::vector<std::uint64_t> Journal::Reader::keys_descending(Table t) const {
  std::vector<std::uint64_t> keys;
  scan(t, 0, [&](std::uint64_t key, std::string_view) {
    keys.push_back(key);
    return true;
  });
  return {keys.rbegin(), keys.rend()};
}

}  // namespace rex::persistence
