#include "workload/command_text.hpp"

#include <algorithm>
#include <array>
#include <istream>
#include <limits>
#include <ostream>
#include <stdexcept>

namespace rex::workload {
namespace {

using matcher::Command;
using matcher::CommandType;
using matcher::OrderType;
using matcher::SelfTradePrevention;
using matcher::Side;
using matcher::TimeInForce;

// The fields of a command line besides the sequence number, the timestamp and the verb.
enum Field : unsigned {
  kParticipant = 1u << 0,
  kInstrument = 1u << 1,
  kSideField = 1u << 2,
  kTypeField = 1u << 3,
  kQuantity = 1u << 4,
  kPrice = 1u << 5,
  kTif = 1u << 6,
  kDisplay = 1u << 7,
  kMinQty = 1u << 8,
  kStp = 1u << 9,
  kExpiry = 1u << 10,
  kOrder = 1u << 11,
  kAon = 1u << 12,
  kPostOnly = 1u << 13,
  kCommodity = 1u << 14,
  kGrades = 1u << 15,
  kHubs = 1u << 16,
  kQuality = 1u << 17,  // assay= (a lot's) or bounds= (a buyer's): one Command field
  kReplaceQuality = 1u << 18,
  kReferenceDataId = 1u << 19,  // refdata=: a REFERENCE_DATA command's new reference data id
};
constexpr unsigned kAllFields = (1u << 20) - 1;

struct Verb {
  std::string_view name;
  CommandType type;
  unsigned allowed;
  unsigned required;
};

constexpr unsigned kQualityFields = kGrades | kHubs | kQuality;
constexpr unsigned kNewFields = kParticipant | kInstrument | kSideField | kTypeField | kQuantity | kPrice | kTif |
                                kDisplay | kMinQty | kStp | kExpiry | kAon | kPostOnly | kQualityFields;
// HALT and RESUME: `p` is the operator who sent it (the gateway's check, not the engine's).
constexpr unsigned kHaltFields = kParticipant | kInstrument | kCommodity;

constexpr std::array<Verb, 9> kVerbs = {{
    {"NEW", CommandType::kNewOrder, kNewFields, kParticipant | kInstrument | kSideField | kQuantity},
    {"CANCEL", CommandType::kCancel, kParticipant | kOrder, kParticipant | kOrder},
    {"AMEND", CommandType::kAmend, kParticipant | kOrder | kQuantity | kPrice | kQualityFields | kReplaceQuality,
     kParticipant | kOrder},
    {"MASS_CANCEL", CommandType::kMassCancel, kParticipant | kInstrument, kParticipant | kInstrument},
    {"END_OF_DAY", CommandType::kEndOfDay, 0, 0},
    {"CLOCK", CommandType::kClock, 0, 0},
    {"HALT", CommandType::kHalt, kHaltFields, 0},
    {"RESUME", CommandType::kResume, kHaltFields, 0},
    // The catalogue it brings is not in the line: a replay of a workload cannot apply it (the
    // engine refuses it without the instruments); journals carry the catalogue (journal-format.md).
    {"REFERENCE_DATA", CommandType::kReferenceData, kParticipant | kReferenceDataId, kReferenceDataId},
}};

bool is_halt(CommandType type) { return type == CommandType::kHalt || type == CommandType::kResume; }

struct KeyName {
  std::string_view key;
  Field field;
};
constexpr std::array<KeyName, 18> kKeys = {{
    {"p", kParticipant},  {"ins", kInstrument}, {"side", kSideField},     {"type", kTypeField},
    {"qty", kQuantity},   {"px", kPrice},       {"tif", kTif},            {"display", kDisplay},
    {"minqty", kMinQty},  {"stp", kStp},        {"exp", kExpiry},         {"order", kOrder},
    {"commodity", kCommodity}, {"grades", kGrades}, {"hubs", kHubs}, {"assay", kQuality}, {"bounds", kQuality},
    {"refdata", kReferenceDataId},
}};

constexpr std::array<std::string_view, 2> kSideNames = {"BUY", "SELL"};
constexpr std::array<std::string_view, 2> kTypeNames = {"LIMIT", "MARKET"};
constexpr std::array<std::string_view, 5> kTifNames = {"DAY", "GTC", "GTD", "IOC", "FOK"};
constexpr std::array<std::string_view, 5> kStpNames = {"NONE", "CANCEL_RESTING", "CANCEL_INCOMING",
                                                       "CANCEL_BOTH", "DECREMENT"};

std::string_view field_key(unsigned field) {
  if (field == kAon) return "aon";
  if (field == kPostOnly) return "postonly";
  if (field == kReplaceQuality) return "replace_quality";
  if (field == kQuality) return "assay/bounds";
  for (const auto& k : kKeys) {
    if (k.field == field) return k.key;
  }
  return "?";
}

template <typename Enum, std::size_t N>
std::string enum_text(Enum value, const std::array<std::string_view, N>& names) {
  const auto raw = static_cast<std::size_t>(value);
  return raw < N ? std::string(names[raw]) : std::to_string(raw);
}

// An enumeration value: one of `names` or its raw number (0..255, so out-of-range values that
// the engine must reject are representable).
template <typename Enum, std::size_t N>
Enum parse_enum(std::string_view text, const std::array<std::string_view, N>& names, std::size_t line,
                std::string_view token) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  if (!text.empty() && text.front() >= '0' && text.front() <= '9') {
    return static_cast<Enum>(parse_unsigned(text, std::numeric_limits<std::uint8_t>::max(), line, token));
  }
  std::string known;
  for (const auto name : names) {
    if (!known.empty()) known += ' ';
    known += name;
  }
  throw ParseError(ErrorKind::kUnknownName, line, std::string(token),
                   "'" + std::string(text) + "' is not one of " + known + " (or a number 0-255)");
}

matcher::QualityTerms parse_quality_terms(std::string_view value, std::size_t line, std::string_view token) {
  const auto ranges = parse_attribute_ranges(value, matcher::kMaxQualityTerms, line, token);
  matcher::QualityTerms terms;
  terms.count = static_cast<std::uint8_t>(ranges.size());
  std::copy(ranges.begin(), ranges.end(), terms.terms.begin());
  return terms;
}

std::string format_quality_terms(const matcher::QualityTerms& terms) {
  return format_attribute_ranges(std::span(terms.terms.data(), terms.count));
}

// Terms a line can carry: at most kMaxQualityTerms used, the unused slots at their defaults.
bool quality_terms_writable(const matcher::QualityTerms& terms) {
  if (terms.count > matcher::kMaxQualityTerms) return false;
  return std::all_of(terms.terms.begin() + terms.count, terms.terms.end(),
                     [](const refdata::AttributeRange& r) { return r == refdata::AttributeRange{}; });
}

const Verb* find_verb(CommandType type) {
  for (const auto& v : kVerbs) {
    if (v.type == type) return &v;
  }
  return nullptr;
}

// The fields a command of this type carries; everything else must stay at its default.
Command used_fields(const Command& c) {
  Command u;
  u.type = c.type;
  u.seq = c.seq;
  u.timestamp = c.timestamp;
  const Verb* verb = find_verb(c.type);
  const unsigned allowed = verb ? verb->allowed : kAllFields;
  if (allowed & kParticipant) u.participant = c.participant;
  if (allowed & kInstrument) u.instrument = c.instrument;
  if (allowed & kSideField) u.side = c.side;
  if (allowed & kTypeField) u.order_type = c.order_type;
  if (allowed & kQuantity) u.quantity = c.quantity;
  if (allowed & kPrice) u.price = c.price;
  if (allowed & kTif) u.time_in_force = c.time_in_force;
  if (allowed & kDisplay) u.display_quantity = c.display_quantity;
  if (allowed & kMinQty) u.min_quantity = c.min_quantity;
  if (allowed & kStp) u.self_trade = c.self_trade;
  if (allowed & kExpiry) u.expiry = c.expiry;
  if (allowed & kOrder) u.order_id = c.order_id;
  if (allowed & kAon) u.all_or_none = c.all_or_none;
  if (allowed & kPostOnly) u.post_only = c.post_only;
  if (allowed & kCommodity) u.commodity = c.commodity;
  if (allowed & kGrades) u.accepted_grades = c.accepted_grades;
  if (allowed & kHubs) u.accepted_hubs = c.accepted_hubs;
  if (allowed & kQuality) u.quality = c.quality;
  if (allowed & kReplaceQuality) u.replace_quality = c.replace_quality;
  if (allowed & kReferenceDataId) u.reference_data = c.reference_data;
  return u;
}

// The key a command's quality terms are written with: a sell carries its lot's assay, everything
// else (a buy, an amend, an unknown command) the buyer's bounds. Both read into the same field.
std::string_view quality_key(const Command& c) {
  return c.type == CommandType::kNewOrder && c.side == Side::kSell ? "assay" : "bounds";
}

class LineParser {
 public:
  LineParser(const InstrumentCodes& codes, std::size_t line) : codes_(codes), line_(line) {}

