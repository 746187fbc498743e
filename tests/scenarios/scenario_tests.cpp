// Runs every tests/scenarios/*.txt, one Catch2 test case per file, against the engine and (when it
// is built) the plain reference book. A failure names the file, the command and the first event
// that differs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "matcher/engine.hpp"
#include "tests/scenarios/scenario.hpp"
#ifdef REX_HAVE_REFERENCE_BOOK
#include "tests/reference_book/reference_book.hpp"
#endif

namespace {

using namespace rex;
using scenario::Scenario;

// The scenarios cover every documented edge case; fewer files means some were lost.
constexpr std::size_t kMinimumScenarios = 95;

std::filesystem::path scenario_directory() { return std::filesystem::path(REX_SOURCE_DIR) / "tests" / "scenarios"; }

std::string show(const matcher::Event& event, const matcher::Command& command, const Scenario& s) {
  const bool own_stamp = event.seq == command.seq && event.timestamp == command.timestamp;
  return workload::format_event(event, s.codes, workload::EventFormat{.stamps = !own_stamp});
}

std::string show_order(const scenario::RestingOrder& o, const Scenario& s) {
  std::ostringstream out;
  if (o.quality_bid) {
    out << "quality " << o.commodity;
  } else {
    out << workload::format_instrument(o.instrument, s.codes) << (o.side == matcher::Side::kBuy ? " BUY" : " SELL");
  }
  out << " order=" << o.id << " p=" << o.participant << " px=" << workload::format_price(o.price)
      << " open=" << o.open << " visible=" << o.visible;
  return out.str();
}

// Runs the scenario on `book`; returns a description of the first disagreement, if any.
template <typename Book>
std::optional<std::string> run_scenario(const Scenario& s, Book& book) {
  std::vector<matcher::Event> actual;
  for (const auto& step : s.steps) {
    actual.clear();
    book.process(step.command, actual);
    // Market data is checked only when asked for: LEVEL with `levels`, TOP with `tops`.
    std::erase_if(actual, [&](const matcher::Event& e) {
      return (e.type == matcher::EventType::kBookLevel && !s.check_levels) ||
             (e.type == matcher::EventType::kCommodityTop && !s.check_tops);
    });
    std::ostringstream out;
    out << s.path << ":" << step.line << ": " << (step.checked ? "send" : "book") << step.text << "\n";
    auto list_actual = [&] {
      out << "  actual events of this command" << (s.check_levels ? "" : " (LEVEL events not checked)")
          << (s.check_tops ? "" : " (TOP events not checked)") << ":\n";
      if (actual.empty()) out << "    (none)\n";
      for (const auto& e : actual) out << "    " << show(e, step.command, s) << "\n";
    };
    if (!step.checked) {
      for (const auto& e : actual) {
        if (e.type == matcher::EventType::kRejected) {
          out << "  a book (setup) command was rejected\n";
          list_actual();
          return out.str();
        }
      }
      continue;
    }
    const std::size_t n = std::max(actual.size(), step.expected.size());
    for (std::size_t i = 0; i < n; ++i) {
      const bool have_expected = i < step.expected.size();
      const bool have_actual = i < actual.size();
      if (have_expected && have_actual && step.expected[i].event == actual[i]) continue;
      out << "  first difference at event " << i + 1 << ":\n";
      if (have_expected) {
        out << "    expected (line " << step.expected[i].line << "): " << show(step.expected[i].event, step.command, s)
            << "\n";
      } else {
        out << "    expected: (no more events)\n";
      }
      out << "    actual:            " << (have_actual ? show(actual[i], step.command, s) : "(no more events)") << "\n";
      list_actual();
      return out.str();
    }
  }
  if (!s.check_after) return std::nullopt;
  auto same = [](const scenario::RestingOrder& a, const scenario::RestingOrder& b) {
    return a.id == b.id && a.participant == b.participant && a.price == b.price && a.open == b.open &&
           a.visible == b.visible;
  };
  // Compares one queue (an instrument side, or a commodity's quality bids) with its `after` lines.
  // `shape` gives each actual order its queue (instrument and side, or commodity) for display.
  auto compare = [&](const std::string& name, const std::vector<scenario::RestingOrder>& expected,
                     const std::vector<matcher::OrderView>& views,
                     const scenario::RestingOrder& shape) -> std::optional<std::string> {
    std::vector<scenario::RestingOrder> got;
    for (const auto& v : views) {
      scenario::RestingOrder o = shape;
      o.id = v.id;
      o.participant = v.participant;
      o.price = v.price;
      o.open = v.open;
      o.visible = v.visible;
      got.push_back(o);
    }
    if (std::equal(expected.begin(), expected.end(), got.begin(), got.end(), same)) return std::nullopt;
    std::ostringstream out;
    out << s.path << ": the book after differs on " << name << " (priority order):\n  expected:\n";
    if (expected.empty()) out << "    (empty)\n";
    for (const auto& o : expected) out << "    line " << o.line << ": " << show_order(o, s) << "\n";
    out << "  actual:\n";
    if (got.empty()) out << "    (empty)\n";
    for (const auto& o : got) out << "    " << show_order(o, s) << "\n";
    return out.str();
  };
  for (const auto& instrument : s.instruments) {
    for (const auto side : {matcher::Side::kBuy, matcher::Side::kSell}) {
      std::vector<scenario::RestingOrder> expected;
      for (const auto& o : s.after) {
        if (!o.quality_bid && o.instrument == instrument.id && o.side == side) expected.push_back(o);
      }
      const std::string name = instrument.code + (side == matcher::Side::kBuy ? " BUY" : " SELL");
      scenario::RestingOrder shape;
      shape.instrument = instrument.id;
      shape.side = side;
      if (auto failure = compare(name, expected, book.orders(instrument.id, side), shape)) return failure;
    }
  }
  for (const std::uint32_t commodity : s.commodities) {
    std::vector<scenario::RestingOrder> expected;
    for (const auto& o : s.after) {
      if (o.quality_bid && o.commodity == commodity) expected.push_back(o);
    }
    const std::string name = "the quality bids of commodity " + std::to_string(commodity);
    scenario::RestingOrder shape;
    shape.quality_bid = true;
    shape.commodity = commodity;
    if (auto failure = compare(name, expected, book.quality_bids(commodity), shape)) return failure;
  }
  return std::nullopt;
}

Scenario load_or_fail(const std::filesystem::path& path) {
  try {
    return scenario::load_scenario(path);
  } catch (const workload::ParseError& e) {
    FAIL(path.string() << ": " << e.what());
  }
  return {};
}

void run_file(const std::filesystem::path& path) {
  const Scenario s = load_or_fail(path);
  INFO(s.path << "\n  " << s.title << "\n  " << s.about);
  SECTION("engine") {
    matcher::Engine engine(s.instruments, matcher::EngineOptions{.reference_data = s.reference_data});
    const auto failure = run_scenario(s, engine);
    if (failure) FAIL_CHECK(*failure);
  }
#ifdef REX_HAVE_REFERENCE_BOOK
  SECTION("reference book") {
    testing::ReferenceBook reference(s.instruments, s.reference_data);
    const auto failure = run_scenario(s, reference);
    if (failure) FAIL_CHECK(*failure);
  }
#endif
}

class ScenarioInvoker : public Catch::ITestInvoker {
 public:
  explicit ScenarioInvoker(std::filesystem::path path) : path_(std::move(path)) {}
  void invoke() const override { run_file(path_); }

