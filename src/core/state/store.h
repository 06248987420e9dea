// The server's records in SQLite: `<git dir>/auths/state.sqlite`. Written in two steps so that
// nothing is recorded as accepted unless git really applied it:
//   1. pre-receive/update, having accepted a push, adds a *pending* row per ref update (the
//      rule's strictness and the objects it judged);
//   2. post-receive (auths-post-receive), which git runs only for the updates it applied,
//      promotes the matching pending rows: accepted tips, accepted objects (with the time),
//      or baseline tips for pushes accepted while no policy was in force.
// Pending rows of pushes git did not apply (a lock failure, a race lost) are never promoted
// and are dropped after a day.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "state/records.h"

struct sqlite3;

namespace auths::registry {
struct IndexedRecord;
class RecordSource;
}  // namespace auths::registry

namespace auths::state {

struct PendingUpdate {
  std::string ref;
  Oid old_oid;
  Oid new_oid;
  std::string strictness;    // "" = this update vouches for nothing (tags, open refs, deletes)
  bool baseline = false;     // accepted while no policy was in force: its tip joins the baseline
  std::vector<Oid> objects;  // the commits and tags judged
};

struct StoreStatus {
  size_t baseline_refs = 0;
  int64_t baseline_recorded_at = 0;  // when `auths hook install` recorded it; 0 when it never did

  size_t accepted_updates = 0;  // promoted updates, ever
  size_t accepted_tips = 0;
  size_t accepted_objects = 0;
  size_t pending = 0;
};

class Store final : public Records {
 public:
  static std::string file_path(const std::string& git_dir);
  /// Opens the store of the repository whose git directory is `git_dir`, creating it when
  /// `create`; nullopt when it does not exist and `create` is false. With `cache_dir`
  /// (hooks.yaml), the verified registry (below) is kept in <cache_dir>/registry-<hash>.sqlite,
  /// a file of this repository's own, instead of in state.sqlite.
  static Result<std::optional<Store>> open(const std::string& git_dir, bool create, const std::string& cache_dir = {});

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store() override;

  Result<std::vector<Oid>> baseline() const override;
  Result<std::vector<TipRecord>> accepted_tips() const override;
  Result<std::optional<Oid>> last_tip(std::string_view ref) const override;
  Result<std::optional<int64_t>> accepted_at(const Oid& object) const override;

  Result<std::vector<GoodSignature>> good_signatures(std::span<const Oid> objects, int64_t rules) const override;

  /// Step 1 (pre-receive/update): remembers what an accepted push would record and, in the same
  /// transaction, the signatures its check verified good under the verification rules `rules`
  /// ("Signature checks" below).
  Status add_pending(const std::vector<PendingUpdate>& updates, int64_t now, std::span<const GoodSignature> good = {},
                     int64_t rules = 0);
  /// Step 2 (post-receive): promotes the pending rows matching updates git applied. A recorded
  /// tip that `superseded(older, newer)` says the new one contains is dropped (a branch moving
  /// forward keeps one row). Returns how many updates were promoted.
  Result<size_t> promote(const std::vector<RefUpdate>& applied, int64_t now,
                         const std::function<bool(const Oid& older, const Oid& newer)>& superseded);
  /// Records `refs` (name, tip) as the baseline, unless a baseline exists and not `replace`.
  /// Returns false when a baseline existed and was kept.
  Result<bool> record_baseline(const std::vector<std::pair<std::string, Oid>>& refs, int64_t now, bool replace);
  Result<StoreStatus> status() const;

  // Signature checks. Verifying signatures is the expensive step of a check, and the same
  // objects come again: a feature branch's commits merged or fast-forwarded onto main, a branch
  // pushed under a second name, `auths hook run` after the push. So the signatures that a push
  // the hook accepted verified good are kept (table good_signatures: object id, key digest, the
  // rules they were verified under), and a later check of the same object by the same key takes
  // its signature as good without verifying it again (engine/signature_check.h; every parse step
  // still runs). An entry can never become wrong: the object id is git's SHA-1 (with collision
  // detection, in git and in libgit2) over the object's bytes, its signature included, so the
  // same id is the same payload with the same signature bytes, which name the same key, and the
  // same rules of verification give the same answer (rows of other engine::kSignatureRules are
  // ignored). Only good results are kept, and only from pushes the hook accepted (a refused push
  // writes nothing): the table grows with the signed objects the repository takes in, about 70
  // bytes each. What a signature means (is its key a signer of the rule, revoked, expired, a
  // quorum) is decided by every check, never kept. Whoever can write this file can already
  // vouch for any commit (accepted_objects). Deleting the table, or the file, only costs the
  // next checks their verifications.

  // The registry as the hook last verified it. Loading a registry checks every signature and
  // anchor of every record: with thousands of members and agents that costs seconds, on every
  // push. So once a check has loaded and verified the registry at some tip in full
  // (registry::load, never a push's verify_update, which can accept what a load refuses), it
  // keeps that tip's records and lookups here, and later checks of the same tip read only the
  // records their signers need (registry::State::on_demand), without checking them again.
  // Sound because a tip names its content: records kept for a tip are exactly what was verified
  // at that tip. Any other tip (a registry update, a ref moved outside a push) is loaded and
  // verified in full again. Whoever can write this file can already vouch for any commit
  // (accepted_objects): it is the server's own trusted memory, like the rest of this store.

  /// Keeps `records` (registry::State::records of the registry at `tip`, which this server
  /// loaded and verified in full) as the only registry kept, replacing any other tip's.
  Status remember_registry(const Oid& tip, const std::vector<registry::IndexedRecord>& records, int64_t now);
  /// The registry kept for `tip`, read from this store while it stays open (a read fails once
  /// another tip replaced it); nullptr when none is kept for `tip`.
  Result<std::shared_ptr<const registry::RecordSource>> verified_registry(const Oid& tip) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };
  explicit Store(sqlite3* db) : m_db(db) {}
  std::unique_ptr<sqlite3, Closer> m_db;
  std::string m_registry = "main";  // the database holding the verified registry's tables
};

}  // namespace auths::state
