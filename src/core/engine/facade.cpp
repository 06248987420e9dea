// The facade the hooks and the CLI call (auths/verify.h): opens the repository, the server's
// records and configuration (hooks.yaml, auths/hooks_config.h), asks the engine (engine.h) for a
// decision, applies the repository's mode (enforce, warn, off) and break-glass overrides, then
// does the I/O a decision brings: pending records for post-receive, the audit line; and
// post-receive's promotion.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "audit/audit.h"
#include "auths/verify.h"
#include "config/repo_settings.h"
#include "engine/commit_index.h"
#include "engine/engine.h"
#include "engine/policy_file.h"
#include "engine/server_refs.h"
#include "engine/signature_check.h"
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

/// Appends the decision to the audit sink (hooks.yaml `audit:`, else git config auths.auditLog):
/// a file or syslog (audit/audit.h); nothing when neither names one.
Status write_audit(const config::RepoSettings& repo_settings, const git::Repository& repo, const HookContext& context,
                   int64_t now, const Decision& decision) {
  if (repo_settings.audit.empty()) return {};
  const std::string repo_name = context.repo.empty() ? repo.path() : context.repo;
  return audit::append(repo_settings.audit, decision, context, repo_name, now);
}

/// Every decision must be recorded: a push whose audit line cannot be written is refused.
Decision fail_audit(Decision decision, const Error& error) {
  decision.outcome = Outcome::kUndecided;
  decision.overruled.reset();
  decision.override_note.clear();
  decision.violations.push_back(
      {"", std::nullopt, "", Reason::kAuditFailed, "cannot write the audit log: " + error.to_string()});
  return decision;
}

/// hooks.yaml `forge:`: whether the forge this server trusts says it made the push itself
/// (engine.h, Settings.forge_push), from the markers the hook's environment carries (HookContext).
bool forge_made_push(config::Forge forge, const HookContext& context) {
  switch (forge) {
    case config::Forge::kGitea: return context.gitea_internal_push;
    case config::Forge::kGitlab: return context.gitlab_web;
    case config::Forge::kNone: break;
  }
  return false;
}

/// The settings of a clone: built-in, and the project name its git config gives.
Result<config::RepoSettings> project_only_settings(const git::Repository& repo) {
  auto project = repo.config_string("auths.repo");
  if (!project) return project.error();
  return config::resolve({}, repo.path(), config::GitSettings{std::nullopt, std::nullopt, *project});
}

/// hooks.yaml `mode: off`: nothing is judged; each update is reported (and audited) as it is.
Decision unjudged(const git::Repository& repo, const std::vector<RefUpdate>& updates) {
  Decision out;
  out.enforcement = Enforcement::kOff;
  engine::CommitIndex index(repo, 1);
  for (const auto& u : updates) {
    RefReport report;
    report.update = u;
    report.ref = u.ref_name;
    report.policy_source = "none (hooks.yaml mode: off)";
    if (u.old_oid == u.new_oid) {
      report.kind = UpdateKind::kNoop;
    } else if (u.new_oid.is_zero()) {
      report.kind = UpdateKind::kDelete;
    } else if (u.old_oid.is_zero()) {
      report.kind = UpdateKind::kCreate;
    } else {
      auto ff = index.descends_from(u.new_oid, u.old_oid, {});
      report.kind = ff && *ff ? UpdateKind::kFastForward : UpdateKind::kForce;
    }
    out.refs.push_back(std::move(report));
  }
  return out;
}

/// Fills the engine's settings from the repository's effective configuration. An Error when the
/// default policy `bootstrap:` names does not load (the hook then fails closed).
Status apply_settings(const config::RepoSettings& repo_settings, const git::Repository& repo,
                      const HookContext& context, engine::Settings& settings) {
  settings.project = config::project_name(repo_settings, repo.path(), context.repo);
  if (settings.mode != CheckMode::kServer) return {};
  settings.bootstrap_allow = repo_settings.bootstrap == "allow";
  if (repo_settings.bootstrap != "allow" && repo_settings.bootstrap != "deny") {
    const std::string& file = repo_settings.bootstrap;
    auto loaded = engine::load_policy_file(file, std::filesystem::path(file).parent_path().string());
    if (!loaded) {
      return Error::invalid_argument("the default policy does not load: " + loaded.error().to_string(),
                                     "hooks.yaml bootstrap (" + repo_settings.sources.at("bootstrap") + ")");
    }
    settings.default_policy = std::make_shared<const policy::Policy>(std::move(*loaded));
    settings.default_policy_source = "server default policy " + file;
  }
  if (repo_settings.time_budget_ms != 0) {
    settings.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(repo_settings.time_budget_ms);
  }
  settings.max_push_commits = repo_settings.max_push_commits;
  settings.trust_roots = repo_settings.trust_roots;
  if (!repo_settings.witnesses.empty()) settings.witness_keys = repo_settings.witnesses;
  settings.forge_push = forge_made_push(repo_settings.forge, context);
  return {};
}

/// warn mode and break glass: a refusal becomes an acceptance that says what it overruled.
Status overrule(const config::RepoSettings& repo_settings, const git::Repository& repo, const CheckRequest& request,
                int64_t now, Decision& decision) {
  decision.enforcement = repo_settings.mode;
  if (decision.accepted()) return {};
  if (repo_settings.mode == Enforcement::kWarn) {
    decision.overruled = decision.outcome;
    decision.outcome = Outcome::kAccept;
    return {};
  }
  // Only the hooks claim an override (`auths hook run` shows what one would do, leaving it).
  auto applied = config::apply_overrides(repo.path(), decision, now, request.write_audit);
  if (!applied) return applied.error();
  return {};
}

