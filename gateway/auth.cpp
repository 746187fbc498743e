#include "gateway/auth.hpp"

#include <simdjson.h>

#include <algorithm>
#include <initializer_list>
#include <stdexcept>

#include "gateway/json_in.hpp"
#include "reference-data/catalogue_bounds.hpp"
#include "reference-data/sha256.hpp"

namespace rex::gateway {

namespace {

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A catalogue code (docs/reference-data.md): [A-Z][A-Z0-9_]*, at most kMaxCodeLength characters.
bool is_code(std::string_view s) {
  if (s.empty() || s.size() > refdata::kMaxCodeLength || s[0] < 'A' || s[0] > 'Z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; });
}

}  // namespace

std::string KeyStore::demo_key(std::string_view code) {
  std::string key = "demo-";
  for (char c : code) key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return key;
}

KeyStore KeyStore::demo(const refdata::Catalogue& catalogue, bool cancel_on_disconnect) {
  KeyStore store;
  store.add_demo_keys(catalogue, cancel_on_disconnect);
  return store;
}

void KeyStore::add_demo_keys(const refdata::Catalogue& catalogue, bool cancel_on_disconnect) {
  for (const auto& p : catalogue.participants()) {
    add_hash(refdata::sha256_hex(demo_key(p.code)), {p.id, cancel_on_disconnect});  // an existing key stays
  }
}

std::vector<KeyFileEntry> read_key_file(const std::filesystem::path& path, bool cancel_on_disconnect_default) {
  auto fail = [&](const std::string& what) -> std::vector<KeyFileEntry> {
    throw std::runtime_error(path.string() + ": " + what);
  };
  // Each key of an object once, and only those allowed: a misspelt or repeated one would otherwise
  // be a setting (or a list of keys) silently not taken.
  auto check_keys = [&](simdjson::dom::object o, const std::string& where, std::initializer_list<std::string_view> allowed) {
    std::vector<std::string_view> seen;
    for (auto field : o) {
      const std::string name = where.empty() ? shown_key(field.key) : where + "." + shown_key(field.key);
      if (std::find(allowed.begin(), allowed.end(), field.key) == allowed.end()) fail(name + ": unknown key");
      if (std::find(seen.begin(), seen.end(), field.key) != seen.end()) fail(name + ": given twice");
      seen.push_back(field.key);
    }
  };
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return fail("a directory, not a key file");
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path.string()).get(text)) return fail("cannot read the key file");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::vector<std::string> too_large;  // no key file value is a number
  if (const std::string problem = parse_json_file_text(parser, text, root, too_large); !problem.empty()) return fail(problem);
  simdjson::dom::object top;
  if (root.get_object().get(top)) return fail("expected an object");
  check_keys(top, "", {"format", "keys"});
  std::string_view format;
  if (top["format"].get_string().get(format) || format != "rex-api-keys") {
    return fail("\"format\" must be \"rex-api-keys\"");
  }
  simdjson::dom::array keys;
  if (top["keys"].get_array().get(keys)) return fail("\"keys\" must be an array");
  std::vector<KeyFileEntry> entries;
  for (auto entry : keys) {
    const std::string where = "keys[" + std::to_string(entries.size()) + "]";
    simdjson::dom::object fields;
    if (entry.get_object().get(fields)) return fail(where + ": expected an object");
    check_keys(fields, where, {"participant", "sha256", "cancel_on_disconnect"});
    std::string_view code;
    std::string_view hash;
    if (fields["participant"].get_string().get(code) || !is_code(code)) {
      return fail(where + ".participant: expected a participant code ([A-Z][A-Z0-9_]*, at most " +
                  std::to_string(refdata::kMaxCodeLength) + " characters)");
    }
    if (fields["sha256"].get_string().get(hash) || !is_hex64(hash)) {
      return fail(where + ".sha256: expected 64 lower-case hex digits");
    }
    bool cod = cancel_on_disconnect_default;
    auto field = fields["cancel_on_disconnect"];
    if (field.error() != simdjson::NO_SUCH_FIELD) {
      if (field.get_bool().get(cod)) return fail(where + ".cancel_on_disconnect: expected true or false");
    }
    for (const KeyFileEntry& earlier : entries) {
      if (earlier.sha256 == hash) return fail(where + ".sha256: the same key twice");
    }
    entries.push_back({std::string(code), std::string(hash), cod});
  }
  return entries;
}

KeyStore KeyStore::from_entries(const std::filesystem::path& path, const std::vector<KeyFileEntry>& entries,
                                const refdata::Catalogue& catalogue) {
  KeyStore store;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const KeyFileEntry& e = entries[i];
    const auto* p = catalogue.find_participant(e.participant);
    if (!p) {
      throw std::runtime_error(path.string() + ": keys[" + std::to_string(i) + "].participant: no participant " +
                               e.participant + " in the catalogue");
    }
    store.add_hash(e.sha256, {p->id, e.cancel_on_disconnect});
  }
  return store;
}

KeyStore KeyStore::load_file(const std::filesystem::path& path, const refdata::Catalogue& catalogue,
                             bool cancel_on_disconnect_default) {
  return from_entries(path, read_key_file(path, cancel_on_disconnect_default), catalogue);
}

void KeyStore::add_hash(std::string sha256_hex, KeyEntry entry) { by_hash_.emplace(std::move(sha256_hex), entry); }

const KeyEntry* KeyStore::find(std::string_view api_key) const {
  auto it = by_hash_.find(refdata::sha256_hex(api_key));
  return it == by_hash_.end() ? nullptr : &it->second;
}

bool KeyStore::cancel_on_disconnect(refdata::ParticipantId participant, bool fallback) const {
  for (const auto& [hash, entry] : by_hash_) {
    if (entry.participant == participant) return entry.cancel_on_disconnect;
  }
  return fallback;
}

}  // namespace rex::gateway
