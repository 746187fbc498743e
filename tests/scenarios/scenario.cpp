#include "tests/scenarios/scenario.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <limits>
#include <sstream>

namespace rex::scenario {
namespace {

using workload::ErrorKind;
using workload::ParseError;

[[noreturn]] void fail(ErrorKind kind, std::size_t line, std::string_view token, const std::string& detail) {
  throw ParseError(kind, line, std::string(token), detail);
}

// Splits "key=value" tokens after the first `skip` tokens into a checked set of keys.
class Keys {
 public:
  Keys(const std::vector<std::string_view>& tokens, std::size_t skip, std::size_t line) : line_(line) {
    for (std::size_t i = skip; i < tokens.size(); ++i) {
      const auto eq = tokens[i].find('=');
      if (eq == std::string_view::npos) fail(ErrorKind::kUnknownKey, line, tokens[i], "expected key=value");
      const auto key = tokens[i].substr(0, eq);
      for (const auto& [k, v, t] : pairs_) {
        if (k == key) fail(ErrorKind::kDuplicateKey, line, tokens[i], "key given twice");
      }
      pairs_.push_back({key, tokens[i].substr(eq + 1), tokens[i]});
    }
  }

  // The value of a required key, which is then used up.
  std::pair<std::string_view, std::string_view> take(std::string_view key, std::string_view context) {
    for (auto it = pairs_.begin(); it != pairs_.end(); ++it) {
      if (it->key == key) {
        const auto result = std::make_pair(it->value, it->token);
        pairs_.erase(it);
        return result;
      }
    }
    fail(ErrorKind::kMissingField, line_, context, std::string(context) + " needs " + std::string(key) + "=");
  }

  bool has(std::string_view key) const {
    return std::any_of(pairs_.begin(), pairs_.end(), [&](const Pair& p) { return p.key == key; });
  }

  void done() const {
    if (!pairs_.empty()) fail(ErrorKind::kUnknownKey, line_, pairs_.front().token, "unexpected key");
  }