/// The steps of a check and how long each took (Decision::phases).
class PhaseClock {
 public:
  void mark(const char* name) {
    const auto now = std::chrono::steady_clock::now();
    m_phases.push_back({name, std::chrono::duration_cast<std::chrono::microseconds>(now - m_last).count()});
    m_last = now;
  }
  std::vector<Decision::Phase> take() { return std::move(m_phases); }

 private:
  std::chrono::steady_clock::time_point m_last = std::chrono::steady_clock::now();
  std::vector<Decision::Phase> m_phases;
};

Result<Decision> check_push_in(const CheckRequest& request, HookContext& context) {
  PhaseClock clock;
  const git::Session session;
  clock.mark("libgit2-init");
  auto repo = request.open_from_env ? git::Repository::open_from_env(request.repo_path)
                                    : git::Repository::open(request.repo_path);
  if (!repo) return repo.error();
  clock.mark("repository-open");
  engine::Settings settings;
  settings.mode = request.mode;
  settings.remote = request.remote;
  settings.now = request.now != 0 ? request.now : util::now_unix();
  // The server's configuration (hooks.yaml) and the repository's git config: on a server only,
  // a pre-push check in a clone knows neither.
  config::ServerConfig server_config;
  if (request.mode == CheckMode::kServer) {
    auto loaded = config::locate_and_load(request.config_path);
    if (!loaded) return loaded.error();
    server_config = std::move(*loaded);
  }
  // A clone (pre-push) has no server settings: only its auths.repo names the project.
  auto repo_settings =
      request.mode == CheckMode::kServer ? config::settings_for(server_config, *repo) : project_only_settings(*repo);
  if (!repo_settings) return repo_settings.error();
  if (request.mode == CheckMode::kServer && repo_settings->messages != config::Messages::kAuto) {
    context.gitlab = repo_settings->messages == config::Messages::kGitlab;
  }
  if (Status applied = apply_settings(*repo_settings, *repo, context, settings); !applied) return applied.error();
  clock.mark("configuration");
  const unsigned hw = std::thread::hardware_concurrency();
  settings.threads = request.threads != 0 ? request.threads : (hw == 0 ? 1 : hw);
  if (request.mode == CheckMode::kServer && repo_settings->mode == Enforcement::kOff) {
    Decision off = unjudged(*repo, request.updates);
    if (request.write_audit) {
      if (Status written = write_audit(*repo_settings, *repo, context, settings.now, off); !written) {
        return fail_audit(std::move(off), written.error());
      }
    }
    return off;
  }
  std::optional<state::Store> store;
  if (request.mode == CheckMode::kServer) {
    auto opened = state::Store::open(repo->path(), /*create=*/false, repo_settings->cache_dir);
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
  // The signatures this check verified good: kept with the pending rows when the push is
  // accepted, never by a dry run (state/store.h, "Signature checks").
  std::vector<state::GoodSignature> verified;
  if (request.mode == CheckMode::kServer && request.write_audit) {
    settings.verified_signatures = [&verified](std::vector<state::GoodSignature> good) { verified = std::move(good); };
  }
  const state::NoRecords no_records;
  const state::Records& records = store ? static_cast<const state::Records&>(*store) : no_records;
  clock.mark("state-store-open");
  auto decision = engine::judge_push(*repo, records, settings, request.updates);
  if (!decision) return decision;
  clock.mark("judge");
  if (request.mode == CheckMode::kServer) {
    if (Status s = overrule(*repo_settings, *repo, request, settings.now, *decision); !s) return s.error();
  }

  if (request.write_audit && decision->accepted()) {
    // Recorded as accepted only once git has applied the updates (auths-post-receive). Losing
    // the pending rows only ever makes later checks stricter: a warning, not a refusal.
    Status pending = {};
    if (!store) {
      auto created = state::Store::open(repo->path(), /*create=*/true, repo_settings->cache_dir);
      if (created) {
        store = std::move(*created);
      } else {
        pending = created.error();
      }
    }
    if (store) {
      pending = store->add_pending(pending_updates(*decision), settings.now, verified, engine::kSignatureRules);
    }
    if (!pending) decision->warnings.push_back("cannot record the accepted updates: " + pending.error().to_string());
  }
  clock.mark("record-pending");
  if (request.write_audit) {
    if (Status written = write_audit(*repo_settings, *repo, context, settings.now, *decision); !written) {
      return fail_audit(std::move(*decision), written.error());
    }
  }
  clock.mark("audit");
  decision->phases = clock.take();
  return decision;
}

}  // namespace

Result<Decision> check_push(const CheckRequest& request) {
  HookContext context = request.context;
  return check_push_in(request, context);
}

Decision decide(CheckRequest& request) {
  auto decision = check_push_in(request, request.context);
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
  engine::CommitIndex index(*repo, 1);
  return (*store)->promote(resolved, now != 0 ? now : util::now_unix(), [&index](const Oid& older, const Oid& newer) {
    auto contained = index.descends_from(newer, older, {});
    return contained && *contained;
  });
}

}  // namespace auths
