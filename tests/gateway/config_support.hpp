// Shared by the config tests: two configs alike in every key.
#pragma once

#include <catch2/catch.hpp>

#include "gateway/config.hpp"

namespace rex::testing {

inline void same(const rex::gateway::RexdConfig& a, const rex::gateway::RexdConfig& b) {
  CHECK(a.server.address == b.server.address);
  CHECK(a.server.port == b.server.port);
  CHECK(a.server.io_threads == b.server.io_threads);
  CHECK(a.server.io_cpus == b.server.io_cpus);
  CHECK(a.server.max_frame_bytes == b.server.max_frame_bytes);
  CHECK(a.server.max_message_bytes == b.server.max_message_bytes);
  CHECK(a.server.max_send_queue_messages == b.server.max_send_queue_messages);
  CHECK(a.server.max_send_queue_bytes == b.server.max_send_queue_bytes);
  CHECK(a.server.rate_limit_per_second == b.server.rate_limit_per_second);
  CHECK(a.server.rate_limit_burst == b.server.rate_limit_burst);
  CHECK(a.server.handshake_timeout_seconds == b.server.handshake_timeout_seconds);
  CHECK(a.server.idle_timeout_seconds == b.server.idle_timeout_seconds);
  CHECK(a.server.core.price_collar_bp == b.server.core.price_collar_bp);
  CHECK(a.server.core.recent_trades == b.server.core.recent_trades);
  CHECK(a.server.core.finished_orders_kept == b.server.core.finished_orders_kept);
  CHECK(a.log_level == b.log_level);
  CHECK(a.catalogue == b.catalogue);
  CHECK(a.data_directory == b.data_directory);
  CHECK(a.sync_commits == b.sync_commits);
  CHECK(a.inbound_capacity == b.inbound_capacity);
  CHECK(a.max_group_commands == b.max_group_commands);
  CHECK(a.snapshot_every_commands == b.snapshot_every_commands);
  CHECK(a.write_ahead_log_mb == b.write_ahead_log_mb);
  CHECK(a.group_linger_us == b.group_linger_us);
  CHECK(a.key_file == b.key_file);
  CHECK(a.cancel_on_disconnect == b.cancel_on_disconnect);
  CHECK(a.demo == b.demo);
  CHECK(a.seed_sample_day == b.seed_sample_day);
  CHECK(a.sample_day == b.sample_day);
  CHECK(a.clock_interval_ms == b.clock_interval_ms);
  CHECK(a.end_of_day == b.end_of_day);
  CHECK(a.session_end == b.session_end);
}

}  // namespace rex::testing
