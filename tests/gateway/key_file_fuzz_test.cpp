// Seeded mutation fuzzing of the API key file (read_key_file, then KeyStore::from_entries against
// the catalogue): valid key files with bytes flipped, inserted and cut, values swapped for wrong
// types and numbers of any size, keys repeated, values nested deep, invalid UTF-8 and NULs. Every
// file loads or is refused with a message naming the file and the entry (or, for text that is not
// JSON, the line and column); nothing crashes (ASan/UBSan in the debug preset); what loads holds
// every entry of the file as written.
#include <catch2/catch.hpp>

#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gateway/auth.hpp"
#include "json_mutator.hpp"
#include "reference-data/loader.hpp"
#include "reference-data/sha256.hpp"

using namespace rex::gateway;

namespace {

std::string entry(const std::string& participant, const std::string& key, const std::string& more = "") {
  return R"({"participant": ")" + participant + R"(", "sha256": ")" + rex::refdata::sha256_hex(key) + "\"" + more + "}";
}

const std::vector<std::string>& seeds() {
  static const std::vector<std::string> s = {
      "{\"format\": \"rex-api-keys\",\n \"keys\": [\n   " + entry("ZYTRADE", "k1", R"(, "cancel_on_disconnect": true)") +
          ",\n   " + entry("REXOPS", "k2") + ",\n   " + entry("XCROD", "k3", R"(, "cancel_on_disconnect": false)") +
          "\n ]}\n",
      R"({"format":"rex-api-keys","keys":[)" + entry("ZYTRADE", "k4") + "]}",
      R"({"format": "rex-api-keys", "keys": []})",
  };
  return s;
}

class KeyFile {
 public:
  KeyFile()
      : path_(std::filesystem::temp_directory_path() / ("rex-keys-fuzz-" + std::to_string(::getpid()) + ".json")),
        catalogue_(rex::refdata::load_catalogue_file(std::string(REX_SOURCE_DIR) +
                                                     "/reference-data/catalogue/rex-catalogue.json")) {}
  ~KeyFile() { std::filesystem::remove(path_); }
  const std::filesystem::path& path() const { return path_; }

  // Loads `text` as a key file; empty, or the message it was refused with.
  std::string load(const std::string& text, std::vector<KeyFileEntry>& entries) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << text;
    try {
      entries = read_key_file(path_, true);
      const KeyStore store = KeyStore::from_entries(path_, entries, catalogue_);
      CHECK(store.size() == entries.size());
    } catch (const std::runtime_error& e) {
      const std::string message = e.what();
      CHECK_FALSE(message.empty());
      return message.empty() ? "(empty)" : message;
    }
    return {};
  }

 private:
  std::filesystem::path path_;
  rex::refdata::Catalogue catalogue_;
};

bool starts_with_any(const std::string& s, std::initializer_list<std::string_view> prefixes) {
  for (auto p : prefixes) {
    if (s.starts_with(p)) return true;
  }
  return false;
}

// A refusal names the file, then the entry, the top-level key, or the position.
void check_refusal(const KeyFile& file, const std::string& message) {
  INFO(message);
  const std::string prefix = file.path().string() + ": ";
  REQUIRE(message.starts_with(prefix));
  const std::string what = message.substr(prefix.size());
  for (char c : what) REQUIRE(static_cast<unsigned char>(c) >= 0x20);  // on one line, as the file holds it
  const bool named = starts_with_any(what, {"not valid JSON at line ", "keys[", "\"format\" must", "\"keys\" must",
                                            "expected an object", "format: given twice", "keys: given twice"}) ||
                     what.ends_with(": unknown key");
  CHECK(named);
}

// A load holds the file's entries, all of them, as written.
void check_loaded(const std::string& text, const std::vector<KeyFileEntry>& entries) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  REQUIRE_FALSE(parser.parse(simdjson::padded_string(text)).get(root));
  simdjson::dom::array keys;
  REQUIRE_FALSE(root["keys"].get_array().get(keys));
  REQUIRE(keys.size() == entries.size());
  std::size_t i = 0;
  for (auto written : keys) {
    std::string_view participant;
    std::string_view sha256;
    bool cancel = true;
    REQUIRE_FALSE(written["participant"].get_string().get(participant));
    REQUIRE_FALSE(written["sha256"].get_string().get(sha256));
    if (written["cancel_on_disconnect"].error() != simdjson::NO_SUCH_FIELD) {
      REQUIRE_FALSE(written["cancel_on_disconnect"].get_bool().get(cancel));
    }
    CHECK(entries[i].participant == participant);
    CHECK(entries[i].sha256 == sha256);
    CHECK(entries[i].cancel_on_disconnect == cancel);
    ++i;
  }
}

}  // namespace

TEST_CASE("key file fuzz: mutated key files load or are refused naming the entry or the position",
          "[gateway][auth][fuzz]") {
  KeyFile file;
  std::vector<KeyFileEntry> entries;
  for (const std::string& seed : seeds()) REQUIRE(file.load(seed, entries).empty());
  rex::testing::JsonMutator mutator(20261202, seeds());  // fixed seed: the same inputs every run
  constexpr int kIterations = 3'000;
  int loaded = 0;
  for (int i = 0; i < kIterations; ++i) {
    const std::string text = mutator.mutate(seeds()[mutator.pick(seeds().size())]);
    INFO(text);
    entries.clear();
    const std::string refusal = file.load(text, entries);
    if (!refusal.empty()) {
      check_refusal(file, refusal);
      continue;
    }
    ++loaded;
    check_loaded(text, entries);
  }
  CHECK(loaded > 0);
}

TEST_CASE("key file fuzz: every truncation of a key file is refused with its position", "[gateway][auth][fuzz]") {
  KeyFile file;
  const std::string& seed = seeds()[0];
  std::vector<KeyFileEntry> entries;
  for (std::size_t size = 0; size < seed.find_last_not_of(" \n") + 1; ++size) {
    const std::string refusal = file.load(seed.substr(0, size), entries);
    INFO(seed.substr(0, size));
    CHECK(refusal.starts_with(file.path().string() + ": not valid JSON at line "));
  }
}
