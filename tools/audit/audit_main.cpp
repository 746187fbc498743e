// rex-audit: check a copy of a journal without trusting the system that wrote it
// (docs/audit-guide.md). Exit status: 0 all checks pass, 1 a check fails, 2 the tool could not run.
#include <cctype>
#include <charconv>
#include <fstream>
#include <iostream>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "persistence/journal_format.hpp"
#include "persistence/recovery.hpp"
#include "reference-data/loader.hpp"
#include "tools/audit/audit.hpp"

namespace {

using namespace rex;

constexpr int kPass = 0;
constexpr int kFail = 1;
constexpr int kCannotRun = 2;

int usage() {
  std::cerr << "usage:\n"
               "  rex-audit verify <journal-dir> [--anchor SEQ:HASH]   (HASH: the command chain head at SEQ,\n"
               "                   kept outside the journal, e.g. from rexd's log)\n"
               "  rex-audit replay <journal-dir> <catalogue.json>\n"
               "  rex-audit export <journal-dir> [--trades|--orders] [--format csv|json]\n"
               "                   [--from TIME] [--to TIME] [--catalogue FILE] [--out FILE]\n"
               "  rex-audit apply-log <journal-dir>   (puts the write-ahead log's groups into data.mdb, as rexd\n"
               "                   does when it starts, and nothing else: run it on a copy)\n"
               "  rex-audit catalogue <journal-dir> [SEQ]   (the catalogue file stored under SEQ, default 0:\n"
               "                   the one the journal was created with; SEQ of a reload: the one it brought)\n"
               "TIME: nanoseconds since the epoch or UTC 2026-05-28T09:30:00Z (from inclusive, to exclusive)\n";
  return kCannotRun;
}

persistence::JournalOptions read_only(const std::string& dir) {
  persistence::JournalOptions o;
  o.directory = dir;
  o.read_only = true;
  return o;
}

void print_metadata(const persistence::Journal& j) {
  const auto& m = j.metadata();
  std::cout << "journal format " << m.format_version << ", written by " << m.engine_version << ", created "
            << audit::format_time(m.created_at) << "\nreference data " << m.reference_data_hash << " (catalogue "
            << m.catalogue_version << ")\n";
  if (j.writer_live()) {
    std::cout << "NOTE rexd has this journal open for writing: what follows is data.mdb as it is now, up to ~20 ms "
                 "behind the acknowledgements (the rest is in its write-ahead log).\n";
  } else if (const std::uint64_t n = j.unapplied_log_commands()) {
    std::cout << "WARNING the write-ahead log holds " << n << " more commands (seq " << j.last_seq() + 1 << " on) that "
              << "are not in data.mdb yet: its writer stopped before applying them. Run `rex-audit apply-log` on "
              << "a copy of this directory and audit the copy to include them.\n";
  }
}

// A write-ahead log that does not follow on from data.mdb: rexd refuses to start on the journal,
// and acknowledged commands past the gap are not where they should be.
bool log_follows_on(const persistence::Journal& j) {
  if (j.log_gap().empty()) return true;
  std::cout << "FAIL write-ahead log: " << j.log_gap() << " (rexd will refuse to start on this journal; keep the "
            << "wal-* files for the engineers)\n";
  return false;
}

// A head kept outside the journal: the command chain hash at a seq (docs/audit-guide.md "Anchoring").
struct Anchor {
  std::uint64_t seq = 0;
  std::string hash;  // lower-case hex, 64 digits
};

std::optional<Anchor> parse_anchor(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  Anchor a;
  const auto r = std::from_chars(text.data(), text.data() + colon, a.seq);
  if (r.ec != std::errc{} || r.ptr != text.data() + colon || a.seq == 0) return std::nullopt;
  a.hash = text.substr(colon + 1);
  for (char& c : a.hash) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (a.hash.size() != 64 || a.hash.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
  return a;
}

// Whether the verified journal still holds the anchor: command record `seq`, with that chain hash.
bool holds_anchor(const persistence::Journal& journal, const Anchor& a) {
  auto reader = journal.reader();
  const auto value = reader.get(persistence::Table::kCommands, a.seq);
  persistence::Hash stored{};
  if (!value || !persistence::stored_chain_hash(*value, stored)) {
    std::cout << "FAIL anchor: the journal has no command record seq " << a.seq
              << " (it ends before it: commands were cut off)\n";
    return false;
  }
  if (persistence::to_hex(stored) != a.hash) {
    std::cout << "FAIL anchor: command chain hash at seq " << a.seq << " is " << persistence::to_hex(stored)
              << ", the anchor kept says " << a.hash << " (the journal up to it was rewritten)\n";
    return false;
  }
  std::cout << "anchor OK: command chain hash at seq " << a.seq << " is the one kept\n";
  return true;
}

// What rexd does first when it opens a crashed journal, without rexd: the log's groups go into
// data.mdb (a gap refuses, as rexd would). Nothing else is written: no CLOCK, no end of day.
int apply_log(const std::string& dir) {
  if (!persistence::WriteAheadLog::exists_in(dir)) {
    std::cout << "no write-ahead log in " << dir << ": nothing to apply\n";
    return kPass;
  }
  persistence::JournalOptions o;
  o.directory = dir;
  o.write_ahead_log_bytes = persistence::kWalMinFileBytes;  // existing files keep their own size
  try {
    const persistence::Journal journal(o, nullptr);
    std::cout << "applied " << journal.replayed_from_log() << " commands from the write-ahead log; data.mdb now ends at seq "
              << journal.last_seq() << "\n";
  } catch (const persistence::JournalError& e) {
    std::cout << "FAIL " << e.what() << "\n";
    return kFail;
  }
  return kPass;
}

int verify(const std::string& dir, const std::optional<Anchor>& anchor) {
  persistence::Journal journal(read_only(dir), nullptr);
  print_metadata(journal);
  const persistence::VerifyReport r = persistence::verify_journal(journal);
  std::cout << r.commands << " commands (last seq " << r.last_seq << "), " << r.trades << " trades, " << r.snapshots
            << " snapshots\n";
  std::cout << "command chain head " << persistence::to_hex(r.command_tail) << "\ntrade chain head   "
            << persistence::to_hex(r.trade_tail) << "\n";
  for (const std::string& s : r.bad_snapshots) std::cout << "BAD " << s << "\n";
  const bool log_ok = log_follows_on(journal);
  if (!r.ok) {
    std::cout << "FAIL first bad record: " << r.first_bad << "\n";
    return kFail;
  }
  const bool anchor_ok = !anchor || holds_anchor(journal, *anchor);
  if (!r.bad_snapshots.empty()) std::cout << "FAIL damaged snapshots (the command journal itself is intact)\n";
  const bool ok = r.bad_snapshots.empty() && log_ok && anchor_ok;
  if (ok) std::cout << "OK\n";
  return ok ? kPass : kFail;
}

int replay(const std::string& dir, const std::string& catalogue_file) {
  persistence::Journal journal(read_only(dir), nullptr);
  print_metadata(journal);
  const refdata::Catalogue catalogue = refdata::load_catalogue_file(catalogue_file);
  audit::ReplayReport r;
  try {
    r = audit::replay_journal(journal, catalogue);
  } catch (const persistence::JournalError& e) {
    std::cerr << "rex-audit: refusing to replay: " << e.what() << "\n";
    return kCannotRun;
  }
  std::cout << r.commands << " commands replayed, " << r.events << " events, " << r.trades << " trades, "
            << r.snapshots_compared << " snapshots compared\n";
  if (!r.ok) {
    std::cout << "FAIL first divergence: " << r.first_divergence << "\n";
    return kFail;
  }
  std::cout << "OK every trade matches the journal\nevent stream SHA-256 " << r.event_stream_hash << "\n";
  return kPass;
}

int export_records(const std::string& dir, const std::vector<std::string>& args) {
  bool orders = false;
  audit::Format format = audit::Format::kCsv;
  audit::TimeRange range;
  std::string catalogue_file;
  std::string out_file;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--trades") {
      orders = false;
    } else if (a == "--orders") {
      orders = true;
    } else if (a == "--format" && has_value) {
      const std::string f = args[++i];
      if (f != "csv" && f != "json") return usage();
      format = f == "csv" ? audit::Format::kCsv : audit::Format::kJson;
    } else if ((a == "--from" || a == "--to") && has_value) {
      const auto t = audit::parse_time(args[++i]);
      if (!t) {
        std::cerr << "rex-audit: cannot read time '" << args[i] << "'\n";
        return kCannotRun;
      }
      (a == "--from" ? range.from : range.to) = *t;
    } else if (a == "--catalogue" && has_value) {
      catalogue_file = args[++i];
    } else if (a == "--out" && has_value) {
      out_file = args[++i];
    } else {
      return usage();
    }
  }
  persistence::Journal journal(read_only(dir), nullptr);
  std::optional<refdata::Catalogue> catalogue;
  if (!catalogue_file.empty()) {
    catalogue = refdata::load_catalogue_file(catalogue_file);
    if (catalogue->content_hash() != journal.metadata().reference_data_hash) {
      std::cerr << "NOTE " << catalogue_file << " is not the catalogue the journal was created with (SHA-256 "
                << journal.metadata().reference_data_hash << "): instrument codes come from it\n";
    }
  } else if (const auto stored = audit::stored_catalogue(journal, 0); stored && stored->problem.empty()) {
    catalogue = refdata::load_catalogue_string(stored->bytes);  // instrument codes from the journal itself
  }
  std::ofstream file;
  if (!out_file.empty()) {
    file.open(out_file);
    if (!file) {
      std::cerr << "rex-audit: cannot write " << out_file << "\n";
      return kCannotRun;
    }
  }
  std::ostream& out = out_file.empty() ? std::cout : file;
  const refdata::Catalogue* c = catalogue ? &*catalogue : nullptr;
  const std::uint64_t rows = orders ? audit::export_orders(journal, range, format, c, out)
                                    : audit::export_trades(journal, range, format, c, out);
  std::cerr << rows << (orders ? " orders" : " trades") << " exported\n";
  return kPass;
}