 private:
  std::filesystem::path path_;
};

// One test case per scenario file, registered before main() as TEST_CASE does.
struct RegisterScenarios {
  RegisterScenarios() {
    std::error_code error;
    if (!std::filesystem::is_directory(scenario_directory(), error)) return;
    for (const auto& path : scenario::scenario_files(scenario_directory())) {
      const std::string name = "scenario " + path.stem().string();
      Catch::AutoReg(new ScenarioInvoker(path), Catch::SourceLineInfo(__FILE__, static_cast<std::size_t>(__LINE__)),
                     "", Catch::NameAndTags{name, "[scenario]"});
    }
  }
};
const RegisterScenarios kRegisterScenarios;

TEST_CASE("every scenario file loads, and there are enough of them", "[scenario]") {
  const auto files = scenario::scenario_files(scenario_directory());
  CHECK(files.size() >= kMinimumScenarios);
  for (const auto& path : files) {
    INFO(path.string());
    CHECK_NOTHROW(scenario::load_scenario(path));
    // Names are NN-short-name.txt so they sort in reading order.
    const std::string name = path.filename().string();
    CHECK((name.size() > 7 && std::isdigit(static_cast<unsigned char>(name[0])) &&
           std::isdigit(static_cast<unsigned char>(name[1])) && name[2] == '-'));
  }
}

}  // namespace

