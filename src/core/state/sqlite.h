// SQLite as the server's records (state/store.cpp) and the witness log (src/witness/log_store.cpp)
// use it: prepared statements bound by position, and BEGIN IMMEDIATE transactions rolled back
// unless committed.
#pragma once

#include <sqlite3.h>

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auths/result.h"
#include "auths/types.h"

namespace auths::state {

/// An Error of the database `db` (its file's name as the context: "state.sqlite").
inline Error db_error(sqlite3* db, const std::string& what) {
  const char* file = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  const std::string name =
      file != nullptr && *file != '\0' ? std::filesystem::path(file).filename().string() : "sqlite";
  return Error::io(what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"), name);
}

/// A prepared statement: bind by position (from 1), step, read columns.
class Statement {
 public:
  static Result<Statement> prepare(sqlite3* db, const char* sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
      sqlite3_finalize(raw);
      return db_error(db, "preparing a statement");
    }
    return Statement(db, raw);
  }
  Statement& bind(int i, const Oid& oid) {
    sqlite3_bind_blob(m_stmt.get(), i, oid.bytes().data(), static_cast<int>(Oid::kSize), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::string_view text) {
    sqlite3_bind_text(m_stmt.get(), i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, int64_t value) {
    sqlite3_bind_int64(m_stmt.get(), i, value);
    return *this;
  }
  Statement& bind_blob(int i, const std::string& bytes) {
    sqlite3_bind_blob(m_stmt.get(), i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    return *this;
  }
  /// True for a row, false when done.
  Result<bool> step() {
    const int rc = sqlite3_step(m_stmt.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return db_error(m_db, "reading or writing the records");
  }
  Status run() {
    auto rc = step();
    if (!rc) return rc.error();
    sqlite3_reset(m_stmt.get());
    return {};
  }
  void reset() { sqlite3_reset(m_stmt.get()); }
  int64_t integer(int col) const { return sqlite3_column_int64(m_stmt.get(), col); }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(m_stmt.get(), col);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(m_stmt.get(), col)) : "";
  }
  std::string blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(m_stmt.get(), col));
    return p != nullptr ? std::string(p, sqlite3_column_bytes(m_stmt.get(), col)) : "";
  }
  std::optional<Oid> oid(int col) const {
    const std::string bytes = blob(col);
    if (bytes.size() != Oid::kSize) return std::nullopt;
    std::array<uint8_t, Oid::kSize> arr{};
    for (size_t i = 0; i < Oid::kSize; ++i) arr[i] = static_cast<uint8_t>(bytes[i]);
    return Oid(arr);
  }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
  };
  Statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
  sqlite3* m_db;
  std::unique_ptr<sqlite3_stmt, Finalizer> m_stmt;
};

/// BEGIN IMMEDIATE ... COMMIT, rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : m_db(db) {}
  ~Transaction() {
    if (m_open) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status begin() {
    if (sqlite3_exec(m_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return db_error(m_db, "starting a transaction");
    }
    m_open = true;
    return {};
  }
  Status commit() {
    if (sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return db_error(m_db, "committing");
    m_open = false;
    return {};
  }

 private:
  sqlite3* m_db;
  bool m_open = false;
};

}  // namespace auths::state