  Command parse(std::string_view text) {
    const auto tokens = tokenize(text);
    if (tokens.empty()) {
      throw ParseError(ErrorKind::kMissingField, line_, "",
                       "a command line starts with its sequence number");
    }
    command_.seq = parse_unsigned(tokens[0], std::numeric_limits<std::uint64_t>::max(), line_, tokens[0]);
    if (tokens.size() < 2 || !tokens[1].starts_with("t=")) {
      throw ParseError(ErrorKind::kMissingField, line_, std::string(tokens.size() < 2 ? tokens[0] : tokens[1]),
                       "the sequence number is followed by t=<timestamp in ns>");
    }
    command_.timestamp =
        parse_unsigned(tokens[1].substr(2), std::numeric_limits<std::uint64_t>::max(), line_, tokens[1]);
    if (tokens.size() < 3) {
      throw ParseError(ErrorKind::kMissingField, line_, std::string(tokens[1]),
                       "the timestamp is followed by a verb "
                       "(NEW CANCEL AMEND MASS_CANCEL END_OF_DAY CLOCK HALT RESUME REFERENCE_DATA)");
    }
    parse_verb(tokens[2]);
    for (std::size_t i = 3; i < tokens.size(); ++i) parse_field(tokens[i]);
    for (unsigned field = 1; field & kAllFields; field <<= 1) {
      if ((required_ & field) && !(seen_ & field)) missing(field, tokens[2]);
    }
    if (command_.type == CommandType::kNewOrder && command_.order_type == OrderType::kLimit && !(seen_ & kPrice)) {
      missing(kPrice, tokens[2]);
    }
    return command_;
  }