// The loader's own rules for the quality keys: a wrong declaration names its line and rule.
TEST_CASE("instrument declarations: commodities, differentials and limits are checked", "[scenario]") {
  const auto path = std::filesystem::temp_directory_path() / "rex-scenario-loader-test.txt";
  auto load = [&](const std::string& instruments) {
    std::ofstream(path) << "title t\nabout a\n" << instruments << "send 1 t=1 CLOCK\nexpect nothing\n";
    return scenario::load_scenario(path);
  };
  const std::string cu = "instrument CU-A tick=10.00 lotmin=1000 lotinc=1000 floor=60000.00 ceiling=84000.00 ";
  const std::string cu2 = "instrument CU-B tick=10.00 lotmin=1000 lotinc=1000 floor=60000.00 ceiling=84000.00 ";
  const auto s = load(cu + "commodity=0 grade=9 hub=3 limits=14:9990..\n" + cu2 + "commodity=0 grade=10 diff=-500.00\n");
  REQUIRE(s.instruments.size() == 2);
  CHECK(s.instruments[1].commodity == 0);
  CHECK(s.instruments[1].grade == 10);
  CHECK(s.instruments[1].hub == 0);
  CHECK(s.instruments[1].differential == -50'000);
  REQUIRE(s.instruments[0].quality.size() == 1);
  CHECK(s.instruments[0].quality[0] == refdata::AttributeRange{14, 9990, refdata::kNoUpperLimit});
  CHECK(s.commodities == std::vector<std::uint32_t>{0});
  // Without commodity= an instrument is a commodity of its own, numbered by its id.
  CHECK(load(cu + "\n" + cu2 + "\n").commodities == std::vector<std::uint32_t>{0, 1});

  auto error = [&](const std::string& instruments, workload::ErrorKind kind, std::size_t line) {
    INFO(instruments);
    try {
      (void)load(instruments);
      FAIL("loaded");
    } catch (const workload::ParseError& e) {
      INFO(e.what());
      CHECK(e.kind() == kind);
      CHECK(e.line() == line);
    }
  };
  error(cu + "\n" + cu2 + "commodity=0\n", workload::ErrorKind::kDuplicateKey, 3);  // CU-A is commodity 0 too
  error(cu + "commodity=0\n" + cu2 + "commodity=0 diff=-5.00\n", workload::ErrorKind::kBadNumber, 4);  // off tick
  error(cu + "commodity=0\ninstrument FE tick=1.00 lotmin=1 lotinc=1 floor=1.00 ceiling=9.00 commodity=0\n",
        workload::ErrorKind::kBadNumber, 3);  // one commodity, two ticks
  error(cu + "commodity=0 grade=9 limits=14:9990..\n" + cu2 + "commodity=0 grade=9 hub=1\n",
        workload::ErrorKind::kBadNumber, 3);  // one grade, two sets of limits
  error(cu + "limits=14:9990..,6:..100\n", workload::ErrorKind::kBadNumber, 3);  // not ascending
  error(cu + "grade=64\n", workload::ErrorKind::kOverflow, 3);
  std::filesystem::remove(path);
}