// Writes the stored catalogue's exact bytes, so an auditor needs no file from the exchange.
int catalogue(const std::string& dir, const std::string& seq_text) {
  if (seq_text.empty() || seq_text.size() > 19 || seq_text.find_first_not_of("0123456789") != std::string::npos) {
    return usage();
  }
  const std::uint64_t seq = std::stoull(seq_text);
  persistence::Journal journal(read_only(dir), nullptr);
  const auto stored = audit::stored_catalogue(journal, seq);
  if (!stored) {
    std::cerr << "rex-audit: the journal stores no catalogue under seq " << seq << " (it stores:";
    for (const std::uint64_t key : journal.reader().keys_descending(persistence::Table::kReferenceData)) {
      std::cerr << " " << key;
    }
    std::cerr << ")\n";
    return kCannotRun;
  }
  if (!stored->problem.empty()) {
    std::cerr << "FAIL reference data at seq " << seq << ": " << stored->problem << "\n";
    return kFail;
  }
  std::cout.write(stored->bytes.data(), static_cast<std::streamsize>(stored->bytes.size()));
  return kPass;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 2) return usage();
  try {
    if (args[0] == "verify" && args.size() == 2) return verify(args[1], std::nullopt);
    if (args[0] == "verify" && args.size() == 4 && args[2] == "--anchor") {
      const auto anchor = parse_anchor(args[3]);
      if (!anchor) {
        std::cerr << "rex-audit: --anchor takes SEQ:HASH (the seq, a colon, 64 hex digits)\n";
        return kCannotRun;
      }
      return verify(args[1], anchor);
    }
    if (args[0] == "replay" && args.size() == 3) return replay(args[1], args[2]);
    if (args[0] == "export") return export_records(args[1], {args.begin() + 2, args.end()});
    if (args[0] == "apply-log" && args.size() == 2) return apply_log(args[1]);
    if (args[0] == "catalogue" && args.size() <= 3) return catalogue(args[1], args.size() == 3 ? args[2] : "0");
  } catch (const std::bad_alloc&) {
    // The readers of the journal and its log name the file themselves when they can
    // (persistence::JournalError); anything else that runs out of memory lands here.
    std::cerr << "rex-audit: out of memory while working on the journal in " << args[1] << "\n";
    return kCannotRun;
  } catch (const std::exception& e) {
    std::cerr << "rex-audit: " << e.what() << "\n";
    return kCannotRun;
  }
  return usage();
}
