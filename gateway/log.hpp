// Plain, line-per-event logs for operators: "2026-11-28T17:22:51.123Z INFO  gateway: listening on 127.0.0.1:8080".
#pragma once

#include <atomic>
#include <string_view>

namespace rex::gateway {

enum class LogLevel : int { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

// Parses "debug", "info", "warn", "error", "off"; false when unknown.
bool parse_log_level(std::string_view text, LogLevel& out);

void set_log_level(LogLevel level);
LogLevel log_level();
// Writes one line to stderr (thread-safe; lines never interleave).
void log(LogLevel level, std::string_view component, std::string_view message);

inline void log_info(std::string_view component, std::string_view message) { log(LogLevel::kInfo, component, message); }
inline void log_warn(std::string_view component, std::string_view message) { log(LogLevel::kWarn, component, message); }
inline void log_error(std::string_view component, std::string_view message) { log(LogLevel::kError, component, message); }

}  // namespace rex::gateway
