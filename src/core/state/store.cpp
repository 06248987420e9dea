#include "state/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "registry/registry.h"
#include "state/sqlite.h"

namespace auths::state {

namespace {

/// How long a connection waits for another one's lock (concurrent pushes take turns).
constexpr int kBusyTimeoutMs = 10000;

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS baseline (ref TEXT NOT NULL, tip BLOB NOT NULL, recorded_at INTEGER NOT NULL,"
    " PRIMARY KEY (ref, tip)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS accepted_tips (id INTEGER PRIMARY KEY, ref TEXT NOT NULL, tip BLOB NOT NULL,"
    " strictness TEXT NOT NULL, accepted_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS accepted_tips_by_ref ON accepted_tips (ref);"
    "CREATE TABLE IF NOT EXISTS accepted_objects (oid BLOB PRIMARY KEY, accepted_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS pending (ref TEXT NOT NULL, old BLOB NOT NULL, new BLOB NOT NULL,"
    " strictness TEXT NOT NULL, baseline INTEGER NOT NULL, objects BLOB NOT NULL, created_at INTEGER NOT NULL,"
    " PRIMARY KEY (ref, old, new)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS last_tips (ref TEXT PRIMARY KEY, tip BLOB NOT NULL, at INTEGER NOT NULL) WITHOUT "
    "ROWID;"
    // Added after the others: IF NOT EXISTS adds it to the stores older versions wrote (store.h,
    // "Signature checks").
    "CREATE TABLE IF NOT EXISTS good_signatures (object BLOB NOT NULL, key BLOB NOT NULL, rules INTEGER NOT NULL,"
    " PRIMARY KEY (object, key)) WITHOUT ROWID;";

/// Object ids asked about in one statement (Store::good_signatures): as many as the engine asks
/// at once (engine/judge.cpp), below SQLite's limit of bound parameters (32,766 since SQLite
/// 3.32; an older one refuses the statement, and every signature is then verified).
constexpr size_t kIdsPerQuery = 2048;

/// The registry tip this server verified in full, its records and their lookups (store.h), in
/// the database `schema` names: "main", or "registry_cache" (hooks.yaml cache_dir).
std::string registry_schema(const std::string& schema) {
  return "CREATE TABLE IF NOT EXISTS " + schema +
         ".registry_tips (tip BLOB PRIMARY KEY, verified_at INTEGER NOT NULL) WITHOUT ROWID;"
         "CREATE TABLE IF NOT EXISTS " +
         schema +
         ".registry_records (tip BLOB NOT NULL, id INTEGER NOT NULL, body BLOB NOT NULL,"
         " PRIMARY KEY (tip, id)) WITHOUT ROWID;"
         "CREATE TABLE IF NOT EXISTS " +
         schema +
         ".registry_lookups (tip BLOB NOT NULL, kind INTEGER NOT NULL, key BLOB NOT NULL,"
         " rank INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (tip, kind, key, rank)) WITHOUT ROWID;";
}

/// The cache file of the repository at `git_dir` under `cache_dir`: named by a 64-bit FNV-1a
/// hash of the path. Two repositories sharing a file by a collision stay correct (what is kept
/// is keyed by the registry tip, which names its content); they only replace each other's.
std::string registry_cache_file(const std::string& cache_dir, const std::string& git_dir) {
  uint64_t h = 14695981039346656037ULL;
  for (const char c : git_dir) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = "registry-";
  for (int shift = 60; shift >= 0; shift -= 4) name.push_back(kHex[(h >> shift) & 0xf]);
  return (std::filesystem::path(cache_dir) / (name + ".sqlite")).string();
}

/// Pending rows older than this were never applied by git (a failed or lost push).
constexpr int64_t kPendingLifetime = 24 * 3600;

std::string pack(const std::vector<Oid>& oids) {
  std::string out;
  out.reserve(oids.size() * Oid::kSize);
  for (const auto& oid : oids) out.append(reinterpret_cast<const char*>(oid.bytes().data()), Oid::kSize);
  return out;
}

std::vector<Oid> unpack(const std::string& bytes) {
  std::vector<Oid> out;
  for (size_t pos = 0; pos + Oid::kSize <= bytes.size(); pos += Oid::kSize) {
    std::array<uint8_t, Oid::kSize> arr{};
    for (size_t i = 0; i < Oid::kSize; ++i) arr[i] = static_cast<uint8_t>(bytes[pos + i]);
    out.emplace_back(arr);
  }
  return out;
}

/// The lookups kept for one registry tip (Store::verified_registry). Each read is one statement,
/// so it sees the store at one moment; it also asks whether the tip is still kept, and fails
/// when it is not (another push replaced it meanwhile): a lookup never answers from half a set.
class StoredRegistry final : public registry::RecordSource {
 public:
  StoredRegistry(sqlite3* db, const Oid& tip, const std::string& schema)
      : m_db(db),
        m_tip(tip),
        m_sql("SELECT 0, l.id, r.body, l.rank FROM " + schema + ".registry_lookups l JOIN " + schema +
              ".registry_records r ON r.tip = l.tip AND r.id = l.id WHERE l.tip = ?1 AND l.kind = ?2 AND l.key = ?3"
              " UNION ALL SELECT 1, 0, x'', 0 FROM " +
              schema + ".registry_tips WHERE tip = ?1 ORDER BY 1, 4") {}
  Result<std::vector<std::pair<uint64_t, std::string>>> find(registry::Lookup kind,
                                                             std::string_view key) const override {
    auto stmt = Statement::prepare(m_db, m_sql.c_str());
    if (!stmt) return stmt.error();
    stmt->bind(1, m_tip).bind(2, static_cast<int64_t>(kind)).bind_blob(3, std::string(key));
    std::vector<std::pair<uint64_t, std::string>> out;
    bool kept = false;
    for (;;) {
      auto row = stmt->step();
      if (!row) return row.error();
      if (!*row) break;
      if (stmt->integer(0) == 1) {
        kept = true;
      } else {
        out.emplace_back(static_cast<uint64_t>(stmt->integer(1)), stmt->blob(2));
      }
    }
    if (!kept) return Error::io("the verified registry " + m_tip.short_hex() + " was replaced during this check");
    return out;
  }

 private:
  sqlite3* m_db;
  Oid m_tip;
  std::string m_sql;
};

/// Pages in the write-ahead log past which it is checkpointed and emptied.
constexpr int kLogPages = 32;

/// SQLite's wal hook, called after each commit with the pages now in the log of `name`. Every
/// hook is a new process and so the first connection to the file, which reads the whole log
/// back; SQLite's own checkpoint copies the pages into the database but leaves the log as long
/// as it was, to be read back by every later process until the next write (a registry cache of
/// 20,000 records left megabytes of it: 36 ms of every `auths hook run`). So once the log has
/// grown past kLogPages it is checkpointed and truncated, without waiting for other connections
/// (a busy one only leaves the log as it is, to the next commit).
int empty_long_log(void* /*unused*/, sqlite3* db, const char* name, int pages) {
  if (pages < kLogPages) return SQLITE_OK;
  sqlite3_busy_timeout(db, 0);
  (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  return SQLITE_OK;
}

}  // namespace

void Store::Closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

std::string Store::file_path(const std::string& git_dir) {
  return (std::filesystem::path(git_dir) / "auths" / "state.sqlite").string();
}

Result<std::optional<Store>> Store::open(const std::string& git_dir, bool create, const std::string& cache_dir) {
  namespace fs = std::filesystem;
  const fs::path file = file_path(git_dir);
  std::error_code ec;
  if (!create && !fs::exists(file, ec)) return std::optional<Store>{};
  if (create) {
    fs::create_directories(file.parent_path(), ec);
    if (ec) return Error::io("cannot create directory: " + ec.message(), file.parent_path().string());
  }
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  Store store(raw);  // owns the handle also on failure
  if (rc != SQLITE_OK) return db_error(raw, "opening " + file.string());
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);  // concurrent pushes to the same repository wait their turn
  // Write-ahead log, synced at checkpoints rather than at every commit: a push's pending rows
  // cost no fsync (with the rollback journal, four per push: a third of a 1-commit
  // pre-receive). What a power cut can lose is the last few commits, never the file's
  // consistency, and losing records only ever makes later checks stricter (pending rows not
  // promoted, accepted tips and kept signatures not remembered). The mode is kept in the file;
  // a store that cannot switch (read-only) stays as it is.
  (void)sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr);
  // Nor a checkpoint (two more) when each hook closes it: the log is checkpointed when it has
  // grown, so the syncs are paid once per several pushes. Kept short (kLogPages, SQLite's
  // default is 1,000, and emptied: empty_long_log): the first connection to open the file reads
  // the whole log to rebuild its index, and every hook is a first connection.
  sqlite3_wal_hook(raw, empty_long_log, nullptr);
  (void)sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  char* message = nullptr;
  if (sqlite3_exec(raw, kSchema, nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);
    return db_error(raw, "creating the tables");
  }
  if (!cache_dir.empty()) {
    // hooks.yaml cache_dir: the verified registry lives in a file of its own there.
    fs::create_directories(cache_dir, ec);
    if (ec) return Error::io("cannot create the cache directory: " + ec.message(), cache_dir);
    auto attach = Statement::prepare(raw, "ATTACH DATABASE ?1 AS registry_cache");
    if (!attach) return attach.error();
    const std::string file_name = registry_cache_file(cache_dir, git_dir);
    // An attached database opens with the main one's flags (no create without `create`): an
    // empty file is an empty database.
    if (!fs::exists(file_name, ec)) std::ofstream(file_name, std::ios::app);
    attach->bind(1, std::string_view(file_name));
    if (Status s = attach->run(); !s) return s.error();
    store.m_registry = "registry_cache";
  }
  const std::string registry_tables = registry_schema(store.m_registry);
  if (sqlite3_exec(raw, registry_tables.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);
    return db_error(raw, "creating the registry tables");
  }
  return std::optional<Store>(std::move(store));
}

Result<std::vector<Oid>> Store::baseline() const {
  auto stmt = Statement::prepare(m_db.get(), "SELECT DISTINCT tip FROM baseline");
  if (!stmt) return stmt.error();
  std::vector<Oid> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    if (auto oid = stmt->oid(0)) out.push_back(*oid);
  }
  return out;
}

