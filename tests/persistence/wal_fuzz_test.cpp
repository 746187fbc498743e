// Seeded mutation fuzzing of the write-ahead log as read back (docs/journal-format.md "Write-ahead
// log"): log files with records damaged, torn, cut, inflated, edited with their checksum made good,
// or replaced by garbage yield exactly the intact records they hold; and a journal opened over such
// a log recovers exactly the groups that follow on from LMDB, or is refused naming the gap or the
// edited record, as a reader (rex-audit) is told too.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "persistence/hash.hpp"
#include "persistence/recovery.hpp"
#include "persistence/verify.hpp"
#include "persistence/write_ahead_log.hpp"
#include "tests/persistence/mutator.hpp"
#include "tests/persistence/support.hpp"
#include "tests/persistence/wal_test_support.hpp"

using namespace rex;
using namespace rex::persistence;
using namespace rex::testing::wal;
using rex::testing::TempDir;
using rex::testing::fuzz::Mutator;

namespace {

constexpr std::uint64_t kSeed = 20260612;

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

// The checksum field of a record whose body is `body`: the first 8 bytes of its SHA-256.
std::string checksum_field(std::string_view body) {
  const Hash h = sha256(body);
  return std::string(reinterpret_cast<const char*>(h.data()), 8);
}

// `record` with the byte at `body_offset` of its body XORed with `change` (not 0) and its checksum
// made good: intact, but not what was logged.
std::string edited_record(std::string record, std::size_t body_offset, std::uint8_t change = 0x5a) {
  record[kWalHeaderBytes + body_offset] = static_cast<char>(record[kWalHeaderBytes + body_offset] ^ change);
  record.replace(8, 8, checksum_field(std::string_view(record).substr(kWalHeaderBytes)));
  return record;
}

// A record read back as it would lie in a file: header and body.
std::string as_logged(const WalRecord& r) {
  return "RXWL" + le(r.body.size(), 4) + checksum_field(r.body) + r.body;
}

// Damage of one of the kinds a crash, a bad disk or an editor leaves, somewhere in `file`, whose
// records start at `offsets`.
std::string damage(std::string file, const std::vector<std::size_t>& offsets, const std::vector<std::string>& others,
                   Mutator& m) {
  const std::size_t record = offsets.empty() ? 0 : offsets[m.below(offsets.size())];
  switch (m.below(6)) {
    case 0: {  // a torn write: zeros from somewhere in a record on
      const std::size_t at = std::min(file.size(), record + m.below(64));
      std::fill(file.begin() + static_cast<std::ptrdiff_t>(at), file.end(), '\0');
      break;
    }
    case 1: {  // a record's length inflated, or off by a little
      const std::uint64_t length = load_le(file, record + 4, 4);
      const std::uint64_t lengths[] = {0, 15, 16, length - 1, length + 1, UINT32_MAX, 1ull << 31, file.size()};
      file.replace(record + 4, 4, le(lengths[m.below(std::size(lengths))], 4));
      break;
    }
    case 2: {  // garbage written over a stretch
      const std::size_t at = m.below(file.size());
      const std::string garbage = m.random_bytes(1 + m.below(200));
      file.replace(at, std::min(garbage.size(), file.size() - at), garbage.substr(0, file.size() - at));
      break;
    }
    case 3: {  // garbage that looks like records: the magic, then anything
      for (int i = 0; i < 8; ++i) {
        const std::size_t at = m.below(file.size());
        std::string fake = "RXWL" + m.random_bytes(12 + m.below(40));
        if (m.below(2) == 0) fake.replace(4, 4, le(m.below(64), 4));
        file.replace(at, std::min(fake.size(), file.size() - at), fake.substr(0, file.size() - at));
      }
      break;
    }
    case 4:  // a file of nothing but random bytes
      file = m.random_bytes(file.size());
      break;
    default:
      file = m.mutate(file, others);
      break;
  }
  return file;
}

}  // namespace