 private:
  [[noreturn]] void missing(unsigned field, std::string_view verb_token) const {
    throw ParseError(ErrorKind::kMissingField, line_, std::string(verb_token),
                     std::string(verb_token) + " needs " + std::string(field_key(field)) +
                         (field == kSideField ? " (BUY or SELL)" : "=") +
                         (field == kPrice ? " (a limit order needs a price)" : ""));
  }

  void parse_verb(std::string_view token) {
    for (const auto& verb : kVerbs) {
      if (verb.name == token) {
        use_verb(verb);
        return;
      }
    }
    if (token.starts_with("cmd=")) {
      command_.type = static_cast<CommandType>(
          parse_unsigned(token.substr(4), std::numeric_limits<std::uint8_t>::max(), line_, token));
      if (const Verb* known = find_verb(command_.type)) {  // cmd=2 is AMEND, with AMEND's rules
        use_verb(*known);
        return;
      }
      allowed_ = kAllFields;
      required_ = 0;
      any_allowed_ = true;
      return;
    }
    throw ParseError(ErrorKind::kUnknownVerb, line_, std::string(token),
                     "expected NEW, CANCEL, AMEND, MASS_CANCEL, END_OF_DAY, CLOCK, HALT, RESUME, REFERENCE_DATA or "
                     "cmd=<number>");
  }

  void use_verb(const Verb& verb) {
    command_.type = verb.type;
    allowed_ = verb.allowed;
    required_ = verb.required;
    any_allowed_ = verb.type == CommandType::kMassCancel || is_halt(verb.type);
    // A halt's scope is what it names: no ins= and no commodity= is the whole market.
    if (is_halt(verb.type)) command_.instrument = refdata::kAnyInstrument;
  }

  void claim(unsigned field, std::string_view token) {
    if (!(allowed_ & field)) {
      throw ParseError(ErrorKind::kKeyNotAllowed, line_, std::string(token),
                       std::string(field_key(field)) + " is not used by this verb");
    }
    if (seen_ & field) {
      throw ParseError(ErrorKind::kDuplicateKey, line_, std::string(token),
                       std::string(field_key(field)) + " is given twice");
    }
    seen_ |= field;
  }

