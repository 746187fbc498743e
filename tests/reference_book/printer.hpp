// Readable one-line renderings of commands, events and resting orders, for test failure messages.
#pragma once

#include <string>
#include <vector>

#include "matcher/command.hpp"
#include "matcher/event.hpp"
#include "matcher/order_view.hpp"

namespace rex::testing {

std::string to_string(const matcher::Command& command);
std::string to_string(const matcher::Event& event);
std::string to_string(const matcher::OrderView& order);
// One item per line, each prefixed with its index.
std::string to_string(const std::vector<matcher::Event>& events);
std::string to_string(const std::vector<matcher::OrderView>& orders);

}  // namespace rex::testing