TEST_CASE("fuzz: a damaged log file yields exactly the intact records it holds", "[wal][fuzz]") {
  // Groups of several shapes: many puts, an empty value, a reload's catalogue, extreme keys.
  std::vector<std::string> records;
  for (std::uint64_t g = 0; g < 12; ++g) {
    const std::uint64_t first = 1 + g * 4;
    std::vector<Put> puts;
    for (std::uint64_t s = first; s < first + 4; ++s) {
      puts.push_back({Table::kCommands, s, bytes_of(static_cast<std::size_t>(s % 5 == 0 ? 0 : 40 + s * 7), s)});
      if (s % 3 == 0) puts.push_back({Table::kTrades, s / 3, bytes_of(60, s + 1000)});
    }
    if (g == 5) puts.push_back({Table::kReferenceData, first + 3, bytes_of(700, 77)});
    if (g == 7) puts.push_back({Table::kTrades, UINT64_MAX, ""});
    records.push_back(make_record(first, first + 3, puts));
  }
  // wal-1 holds an earlier round (the first four groups), wal-0 the rest, each with zeros behind.
  std::string wal[2];
  std::vector<std::size_t> offsets[2];
  for (std::size_t i = 0; i < records.size(); ++i) {
    std::string& file = wal[i < 4 ? 1 : 0];
    offsets[i < 4 ? 1 : 0].push_back(file.size());
    file += records[i];
  }
  for (std::string& file : wal) file.resize(file.size() + 2048, '\0');

  TempDir dir;
  Mutator m(kSeed);
  std::optional<std::string> written[2];  // what the files hold: a file left as it was is not written again
  // Every record an untouched copy of which lies in a file is read; everything read lies in a file.
  auto require_exactly_intact = [&](const std::string (&files)[2], const std::vector<std::string>& candidates) {
    for (int i = 0; i < 2; ++i) {
      if (written[i] == files[i]) continue;
      write_file(wal_file(dir, i), files[i]);
      written[i] = files[i];
    }
    const std::vector<WalRecord> got = WriteAheadLog::read_existing(dir.path());
    std::vector<std::string> logged;
    for (const WalRecord& r : got) {
      logged.push_back(as_logged(r));
      INFO("record of seqs " << r.first_seq << ".." << r.last_seq);
      REQUIRE(r.first_seq >= 1);
      REQUIRE(r.last_seq >= r.first_seq);
      REQUIRE(load_le(r.body, 0, 8) == r.first_seq);
      REQUIRE(load_le(r.body, 8, 8) == r.last_seq);
      const bool in_a_file = files[0].find(logged.back()) != std::string::npos ||
                             files[1].find(logged.back()) != std::string::npos;
      REQUIRE(in_a_file);
    }
    REQUIRE(std::is_sorted(got.begin(), got.end(),
                           [](const WalRecord& a, const WalRecord& b) { return a.first_seq < b.first_seq; }));
    for (const std::string& c : candidates) {
      if (files[0].find(c) == std::string::npos && files[1].find(c) == std::string::npos) continue;
      INFO("an intact record at offset " << files[0].find(c) << " of wal-0 / " << files[1].find(c) << " of wal-1");
      REQUIRE(std::find(logged.begin(), logged.end(), c) != logged.end());
    }
  };

  SECTION("the files as written") {
    require_exactly_intact(wal, records);
    REQUIRE(WriteAheadLog::read_existing(dir.path()).size() == records.size());
  }
  SECTION("wal-0 cut at every length of its first record, at every record's edges and between") {
    const std::size_t end = offsets[0].back() + records.back().size();
    std::vector<std::size_t> lengths;
    for (std::size_t n = 0; n <= end; n += n < offsets[0][1] ? 1 : 17) lengths.push_back(n);
    for (std::size_t at : offsets[0]) {
      for (std::size_t n = at - std::min<std::size_t>(at, 2); n <= at + kWalHeaderBytes + 17; ++n) {
        lengths.push_back(n);
      }
    }
    for (std::size_t n : lengths) {
      const std::string files[2] = {wal[0].substr(0, n), wal[1]};
      require_exactly_intact(files, records);
    }
  }
  SECTION("damage of every kind, anywhere") {
    for (int i = 0; i < 1000; ++i) {
      std::string files[2] = {wal[0], wal[1]};
      std::vector<std::string> candidates = records;
      const int f = m.below(4) == 0 ? 1 : 0;
      if (m.below(5) == 0) {  // a record edited, its checksum made good: intact, and read as it now is
        const std::size_t k = m.below(offsets[f].size());
        const std::size_t at = offsets[f][k];
        const std::size_t length = load_le(files[f], at + 4, 4);
        // In the puts, past the seq range: the checksum is all that makes a record intact.
        const std::string logged = files[f].substr(at, kWalHeaderBytes + length);
        const std::string changed = edited_record(logged, 16 + m.below(length - 16));
        files[f].replace(at, changed.size(), changed);
        candidates.push_back(changed);
      }
      files[f] = damage(files[f], offsets[f], {wal[1 - f]}, m);
      require_exactly_intact(files, candidates);
    }
  }
}

