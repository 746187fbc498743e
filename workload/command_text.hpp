// The workload format: one engine command per line, readable by an operator, written and read
// back exactly (docs/workload-format.md), so every engine can be fed the same order flow.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "matcher/command.hpp"
#include "workload/text.hpp"

namespace rex::workload {

inline constexpr int kFormatVersion = 1;
inline constexpr std::string_view kHeaderWord = "REX-WORKLOAD";

// One command line ("12 t=1000 NEW p=3 ins=CU-BARLEY-XUCHANG BUY LIMIT qty=5000 px=72350.00").
// Throws ParseError. A trailing "# comment" is allowed; a blank line is a MISSING_FIELD error.
matcher::Command parse_command(std::string_view line, const InstrumentCodes& codes,
                               std::size_t line_number = 0);

// True when every field the command's verb does not use is at its default and its quality terms
// use at most kMaxQualityTerms slots (the rest at their defaults), i.e. the command can be written
// and read back unchanged. Commands of an unknown type can always be written, within that limit.
bool is_formattable(const matcher::Command& command);

// The canonical line for a command; parse_command(format_command(c)) == c. Throws
// std::invalid_argument when !is_formattable(c) (a field would be lost).
std::string format_command(const matcher::Command& command, const InstrumentCodes& codes);

// The header line every workload file starts with: "REX-WORKLOAD 1".
std::string workload_header();

// A whole file: the header, then command lines, blank lines and comments.
std::vector<matcher::Command> parse_workload(std::string_view text, const InstrumentCodes& codes);
std::string format_workload(std::span<const matcher::Command> commands, const InstrumentCodes& codes);

// Streaming reader for large files: checks the header on the first call.
class WorkloadReader {
 public:
  WorkloadReader(std::istream& in, const InstrumentCodes& codes);
  // The next command, or nullopt at the end of the stream. Throws ParseError.
  std::optional<matcher::Command> next();
  std::size_t line_number() const { return line_number_; }

 private:
  std::istream& in_;
  const InstrumentCodes& codes_;
  std::size_t line_number_ = 0;
  bool header_seen_ = false;
};

// Streaming writer: writes the header on construction.
class WorkloadWriter {
 public:
  WorkloadWriter(std::ostream& out, const InstrumentCodes& codes);
  void write(const matcher::Command& command);
  void comment(std::string_view text);  // "# text"

 private:
  std::ostream& out_;
  const InstrumentCodes& codes_;
};

// Checks a header line ("REX-WORKLOAD 1"); throws MISSING_HEADER or UNSUPPORTED_VERSION.
void check_header(std::string_view line, std::size_t line_number);

}  // namespace rex::workload
