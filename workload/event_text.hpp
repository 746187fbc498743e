// The text form of engine events, one per line ("TRADE id=1 ins=CU-BARLEY-XUCHANG px=72350.00
// qty=1000 maker=7(p2) taker=12(p3) side=BUY leaves=0 taker_leaves=4000"): for logs, tools and the
// expected events of scenario files. Lossless: any Event, even a malformed one, reads back as itself.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "matcher/event.hpp"
#include "workload/text.hpp"

namespace rex::workload {

struct EventFormat {
  bool stamps = true;  // write seq= and t= (scenario files leave them to the command they follow)
};

// The seq and timestamp an event line gets when it does not state them.
struct EventStamp {
  matcher::SequenceNumber seq = 0;
  refdata::Timestamp timestamp = 0;
};

std::string format_event(const matcher::Event& event, const InstrumentCodes& codes, EventFormat format = {});

// Reads one event line. Throws ParseError. parse_event(format_event(e)) == e for every Event;
// with stamps off, parse_event(format_event(e, codes, {false}), codes, n, {e.seq, e.timestamp}) == e.
matcher::Event parse_event(std::string_view line, const InstrumentCodes& codes, std::size_t line_number = 0,
                           EventStamp defaults = {});

std::string_view event_type_name(matcher::EventType type);   // "TRADE"; "?" when out of range
std::string_view cancel_reason_name(matcher::CancelReason reason);
std::string_view expiry_reason_name(matcher::ExpiryReason reason);

}  // namespace rex::workload
