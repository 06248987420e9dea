#include "audit/accepted_log.h"

#include <sqlite3.h>

#include <filesystem>

namespace auths::audit {

namespace {

Error db_error(sqlite3* db, const std::string& what) {
  return Error::io(what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"), "accepted.sqlite");
}

struct StatementCloser {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementCloser>;

Result<Statement> prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    return db_error(db, "preparing a statement");
  }
  return Statement(raw);
}

}  // namespace

void AcceptedLog::Closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

AcceptedLog::AcceptedLog(AcceptedLog&&) noexcept = default;
AcceptedLog& AcceptedLog::operator=(AcceptedLog&&) noexcept = default;
AcceptedLog::~AcceptedLog() = default;

Result<std::optional<AcceptedLog>> AcceptedLog::open(const std::string& git_dir, bool create) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(git_dir) / "auths";
  const fs::path file = dir / "accepted.sqlite";
  std::error_code ec;
  if (!create && !fs::exists(file, ec)) return std::optional<AcceptedLog>{};
  if (create) {
    fs::create_directories(dir, ec);
    if (ec) return Error::io("cannot create directory: " + ec.message(), dir.string());
  }
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  AcceptedLog log(raw);  // owns the handle also on failure
  if (rc != SQLITE_OK) return db_error(raw, "opening " + file.string());
  sqlite3_busy_timeout(raw, 5000);  // concurrent pushes to the same repository wait their turn
  char* message = nullptr;
  if (sqlite3_exec(raw,
                   "CREATE TABLE IF NOT EXISTS accepted (oid BLOB PRIMARY KEY, accepted_at INTEGER NOT NULL)"
                   " WITHOUT ROWID",
                   nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);
    return db_error(raw, "creating the table");
  }
  return std::optional<AcceptedLog>(std::move(log));
}

Result<std::optional<int64_t>> AcceptedLog::accepted_at(const Oid& object) const {
  auto stmt = prepare(m_db.get(), "SELECT accepted_at FROM accepted WHERE oid = ?1");
  if (!stmt) return stmt.error();
  sqlite3_bind_blob(stmt->get(), 1, object.bytes().data(), static_cast<int>(Oid::kSize), SQLITE_STATIC);
  const int rc = sqlite3_step(stmt->get());
  if (rc == SQLITE_DONE) return std::optional<int64_t>{};
  if (rc != SQLITE_ROW) return db_error(m_db.get(), "reading");
  return std::optional<int64_t>(sqlite3_column_int64(stmt->get(), 0));
}

Status AcceptedLog::record(const std::vector<Oid>& objects, int64_t now) {
  if (objects.empty()) return {};
  if (sqlite3_exec(m_db.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return db_error(m_db.get(), "starting a transaction");
  }
  auto stmt = prepare(m_db.get(), "INSERT OR IGNORE INTO accepted (oid, accepted_at) VALUES (?1, ?2)");
  if (!stmt) {
    sqlite3_exec(m_db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    return stmt.error();
  }
  for (const auto& oid : objects) {
    sqlite3_bind_blob(stmt->get(), 1, oid.bytes().data(), static_cast<int>(Oid::kSize), SQLITE_STATIC);
    sqlite3_bind_int64(stmt->get(), 2, now);
    if (sqlite3_step(stmt->get()) != SQLITE_DONE) {
      sqlite3_exec(m_db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      return db_error(m_db.get(), "recording");
    }
    sqlite3_reset(stmt->get());
  }
  if (sqlite3_exec(m_db.get(), "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return db_error(m_db.get(), "committing");
  }
  return {};
}

}  // namespace auths::audit