namespace {

// A journal whose LMDB holds commands 1..kApplied and whose log holds every group of 1..kLogged:
// those up to kApplied (already applied: wal-1 from an earlier round, the start of wal-0) and the
// ones after (logged, then a crash). `full` holds all kLogged commands without a log: what a
// recovery of every logged group must give.
constexpr std::uint64_t kApplied = 100;
constexpr std::uint64_t kLogged = 300;
constexpr std::uint64_t kGroup = 20;
constexpr std::uint64_t kInWal1 = 80;  // groups up to this seq went to wal-1

struct Group {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::string record;
  // Where each put's value lies in `record`, and which record it is (a command's seq or a trade's id).
  struct Value {
    std::size_t offset;
    std::size_t size;
    std::string what;
  };
  std::vector<Value> values;
};

struct LoggedJournal {
  TempDir base;
  TempDir full;
  std::vector<Group> groups;
  std::string wal[2];
  std::vector<std::size_t> offsets[2];  // of the groups' records in each file
  std::map<std::uint64_t, Hash> chain;  // command chain hash at each seq
  std::map<std::uint64_t, std::uint64_t> trades_up_to;  // the last trade id of each seq

  LoggedJournal() {
    const JournalMetadata meta = metadata_for(catalogue());
    const auto commands = flow(kLogged, 5);
    make_journal(full, meta, commands, kLogged);
    make_journal(base, meta, commands, kApplied);
    const Journal reference(options(full), nullptr);
    const Journal::Reader r = reference.reader();
    Sha256 sha;
    std::map<std::uint64_t, std::vector<std::pair<std::uint64_t, std::string>>> trades;
    r.scan(Table::kTrades, 1, [&](std::uint64_t id, std::string_view value) {
      TradeRecord t;
      REQUIRE(decode_trade_record(sha, {}, id, value, t) != RecordCheck::kUndecodable);
      trades[t.trade.seq].emplace_back(id, std::string(value));
      return true;
    });
    REQUIRE(trades.size() > 10);
    std::uint64_t last_trade = 0;
    for (std::uint64_t first = 1; first <= kLogged; first += kGroup) {
      Group g;
      g.first = first;
      g.last = first + kGroup - 1;
      WalRecordBuilder b;
      b.begin();
      std::size_t at = kWalHeaderBytes + 16;
      auto put = [&](Table t, std::uint64_t key, std::string_view value, std::string what) {
        b.put(static_cast<std::uint8_t>(t), key, value);
        g.values.push_back({at + 13, value.size(), std::move(what)});
        at += 13 + value.size();
      };
      for (std::uint64_t s = g.first; s <= g.last; ++s) {
        const std::string_view value = *r.get(Table::kCommands, s);
        put(Table::kCommands, s, value, "logged command record seq " + std::to_string(s));
        stored_chain_hash(value, chain[s]);
        for (const auto& [id, trade] : trades[s]) {
          put(Table::kTrades, id, trade, "logged trade record id " + std::to_string(id));
          last_trade = id;
        }
        trades_up_to[s] = last_trade;
      }
      b.finish(g.first, g.last);
      g.record = std::string(b.bytes());
      const int f = g.last <= kInWal1 ? 1 : 0;
      offsets[f].push_back(wal[f].size());
      wal[f] += g.record;
      groups.push_back(std::move(g));
    }
    for (std::string& file : wal) file.resize(file.size() + 4096, '\0');
  }
};

// What docs/journal-format.md says a writable open does with the log `files`, worked out from
// which groups lie intact in them (`edited`: groups whose record was edited and its checksum made
// good, with the record that no longer chains on): apply the groups that follow on from LMDB in
// seq order, skip those LMDB holds, refuse a gap naming both seqs, refuse an edited record.
// A put's table, key or length edited: refused, in words that depend on the byte.
const std::string kSomeRefusal = "(edited in the log)";

struct Outcome {
  std::uint64_t followed = kApplied;  // where the groups that follow on end (up to a gap)
  std::string refusal;                // the gap, or the first edited record among them
};

Outcome expected_outcome(const LoggedJournal& lj, const std::string (&files)[2],
                         const std::map<std::size_t, std::pair<std::string, std::string>>& edited) {
  Outcome out;
  std::string chain_problem;
  for (std::size_t k = 0; k < lj.groups.size(); ++k) {
    const Group& g = lj.groups[k];
    const auto e = edited.find(k);
    const std::string& record = e != edited.end() ? e->second.first : g.record;
    if (files[0].find(record) == std::string::npos && files[1].find(record) == std::string::npos) continue;
    if (g.last <= out.followed) continue;
    if (g.first != out.followed + 1) {
      out.refusal = "the journal ends at seq " + std::to_string(out.followed) +
                    " but the next logged group starts at seq " + std::to_string(g.first);
      return out;
    }
    out.followed = g.last;
    if (e != edited.end() && chain_problem.empty()) {
      const std::string& what = e->second.second;
      chain_problem =
          what.empty() ? kSomeRefusal : what + " does not chain on from the one before it (edited in the log)";
    }
  }
  out.refusal = chain_problem;
  return out;
}

}  // namespace

