// What rex-audit does, as functions the tests call too (docs/audit-guide.md): verify a journal,
// replay it with a fresh engine and the journaled reference data, export trades and orders.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "persistence/journal.hpp"
#include "persistence/verify.hpp"
#include "reference-data/catalogue.hpp"

namespace rex::audit {

struct ReplayReport {
  bool ok = true;
  // When !ok, the first problem: a command missing or not decoding, a stored catalogue that is not
  // the one the journal binds, or a trade (its first differing field named) or snapshot that differs.
  std::string first_divergence;
  std::uint64_t commands = 0;
  std::uint64_t events = 0;
  std::uint64_t trades = 0;
  std::uint64_t snapshots_compared = 0;
  std::string event_stream_hash;   // SHA-256 hex of every event, in order (docs/journal-format.md)
};

// Throws persistence::JournalError when `catalogue` is not the reference data the journal names;
// damage in the journal itself is a failed check (!ok), not a throw.
ReplayReport replay_journal(const persistence::Journal& journal, const refdata::Catalogue& catalogue);

// The catalogue file the journal stores under `seq` (0: the one it was created with; otherwise the
// one the reload at `seq` brought), byte for byte. `problem` says why, when the bytes are not the
// ones the journal binds (the metadata's hash for 0, the reload's command record otherwise).
// Nothing when the journal stores no catalogue under `seq`.
struct StoredCatalogue {
  std::string bytes;
  std::string problem;
};
std::optional<StoredCatalogue> stored_catalogue(const persistence::Journal& journal, std::uint64_t seq);

// Records with from <= timestamp < to. `catalogue` (optional) adds instrument codes.
struct TimeRange {
  std::uint64_t from = 0;
  std::uint64_t to = UINT64_MAX;
};
enum class Format : std::uint8_t { kCsv, kJson };
// Returns how many rows were written.
std::uint64_t export_trades(const persistence::Journal& journal, TimeRange range, Format format,
                            const refdata::Catalogue* catalogue, std::ostream& out);
std::uint64_t export_orders(const persistence::Journal& journal, TimeRange range, Format format,
                            const refdata::Catalogue* catalogue, std::ostream& out);

// How export writes a string, so its output is always ASCII (and so valid UTF-8) whatever the
// journal holds. CSV (RFC 4180): a field with a comma, quote or escaped byte goes in quotes, its
// quotes doubled; a byte outside printable ASCII is written \xNN. JSON: quotes and backslashes
// escaped, a byte outside printable ASCII written \u00NN.
void write_csv_field(std::ostream& out, std::string_view s);
void write_json_string(std::ostream& out, std::string_view s);

// Nanoseconds since the epoch, or UTC "YYYY-MM-DDTHH:MM:SS[.fffffffff]Z" (or "YYYY-MM-DD").
std::optional<std::uint64_t> parse_time(std::string_view text);
std::string format_time(std::uint64_t ns);  // "2026-05-28T01:02:03.000000004Z"

}  // namespace rex::audit
