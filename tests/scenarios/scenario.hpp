// Scenario files (tests/scenarios/README.md): a readable order flow with the events it must give,
// loaded into commands and expected events, and run against any engine with process()/orders().
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "matcher/command.hpp"
#include "matcher/event.hpp"
#include "matcher/order_view.hpp"
#include "reference-data/types.hpp"
#include "workload/command_text.hpp"
#include "workload/event_text.hpp"

namespace rex::scenario {

struct ExpectedEvent {
  std::size_t line = 0;
  std::string text;
  matcher::Event event;
};

struct Step {
  std::size_t line = 0;
  std::string text;        // the command as written
  matcher::Command command;
  bool checked = false;    // `send` (events checked) or `book` (setup, must not be rejected)
  bool expect_nothing = false;  // `expect nothing`: the command emits no checked event
  std::vector<ExpectedEvent> expected;
};

struct RestingOrder {
  std::size_t line = 0;
  std::string text;
  bool quality_bid = false;     // `after quality <commodity>`: a bid in the commodity's quality ladder
  std::uint32_t commodity = 0;  // for a quality bid
  refdata::InstrumentId instrument = 0;  // for an instrument book's order
  matcher::Side side = matcher::Side::kBuy;
  matcher::OrderId id = 0;
  refdata::ParticipantId participant = 0;
  refdata::Price price = 0;
  refdata::Quantity open = 0;
  refdata::Quantity visible = 0;
};

struct Scenario {
  std::string path;
  std::string title;
  std::string about;
  std::vector<refdata::InstrumentSpec> instruments;
  workload::InstrumentCodes codes;
  std::vector<std::uint32_t> commodities;  // every commodity the instruments belong to, ascending
  std::uint32_t reference_data = 0;        // `refdata`: what the engines stamp on trades
  bool check_levels = false;
  bool check_tops = false;
  std::vector<Step> steps;
  bool check_after = false;  // any `after` line: the whole book after the last command is stated
  std::vector<RestingOrder> after;
};

// Reads a scenario file. Throws workload::ParseError (line numbers are the file's).
Scenario load_scenario(const std::filesystem::path& path);

// Every *.txt under `directory` except CMakeLists.txt, sorted by name.
std::vector<std::filesystem::path> scenario_files(const std::filesystem::path& directory);

}  // namespace rex::scenario