Result<std::vector<TipRecord>> Store::accepted_tips() const {
  auto stmt = Statement::prepare(m_db.get(), "SELECT ref, tip, strictness, accepted_at FROM accepted_tips ORDER BY id");
  if (!stmt) return stmt.error();
  std::vector<TipRecord> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    if (auto oid = stmt->oid(1)) out.push_back({stmt->text(0), *oid, stmt->text(2), stmt->integer(3)});
  }
  return out;
}

Result<std::optional<Oid>> Store::last_tip(std::string_view ref) const {
  for (const char* sql : {"SELECT tip FROM last_tips WHERE ref = ?1",
                          "SELECT tip FROM baseline WHERE ref = ?1 ORDER BY recorded_at DESC LIMIT 1"}) {
    auto stmt = Statement::prepare(m_db.get(), sql);
    if (!stmt) return stmt.error();
    stmt->bind(1, ref);
    auto row = stmt->step();
    if (!row) return row.error();
    if (*row) return stmt->oid(0);
  }
  return std::optional<Oid>{};
}

Result<std::optional<int64_t>> Store::accepted_at(const Oid& object) const {
  auto stmt = Statement::prepare(m_db.get(), "SELECT accepted_at FROM accepted_objects WHERE oid = ?1");
  if (!stmt) return stmt.error();
  stmt->bind(1, object);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<int64_t>{};
  return std::optional<int64_t>(stmt->integer(0));
}

