// Edits a closed journal behind the journal's back, through LMDB's C API: how the tests forge,
// delete and reorder records.
#pragma once

#include <lmdb.h>

#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

namespace rex::testing {

inline void edit_raw(const std::filesystem::path& dir, const char* table,
                     const std::function<void(MDB_txn*, MDB_dbi)>& edit) {
  MDB_env* env = nullptr;
  mdb_env_create(&env);
  mdb_env_set_maxdbs(env, 5);
  if (mdb_env_open(env, dir.c_str(), 0, 0644) != 0) throw std::runtime_error("raw open failed");
  MDB_txn* txn = nullptr;
  mdb_txn_begin(env, nullptr, 0, &txn);
  MDB_dbi dbi = 0;
  if (mdb_dbi_open(txn, table, 0, &dbi) != 0) throw std::runtime_error("raw dbi failed");
  edit(txn, dbi);
  if (mdb_txn_commit(txn) != 0) throw std::runtime_error("raw commit failed");
  mdb_env_close(env);
}

inline std::string raw_key(std::uint64_t n) {
  std::string k(8, '\0');
  for (int i = 0; i < 8; ++i) k[static_cast<std::size_t>(i)] = static_cast<char>(n >> (8 * (7 - i)));
  return k;
}

inline std::string raw_get(MDB_txn* txn, MDB_dbi dbi, std::uint64_t n) {
  std::string k = raw_key(n);
  MDB_val key{k.size(), k.data()};
  MDB_val value{};
  if (mdb_get(txn, dbi, &key, &value) != 0) throw std::runtime_error("raw get failed");
  return std::string(static_cast<const char*>(value.mv_data), value.mv_size);
}

inline void raw_put(MDB_txn* txn, MDB_dbi dbi, std::uint64_t n, std::string value) {
  std::string k = raw_key(n);
  MDB_val key{k.size(), k.data()};
  MDB_val v{value.size(), value.data()};
  if (mdb_put(txn, dbi, &key, &v, 0) != 0) throw std::runtime_error("raw put failed");
}

inline void raw_del(MDB_txn* txn, MDB_dbi dbi, std::uint64_t n) {
  std::string k = raw_key(n);
  MDB_val key{k.size(), k.data()};
  if (mdb_del(txn, dbi, &key, nullptr) != 0) throw std::runtime_error("raw del failed");
}

}  // namespace rex::testing
