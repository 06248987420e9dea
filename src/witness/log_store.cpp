#include "log_store.h"

#include <sqlite3.h>

#include "state/sqlite.h"
#include "util/strings.h"
#include "witness/log.h"

namespace auths::witness {

namespace {

using state::db_error;
using state::Statement;
using state::Transaction;

// log: the entries (witness/log.h). first_seen: the receipt given for each (signer, parents),
// parents as their ids joined by spaces. conflicts: the duplicity entry of each refused tree.
// meta: whose log this is.
constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS first_seen (signer TEXT NOT NULL, parents TEXT NOT NULL, tree TEXT NOT NULL,"
    " receipt TEXT NOT NULL, PRIMARY KEY (signer, parents)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS conflicts (signer TEXT NOT NULL, parents TEXT NOT NULL, tree TEXT NOT NULL,"
    " seq INTEGER NOT NULL, PRIMARY KEY (signer, parents, tree)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;";

std::string joined(const std::vector<std::string>& parents) { return util::join(parents, " "); }

/// A row of first_seen (value: the receipt) or conflicts (value: the entry's seq) for `claim`.
template <typename Value>
Status insert_row(sqlite3* db, const std::string& table, const std::string& column, const CommitClaim& claim,
                  const std::string& parents, Value value) {
  const std::string sql = "INSERT INTO " + table + " (signer, parents, tree, " + column + ") VALUES (?1, ?2, ?3, ?4)";
  auto stmt = Statement::prepare(db, sql.c_str());
  if (!stmt) return stmt.error();
  return stmt->bind(1, std::string_view(claim.signer))
      .bind(2, std::string_view(parents))
      .bind(3, std::string_view(claim.tree))
      .bind(4, value)
      .run();
}

/// Appends entry `seq` (its text) to the log.
Status append(sqlite3* db, uint64_t seq, const std::string& entry) {
  auto stmt = Statement::prepare(db, "INSERT INTO log (seq, entry, hash) VALUES (?1, ?2, ?3)");
  if (!stmt) return stmt.error();
  return stmt->bind(1, static_cast<int64_t>(seq)).bind(2, std::string_view(entry)).bind(3, entry_hash(entry)).run();
}

}  // namespace

void LogStore::Closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

LogStore::LogStore(sqlite3* db) : m_db(db) {}
LogStore::LogStore(LogStore&&) noexcept = default;
LogStore& LogStore::operator=(LogStore&&) noexcept = default;
LogStore::~LogStore() = default;

Result<LogStore> LogStore::open(const std::string& path, const crypto::PublicKey& key) {
  auto did = key.to_did_key();
  if (!did) return did.error();
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  LogStore store(raw);  // owns the handle also on failure
  if (rc != SQLITE_OK) return db_error(raw, "opening " + path);
  sqlite3_busy_timeout(raw, 10000);
  char* message = nullptr;
  const std::string setup = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;") + kSchema;
  if (sqlite3_exec(raw, setup.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);
    return db_error(raw, "creating the tables");
  }
  auto owner = Statement::prepare(raw, "SELECT value FROM meta WHERE key = 'witness'");
  if (!owner) return owner.error();
  auto row = owner->step();
  if (!row) return row.error();
  if (*row && owner->text(0) != *did) {
    return Error::invalid_argument("the log belongs to witness " + owner->text(0) + ", not to " + *did, path);
  }
  if (!*row) {
    auto claim = Statement::prepare(raw, "INSERT INTO meta (key, value) VALUES ('witness', ?1)");
    if (!claim) return claim.error();
    if (auto ok = claim->bind(1, std::string_view(*did)).run(); !ok) return ok.error();
  }
  return store;
}

Result<std::pair<uint64_t, std::string>> LogStore::head_locked() const {
  auto stmt = Statement::prepare(m_db.get(), "SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::make_pair(uint64_t{0}, std::string(kGenesisPrev));
  return std::make_pair(static_cast<uint64_t>(stmt->integer(0)) + 1, stmt->text(1));
}

Result<std::pair<uint64_t, std::string>> LogStore::head() const {
  const std::lock_guard<std::mutex> lock(*m_mutex);
  return head_locked();
}

Result<std::vector<std::string>> LogStore::entries(uint64_t from, size_t limit) const {
  const std::lock_guard<std::mutex> lock(*m_mutex);
  auto stmt = Statement::prepare(m_db.get(), "SELECT entry FROM log WHERE seq >= ?1 ORDER BY seq LIMIT ?2");
  if (!stmt) return stmt.error();
  stmt->bind(1, static_cast<int64_t>(from)).bind(2, static_cast<int64_t>(limit));
  std::vector<std::string> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(stmt->text(0));
  }
}

Result<Recorded> LogStore::record_locked(const Request& request, const crypto::PrivateKey& key, int64_t now,
                                         uint64_t& size, std::string& prev) {
  const CommitClaim& claim = request.commit;
  const std::string parents = joined(claim.parents);
  auto seen = Statement::prepare(m_db.get(), "SELECT tree, receipt FROM first_seen WHERE signer = ?1 AND parents = ?2");
  if (!seen) return seen.error();
  seen->bind(1, std::string_view(claim.signer)).bind(2, std::string_view(parents));
  auto row = seen->step();
  if (!row) return row.error();

  if (*row) {
    auto first = parse_receipt(seen->text(1));
    if (!first) return Error::corrupt("a stored receipt does not parse: " + first.error().message);
    if (seen->text(0) == claim.tree) return Recorded{Recorded::Kind::kReceipt, std::move(*first), false, 0};
    // Duplicity: recorded once per refused tree, with the signer's signed request as evidence.
    auto logged =
        Statement::prepare(m_db.get(), "SELECT seq FROM conflicts WHERE signer = ?1 AND parents = ?2 AND tree = ?3");
    if (!logged) return logged.error();
    logged->bind(1, std::string_view(claim.signer))
        .bind(2, std::string_view(parents))
        .bind(3, std::string_view(claim.tree));
    auto again = logged->step();
    if (!again) return again.error();
    if (*again) {
      return Recorded{Recorded::Kind::kDuplicity, std::move(*first), false, static_cast<uint64_t>(logged->integer(0))};
    }
    auto entry = duplicity_entry(size, prev, *first, request, now);
    if (!entry) return entry.error();
    if (auto ok = append(m_db.get(), size, *entry); !ok) return ok.error();
    if (auto ok = insert_row(m_db.get(), "conflicts", "seq", claim, parents, static_cast<int64_t>(size)); !ok)
      return ok.error();
    prev = entry_hash(*entry);
    return Recorded{Recorded::Kind::kDuplicity, std::move(*first), false, size++};
  }

  auto receipt = sign_receipt(Receipt{claim, "", now, size, ""}, key);
  if (!receipt) return receipt.error();
  auto text = receipt_json(*receipt);
  if (!text) return text.error();
  auto entry = receipt_entry(size, prev, *receipt);
  if (!entry) return entry.error();
  if (auto ok = append(m_db.get(), size, *entry); !ok) return ok.error();
  if (auto ok = insert_row(m_db.get(), "first_seen", "receipt", claim, parents, std::string_view(*text)); !ok)
    return ok.error();
  prev = entry_hash(*entry);
  ++size;
  return Recorded{Recorded::Kind::kReceipt, std::move(*receipt), true, 0};
}

std::vector<Result<Recorded>> LogStore::write_batch(const std::vector<Waiter*>& batch, const crypto::PrivateKey& key) {
  const std::lock_guard<std::mutex> lock(*m_mutex);
  const auto all = [&batch](const Error& error) { return std::vector<Result<Recorded>>(batch.size(), error); };
  Transaction tx(m_db.get());
  if (auto ok = tx.begin(); !ok) return all(ok.error());
  auto head = head_locked();
  if (!head) return all(head.error());
  auto [size, prev] = *head;
  std::vector<Result<Recorded>> out;
  for (const Waiter* waiter : batch) {
    auto recorded = record_locked(*waiter->request, key, waiter->now, size, prev);
    if (!recorded) return all(recorded.error());  // rolled back: none of the batch is answered
    out.push_back(std::move(recorded));
  }
  if (auto ok = tx.commit(); !ok) return all(ok.error());
  return out;
}

Result<Recorded> LogStore::record(const Request& request, const crypto::PrivateKey& key, int64_t now) {
  // Group commit: the first request to find no batch being written writes every request queued
  // meanwhile in one transaction (one fsync), then hands each its result.
  Waiter me{&request, now, std::nullopt};
  std::unique_lock<std::mutex> lock(m_queue->mutex);
  m_queue->waiting.push_back(&me);
  while (!me.result) {
    if (m_queue->writing) {
      m_queue->done.wait(lock);
      continue;
    }
    m_queue->writing = true;
    std::vector<Waiter*> batch;
    batch.swap(m_queue->waiting);
    lock.unlock();
    std::vector<Result<Recorded>> results = write_batch(batch, key);
    lock.lock();
    for (size_t i = 0; i < batch.size(); ++i) batch[i]->result.emplace(std::move(results[i]));
    m_queue->writing = false;
    m_queue->done.notify_all();
  }
  return std::move(*me.result);
}

}  // namespace auths::witness
