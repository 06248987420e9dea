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
#include <string>
#include <vector>

#include "state/records.h"

struct sqlite3;

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
  /// `create`; nullopt when it does not exist and `create` is false.
  static Result<std::optional<Store>> open(const std::string& git_dir, bool create);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store() override;

  Result<std::vector<Oid>> baseline() const override;
  Result<std::vector<TipRecord>> accepted_tips() const override;
  Result<std::optional<Oid>> last_tip(std::string_view ref) const override;
  Result<std::optional<int64_t>> accepted_at(const Oid& object) const override;

  /// Step 1 (pre-receive/update): remembers what an accepted push would record.
  Status add_pending(const std::vector<PendingUpdate>& updates, int64_t now);
  /// Step 2 (post-receive): promotes the pending rows matching updates git applied. A recorded
  /// tip that `superseded(older, newer)` says the new one contains is dropped (a branch moving
  /// forward keeps one row). Returns how many updates were promoted.
  Result<size_t> promote(const std::vector<RefUpdate>& applied, int64_t now,
                         const std::function<bool(const Oid& older, const Oid& newer)>& superseded);
  /// Records `refs` (name, tip) as the baseline, unless a baseline exists and not `replace`.
  /// Returns false when a baseline existed and was kept.
  Result<bool> record_baseline(const std::vector<std::pair<std::string, Oid>>& refs, int64_t now, bool replace);
  Result<StoreStatus> status() const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };
  explicit Store(sqlite3* db) : m_db(db) {}
  std::unique_ptr<sqlite3, Closer> m_db;
};

}  // namespace auths::state
