// The facade's server-side bookkeeping: the baseline `auths hook install` records, and what
// `auths hook status` shows of the policy in force and the server's records.
#include "auths/verify.h"
#include "engine/policy_in_force.h"
#include "engine/server_refs.h"
#include "git/repository.h"
#include "state/store.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths {

Result<bool> record_baseline(const std::string& repo_path, bool replace) {
  const git::Session session;
  auto repo = git::Repository::open(repo_path);
  if (!repo) return repo.error();
  auto refs = engine::ServerRefs::read(*repo);
  if (!refs) return refs.error();
  std::vector<std::pair<std::string, Oid>> tips(refs->direct().begin(), refs->direct().end());
  auto store = state::Store::open(repo->path(), /*create=*/true);
  if (!store) return store.error();
  return (*store)->record_baseline(tips, util::now_unix(), replace);
}

Result<ServerStatus> server_status(const std::string& repo_path) {
  const git::Session session;
  auto repo = git::Repository::open(repo_path);
  if (!repo) return repo.error();
  ServerStatus out;
  out.git_dir = repo->path();
  auto refs = engine::ServerRefs::read(*repo);
  if (!refs) return refs.error();
  out.default_branch = refs->default_branch();
  auto pif = engine::read_policy_in_force(*repo, *refs);
  if (!pif) {
    out.policy_state = "unreadable: " + pif.error().to_string();
  } else {
    out.policy_source = pif->source;
    switch (pif->state) {
      case engine::PolicyInForce::State::kLoaded: out.policy_state = "in force"; break;
      case engine::PolicyInForce::State::kAbsent: out.policy_state = "none (bootstrap rules apply)"; break;
      case engine::PolicyInForce::State::kInvalid:
        out.policy_state = "invalid (every push fails closed): " + util::printable(pif->error.to_string());
        break;
      case engine::PolicyInForce::State::kDefaultBranchMissing:
        out.policy_state = "none: HEAD names a branch that does not exist (every push fails closed)";
        out.default_branch_missing = true;

        break;
    }
  }
  auto bootstrap = repo->config_string("auths.bootstrap");
  if (!bootstrap) return bootstrap.error();
  out.bootstrap = util::to_lower(bootstrap->value_or("deny"));
  auto store = state::Store::open(repo->path(), /*create=*/false);
  if (!store) return store.error();
  if (store->has_value()) {
    auto status = (*store)->status();
    if (!status) return status.error();
    out.has_records = true;
    out.baseline_refs = status->baseline_refs;
    if (status->baseline_recorded_at != 0) out.baseline_recorded = util::format_utc(status->baseline_recorded_at);
    out.accepted_updates = status->accepted_updates;
    out.accepted_tips = status->accepted_tips;
    out.accepted_objects = status->accepted_objects;
    out.pending = status->pending;
  }
  return out;
}

}  // namespace auths