Result<std::vector<GoodSignature>> Store::good_signatures(std::span<const Oid> objects, int64_t rules) const {
  std::vector<GoodSignature> out;
  for (size_t start = 0; start < objects.size(); start += kIdsPerQuery) {
    const size_t n = std::min(kIdsPerQuery, objects.size() - start);
    std::string sql = "SELECT object, key FROM good_signatures WHERE rules = ? AND object IN (?";
    for (size_t i = 1; i < n; ++i) sql += ",?";
    sql += ")";
    auto stmt = Statement::prepare(m_db.get(), sql.c_str());
    if (!stmt) return stmt.error();
    stmt->bind(1, rules);
    for (size_t i = 0; i < n; ++i) stmt->bind(static_cast<int>(i) + 2, objects[start + i]);
    for (;;) {
      auto row = stmt->step();
      if (!row) return row.error();
      if (!*row) break;
      const auto object = stmt->oid(0);
      const std::string key = stmt->blob(1);
      GoodSignature good;
      if (!object || key.size() != good.key.size()) continue;
      good.object = *object;
      std::copy(key.begin(), key.end(), good.key.begin());
      out.push_back(good);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status Store::add_pending(const std::vector<PendingUpdate>& updates, int64_t now, std::span<const GoodSignature> good,
                          int64_t rules) {
  if (updates.empty() && good.empty()) return {};
  Transaction tx(m_db.get());
  if (Status s = tx.begin(); !s) return s;
  auto signature =
      Statement::prepare(m_db.get(), "INSERT OR REPLACE INTO good_signatures (object, key, rules) VALUES (?1, ?2, ?3)");
  if (!signature) return signature.error();
  for (const GoodSignature& g : good) {
    signature->bind(1, g.object).bind_blob(2, std::string(g.key.begin(), g.key.end())).bind(3, rules);
    if (Status s = signature->run(); !s) return s;
  }
  auto insert = Statement::prepare(m_db.get(),
                                   "INSERT OR REPLACE INTO pending (ref, old, new, strictness, baseline, objects,"
                                   " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert) return insert.error();
  for (const auto& u : updates) {
    insert->bind(1, u.ref).bind(2, u.old_oid).bind(3, u.new_oid).bind(4, u.strictness);
    insert->bind(5, int64_t{u.baseline ? 1 : 0}).bind_blob(6, pack(u.objects)).bind(7, now);
    if (Status s = insert->run(); !s) return s;
  }
  return tx.commit();
}

Result<size_t> Store::promote(const std::vector<RefUpdate>& applied, int64_t now,
                              const std::function<bool(const Oid&, const Oid&)>& superseded) {
  Transaction tx(m_db.get());
  if (Status s = tx.begin(); !s) return s.error();
  auto find = Statement::prepare(m_db.get(),
                                 "SELECT strictness, baseline, objects FROM pending WHERE ref = ?1 AND old = ?2 AND "
                                 "new = ?3");
  auto drop = Statement::prepare(m_db.get(), "DELETE FROM pending WHERE ref = ?1 AND old = ?2 AND new = ?3");
  auto same = Statement::prepare(m_db.get(), "SELECT id, tip FROM accepted_tips WHERE ref = ?1 AND strictness = ?2");
  auto forget = Statement::prepare(m_db.get(), "DELETE FROM accepted_tips WHERE id = ?1");
  auto tip = Statement::prepare(
      m_db.get(), "INSERT INTO accepted_tips (ref, tip, strictness, accepted_at) VALUES (?1, ?2, ?3, ?4)");
  auto base =
      Statement::prepare(m_db.get(), "INSERT OR IGNORE INTO baseline (ref, tip, recorded_at) VALUES (?1, ?2, ?3)");
  auto object =
      Statement::prepare(m_db.get(), "INSERT OR IGNORE INTO accepted_objects (oid, accepted_at) VALUES (?1, ?2)");
  auto expire = Statement::prepare(m_db.get(), "DELETE FROM pending WHERE created_at < ?1");
  auto last = Statement::prepare(m_db.get(), "INSERT OR REPLACE INTO last_tips (ref, tip, at) VALUES (?1, ?2, ?3)");
  for (auto* s : {&find, &drop, &same, &forget, &tip, &base, &object, &expire, &last}) {
    if (!*s) return s->error();
  }
  size_t promoted = 0;
  for (const auto& u : applied) {
    find->bind(1, u.ref_name).bind(2, u.old_oid).bind(3, u.new_oid);
    auto row = find->step();
    if (!row) return row.error();
    if (!*row) {
      find->reset();
      continue;  // not accepted by our hook (or recorded by an older version): nothing to promote
    }
    const std::string strictness = find->text(0);
    const bool baseline = find->integer(1) != 0;
    const std::vector<Oid> objects = unpack(find->blob(2));
    find->reset();
    drop->bind(1, u.ref_name).bind(2, u.old_oid).bind(3, u.new_oid);
    if (Status s = drop->run(); !s) return s.error();
    for (const auto& oid : objects) {
      object->bind(1, oid).bind(2, now);
      if (Status s = object->run(); !s) return s.error();
    }
    if (!u.new_oid.is_zero()) {  // every ref, tags too: re-creating a deleted one must continue it
      last->bind(1, u.ref_name).bind(2, u.new_oid).bind(3, now);
      if (Status s = last->run(); !s) return s.error();
    }
    if (!u.new_oid.is_zero() && baseline) {
      base->bind(1, u.ref_name).bind(2, u.new_oid).bind(3, now);
      if (Status s = base->run(); !s) return s.error();
    }
    if (!u.new_oid.is_zero() && !strictness.empty()) {
      // A branch moving forward under the same rule keeps one row.
      std::vector<int64_t> stale;
      same->bind(1, u.ref_name).bind(2, strictness);
      for (;;) {
        auto r = same->step();
        if (!r) return r.error();
        if (!*r) break;
        const auto older = same->oid(1);
        if (older && superseded && superseded(*older, u.new_oid)) stale.push_back(same->integer(0));
      }
      same->reset();
      for (const int64_t id : stale) {
        forget->bind(1, id);
        if (Status s = forget->run(); !s) return s.error();
      }
      tip->bind(1, u.ref_name).bind(2, u.new_oid).bind(3, strictness).bind(4, now);
      if (Status s = tip->run(); !s) return s.error();
    }
    ++promoted;
  }
  if (promoted > 0) {
    auto count = Statement::prepare(m_db.get(),
                                    "INSERT INTO meta (key, value) VALUES ('accepted_updates', ?1) "
                                    "ON CONFLICT(key) DO UPDATE SET value = value + ?1");
    if (!count) return count.error();
    count->bind(1, static_cast<int64_t>(promoted));
    if (Status s = count->run(); !s) return s.error();
  }
  expire->bind(1, now - kPendingLifetime);
  if (Status s = expire->run(); !s) return s.error();
  if (Status s = tx.commit(); !s) return s.error();
  return promoted;
}

Result<bool> Store::record_baseline(const std::vector<std::pair<std::string, Oid>>& refs, int64_t now, bool replace) {
  Transaction tx(m_db.get());
  if (Status s = tx.begin(); !s) return s.error();
  // A baseline is recorded once, also when the repository had no ref at all then.
  auto recorded = Statement::prepare(m_db.get(), "SELECT value FROM meta WHERE key = 'baseline_recorded_at'");
  if (!recorded) return recorded.error();
  auto row = recorded->step();
  if (!row) return row.error();
  if (*row && !replace) return false;
  recorded->reset();
  if (replace) {
    if (sqlite3_exec(m_db.get(), "DELETE FROM baseline", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return db_error(m_db.get(), "clearing the baseline");
    }
  }
  auto insert =
      Statement::prepare(m_db.get(), "INSERT OR IGNORE INTO baseline (ref, tip, recorded_at) VALUES (?1, ?2, ?3)");
  if (!insert) return insert.error();
  for (const auto& [ref, oid] : refs) {
    insert->bind(1, ref).bind(2, oid).bind(3, now);
    if (Status s = insert->run(); !s) return s.error();
  }
  auto mark =
      Statement::prepare(m_db.get(), "INSERT OR REPLACE INTO meta (key, value) VALUES ('baseline_recorded_at', ?1)");
  if (!mark) return mark.error();
  mark->bind(1, now);
  if (Status s = mark->run(); !s) return s.error();
  if (Status s = tx.commit(); !s) return s.error();
  return true;
}

Status Store::remember_registry(const Oid& tip, const std::vector<registry::IndexedRecord>& records, int64_t now) {
  Transaction tx(m_db.get());
  if (Status s = tx.begin(); !s) return s;
  const std::string& db = m_registry;
  for (const char* table : {".registry_tips", ".registry_lookups", ".registry_records"}) {
    auto clear = Statement::prepare(m_db.get(), ("DELETE FROM " + db + table).c_str());
    if (!clear) return clear.error();
    if (Status s = clear->run(); !s) return s;
  }
  auto record = Statement::prepare(
      m_db.get(), ("INSERT INTO " + db + ".registry_records (tip, id, body) VALUES (?1, ?2, ?3)").c_str());
  if (!record) return record.error();
  auto lookup = Statement::prepare(
      m_db.get(),
      ("INSERT INTO " + db + ".registry_lookups (tip, kind, key, rank, id) VALUES (?1, ?2, ?3, ?4, ?5)").c_str());
  if (!lookup) return lookup.error();
  for (const auto& r : records) {
    record->bind(1, tip).bind(2, static_cast<int64_t>(r.id)).bind_blob(3, r.body);
    if (Status s = record->run(); !s) return s;
    for (const auto& l : r.lookups) {
      lookup->bind(1, tip).bind(2, static_cast<int64_t>(l.kind)).bind_blob(3, l.key);
      lookup->bind(4, static_cast<int64_t>(l.rank)).bind(5, static_cast<int64_t>(r.id));
      if (Status s = lookup->run(); !s) return s;
    }
  }
  auto kept = Statement::prepare(m_db.get(),
                                 ("INSERT INTO " + db + ".registry_tips (tip, verified_at) VALUES (?1, ?2)").c_str());
  if (!kept) return kept.error();
  kept->bind(1, tip).bind(2, now);
  if (Status s = kept->run(); !s) return s;
  return tx.commit();
}

Result<std::shared_ptr<const registry::RecordSource>> Store::verified_registry(const Oid& tip) const {
  auto stmt = Statement::prepare(m_db.get(), ("SELECT 1 FROM " + m_registry + ".registry_tips WHERE tip = ?1").c_str());
  if (!stmt) return stmt.error();
  stmt->bind(1, tip);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::shared_ptr<const registry::RecordSource>{};
  return std::shared_ptr<const registry::RecordSource>(std::make_shared<StoredRegistry>(m_db.get(), tip, m_registry));
}

Result<StoreStatus> Store::status() const {
  StoreStatus out;
  const auto scalar = [this](const char* sql) -> Result<int64_t> {
    auto stmt = Statement::prepare(m_db.get(), sql);
    if (!stmt) return stmt.error();
    auto row = stmt->step();
    if (!row) return row.error();
    return *row ? stmt->integer(0) : int64_t{0};
  };
  auto baseline_refs = scalar("SELECT COUNT(*) FROM baseline");
  auto baseline_at = scalar("SELECT COALESCE((SELECT value FROM meta WHERE key = 'baseline_recorded_at'), 0)");

  auto updates = scalar("SELECT COALESCE((SELECT value FROM meta WHERE key = 'accepted_updates'), 0)");
  auto tips = scalar("SELECT COUNT(*) FROM accepted_tips");
  auto objects = scalar("SELECT COUNT(*) FROM accepted_objects");
  auto pending = scalar("SELECT COUNT(*) FROM pending");
  for (const auto* r : {&baseline_refs, &baseline_at, &updates, &tips, &objects, &pending}) {
    if (!*r) return r->error();
  }
  out.baseline_refs = static_cast<size_t>(*baseline_refs);
  out.baseline_recorded_at = *baseline_at;
  out.accepted_updates = static_cast<size_t>(*updates);
  out.accepted_tips = static_cast<size_t>(*tips);
  out.accepted_objects = static_cast<size_t>(*objects);
  out.pending = static_cast<size_t>(*pending);
  return out;
}

}  // namespace auths::state
