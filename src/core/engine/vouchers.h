// Already verified (README, "The trust model"): the tips whose history a ref update does not
// judge again. For a ref under a rule: the ref's own history; the branches its rule trusts
// (`from`, default the default branch) when a rule governs them; the baseline; tips the server
// recorded accepting on a branch under a rule at least as strict; refs accepted earlier in the
// same push, as if recorded. Tags, notes, pull refs and open branches vouch for nothing.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "auths/types.h"
#include "engine/server_refs.h"
#include "git/repo_view.h"
#include "policy/policy.h"
#include "state/records.h"

namespace auths::engine {

/// The commit an object leads to through tags, cached for the push.
class Peeled {
 public:
  explicit Peeled(const git::RepoView& repo) : m_repo(repo) {}
  /// nullopt for trees, blobs, missing objects and tags that cannot be read as git reads them.
  Result<std::optional<Oid>> commit_of(const Oid& oid);

 private:
  const git::RepoView& m_repo;
  std::unordered_map<Oid, std::optional<Oid>, OidHash> m_cache;
};

class Vouchers {
 public:
  /// `records` are consulted only when `use_records` (the server; pre-push has none).
  Vouchers(const ServerRefs& refs, const state::Records& records, bool use_records, Peeled& peeled)
      : m_refs(refs), m_records(records), m_use_records(use_records), m_peeled(peeled) {}

  /// A ref accepted earlier in this push: for the refs judged after it, as if recorded
  /// (`strictness` is "" when it vouches for nothing, by its rule).
  void accepted_in_push(const std::string& ref, const Oid& commit, const std::string& strictness);

  /// The tips whose history is already verified for an update from `old_oid` (the ref's own
  /// history) under `rule` of `policy`. nullptr = an open ref: every ref counts (it requires
  /// nothing anyway).
  Result<std::vector<Oid>> tips(const Oid& old_oid, const policy::Rule* rule, const policy::Policy& policy);

 private:
  struct InPush {
    std::string ref;
    Oid commit;
    std::optional<policy::Strictness> strictness;  // nullopt: vouches for nothing by strictness
  };
  Status load_records();

  const ServerRefs& m_refs;
  const state::Records& m_records;
  bool m_use_records;
  Peeled& m_peeled;
  std::vector<InPush> m_in_push;
  bool m_loaded = false;
  std::vector<Oid> m_baseline;
  std::vector<std::pair<Oid, policy::Strictness>> m_recorded;
};

}  // namespace auths::engine