TEST_CASE("fuzz: a journal opened over a damaged log recovers what follows on from LMDB, or is refused naming why",
          "[wal][fuzz]") {
  const LoggedJournal lj;
  Mutator m(kSeed + 1);
  int recovered = 0;
  int refused = 0;
  for (int i = 0; i < 80; ++i) {
    std::string files[2] = {lj.wal[0], lj.wal[1]};
    std::map<std::size_t, std::pair<std::string, std::string>> edited;
    if (i % 3 == 0) {  // a byte of one put edited (its value or its table, key or length), the checksum made good
      const std::size_t k = m.below(lj.groups.size());
      const Group& g = lj.groups[k];
      const Group::Value& v = g.values[m.below(g.values.size())];
      const bool framing = m.below(3) == 0;
      const bool table = framing && m.below(2) == 0;  // another table of the four, often
      const std::size_t at = framing ? v.offset - 13 + (table ? 0 : m.below(13)) : v.offset + m.below(v.size);
      const auto change = static_cast<std::uint8_t>(table ? 1 + m.below(3) : 1 + m.below(255));
      const std::string changed = edited_record(g.record, at - kWalHeaderBytes, change);
      const int f = g.last <= kInWal1 ? 1 : 0;
      files[f].replace(files[f].find(g.record), changed.size(), changed);
      edited[k] = {changed, framing ? "" : v.what};
    } else {
      const int f = m.below(4) == 0 ? 1 : 0;
      files[f] = damage(files[f], lj.offsets[f], {lj.wal[1 - f]}, m);
    }
    const Outcome expected = expected_outcome(lj, files, edited);
    INFO("iteration " << i << ": expected "
                      << (expected.refusal.empty() ? "recovery to seq " + std::to_string(expected.followed)
                                                   : "refusal: " + expected.refusal));
    TempDir work;
    std::filesystem::copy_file(lj.base.path() / "data.mdb", work.path() / "data.mdb");
    for (int f = 0; f < 2; ++f) write_file(wal_file(work, f), files[f]);
    {  // what a reader (rex-audit) is told, changing nothing
      JournalOptions o = options(work);
      o.read_only = true;
      const Journal reader(o, nullptr);
      if (expected.refusal == kSomeRefusal) {
        CHECK_THAT(reader.log_gap(), Catch::Contains(kSomeRefusal));
      } else {
        CHECK(reader.log_gap() == expected.refusal);
      }
      CHECK(reader.unapplied_log_commands() == expected.followed - kApplied);
      CHECK(reader.last_seq() == kApplied);
    }
    JournalOptions o = options(work, kWalMinFileBytes);
    o.durable = false;
    if (!expected.refusal.empty()) {
      std::string error;
      try {
        const Journal j(o, nullptr);
      } catch (const JournalError& e) {
        error = e.what();
      }
      REQUIRE_THAT(error, Catch::StartsWith("write-ahead log in "));
      if (expected.refusal == kSomeRefusal) {
        REQUIRE_THAT(error, Catch::Contains(kSomeRefusal));
      } else {
        REQUIRE_THAT(error, Catch::EndsWith(": " + expected.refusal));
      }
      JournalOptions ro = options(work);
      ro.read_only = true;
      REQUIRE(Journal(ro, nullptr).last_seq() == kApplied);  // LMDB untouched
      ++refused;
      continue;
    }
    const Journal j(o, nullptr);
    REQUIRE(j.last_seq() == expected.followed);
    REQUIRE(j.replayed_from_log() == expected.followed - kApplied);
    REQUIRE(j.last_trade() == lj.trades_up_to.at(expected.followed));
    const VerifyReport report = verify_journal(j);
    INFO(report.first_bad);
    REQUIRE(report.ok);
    REQUIRE(report.command_tail == lj.chain.at(expected.followed));
    ++recovered;
  }
  CHECK(recovered > 10);
  CHECK(refused > 10);
}

