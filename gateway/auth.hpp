// API keys: who a WebSocket login is. Keys are stored only as SHA-256 hashes (a key file,
// docs/rexd-config.md); demo mode derives one well-known key per participant instead.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "reference-data/catalogue.hpp"

namespace rex::gateway {

struct KeyEntry {
  refdata::ParticipantId participant = 0;
  bool cancel_on_disconnect = true;
};

class KeyStore {
 public:
  // The demo key of a participant: "demo-" and its code in lower case ("demo-zytrade").
  static std::string demo_key(std::string_view participant_code);
  // One demo key for every participant of the catalogue.
  static KeyStore demo(const refdata::Catalogue& catalogue, bool cancel_on_disconnect);
  // The demo keys of the catalogue's participants that have none yet (after a reload added some).
  void add_demo_keys(const refdata::Catalogue& catalogue, bool cancel_on_disconnect);
  // {"format": "rex-api-keys", "keys": [{"participant": "ZYTRADE", "sha256": "<64 hex>",
  //   "cancel_on_disconnect": true}]}. Throws std::runtime_error naming the file and the entry.
  static KeyStore load_file(const std::filesystem::path& path, const refdata::Catalogue& catalogue,
                            bool cancel_on_disconnect_default);

  void add_hash(std::string sha256_hex, KeyEntry entry);
  const KeyEntry* find(std::string_view api_key) const;  // hashes the key
  std::size_t size() const { return by_hash_.size(); }
  // The setting of a participant (the first of its keys), or the default.
  bool cancel_on_disconnect(refdata::ParticipantId participant, bool fallback) const;

 private:
  std::map<std::string, KeyEntry, std::less<>> by_hash_;
};

}  // namespace rex::gateway
