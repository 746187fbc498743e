// The gateway's outgoing messages: JSON text shared by every session it goes to, and recycled.
//
// Every order's ack and fills are messages, so building and dropping them must not allocate once
// warm (the hot-path rule; measured: three allocations per message before, bench/RESULTS.md).
// message_text() hands out a string that held an earlier message (its capacity kept), the
// builder writes into it, make_message() wraps it; when the last session has written it, the
// text and the shared pointer's control block go back to a pool of the thread that drops it. With
// one I/O thread (rexd's default) that is the thread that builds the next message; with several,
// each thread's pool is fed by the messages it drops.
#pragma once

#include <memory>
#include <string>

namespace rex::gateway {

using Message = std::shared_ptr<const std::string>;

// An empty string to build a message in: a recycled one, or a new one with room for a typical
// message.
std::string message_text();

// `text` as a message.
Message make_message(std::string&& text);

}  // namespace rex::gateway