namespace {

// The message a writable open of the journal of `lj` with `wal0` in place of its wal-0 throws, on a
// copy of it ("" when it opens).
std::string open_error(const LoggedJournal& lj, const std::string& wal0) {
  TempDir work;
  std::filesystem::copy_file(lj.base.path() / "data.mdb", work.path() / "data.mdb");
  write_file(wal_file(work, 0), wal0);
  write_file(wal_file(work, 1), lj.wal[1]);
  JournalOptions o = options(work, kWalMinFileBytes);
  o.durable = false;
  try {
    const Journal j(o, nullptr);
  } catch (const JournalError& e) {
    return e.what();
  }
  return "";
}

// wal-0 of `lj` with its last group's record replaced by `record`.
std::string with_last_group(const LoggedJournal& lj, const std::string& record) {
  std::string wal0 = lj.wal[0];
  const std::string& logged = lj.groups.back().record;
  wal0.replace(wal0.find(logged), logged.size(), record);
  return wal0;
}

}  // namespace

TEST_CASE("a logged group whose puts were edited, its checksum made good, is refused whichever byte changed",
          "[wal][fuzz]") {
  const LoggedJournal lj;
  const Group& g = lj.groups.back();  // not in LMDB: the open must apply it or refuse
  REQUIRE(g.values.back().what == "logged command record seq 300");
  for (std::size_t v = g.values.size() - 3; v < g.values.size(); ++v) {
    const std::size_t put = g.values[v].offset - 13;  // its table, key and length
    std::vector<std::pair<std::size_t, std::uint8_t>> edits;
    for (std::uint8_t x = 1; x <= 7; ++x) edits.emplace_back(put, x);  // each other table, and none
    for (std::size_t b = 1; b < 13; ++b) edits.emplace_back(put + b, 1);
    for (const auto& [at, change] : edits) {
      INFO(g.values[v].what << ": byte " << at - put << " of its put XOR " << int{change});
      REQUIRE_THAT(open_error(lj, with_last_group(lj, edited_record(g.record, at - kWalHeaderBytes, change))),
                   Catch::Contains("(edited in the log)"));
    }
  }
  // Found by the loop above: the last command of the group edited into another table was not
  // refused, and the group went into LMDB a command short (that record in the snapshots or the
  // reference_data table).
  const std::size_t last_put = g.values.back().offset - 13 - kWalHeaderBytes;
  CHECK_THAT(open_error(lj, with_last_group(lj, edited_record(g.record, last_put, 0 ^ 2))),
             Catch::EndsWith(": logged group of seqs 281..300 holds a snapshot, which a log never does "
                             "(edited in the log)"));
  CHECK_THAT(open_error(lj, with_last_group(lj, edited_record(g.record, last_put, 0 ^ 3))),
             Catch::EndsWith(": logged reference data at seq 300 is not the catalogue a reload of its group binds "
                             "(edited in the log)"));
  // Nor was a group that lacks its last command altogether.
  std::vector<WalPut> puts;
  REQUIRE(decode_wal_puts(std::string_view(g.record).substr(kWalHeaderBytes), puts));
  WalRecordBuilder shorter;
  shorter.begin();
  for (std::size_t i = 0; i + 1 < puts.size(); ++i) shorter.put(puts[i].table, puts[i].key, puts[i].value);
  shorter.finish(g.first, g.last);
  CHECK_THAT(open_error(lj, with_last_group(lj, std::string(shorter.bytes()))),
             Catch::EndsWith(": logged group of seqs 281..300 holds its commands only up to seq 299 "
                             "(edited in the log)"));
}