  void parse_field(std::string_view token) {
    const std::size_t eq = token.find('=');
    if (eq == std::string_view::npos) {
      parse_bare(token);
      return;
    }
    const std::string_view key = token.substr(0, eq);
    const std::string_view value = token.substr(eq + 1);
    const KeyName* found = nullptr;
    for (const auto& k : kKeys) {
      if (k.key == key) found = &k;
    }
    if (!found) {
      throw ParseError(ErrorKind::kUnknownKey, line_, std::string(token),
                       "unknown key '" + std::string(key) + "'");
    }
    claim(found->field, token);
    constexpr auto kU32 = std::numeric_limits<std::uint32_t>::max();
    constexpr auto kU64 = std::numeric_limits<std::uint64_t>::max();
    switch (found->field) {
      case kParticipant:
        if (value == "*" && any_allowed_) {
          command_.participant = refdata::kAnyParticipant;
        } else if (value == "*") {
          throw ParseError(ErrorKind::kBadNumber, line_, std::string(token),
                           "'*' (any participant) is only allowed in MASS_CANCEL");
        } else {
          command_.participant = static_cast<refdata::ParticipantId>(parse_unsigned(value, kU32, line_, token));
        }
        break;
      case kInstrument: command_.instrument = parse_instrument(value, codes_, any_allowed_, line_, token); break;
      case kSideField: command_.side = parse_enum<Side>(value, kSideNames, line_, token); break;
      case kTypeField: command_.order_type = parse_enum<OrderType>(value, kTypeNames, line_, token); break;
      case kQuantity: command_.quantity = parse_signed(value, line_, token); break;
      case kPrice: command_.price = parse_price(value, line_, token); break;
      case kTif: command_.time_in_force = parse_enum<TimeInForce>(value, kTifNames, line_, token); break;
      case kDisplay: command_.display_quantity = parse_signed(value, line_, token); break;
      case kMinQty: command_.min_quantity = parse_signed(value, line_, token); break;
      case kStp: command_.self_trade = parse_enum<SelfTradePrevention>(value, kStpNames, line_, token); break;
      case kExpiry: command_.expiry = parse_unsigned(value, kU64, line_, token); break;
      case kOrder: command_.order_id = parse_unsigned(value, kU64, line_, token); break;
      case kCommodity:  // only HALT, RESUME and unknown commands have one, and "*" is "none named"
        command_.commodity = value == "*" ? refdata::kAnyCommodity
                                          : static_cast<std::uint32_t>(parse_unsigned(value, kU32, line_, token));
        break;
      case kGrades: command_.accepted_grades = parse_index_set(value, line_, token); break;
      case kHubs: command_.accepted_hubs = parse_index_set(value, line_, token); break;
      case kQuality: command_.quality = parse_quality_terms(value, line_, token); break;
      case kReferenceDataId:
        command_.reference_data = parse_hex32(value, line_, token);
        break;
      default: break;
    }
  }

  void parse_bare(std::string_view token) {
    if (token == "BUY" || token == "SELL") {
      claim(kSideField, token);
      command_.side = token == "BUY" ? Side::kBuy : Side::kSell;
    } else if (token == "LIMIT" || token == "MARKET") {
      claim(kTypeField, token);
      command_.order_type = token == "LIMIT" ? OrderType::kLimit : OrderType::kMarket;
    } else if (token == "aon") {
      claim(kAon, token);
      command_.all_or_none = true;
    } else if (token == "postonly") {
      claim(kPostOnly, token);
      command_.post_only = true;
    } else if (token == "replace_quality") {
      claim(kReplaceQuality, token);
      command_.replace_quality = true;
    } else {
      throw ParseError(ErrorKind::kUnknownKey, line_, std::string(token),
                       "unknown word; bare words are BUY SELL LIMIT MARKET aon postonly replace_quality, other "
                       "fields are key=value");
    }
  }

  const InstrumentCodes& codes_;
  std::size_t line_;
  Command command_;
  unsigned allowed_ = 0;
  unsigned required_ = 0;
  unsigned seen_ = 0;
  bool any_allowed_ = false;
};

void append(std::string& out, std::string_view key, const std::string& value) {
  out += ' ';
  out += key;
  out += '=';
  out += value;
}

// grades= hubs= and assay=/bounds=, each only when set.
void append_quality(std::string& out, const Command& c) {
  if (c.accepted_grades != 0) append(out, "grades", format_index_set(c.accepted_grades));
  if (c.accepted_hubs != 0) append(out, "hubs", format_index_set(c.accepted_hubs));
  if (c.quality->count != 0) append(out, quality_key(c), format_quality_terms(c.quality));
}

}  // namespace

