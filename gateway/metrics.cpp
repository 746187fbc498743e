#include "gateway/metrics.hpp"

#include "gateway/json_out.hpp"

namespace rex::gateway {

namespace {

void append_seconds(std::string& out, std::uint64_t ns) {
  // ns as seconds with nine decimals, exact.
  constexpr std::uint64_t kNsPerSecond = 1'000'000'000;
  append_uint(out, ns / kNsPerSecond);
  out += '.';
  std::string frac = std::to_string(ns % kNsPerSecond);
  out.append(9 - frac.size(), '0');
  out += frac;
}

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void scalar(std::string& out, std::string_view name, std::string_view help, std::string_view type, std::uint64_t value) {
  header(out, name, help, type);
  out += name;
  out += ' ';
  append_uint(out, value);
  out += '\n';
}

std::uint64_t load(const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); }

}  // namespace

void LatencyHistogram::record(std::uint64_t ns) {
  std::size_t i = 0;
  while (i < kBoundsNs.size() && ns > kBoundsNs[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(ns, std::memory_order_relaxed);
}

void LatencyHistogram::write(std::string& out, std::string_view name, std::string_view help) const {
  std::array<std::uint64_t, kBoundsNs.size() + 1> counts{};
  for (std::size_t i = 0; i < counts.size(); ++i) counts[i] = load(buckets_[i]);
  write_histogram(out, name, help, kBoundsNs, counts, load(sum_ns_));
}

void write_histogram(std::string& out, std::string_view name, std::string_view help,
                     std::span<const std::uint64_t> bounds_ns, std::span<const std::uint64_t> buckets,
                     std::uint64_t sum_ns) {
  header(out, name, help, "histogram");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    cumulative += buckets[i];
    out += name;
    out += "_bucket{le=\"";
    if (i < bounds_ns.size()) {
      append_seconds(out, bounds_ns[i]);
    } else {
      out += "+Inf";
    }
    out += "\"} ";
    append_uint(out, cumulative);
    out += '\n';
  }
  out += name;
  out += "_sum ";
  append_seconds(out, sum_ns);
  out += '\n';
  out += name;
  out += "_count ";
  append_uint(out, cumulative);
  out += '\n';
}

std::string render_prometheus(const GatewayMetrics& m, const exchange::ExchangeStats& x) {
  std::string out;
  out.reserve(8192);
  header(out, "rex_gateway_messages_total", "WebSocket messages parsed, by operation", "counter");
  for (std::size_t i = 0; i < kOpCount; ++i) {
    out += "rex_gateway_messages_total{op=\"";
    out += op_name(static_cast<Op>(i));
    out += "\"} ";
    append_uint(out, load(m.messages_by_op[i]));
    out += '\n';
  }
  header(out, "rex_rejects_total", "Rejects sent to clients, by wire code (engine < 100, gateway >= 100)", "counter");
  for (std::size_t code = 1; code < GatewayMetrics::kCodeSlots; ++code) {
    const auto c = static_cast<std::uint16_t>(code);
    if (c >= matcher::kRejectCodeCount && c < kFirstGatewayReject) continue;
    out += "rex_rejects_total{code=\"";
    append_uint(out, code);
    out += "\",name=\"";
    out += reject_name(c);
    out += "\"} ";
    append_uint(out, load(m.rejects_by_code[code]));
    out += '\n';
  }
  scalar(out, "rex_gateway_frames_total", "WebSocket frames received", "counter", load(m.frames_in));
  scalar(out, "rex_gateway_messages_out_total", "WebSocket messages queued to clients", "counter", load(m.messages_out));
  scalar(out, "rex_gateway_commands_submitted_total", "Commands the gateway submitted to the exchange", "counter",
         load(m.commands_submitted));
  scalar(out, "rex_gateway_pending_commands", "Commands submitted whose results have not come back", "gauge",
         load(m.pending_commands));
  scalar(out, "rex_gateway_trades_total", "Trades seen by the gateway", "counter", load(m.trades));
  scalar(out, "rex_gateway_sessions", "Open WebSocket sessions", "gauge", load(m.sessions_open));
  scalar(out, "rex_gateway_sessions_total", "WebSocket sessions accepted", "counter", load(m.sessions_total));
  scalar(out, "rex_gateway_slow_consumer_disconnects_total", "Sessions cut off because their send queue overflowed",
         "counter", load(m.slow_consumer_disconnects));
  scalar(out, "rex_gateway_accept_failures_total",
         "Connections the listener could not accept (out of file descriptors or memory)", "counter",
         load(m.accept_failures));
  scalar(out, "rex_http_requests_total", "HTTP requests served", "counter", load(m.http_requests));

  scalar(out, "rex_exchange_commands_submitted_total", "Commands submitted to the exchange", "counter", x.commands_submitted);
  scalar(out, "rex_exchange_commands_busy_total", "Submissions refused because the inbound queue was full", "counter",
         x.commands_busy);
  scalar(out, "rex_exchange_commands_journaled_total", "Commands durable in the journal", "counter", x.commands_journaled);
  scalar(out, "rex_exchange_events_published_total", "Events published to listeners", "counter", x.events_published);
  scalar(out, "rex_exchange_trades_total", "Trades executed by the engine", "counter", x.trades);
  scalar(out, "rex_exchange_inbound_queue_depth", "Commands waiting in the inbound queue", "gauge", x.inbound_depth);
  scalar(out, "rex_exchange_journal_full", "1 once the journal could not take a group: every command is refused until a restart",
         "gauge", x.journal_full ? 1 : 0);
  scalar(out, "rex_journal_group_commits_total", "Journal group commits", "counter", x.group_commits);
  scalar(out, "rex_journal_lmdb_seq", "Last seq in the journal's LMDB tables (behind the durable seq by what the write-ahead log has not applied yet)",
         "gauge", x.journal_applied_seq);
  header(out, "rex_journal_commit_seconds_total", "Time spent in journal commits", "counter");
  out += "rex_journal_commit_seconds_total ";
  append_seconds(out, x.commit_nanoseconds_total);
  out += '\n';
  header(out, "rex_journal_commit_seconds_max", "Longest journal commit", "gauge");
  out += "rex_journal_commit_seconds_max ";
  append_seconds(out, x.commit_nanoseconds_max);
  out += '\n';
  write_histogram(out, "rex_matching_seconds",
                  "Matching latency: time the matcher spends on one command (Engine::process on the matcher thread)",
                  exchange::kLatencyBoundsNs, x.matching_buckets, x.matching_nanoseconds_total);
  write_histogram(out, "rex_journal_group_durable_seconds",
                  "Per journal group: from the start of its write transaction to its being durable (its commit, "
                  "then the next group's commit or a sync)",
                  exchange::kLatencyBoundsNs, x.commit_buckets, x.commit_nanoseconds_total);

  m.submit_to_result.write(out, "rex_gateway_submit_to_result_seconds",
                           "From the gateway's submit to the command's results reaching it (sequencing, matching, "
                           "journal commit, publication)");
  m.sequenced_to_published.write(out, "rex_sequenced_to_published_seconds",
                                 "From the sequencer's time stamp to the results reaching the gateway (matching, "
                                 "journal commit, publication)");
  m.result_handover.write(out, "rex_gateway_result_handover_seconds",
                          "Per result batch: from the exchange handing it over to the gateway's I/O "
                          "thread handling it (wake-up and backlog of that thread)");
  return out;
}

}  // namespace rex::gateway
