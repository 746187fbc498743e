// API keys: who a WebSocket login is. Keys are stored only as SHA-256 hashes (a key file,
// docs/rexd-config.md); demo mode derives one well-known key per participant instead.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "reference-data/catalogue.hpp"

namespace rex::gateway {

struct KeyEntry {
  refdata::ParticipantId participant = 0;
  bool cancel_on_disconnect = true;
};

// A key file's entry, checked for all but its participant: that names a participant of the catalogue
// in force, which comes from the journal (rexd checks the rest before it creates or opens one).
struct KeyFileEntry {
  std::string participant;  // a participant code
  std::string sha256;       // 64 lower-case hex digits
  bool cancel_on_disconnect = true;
};

// {"format": "rex-api-keys", "keys": [{"participant": "ZYTRADE", "sha256": "<64 hex>",
//   "cancel_on_disconnect": true}]}. Throws std::runtime_error naming the file and the entry.
std::vector<KeyFileEntry> read_key_file(const std::filesystem::path& path, bool cancel_on_disconnect_default);

class KeyStore {
 public:
  // The demo key of a participant: "demo-" and its code in lower case ("demo-zytrade").
  static std::string demo_key(std::string_view participant_code);
  // One demo key for every participant of the catalogue.
  static KeyStore demo(const refdata::Catalogue& catalogue, bool cancel_on_disconnect);
  // The demo keys of the catalogue's participants that have none yet (after a reload added some).
  void add_demo_keys(const refdata::Catalogue& catalogue, bool cancel_on_disconnect);
  // The keys of a key file read by read_key_file; throws std::runtime_error naming the file (`path`)
  // and the entry when its participant is not in the catalogue.
  static KeyStore from_entries(const std::filesystem::path& path, const std::vector<KeyFileEntry>& entries,
                               const refdata::Catalogue& catalogue);
  // read_key_file, then from_entries.
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