Command parse_command(std::string_view line, const InstrumentCodes& codes, std::size_t line_number) {
  return LineParser(codes, line_number).parse(line);
}

bool is_formattable(const Command& command) {
  return used_fields(command) == command && quality_terms_writable(command.quality);
}

std::string format_command(const Command& c, const InstrumentCodes& codes) {
  if (!is_formattable(c)) {
    throw std::invalid_argument("command seq " + std::to_string(c.seq) +
                                " sets a field its verb does not use (or quality terms beyond their count); "
                                "it cannot be written without loss");
  }
  std::string out = std::to_string(c.seq) + " t=" + std::to_string(c.timestamp) + ' ';
  const Verb* verb = find_verb(c.type);
  if (verb == nullptr) {
    // An unknown command type: every non-default field, in one fixed order.
    const Command d;
    out += "cmd=" + std::to_string(static_cast<unsigned>(c.type));
    if (c.participant != d.participant) append(out, "p", std::to_string(c.participant));
    if (c.instrument != d.instrument) append(out, "ins", format_instrument(c.instrument, codes));
    if (c.side != d.side) append(out, "side", enum_text(c.side, kSideNames));
    if (c.order_type != d.order_type) append(out, "type", enum_text(c.order_type, kTypeNames));
    if (c.quantity != d.quantity) append(out, "qty", std::to_string(c.quantity));
    if (c.price != d.price) append(out, "px", format_price(c.price));
    if (c.time_in_force != d.time_in_force) append(out, "tif", enum_text(c.time_in_force, kTifNames));
    if (c.display_quantity != d.display_quantity) append(out, "display", std::to_string(c.display_quantity));
    if (c.min_quantity != d.min_quantity) append(out, "minqty", std::to_string(c.min_quantity));
    if (c.all_or_none) out += " aon";
    if (c.post_only) out += " postonly";
    if (c.self_trade != d.self_trade) append(out, "stp", enum_text(c.self_trade, kStpNames));
    if (c.expiry != d.expiry) append(out, "exp", std::to_string(c.expiry));
    if (c.order_id != d.order_id) append(out, "order", std::to_string(c.order_id));
    if (c.commodity != d.commodity) append(out, "commodity", std::to_string(c.commodity));
    if (c.replace_quality) out += " replace_quality";
    append_quality(out, c);
    if (c.reference_data != d.reference_data) append(out, "refdata", format_hex32(c.reference_data));
    return out;
  }
  out += verb->name;
  switch (c.type) {
    case CommandType::kNewOrder: {
      append(out, "p", std::to_string(c.participant));
      append(out, "ins", format_instrument(c.instrument, codes));
      if (static_cast<std::size_t>(c.side) < kSideNames.size()) {
        out += ' ';
        out += kSideNames[static_cast<std::size_t>(c.side)];
      } else {
        append(out, "side", enum_text(c.side, kSideNames));
      }
      if (static_cast<std::size_t>(c.order_type) < kTypeNames.size()) {
        out += ' ';
        out += kTypeNames[static_cast<std::size_t>(c.order_type)];
      } else {
        append(out, "type", enum_text(c.order_type, kTypeNames));
      }
      append(out, "qty", std::to_string(c.quantity));
      if (c.order_type != OrderType::kMarket || c.price != 0) append(out, "px", format_price(c.price));
      append(out, "tif", enum_text(c.time_in_force, kTifNames));
      if (c.display_quantity != 0) append(out, "display", std::to_string(c.display_quantity));
      if (c.min_quantity != 0) append(out, "minqty", std::to_string(c.min_quantity));
      if (c.all_or_none) out += " aon";
      if (c.post_only) out += " postonly";
      if (c.self_trade != SelfTradePrevention::kNone) append(out, "stp", enum_text(c.self_trade, kStpNames));
      if (c.expiry != 0) append(out, "exp", std::to_string(c.expiry));
      append_quality(out, c);
      break;
    }
    case CommandType::kCancel:
      append(out, "p", std::to_string(c.participant));
      append(out, "order", std::to_string(c.order_id));
      break;
    case CommandType::kAmend:
      append(out, "p", std::to_string(c.participant));
      append(out, "order", std::to_string(c.order_id));
      if (c.quantity != 0) append(out, "qty", std::to_string(c.quantity));
      if (c.price != 0) append(out, "px", format_price(c.price));
      if (c.replace_quality) out += " replace_quality";
      append_quality(out, c);
      break;
    case CommandType::kMassCancel:
      append(out, "p", c.participant == refdata::kAnyParticipant ? "*" : std::to_string(c.participant));
      append(out, "ins", c.instrument == refdata::kAnyInstrument ? "*" : format_instrument(c.instrument, codes));
      break;
    case CommandType::kHalt:
    case CommandType::kResume:
      if (c.participant != 0) append(out, "p", std::to_string(c.participant));
      if (c.instrument != refdata::kAnyInstrument) append(out, "ins", format_instrument(c.instrument, codes));
      if (c.commodity != refdata::kAnyCommodity) append(out, "commodity", std::to_string(c.commodity));
      break;
    case CommandType::kReferenceData:
      if (c.participant != 0) append(out, "p", std::to_string(c.participant));
      append(out, "refdata", format_hex32(c.reference_data));
      break;
    default:
      break;
  }
  return out;
}

