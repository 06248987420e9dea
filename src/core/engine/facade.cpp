// The facade the hooks and the CLI call (auths/verify.h): opens the repository and the
// server's records, asks the engine (engine.h) for a decision, then does the I/O a decision
// brings: pending records for post-receive, the audit line; and post-receive's promotion.
#include <algorithm>
#include <thread>

#include "audit/audit.h"
#include "auths/verify.h"
#include "engine/engine.h"
#include "engine/server_refs.h"
#include "git/repository.h"
#include "registry/registry.h"
#include "state/store.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths {

namespace {

/// What post-receive will promote once git applied the updates: one pending row per update.
std::vector<state::PendingUpdate> pending_updates(const Decision& decision) {
  std::vector<state::PendingUpdate> out;
  for (const auto& ref : decision.refs) {
    if (ref.kind == UpdateKind::kNoop) continue;
    state::PendingUpdate p;
    p.ref = ref.ref;
    p.old_oid = ref.update.old_oid;
    p.new_oid = ref.update.new_oid;
    p.strictness = ref.strictness;
    p.baseline = ref.baseline;
    for (const auto& obj : ref.objects) {
      if (obj.code == Reason::kOk) p.objects.push_back(obj.oid);
    }
    std::sort(p.objects.begin(), p.objects.end());
    p.objects.erase(std::unique(p.objects.begin(), p.objects.end()), p.objects.end());
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

Result<Decision> check_push(const CheckRequest& request) {
  const git::Session session;
  auto repo = request.open_from_env ? git::Repository::open_from_env(request.repo_path)
                                    : git::Repository::open(request.repo_path);
  if (!repo) return repo.error();
  engine::Settings settings;
  settings.mode = request.mode;
  settings.remote = request.remote;
  settings.now = request.now != 0 ? request.now : util::now_unix();
  // The project path for project-scoped org roles: the repository's own config first, then
  // what the forge's environment says (set by the server, not by the pusher).
  auto project = repo->config_string("auths.repo");
  if (!project) return project.error();
  settings.project = project->value_or(request.context.repo);
  settings.forge_push = request.context.forge_push;
  const unsigned hw = std::thread::hardware_concurrency();
  settings.threads = request.threads != 0 ? request.threads : (hw == 0 ? 1 : hw);
  std::optional<state::Store> store;
  if (request.mode == CheckMode::kServer) {
    auto bootstrap = repo->config_string("auths.bootstrap");  // the repository's own config only
    if (!bootstrap) return bootstrap.error();
    const std::string value = util::to_lower(bootstrap->value_or("deny"));
    if (value != "allow" && value != "deny") {
      return Error::invalid_argument("git config auths.bootstrap must be 'allow' or 'deny', not '" +
                                     util::printable(value, 40) + "'");
    }
    settings.bootstrap_allow = value == "allow";
    auto opened = state::Store::open(repo->path(), /*create=*/false);
    if (!opened) return opened.error();
    store = std::move(*opened);
  }
  if (store) {
    // The registry as the hook last verified it (state/store.h). It is a cache: when it cannot
    // be read or written, the registry is loaded and verified in full, as without it.
    state::Store& kept = *store;
    settings.verified_registry = [&kept](const Oid& tip) {
      auto found = kept.verified_registry(tip);
      return found ? std::move(*found) : nullptr;
    };
    settings.remember_registry = [&kept, now = settings.now](const Oid& tip, const registry::State& state) {
      if (auto records = state.records()) (void)kept.remember_registry(tip, *records, now);
    };
  }
  const state::NoRecords no_records;
  const state::Records& records = store ? static_cast<const state::Records&>(*store) : no_records;
  auto decision = engine::judge_push(*repo, records, settings, request.updates);
  if (!decision) return decision;

  if (request.write_audit && decision->accepted()) {
    // Recorded as accepted only once git has applied the updates (auths-post-receive). Losing
    // the pending rows only ever makes later checks stricter: a warning, not a refusal.
    Status pending = {};
    if (!store) {
      auto created = state::Store::open(repo->path(), /*create=*/true);
      if (created) {
        store = std::move(*created);
      } else {
        pending = created.error();
      }
    }
    if (store) pending = store->add_pending(pending_updates(*decision), settings.now);
    if (!pending) decision->warnings.push_back("cannot record the accepted updates: " + pending.error().to_string());
  }
  if (request.write_audit) {
    auto path = repo->config_string("auths.auditLog");
    if (!path) return path.error();
    if (path->has_value()) {
      const std::string repo_name = request.context.repo.empty() ? repo->path() : request.context.repo;
      if (auto written = audit::append(**path, *decision, request.context, repo_name, settings.now); !written) {
        // Every decision must be recorded: a push whose audit line cannot be written is refused.
        Decision failed = std::move(*decision);
        failed.outcome = Outcome::kUndecided;
        failed.violations.push_back(
            {"", std::nullopt, "", Reason::kAuditFailed, "cannot write the audit log: " + written.error().to_string()});
        return failed;
      }
    }
  }
  return decision;
}

Decision decide(const CheckRequest& request) {
  auto decision = check_push(request);
  if (decision) return std::move(*decision);
  Decision failed;
  failed.outcome = Outcome::kUndecided;
  failed.violations.push_back({"", std::nullopt, "", Reason::kInternalError, decision.error().to_string()});
  return failed;
}

Result<size_t> record_applied_updates(const std::string& repo_path, bool open_from_env,
                                      const std::vector<RefUpdate>& applied, int64_t now) {
  const git::Session session;
  auto repo = open_from_env ? git::Repository::open_from_env(repo_path) : git::Repository::open(repo_path);
  if (!repo) return repo.error();
  auto refs = engine::ServerRefs::read(*repo);
  if (!refs) return refs.error();
  std::vector<RefUpdate> resolved = applied;
  for (auto& u : resolved) u.ref_name = refs->resolve(u.ref_name);
  auto store = state::Store::open(repo->path(), /*create=*/false);
  if (!store) return store.error();
  if (!store->has_value()) return size_t{0};  // nothing pending: the hook accepted nothing yet
  const git::Repository& r = *repo;
  return (*store)->promote(resolved, now != 0 ? now : util::now_unix(), [&r](const Oid& older, const Oid& newer) {
    auto contained = r.is_ancestor(older, newer);
    return contained && *contained;
  });
}

}  // namespace auths