 private:
  struct Pair {
    std::string_view key;
    std::string_view value;
    std::string_view token;
  };
  std::vector<Pair> pairs_;
  std::size_t line_;
};

std::int64_t parse_kg(std::pair<std::string_view, std::string_view> kv, std::size_t line) {
  return workload::parse_signed(kv.first, line, kv.second);
}

// Grade and hub indices are bits of a 64-bit set (accepted_grades, accepted_hubs).
constexpr std::uint64_t kMaxGradeOrHub = 63;

// Keys an instrument line may leave out: commodity (then the instrument is a commodity of its
// own, numbered by its id), grade, hub (0), diff (0.00) and limits (none).
std::optional<std::pair<std::string_view, std::string_view>> take_optional(Keys& keys, std::string_view key) {
  if (!keys.has(key)) return std::nullopt;
  return keys.take(key, "instrument");
}

struct DeclaredInstrument {
  std::size_t line = 0;
  bool commodity_given = false;
};

refdata::InstrumentSpec parse_instrument_line(const std::vector<std::string_view>& tokens, std::size_t line,
                                              refdata::InstrumentId id, DeclaredInstrument& declared) {
  if (tokens.size() < 2) fail(ErrorKind::kMissingField, line, tokens[0], "instrument <code> tick= lotmin= ...");
  refdata::InstrumentSpec spec;
  spec.id = id;
  spec.code = std::string(tokens[1]);
  if (!workload::is_writable_code(spec.code)) {
    fail(ErrorKind::kBadNumber, line, tokens[1], "an instrument code has no blanks or '=' and does not start with '#'");
  }
  Keys keys(tokens, 2, line);
  auto tick = keys.take("tick", "instrument");
  spec.tick_size = workload::parse_price(tick.first, line, tick.second);
  spec.lot_minimum = parse_kg(keys.take("lotmin", "instrument"), line);
  spec.lot_increment = parse_kg(keys.take("lotinc", "instrument"), line);
  auto floor = keys.take("floor", "instrument");
  spec.price_floor = workload::parse_price(floor.first, line, floor.second);
  auto ceiling = keys.take("ceiling", "instrument");
  spec.price_ceiling = workload::parse_price(ceiling.first, line, ceiling.second);
  constexpr auto kU32 = std::numeric_limits<std::uint32_t>::max();
  declared.line = line;
  spec.commodity = id;
  if (const auto commodity = take_optional(keys, "commodity")) {
    declared.commodity_given = true;
    spec.commodity =
        static_cast<std::uint32_t>(workload::parse_unsigned(commodity->first, kU32, line, commodity->second));
  }
  if (const auto grade = take_optional(keys, "grade")) {
    spec.grade =
        static_cast<std::uint32_t>(workload::parse_unsigned(grade->first, kMaxGradeOrHub, line, grade->second));
  }
  if (const auto hub = take_optional(keys, "hub")) {
    spec.hub = static_cast<std::uint32_t>(workload::parse_unsigned(hub->first, kMaxGradeOrHub, line, hub->second));
  }
  if (const auto diff = take_optional(keys, "diff")) {
    spec.differential = workload::parse_price(diff->first, line, diff->second);
  }
  if (const auto limits = take_optional(keys, "limits")) {
    spec.quality = workload::parse_attribute_ranges(limits->first, std::numeric_limits<std::size_t>::max(), line,
                                                    limits->second);
    for (std::size_t i = 0; i < spec.quality.size(); ++i) {
      const auto& limit = spec.quality[i];
      if (limit.min > limit.max || (i > 0 && spec.quality[i - 1].attribute >= limit.attribute)) {
        fail(ErrorKind::kBadNumber, line, limits->second,
             "a grade's limits name each attribute once, in ascending order, with min <= max");
      }
    }
  }
  keys.done();
  if (spec.tick_size <= 0 || spec.lot_minimum <= 0 || spec.lot_increment <= 0 ||
      spec.price_floor <= 0 || spec.price_ceiling < spec.price_floor ||
      spec.price_floor % spec.tick_size != 0 || spec.price_ceiling % spec.tick_size != 0) {
    fail(ErrorKind::kBadNumber, line, tokens[1],
         "tick, lots and band must be positive, and floor <= ceiling both on the tick");
  }
  return spec;
}

RestingOrder parse_after_line(const std::vector<std::string_view>& tokens, std::size_t line, const Scenario& s) {
  if (tokens.size() < 3) {
    fail(ErrorKind::kMissingField, line, tokens[0],
         "after <code> BUY|SELL order= p= px= open= visible=, or after quality <commodity> order= ...");
  }
  RestingOrder order;
  order.line = line;
  if (tokens[1] == "quality") {
    order.quality_bid = true;
    order.commodity = static_cast<std::uint32_t>(
        workload::parse_unsigned(tokens[2], std::numeric_limits<std::uint32_t>::max(), line, tokens[2]));
    if (!std::binary_search(s.commodities.begin(), s.commodities.end(), order.commodity)) {
      fail(ErrorKind::kUnknownName, line, tokens[2], "no declared instrument belongs to this commodity");
    }
  } else {
    order.instrument = workload::parse_instrument(tokens[1], s.codes, false, line, tokens[1]);
    if (tokens[2] != "BUY" && tokens[2] != "SELL") fail(ErrorKind::kUnknownName, line, tokens[2], "BUY or SELL");
    order.side = tokens[2] == "BUY" ? matcher::Side::kBuy : matcher::Side::kSell;
  }
  Keys keys(tokens, 3, line);
  auto id = keys.take("order", "after");
  order.id = workload::parse_unsigned(id.first, std::numeric_limits<std::uint64_t>::max(), line, id.second);
  auto p = keys.take("p", "after");
  order.participant = static_cast<refdata::ParticipantId>(
      workload::parse_unsigned(p.first, std::numeric_limits<std::uint32_t>::max(), line, p.second));
  auto px = keys.take("px", "after");
  order.price = workload::parse_price(px.first, line, px.second);
  order.open = parse_kg(keys.take("open", "after"), line);
  order.visible = parse_kg(keys.take("visible", "after"), line);
  keys.done();
  return order;
}

// Once every instrument is declared: commodities are consistent (one tick, differentials on it,
// one set of limits per grade) and an instrument without commodity= is alone in its own.
void check_instruments(Scenario& s, const std::vector<DeclaredInstrument>& declared) {
  for (std::size_t i = 0; i < s.instruments.size(); ++i) {
    const auto& a = s.instruments[i];
    const std::size_t line = declared[i].line;
    if (a.differential % a.tick_size != 0) {
      fail(ErrorKind::kBadNumber, line, a.code, "diff must be a multiple of the tick");
    }
    for (std::size_t j = 0; j < s.instruments.size(); ++j) {
      const auto& b = s.instruments[j];
      if (i == j || a.commodity != b.commodity) continue;
      if (!declared[i].commodity_given) {
        fail(ErrorKind::kDuplicateKey, line, a.code,
             "without commodity= an instrument is a commodity of its own (number " + std::to_string(a.commodity) +
                 ", its id), but " + b.code + " is in that commodity too: give commodity= on both");
      }
      if (a.tick_size != b.tick_size) {
        fail(ErrorKind::kBadNumber, line, a.code, "instruments of one commodity share a tick (" + b.code + ")");
      }
      if (a.grade == b.grade && a.quality != b.quality) {
        fail(ErrorKind::kBadNumber, line, a.code, "limits are the grade's: " + b.code + " has the same grade");
      }
    }
    s.commodities.push_back(a.commodity);
  }
  std::sort(s.commodities.begin(), s.commodities.end());
  s.commodities.erase(std::unique(s.commodities.begin(), s.commodities.end()), s.commodities.end());
}

std::string rest_of_line(std::string_view line, std::string_view directive) {
  const auto at = line.find(directive);
  return std::string(line.substr(at + directive.size()));
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  Scenario s;
  s.path = path.string();
  std::string text;
  std::size_t line = 0;
  bool sent = false;
  std::vector<DeclaredInstrument> declared;
  bool instruments_checked = false;
  auto instruments_done = [&] {
    if (instruments_checked) return;
    instruments_checked = true;
    check_instruments(s, declared);
  };
  while (std::getline(in, text)) {
    ++line;
    const auto tokens = workload::tokenize(text);
    if (tokens.empty()) continue;
    const std::string_view directive = tokens[0];
    if (directive == "title" || directive == "about") {
      std::string words;
      for (std::size_t i = 1; i < tokens.size(); ++i) {
        if (i > 1) words += ' ';
        words += tokens[i];
      }
      if (directive == "title") {
        if (!s.title.empty()) fail(ErrorKind::kDuplicateKey, line, directive, "one title per scenario");
        s.title = words;
      } else {
        if (!s.about.empty()) s.about += ' ';
        s.about += words;
      }
    } else if (directive == "instrument") {
      if (instruments_checked) fail(ErrorKind::kKeyNotAllowed, line, directive, "instruments come before the commands");
      declared.emplace_back();
      const auto id = static_cast<refdata::InstrumentId>(s.instruments.size());
      s.instruments.push_back(parse_instrument_line(tokens, line, id, declared.back()));
      s.codes = workload::InstrumentCodes(s.instruments);
    } else if (directive == "levels" || directive == "tops") {
      if (tokens.size() != 1) {
        fail(ErrorKind::kUnknownKey, line, tokens[1], std::string(directive) + " takes no arguments");
      }
      (directive == "levels" ? s.check_levels : s.check_tops) = true;
    } else if (directive == "refdata") {
      if (tokens.size() != 2) fail(ErrorKind::kMissingField, line, directive, "refdata <8 hex digits>");
      s.reference_data = workload::parse_hex32(tokens[1], line, tokens[1]);
    } else if (directive == "book" || directive == "send") {
      instruments_done();
      if (s.check_after) fail(ErrorKind::kKeyNotAllowed, line, directive, "commands come before the book after");
      if (directive == "book" && sent) fail(ErrorKind::kKeyNotAllowed, line, directive, "book lines come before the first send");
      Step step;
      step.line = line;
      step.text = rest_of_line(text, directive);
      step.command = workload::parse_command(step.text, s.codes, line);
      step.checked = directive == "send";
      sent = sent || step.checked;
      s.steps.push_back(std::move(step));
    } else if (directive == "expect") {
      if (s.steps.empty() || !s.steps.back().checked || s.check_after) {
        fail(ErrorKind::kKeyNotAllowed, line, directive, "expect lines follow a send line");
      }
      Step& step = s.steps.back();
      if (tokens.size() == 2 && tokens[1] == "nothing") {
        if (step.expect_nothing || !step.expected.empty()) {
          fail(ErrorKind::kDuplicateKey, line, "nothing", "'expect nothing' stands alone");
        }
        step.expect_nothing = true;
        continue;
      }
      if (step.expect_nothing) fail(ErrorKind::kDuplicateKey, line, directive, "'expect nothing' stands alone");
      ExpectedEvent expected;
      expected.line = line;
      expected.text = rest_of_line(text, directive);
      expected.event = workload::parse_event(expected.text, s.codes, line,
                                             workload::EventStamp{step.command.seq, step.command.timestamp});
      step.expected.push_back(std::move(expected));
    } else if (directive == "after") {
      instruments_done();
      s.check_after = true;
      if (tokens.size() == 2 && tokens[1] == "empty") continue;
      RestingOrder order = parse_after_line(tokens, line, s);
      order.text = rest_of_line(text, directive);
      s.after.push_back(std::move(order));
    } else {
      fail(ErrorKind::kUnknownVerb, line, directive,
           "a scenario line starts with title, about, instrument, levels, tops, refdata, book, send, expect or "
           "after");
    }
  }
  instruments_done();
  if (s.title.empty()) fail(ErrorKind::kMissingField, line, "title", "a scenario needs a title line");
  if (s.about.empty()) fail(ErrorKind::kMissingField, line, "about", "a scenario needs an about line");
  if (s.instruments.empty()) fail(ErrorKind::kMissingField, line, "instrument", "a scenario declares its instruments");
  for (auto& step : s.steps) {
    if (!step.checked) continue;
    if (step.expected.empty() && !step.expect_nothing) {
      fail(ErrorKind::kMissingField, step.line, "send", "a send needs expect lines (or 'expect nothing')");
    }
  }
  return s;
}

std::vector<std::filesystem::path> scenario_files(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    const auto& path = entry.path();
    if (entry.is_regular_file() && path.extension() == ".txt" && path.filename() != "CMakeLists.txt") {
      files.push_back(path);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace rex::scenario