std::string workload_header() { return std::string(kHeaderWord) + ' ' + std::to_string(kFormatVersion); }

void check_header(std::string_view line, std::size_t line_number) {
  const auto tokens = tokenize(line);
  if (tokens.empty() || tokens[0] != kHeaderWord) {
    throw ParseError(ErrorKind::kMissingHeader, line_number, tokens.empty() ? "" : std::string(tokens[0]),
                     "a workload file starts with the line '" + workload_header() + "'");
  }
  if (tokens.size() != 2) {
    throw ParseError(ErrorKind::kMissingHeader, line_number, std::string(tokens[0]),
                     "the header is '" + std::string(kHeaderWord) + " <version>'");
  }
  const auto version = parse_unsigned(tokens[1], std::numeric_limits<std::uint32_t>::max(), line_number, tokens[1]);
  if (version != static_cast<std::uint64_t>(kFormatVersion)) {
    throw ParseError(ErrorKind::kUnsupportedVersion, line_number, std::string(tokens[1]),
                     "this reader understands version " + std::to_string(kFormatVersion));
  }
}

std::vector<Command> parse_workload(std::string_view text, const InstrumentCodes& codes) {
  std::vector<Command> commands;
  bool header_seen = false;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_number;
    if (tokenize(line).empty()) continue;
    if (!header_seen) {
      check_header(line, line_number);
      header_seen = true;
      continue;
    }
    commands.push_back(parse_command(line, codes, line_number));
  }
  if (!header_seen) {
    throw ParseError(ErrorKind::kMissingHeader, line_number, "", "empty workload: no '" + workload_header() + "' line");
  }
  return commands;
}

std::string format_workload(std::span<const Command> commands, const InstrumentCodes& codes) {
  std::string out = workload_header() + '\n';
  for (const auto& c : commands) {
    out += format_command(c, codes);
    out += '\n';
  }
  return out;
}

WorkloadReader::WorkloadReader(std::istream& in, const InstrumentCodes& codes) : in_(in), codes_(codes) {}

std::optional<Command> WorkloadReader::next() {
  std::string line;
  while (std::getline(in_, line)) {
    ++line_number_;
    if (tokenize(line).empty()) continue;
    if (!header_seen_) {
      check_header(line, line_number_);
      header_seen_ = true;
      continue;
    }
    return parse_command(line, codes_, line_number_);
  }
  if (!header_seen_) {
    throw ParseError(ErrorKind::kMissingHeader, line_number_, "",
                     "empty workload: no '" + workload_header() + "' line");
  }
  return std::nullopt;
}

WorkloadWriter::WorkloadWriter(std::ostream& out, const InstrumentCodes& codes) : out_(out), codes_(codes) {
  out_ << workload_header() << '\n';
}

void WorkloadWriter::write(const Command& command) { out_ << format_command(command, codes_) << '\n'; }

void WorkloadWriter::comment(std::string_view text) {
  // One comment line per input line, so a newline in the text cannot start a command.
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    out_ << "# " << text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start) << '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

}  // namespace rex::workload
