#include "gateway/auth.hpp"

#include <simdjson.h>

#include <stdexcept>

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
  simdjson::dom::parser parser;
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path.string()).get(text)) return fail("cannot read the key file");
  simdjson::dom::element root;
  if (auto e = parser.parse(text).get(root); e) return fail(std::string("not JSON: ") + simdjson::error_message(e));
  std::string_view format;
  if (root["format"].get_string().get(format) || format != "rex-api-keys") {
    return fail("\"format\" must be \"rex-api-keys\"");
  }
  simdjson::dom::array keys;
  if (root["keys"].get_array().get(keys)) return fail("\"keys\" must be an array");
  std::vector<KeyFileEntry> entries;
  for (auto entry : keys) {
    const std::string where = "keys[" + std::to_string(entries.size()) + "]";
    simdjson::dom::object fields;
    if (entry.get_object().get(fields)) return fail(where + ": expected an object");
    for (auto field : fields) {  // a misspelt key would otherwise be a setting silently not taken
      if (field.key != "participant" && field.key != "sha256" && field.key != "cancel_on_disconnect") {
        return fail(where + "." + std::string(field.key) + ": unknown key");
      }
    }
    std::string_view code;
    std::string_view hash;
    if (entry["participant"].get_string().get(code)) return fail(where + ".participant: expected a participant code");
    if (entry["sha256"].get_string().get(hash) || !is_hex64(hash)) {
      return fail(where + ".sha256: expected 64 lower-case hex digits");
    }
    bool cod = cancel_on_disconnect_default;
    auto field = entry["cancel_on_disconnect"];
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
