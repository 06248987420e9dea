// What the server remembers between pushes, as the engine reads it: the baseline (the refs the
// repository had when it adopted the hooks), the tips it accepted under a rule (after git
// really updated the ref), and when it accepted each object. Losing any of it only makes later
// checks stricter: history is judged again, never let in unjudged.
//
// state/store.h keeps these in SQLite; tests/support/fake_records.h in memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"
#include "auths/types.h"

namespace auths::state {

/// A tip git really moved a branch to, after the push that brought it was accepted under a rule
/// whose strictness (policy::Strictness::encode) is recorded with it.
struct TipRecord {
  std::string ref;
  Oid tip;
  std::string strictness;
  int64_t accepted_at = 0;
};

class Records {
 public:
  virtual ~Records() = default;
  /// The baseline tips: history the repository had before any policy judged it.
  virtual Result<std::vector<Oid>> baseline() const = 0;
  /// Every recorded accepted tip.
  virtual Result<std::vector<TipRecord>> accepted_tips() const = 0;
  /// The last tip the server recorded for `ref` (the last update git applied that the hook had
  /// accepted, else the baseline), also after the ref was deleted; nullopt when it never had one.
  virtual Result<std::optional<Oid>> last_tip(std::string_view ref) const = 0;
  /// When the server recorded accepting `object` (unix seconds); nullopt when it never did.
  virtual Result<std::optional<int64_t>> accepted_at(const Oid& object) const = 0;
};

/// No records at all (a repository whose hooks never wrote any, or pre-push on a developer's
/// machine): nothing is vouched for but what the refs themselves show.
class NoRecords final : public Records {
 public:
  Result<std::vector<Oid>> baseline() const override { return std::vector<Oid>{}; }
  Result<std::vector<TipRecord>> accepted_tips() const override { return std::vector<TipRecord>{}; }
  Result<std::optional<Oid>> last_tip(std::string_view) const override { return std::optional<Oid>{}; }
  Result<std::optional<int64_t>> accepted_at(const Oid&) const override { return std::optional<int64_t>{}; }
};

}  // namespace auths::state
