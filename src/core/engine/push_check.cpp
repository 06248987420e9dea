// judge_push: the whole-push decision, in the order and the terms of the trust model (README,
// "The trust model"):
//   1. read the refs once and the policy in force (the default branch's, before the push);
//   2. judge the updates in this order: the registry, the default branch, other branches, other
//      refs, tags (a ref accepted earlier in the push counts for the later ones as recorded);
//   3. per update: resolve symbolic refs, classify (create, fast-forward, force, delete), find
//      the rule, then judge the target (the tag object, the new commits: mainline against the
//      rule, contributions against the signers the policy knows) and, on the default branch,
//      every commit that changes the policy against [governance].
// The pieces live beside this file: server_refs (the refs), policy_in_force (which policy),
// vouchers (what is already verified), history (what is new), governance (what changes the
// policy), judge (verification batch), registry updates in registry/registry.h; the facade
// the hooks call (I/O, pending records, audit) in facade.cpp.
// The server's limits (Settings, from hooks.yaml): a push with more new commits than
// max_push_commits is refused before anything is verified; every long step asks the time
// budget (budget.h), and a check that ran past the deadline ends as time-budget-exceeded
// (finish(): nothing is accepted after it); the trust roots and trusted witnesses are in
// server_limits.h.
#include <algorithm>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "auths/verify.h"
#include "engine/budget.h"
#include "engine/checked_ahead.h"
#include "engine/engine.h"
#include "engine/evidence.h"
#include "engine/forge.h"
#include "engine/governance.h"
#include "engine/history.h"
#include "engine/identity_resolver.h"
#include "engine/judge.h"
#include "engine/policy_in_force.h"
#include "engine/server_limits.h"
#include "engine/server_refs.h"
#include "engine/vouchers.h"
#include "git/trees.h"
#include "registry/org.h"
#include "registry/registry.h"

namespace auths {

namespace engine {

namespace {

const char* type_name(git::ObjectType type) {
  switch (type) {
    case git::ObjectType::kCommit: return "commit";
    case git::ObjectType::kTree: return "tree";
    case git::ObjectType::kBlob: return "blob";
    case git::ObjectType::kTag: return "tag";
    case git::ObjectType::kUnknown: break;
  }
  return "unknown object";
}

class PushChecker {
 public:
  PushChecker(const git::RepoView& repo, const state::Records& records, const Settings& settings)
      : m_repo(repo), m_records(records), m_settings(settings) {
    // The signatures of the commits the walks read are checked meanwhile on an idle core.
    m_index.on_read([this](const Oid& oid, const git::CommitInfo& commit) { m_ahead.offer(oid, commit); });
  }

  Result<Decision> run(const std::vector<RefUpdate>& updates) {
    auto refs = ServerRefs::read(m_repo, m_settings.mode == CheckMode::kLocal ? m_settings.remote : "");
    if (!refs) return refs.error();
    m_refs = std::move(*refs);
    auto pif = read_policy_in_force(m_repo, m_refs);
    if (!pif) {
      // The default branch cannot be read: nothing can be decided, and every ref says why.
      m_decision.refs.resize(updates.size());
      for (size_t i = 0; i < updates.size(); ++i) {
        RefReport& report = m_decision.refs[i];
        report.update = updates[i];
        report.ref = m_refs.resolve(updates[i].ref_name);
        undecidable(report, pif.error());
      }
      return finish();
    }
    m_pif = std::move(*pif);
    if (m_pif.state == PolicyInForce::State::kAbsent && m_settings.default_policy &&
        m_settings.mode == CheckMode::kServer) {
      // hooks.yaml's `bootstrap: <file>`: the server's default policy stands in for the missing one.
      m_pif.state = PolicyInForce::State::kLoaded;
      m_pif.policy = *m_settings.default_policy;
      m_pif.source = m_settings.default_policy_source;
      m_default_policy = true;
    }
    m_decision.refs.resize(updates.size());
    if (!check_push_size(updates)) return finish();
    for (const size_t i : processing_order(updates)) {
      if (m_budget.spent()) {  // refs not judged yet: refused with the others (finish)
        m_decision.refs[i].update = updates[i];
        m_decision.refs[i].ref = m_refs.resolve(updates[i].ref_name);
        continue;
      }
      m_decision.refs[i] = check_update(updates[i]);
      remember_if_accepted(m_decision.refs[i]);
    }
    return finish();
  }

 private:
  Decision finish() {
    // The last word: a check that ran past the deadline is refused whatever it found, so no
    // path accepts a push after the budget ran out (and none half-checked: what a stopped step
    // left undone is unknown, so its other findings are dropped too).
    if (m_budget.spent()) time_out();
    m_decision.signatures_verified = m_signatures.verified;
    m_decision.signatures_cached = m_signatures.cached;
    if (m_settings.verified_signatures) m_settings.verified_signatures(std::move(m_signatures.good));
    if (m_undecided) {
      m_decision.outcome = Outcome::kUndecided;
    } else if (!m_decision.violations.empty()) {
      m_decision.outcome = Outcome::kReject;
    }
    return std::move(m_decision);
  }

  /// The whole push refused as one (`code`, not a ref's fault): every ref refused, one violation.
  void refuse_push(Reason code, const std::string& message) {
    for (RefReport& report : m_decision.refs) {
      report.allowed = false;
      report.codes = {code};
    }
    m_decision.violations.push_back({"", std::nullopt, "", code, message});
    if (describe(code).fail_closed) m_undecided = true;
  }

  void time_out() {
    m_decision.violations.clear();
    refuse_push(Reason::kTimeBudgetExceeded, m_budget.account() + "; nothing of this push was accepted");
  }

  /// max_push_commits: the new commits of the whole push (reachable from a pushed tip and from
  /// no ref the server has; a commit two refs bring counts once), counted before any signature is
  /// verified, and no further than the first ref that passes the limit. False when refused.
  bool check_push_size(const std::vector<RefUpdate>& updates) {
    const size_t limit = m_settings.max_push_commits;
    if (limit == 0) return true;
    for (size_t i = 0; i < updates.size(); ++i) {
      m_decision.refs[i].update = updates[i];
      m_decision.refs[i].ref = m_refs.resolve(updates[i].ref_name);
    }
    std::vector<Oid> known;  // the server's refs, then the tips already counted
    for (const auto& [name, oid] : m_refs.direct()) {
      auto commit = commit_of(oid);
      if (commit && commit->has_value() && m_repo.contains(**commit)) known.push_back(**commit);
    }
    size_t count = 0;
    bool more = false;  // refs left uncounted once past the limit
    for (size_t i = 0; i < updates.size() && !more; ++i) {
      const RefUpdate& u = updates[i];
      if (u.new_oid.is_zero() || u.new_oid == u.old_oid) continue;
      auto commit = commit_of(u.new_oid);
      if (!commit || !commit->has_value()) continue;  // not a commit, or unreadable: judged where it stands
      auto fresh = m_index.walk(**commit, known, m_budget.stop());
      if (!fresh) continue;  // a walk that fails (or was stopped) is judged with the ref (or timed out)
      count += fresh->size();
      known.push_back(**commit);
      more = count > limit && i + 1 < updates.size();
    }
    if (count <= limit) return true;
    refuse_push(Reason::kPushTooLarge,
                "this push brings " + std::string(more ? "at least " : "") + std::to_string(count) +
                    " new commits (all refs together, each counted once); the server allows at most " +
                    std::to_string(limit) + " per push");
    return false;
  }

  std::vector<size_t> processing_order(const std::vector<RefUpdate>& updates) const {
    const auto rank = [this](const RefUpdate& u) {
      const std::string ref = m_refs.resolve(u.ref_name);
      if (ref == m_refs.default_branch()) return 1;
      switch (classify_ref(ref)) {
        case RefClass::kRegistry: return 0;
        case RefClass::kBranch: return 2;
        case RefClass::kOther: return 3;
        case RefClass::kTag: return 4;
      }
      return 3;
    };
    std::vector<size_t> order(updates.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return rank(updates[a]) < rank(updates[b]); });
    return order;
  }

  // --- verdicts -------------------------------------------------------------------------------

  void violate(RefReport& report, const std::optional<Oid>& object, const std::string& rule, Reason code,
               const std::string& message) {
    report.allowed = false;
    if (std::find(report.codes.begin(), report.codes.end(), code) == report.codes.end()) report.codes.push_back(code);
    m_decision.violations.push_back({report.ref, object, rule, code, message});
    if (describe(code).fail_closed) m_undecided = true;
  }

  void undecidable(RefReport& report, const Error& error) {
    if (m_budget.spent()) {  // most likely a step the time budget stopped: finish() says so
      report.allowed = false;
      m_undecided = true;
      return;
    }
    violate(report, std::nullopt, report.rule, Reason::kInternalError, "cannot decide: " + error.to_string());
    m_undecided = true;
  }

  /// A walk over the history failed (a commit it could not read). The likely cause is a
  /// malformed commit: find it with our own parser, breadth-first from the tip, and refuse it;
  /// otherwise the ref is undecided.
  void walk_failed(RefReport& report, const Oid& tip, const Error& error) {
    constexpr size_t kSearchBudget = 200000;
    std::deque<Oid> todo{tip};
    std::unordered_set<Oid, OidHash> seen;
    while (!todo.empty() && seen.size() < kSearchBudget && !m_budget.spent()) {
      const Oid c = todo.front();
      todo.pop_front();
      if (!seen.insert(c).second || !m_repo.contains(c)) continue;
      auto info = git::read_commit(m_repo, c);
      if (!info) {
        if (info.error().code != ErrorCode::kCorrupt) break;
        violate(report, c, report.rule, Reason::kMalformedObject,
                "commit cannot be read as git reads it: " + info.error().message);
        return;
      }
      todo.insert(todo.end(), info->parents.begin(), info->parents.end());
    }
    undecidable(report, error);
  }

  void remember_if_accepted(const RefReport& report) {
    if (!report.allowed || report.update.new_oid.is_zero()) return;
    auto commit = commit_of(report.update.new_oid);
    if (commit && commit->has_value()) m_vouchers.accepted_in_push(report.ref, **commit, report.strictness);
  }

  // --- objects and refs -----------------------------------------------------------------------

  Result<std::optional<Oid>> commit_of(const Oid& oid) { return m_peeled.commit_of(oid); }

  Result<UpdateKind> classify(const RefUpdate& u, const std::string& ref) {
    if (u.old_oid == u.new_oid) return UpdateKind::kNoop;
    if (u.new_oid.is_zero()) return UpdateKind::kDelete;
    if (u.old_oid.is_zero()) return UpdateKind::kCreate;
    if (!m_repo.contains(u.old_oid)) {
      if (m_settings.mode == CheckMode::kLocal) return UpdateKind::kCreate;  // the remote tip was never fetched
      return Error::corrupt("the current value of '" + ref + "' is missing from the repository", u.old_oid.hex());
    }
    if (classify_ref(ref) == RefClass::kTag) return UpdateKind::kForce;  // a tag that moves is rewritten
    auto old_commit = commit_of(u.old_oid);
    if (!old_commit) return old_commit.error();
    auto new_commit = commit_of(u.new_oid);
    if (!new_commit) return new_commit.error();
    if (!old_commit->has_value() || !new_commit->has_value()) return UpdateKind::kForce;
    // libgit2's graph code parses commits its own, more lenient way (and leaks memory when one
    // is malformed): a pushed tip it would misread is refused first (walk_failed names it).
    if (auto tip = git::read_commit(m_repo, **new_commit); !tip) return tip.error();
    return fast_forward(**old_commit, **new_commit);
  }

  /// The fast-forward test (CommitIndex::descends_from): the walk it does is the one the new
  /// commits and the policy review of the ref ask for too, and it asks the time budget.
  Result<UpdateKind> fast_forward(const Oid& old_commit, const Oid& new_commit) {
    auto ff = m_index.descends_from(new_commit, old_commit, m_budget.stop());
    if (!ff) return ff.error();
    return *ff ? UpdateKind::kFastForward : UpdateKind::kForce;
  }

  RefReport check_update(const RefUpdate& u) {
    RefReport report;
    report.update = u;
    report.ref = m_refs.resolve(u.ref_name);
    auto kind = classify(u, report.ref);
    if (!kind) {
      if (u.new_oid.is_zero()) {
        undecidable(report, kind.error());
      } else {
        walk_failed(report, u.new_oid, kind.error());
      }
      return report;
    }
    report.kind = *kind;
    if (report.kind == UpdateKind::kNoop) return report;
    if (report.ref == registry::kRegistryRef) {
      check_registry_update(report);
      return report;
    }
    switch (m_pif.state) {
      case PolicyInForce::State::kAbsent: check_bootstrap(report); break;
      case PolicyInForce::State::kDefaultBranchMissing:
        // Pre-push to a remote this clone knows nothing of (a URL, never fetched): the server
        // will judge; locally there is no policy to apply.
        // Creating the default branch is bootstrapping it only while the repository has no
        // branch at all (a tag pushed first): with other branches there, HEAD is misconfigured,
        // and under auths.bootstrap = allow anyone could otherwise plant a policy of their own.
        if (m_settings.mode == CheckMode::kLocal ||
            (report.ref == m_refs.default_branch() && report.kind == UpdateKind::kCreate && !has_branches())) {
          check_bootstrap(report);
        } else {
          report.policy_source = m_pif.source;
          const std::string& head = m_refs.default_branch();
          violate(report, std::nullopt, "", Reason::kDefaultBranchMissing,
                  head.empty() ? "HEAD names no branch, so no policy is in force"
                               : "HEAD names '" + head + "', which does not exist, so no policy is in force");
        }
        break;
      case PolicyInForce::State::kInvalid: check_with_invalid_policy(report); break;
      case PolicyInForce::State::kLoaded: check_with_policy(report, *m_pif.policy); break;
    }
    return report;
  }

  bool has_branches() const {
    return std::any_of(m_refs.direct().begin(), m_refs.direct().end(),
                       [](const auto& ref) { return classify_ref(ref.first) == RefClass::kBranch; });
  }

  // --- the registry ---------------------------------------------------------------------------

  void check_registry_update(RefReport& report) {
    const RefUpdate& u = report.update;
    report.rule = "registry";
    report.policy_source = "registry rules: append-only, every record signed";
    if (report.kind == UpdateKind::kDelete) {
      violate(report, std::nullopt, "registry", Reason::kDeleteDenied, "the identity registry cannot be deleted");
      return;
    }
    std::optional<Oid> old_tip;
    if (!u.old_oid.is_zero()) {
      if (m_settings.mode == CheckMode::kLocal && !m_repo.contains(u.old_oid)) {
        report.policy_source += " (remote registry not fetched: the server will check)";
        return;
      }
      old_tip = u.old_oid;
    }
    std::vector<registry::Problem> problems;
    auto state = registry::verify_update(m_repo, old_tip, u.new_oid, problems, m_budget.stop());
    if (!state) {
      if (state.error().code == ErrorCode::kCorrupt && !m_budget.spent()) {
        violate(report, u.new_oid, "registry", Reason::kMalformedObject,
                "registry history cannot be read as git reads it: " + state.error().to_string());
      } else {
        undecidable(report, state.error());
      }
      return;
    }
    for (const auto& p : problems) violate(report, p.commit, "registry", p.code, p.message);
    if (problems.empty()) {
      m_resolver.reset();
      m_registry = std::move(*state);
    }
  }

  /// The identities of the registry as it will be after this push; nullptr (and the ref
  /// undecided) when it cannot be loaded.
  const IdentityResolver* identities(RefReport& report) {
    if (m_resolver) return &*m_resolver;
    if (!m_registry) {
      registry::State state;
      if (const auto tip = m_refs.target(registry::kRegistryRef)) {
        // A tip this server verified in full before is read on demand (state/store.h); any
        // other is loaded and verified in full, and then remembered.
        auto verified = m_settings.verified_registry ? m_settings.verified_registry(*tip) : nullptr;
        if (verified) {
          state = registry::State::on_demand(std::move(verified));
        } else {
          auto loaded = registry::load(m_repo, *tip, m_budget.stop());
          if (!loaded) {
            undecidable(report, loaded.error());
            return nullptr;
          }
          state = std::move(*loaded);
          if (m_settings.remember_registry) m_settings.remember_registry(*tip, state);
        }
      }
      m_registry = std::move(state);
    }
    if (!m_evidence) {
      // The committed evidence of the policy that judges this push (the one in force, else the
      // last valid one while the policy in force is invalid).
      const policy::Policy* judging = m_pif.policy ? &*m_pif.policy : m_pif.recovery ? &*m_pif.recovery : nullptr;
      m_evidence = judging != nullptr ? load_evidence(judging->bundle, m_settings.now) : Evidence{};
    }
    m_resolver.emplace(*m_registry, m_settings.project, m_evidence->source());
    return &*m_resolver;
  }

  /// False, and the ref undecided, when a registry read on demand failed: the answers it gave
  /// may lack a record (a revocation, a freeze), so nothing judged with them counts.
  bool registry_read(RefReport& report) {
    if (!m_registry || !m_registry->source_error()) return true;
    undecidable(report, *m_registry->source_error());
    return false;
  }

  /// Refuses the update while the policy's org is frozen (registry/org.h, active_freeze): a
  /// freeze record of the registry as it stands after this push's registry update, so that
  /// an unfreeze pushed with the branch counts. False when the ref was refused or undecided.
  bool check_freeze(RefReport& report, const policy::Policy& policy) {
    if (policy.org.empty()) return true;
    if (identities(report) == nullptr) return false;
    const registry::FreezeRecord* freeze = registry::active_freeze(*m_registry, policy.org, m_settings.now);
    if (!registry_read(report)) return false;
    if (freeze == nullptr) return true;
    violate(report, std::nullopt, "freeze", Reason::kFrozen,
            "the org " + policy.org + " is frozen until " + freeze->until->text + " (by " + freeze->signer +
                (freeze->reason ? ": " + *freeze->reason : std::string()) + ")");
    return false;
  }

  // --- without a usable policy ----------------------------------------------------------------

  void check_bootstrap(RefReport& report) {
    if (m_settings.mode == CheckMode::kLocal) {
      report.policy_source = "none (the remote's policy is not known locally; fetch first)";
      return;
    }
    if (!m_settings.bootstrap_allow) {
      report.policy_source = "none";
      violate(report, std::nullopt, "", Reason::kNoPolicy,
              "the default branch has no .auths/policy.toml and auths.bootstrap is not 'allow'");
      return;
    }
    report.policy_source = "none (auths.bootstrap=allow: accepted on trust)";
    if (report.kind == UpdateKind::kDelete) return;
    report.baseline = true;  // trusted history once a policy is in force
    if (report.ref != m_refs.default_branch()) return;
    // Accepted on trust, but a first policy that would not load or could never be changed is
    // refused now rather than locking the repository later.
    auto commit = commit_of(report.update.new_oid);
    if (!commit) return undecidable(report, commit.error());
    if (!commit->has_value()) return;
    auto has_policy = git::path_id(m_repo, **commit, kPolicyPath);
    if (!has_policy) return undecidable(report, has_policy.error());
    if (!has_policy->has_value()) return;
    const auto loaded = load_policy_at(m_repo, **commit);
    check_policy_at(report, **commit, "", loaded);
    if (loaded && loaded->has_value()) check_trust_roots(report, **commit, "", **loaded, "the first policy");
  }

  /// The server's trust roots (server_limits.h): false, and the ref refused, when `policy`
  /// (`what`: which one, for the message; at `commit` when pushed) gives control to others.
  bool check_trust_roots(RefReport& report, const std::optional<Oid>& commit, const std::string& rule,
                         const policy::Policy& policy, const std::string& what) {
    const auto wrong = trust_root_mismatch(policy, m_settings.trust_roots);
    if (!wrong) return true;
    violate(report, commit, rule, Reason::kTrustRootMismatch, what + " " + *wrong);
    return false;
  }

  /// The trust roots for an update judged by the policy in force: on the default branch, the
  /// policy its new tip carries (what will be in force: the push that moves [governance] to the
  /// pinned roots is judged as usual, by the policy in force), elsewhere the policy in force,
  /// which refuses every push while it breaks the pin. False when refused.
  bool check_roots_in_force(RefReport& report, const policy::Policy& policy, bool is_default) {
    if (m_settings.trust_roots.empty()) return true;
    if (is_default && report.kind != UpdateKind::kDelete) {
      auto commit = commit_of(report.update.new_oid);
      if (!commit) {
        undecidable(report, commit.error());
        return false;
      }
      if (commit->has_value()) {
        const auto pushed = load_policy_at(m_repo, **commit);
        // No policy there, or one that does not load: the review of policy changes refuses it.
        if (!pushed || !pushed->has_value()) return true;
        return check_trust_roots(report, **commit, "governance", **pushed,
                                 "the policy at " + (*commit)->short_hex() + " (in force after this push)");
      }
    }
    return check_trust_roots(report, std::nullopt, "", policy,
                             "the policy in force (" + m_pif.source +
                                 ") refuses every push until [governance] moves to the pinned roots: it");
  }

  void check_with_invalid_policy(RefReport& report) {
    report.policy_source = m_pif.source + " (invalid)";
    const std::string why = m_pif.error.to_string();
    if (report.ref == m_refs.default_branch() && report.kind != UpdateKind::kDelete && m_pif.recovery &&
        m_pif.recovery->governance && try_repair(report)) {
      return;
    }
    violate(report, std::nullopt, "", Reason::kPolicyInvalid, "the policy in force does not load: " + why);
    m_undecided = true;
  }

  /// A repair of the policy in force: every commit new to the default branch signed by a
  /// [governance] signer of the last valid policy, changing the policy, to one that loads.
  bool try_repair(RefReport& report) {
    const policy::Policy& last_valid = *m_pif.recovery;
    auto commit = commit_of(report.update.new_oid);
    if (!commit || !commit->has_value() || !m_pif.commit) return false;
    const Oid trusted[] = {*m_pif.commit};
    auto history = new_history(m_index, **commit, trusted, m_budget.stop());
    if (!history) return false;
    auto changes = review_policy_changes(m_index, *m_pif.commit, **commit, last_valid.named_files(), m_budget.stop());
    if (!changes || !changes->changed) return false;
    auto pushed = check_pushed_policy(load_policy_at(m_repo, **commit), m_refs.default_branch());
    if (!pushed || pushed->has_value()) return false;
    RefReport trial = report;
    trial.rule = "governance (recovery)";
    std::vector<Candidate> candidates;
    for (const Oid& c : history->commits) {
      candidates.push_back({c, false, {{ObjectRole::kGovernance, trial.rule, &*last_valid.governance}}});
    }
    std::vector<Violation> found;
    const bool wants = last_valid.governance->needs_registry();
    const IdentityResolver* ids = wants ? identities(report) : nullptr;
    if (wants && ids == nullptr) return false;
    if (Status s = judge_objects(judge_context(ids, last_valid), candidates, trial, found); !s || !found.empty())
      return false;
    if (!registry_read(report)) return false;
    trial.policy_source = m_pif.source + " (invalid; repair judged by the last valid policy's [governance])";
    report = std::move(trial);
    if (auto repaired = load_policy_at(m_repo, **commit); repaired && repaired->has_value()) {
      check_trust_roots(report, **commit, report.rule, **repaired, "the repaired policy");
    }
    return true;
  }

  // --- with the policy in force ---------------------------------------------------------------

  void check_with_policy(RefReport& report, const policy::Policy& policy) {
    const bool is_default = report.ref == m_refs.default_branch();
    const policy::Rule* rule = policy.match(report.ref);
    report.rule = rule != nullptr ? rule->name : "";
    report.policy_source = m_pif.source;
    if (!check_roots_in_force(report, policy, is_default)) return;
    if (!check_freeze(report, policy)) return;
    if (report.kind == UpdateKind::kDelete) {
      if (is_default) {
        violate(report, std::nullopt, report.rule, Reason::kDeleteDenied,
                "the default branch carries the policy in force and cannot be deleted");
      } else if (rule == nullptr && !policy.default_allow) {
        violate(report, std::nullopt, "", Reason::kNoRule, "no rule matches this ref and the policy default is deny");
      } else if (rule != nullptr && !rule->allow_delete) {
        violate(report, std::nullopt, rule->name, Reason::kDeleteDenied, "deleting this ref is not allowed");
      }
      return;
    }
    if (rule == nullptr && !policy.default_allow) {
      violate(report, std::nullopt, "", Reason::kNoRule, "no rule matches this ref and the policy default is deny");
      return;
    }
    if (rule != nullptr && !rule->allow_force_push) {
      if (report.kind == UpdateKind::kForce) {
        violate(report, std::nullopt, rule->name, Reason::kForcePushDenied,
                "non-fast-forward update from " + report.update.old_oid.short_hex() + " is not allowed");
      } else if (report.kind == UpdateKind::kCreate) {
        check_recreate(report, *rule);
      }
    }
    judge_target(report, rule, policy, is_default);
    if (m_default_policy && is_default && report.kind == UpdateKind::kCreate && report.allowed) {
      // The first policy of a repository under the server's default policy must load and be
      // changeable, as under bootstrap allow: it is in force from the next push on.
      auto commit = commit_of(report.update.new_oid);
      if (!commit) return undecidable(report, commit.error());
      if (commit->has_value()) {
        auto has_policy = git::path_id(m_repo, **commit, kPolicyPath);
        if (!has_policy) return undecidable(report, has_policy.error());
        if (has_policy->has_value()) check_policy_at(report, **commit, "", load_policy_at(m_repo, **commit));
      }
    }
    if (report.allowed && rule != nullptr && classify_ref(report.ref) == RefClass::kBranch) {
      report.strictness = policy::Strictness::of(*rule).encode();
    }
  }

  /// Creating a ref the server had and lost (deleted) rewrites its history unless the new tip
  /// continues the last one.
  void check_recreate(RefReport& report, const policy::Rule& rule) {
    if (m_settings.mode == CheckMode::kLocal) return;
    auto last = m_records.last_tip(report.ref);
    if (!last) return undecidable(report, last.error());
    if (!last->has_value()) return;
    const Oid& previous = **last;
    auto new_commit = commit_of(report.update.new_oid);
    if (!new_commit) return undecidable(report, new_commit.error());
    auto old_commit = commit_of(previous);
    if (!old_commit) return undecidable(report, old_commit.error());
    bool continues = false;
    if (classify_ref(report.ref) == RefClass::kTag) {
      continues = previous == report.update.new_oid;  // a tag never moves, not even forward
    } else if (old_commit->has_value() && new_commit->has_value()) {
      auto ancestor = m_index.descends_from(**new_commit, **old_commit, m_budget.stop());
      if (!ancestor) return walk_failed(report, **new_commit, ancestor.error());
      continues = *ancestor;
    } else {
      continues = previous == report.update.new_oid;
    }
    if (!continues) {
      violate(report, std::nullopt, rule.name, Reason::kForcePushDenied,
              "creates the ref again at " + report.update.new_oid.short_hex() +
                  ", which does not continue its last tip " + previous.short_hex() +
                  ": a rewrite the rule does not allow");
    }
  }

  JudgeContext judge_context(const IdentityResolver* ids, const policy::Policy& policy) {
    JudgeContext context{m_repo};
    if (policy.witness) context.witnesses = witnesses_of(policy);
    context.budget = &m_budget;
    context.verified_signatures = &m_records;
    context.tally = &m_signatures;
    context.ahead = &m_ahead;
    context.threads = m_settings.threads;
    context.now = m_settings.now;
    context.identities = ids;
    context.project = m_settings.project;
    if (m_registry) {
      const registry::State& state = *m_registry;
      context.approvals = [&state](const Oid& oid) { return state.approvals_of(oid.hex()); };
    }
    const state::Records& records = m_records;
    const int64_t now = m_settings.now;
    context.received_at = [&records, now](const Oid& oid) {
      auto at = records.accepted_at(oid);
      return at && at->has_value() ? **at : now;  // unknown (or unreadable): received now, the strict answer
    };
    return context;
  }

  /// Judges the tag object (when the new tip is one), the new commits (mainline and
  /// contributions) and, on the default branch, every commit that changes the policy.
  void judge_target(RefReport& report, const policy::Rule* rule, const policy::Policy& policy, bool is_default) {
    const RefUpdate& u = report.update;
    const bool is_tag_ref = classify_ref(report.ref) == RefClass::kTag;
    const std::string rule_name = rule != nullptr ? rule->name : "";
    std::vector<Candidate> candidates;
    std::unordered_map<Oid, size_t, OidHash> index;  // commit -> its candidate
    std::vector<ForgeCommit> forge_commits;          // candidates' requirements point into it
    bool wants_identities = false;

    auto type = m_repo.type_of(u.new_oid);
    if (!type) return undecidable(report, type.error());
    std::optional<Oid> commit;
    if (*type == git::ObjectType::kTag) {
      Requirement tag_requirement{ObjectRole::kOpen, rule_name};
      if (rule != nullptr) {
        tag_requirement = rule_requirement(*rule, ObjectRole::kTag);
        wants_identities |= rule->signers.needs_registry();
      }
      candidates.push_back({u.new_oid, true, {tag_requirement}});
      auto tag = git::read_tag(m_repo, u.new_oid);
      if (tag) {
        auto actual = m_repo.type_of(tag->target);
        if (!actual) return undecidable(report, actual.error());
        if (tag->target_type != *actual) {
          violate(report, u.new_oid, rule_name, Reason::kMalformedObject,
                  std::string("tag says its object is a ") + type_name(tag->target_type) + " but it is a " +
                      type_name(*actual));
        } else {
          auto peeled = git::peel(m_repo, u.new_oid);
          if (!peeled) {
            if (peeled.error().code != ErrorCode::kCorrupt) return undecidable(report, peeled.error());
            violate(report, u.new_oid, rule_name, Reason::kMalformedObject,
                    "tag chain cannot be read as git reads it: " + peeled.error().to_string());
          } else if (peeled->first == git::ObjectType::kCommit) {
            commit = peeled->second;
          } else if (rule != nullptr && rule->kind != policy::RuleKind::kRelease) {
            // A release tag signs what it tags; a branch or a commit rule needs commits.
            violate(report, u.new_oid, rule_name, Reason::kNotACommit,
                    std::string("leads to a ") + type_name(peeled->first) +
                        ", which cannot carry a signature; this rule needs commits");
          }
        }
        const std::string_view tags_prefix = "refs/tags/";
        if (is_tag_ref && rule != nullptr && tag->name != report.ref.substr(tags_prefix.size())) {
          violate(report, u.new_oid, rule_name, Reason::kTagNameMismatch,
                  "the tag object is '" + tag->name + "' but is pushed as '" + report.ref + "'");
        }
      } else if (tag.error().code != ErrorCode::kCorrupt) {
        return undecidable(report, tag.error());
      }  // a malformed tag is refused by judge_objects
    } else if (*type == git::ObjectType::kCommit) {
      commit = u.new_oid;
    } else if (rule != nullptr) {
      violate(report, u.new_oid, rule_name, Reason::kNotACommit,
              std::string("points at a ") + type_name(*type) + ", which cannot carry a signature");
    }
    if (rule != nullptr && rule->kind == policy::RuleKind::kRelease && is_tag_ref && *type != git::ObjectType::kTag) {
      violate(report, u.new_oid, rule_name, Reason::kUnsigned,
              "lightweight tag: release tags must be annotated tags signed by a release signer (git tag -s)");
    }

    if (commit && !candidates.empty() && candidates.front().is_tag) candidates.front().tagged_commit = commit;
    if (commit) {
      const bool known_identities = policy.known_set().needs_registry();
      auto trusted = m_vouchers.tips(u.old_oid, rule, policy);
      if (!trusted) return undecidable(report, trusted.error());
      auto history = new_history(m_index, *commit, *trusted, m_budget.stop());
      if (!history) return walk_failed(report, *commit, history.error());
      for (const Oid& c : history->commits) {
        Requirement r{ObjectRole::kOpen, rule_name};
        if (rule != nullptr && history->mainline.count(c) != 0) {
          r = rule_requirement(*rule, ObjectRole::kMainline);
          r.quorum = rule->kind != policy::RuleKind::kRelease;  // the tag's quorum covers its commits
          wants_identities |= rule->signers.needs_registry();
        } else if (rule != nullptr) {
          r = {ObjectRole::kContribution, rule_name, nullptr, &policy, rule->contributions};
          wants_identities |= rule->contributions == policy::Contributions::kKnown && known_identities;
        }
        index.emplace(c, candidates.size());
        candidates.push_back({c, false, {r}});
      }
      if (rule != nullptr && rule->forge) {
        auto planned = plan_forge(report, *rule, *history, *trusted, candidates, index, wants_identities);
        if (!planned) return;
        forge_commits = std::move(*planned);
        for (const ForgeCommit& f : forge_commits) candidates[index.at(f.commit)].requirements.front().forge = &f;
      }
      if (is_default && !u.old_oid.is_zero()) {
        if (!review_governance(report, policy, *commit, candidates, index, wants_identities)) return;
      }
    }

    const IdentityResolver* ids = nullptr;
    if (wants_identities) {
      ids = identities(report);
      if (ids == nullptr) return;  // the registry could not be read: undecided, nothing judged
    }
    std::vector<Violation> found;
    if (Status s = judge_objects(judge_context(ids, policy), candidates, report, found); !s)
      return undecidable(report, s.error());
    if (!registry_read(report)) return;
    for (auto& v : found) violate(report, v.object, v.rule, v.code, v.message);
  }

  /// The commits the forge made among the new mainline (engine/forge.h); a merge the rule lets
  /// in has what it brings in judged as the rule's own commits. nullopt when the ref became
  /// undecided. The caller points the mainline requirements at the plans it keeps.
  std::optional<std::vector<ForgeCommit>> plan_forge(RefReport& report, const policy::Rule& rule,
                                                     const NewHistory& history, const std::vector<Oid>& trusted,
                                                     std::vector<Candidate>& candidates,
                                                     const std::unordered_map<Oid, size_t, OidHash>& index,
                                                     bool& wants_identities) {
    std::optional<Oid> old_tip;
    if (!report.update.old_oid.is_zero()) {
      auto old_commit = commit_of(report.update.old_oid);
      if (!old_commit) {
        undecidable(report, old_commit.error());
        return std::nullopt;
      }
      old_tip = *old_commit;
    }
    auto planned = plan_forge_commits(m_index, rule, history, trusted, old_tip, m_settings.forge_push, m_budget.stop());
    if (!planned) {
      walk_failed(report, report.update.new_oid, planned.error());
      return std::nullopt;
    }
    for (const ForgeCommit& f : *planned) {
      if (!f.is_merge() || !f.lands || !rule.allows_forge(policy::kForgeMerge)) continue;
      wants_identities |= rule.signers.needs_registry() || rule.forge->require_approvals > 0;
      for (const Oid& b : f.brought_in) {
        const auto it = index.find(b);
        if (it == index.end()) continue;
        Requirement& r = candidates[it->second].requirements.front();
        if (r.role != ObjectRole::kContribution) continue;
        r.signers = &rule.signers;
        r.rule_conditions = &rule;
        r.quorum = true;
      }
    }
    return std::move(*planned);
  }

  /// What `rule` asks of its own commits (`role` kMainline) or of the tag: its signers and its
  /// conditions, or for an open rule only what it is open to, and its conditions.
  static Requirement rule_requirement(const policy::Rule& rule, ObjectRole role) {
    Requirement r{role, rule.name, &rule.signers};
    if (rule.open) {
      r = {ObjectRole::kOpen, rule.name};
      r.open = *rule.open;
    }
    r.rule_conditions = &rule;
    return r;
  }

  /// Adds a [governance] requirement to every commit that changes the policy in force on its
  /// way onto the default branch's first-parent line; refuses rollbacks and policies that
  /// could not be used. False when the ref became undecided.
  bool review_governance(RefReport& report, const policy::Policy& policy, const Oid& new_commit,
                         std::vector<Candidate>& candidates, std::unordered_map<Oid, size_t, OidHash>& index,
                         bool& wants_identities) {
    auto old_commit = commit_of(report.update.old_oid);
    if (!old_commit) {
      undecidable(report, old_commit.error());
      return false;
    }
    if (!old_commit->has_value()) return true;
    // The files that make up the policy: .auths/ and what the policy in force or the pushed one names.
    std::vector<std::string> named = policy.named_files();
    const auto pushed = load_policy_at(m_repo, new_commit);
    if (pushed && pushed->has_value()) {
      for (auto& f : (*pushed)->named_files()) {
        if (std::find(named.begin(), named.end(), f) == named.end()) named.push_back(std::move(f));
      }
    }
    auto changes = review_policy_changes(m_index, **old_commit, new_commit, named, m_budget.stop());
    if (!changes) {
      walk_failed(report, new_commit, changes.error());
      return false;
    }
    for (const Oid& c : changes->changing) {
      if (!policy.governance) {
        violate(report, c, "governance", Reason::kPolicyChangeUnauthorized,
                "changes the policy in force, which has no [governance] section: nobody may change it");
        continue;
      }
      const Requirement r{ObjectRole::kGovernance, "governance", &*policy.governance};
      wants_identities |= policy.governance->needs_registry();
      const auto it = index.find(c);
      if (it != index.end()) {
        candidates[it->second].requirements.push_back(r);
      } else {  // already verified elsewhere, but its arrival on the default branch changes the policy
        index.emplace(c, candidates.size());
        candidates.push_back({c, false, {r}});
      }
    }
    if (changes->unattributed) {
      violate(report, new_commit, "governance", Reason::kPolicyChangeUnauthorized,
              "moves the default branch to a policy that no commit of this push introduces (its first-parent line "
              "starts from an older base): a rollback needs a [governance] commit");
    }
    if (changes->changed) check_policy_at(report, new_commit, "governance", pushed);
    return true;
  }

  /// The policy `commit` would put in force (`loaded`: what load_policy_at made of it) must
  /// load, be satisfiable and changeable.
  void check_policy_at(RefReport& report, const Oid& commit, const std::string& rule,
                       const Result<std::optional<policy::Policy>>& loaded) {
    auto finding = check_pushed_policy(loaded, m_refs.default_branch());
    if (!finding) return undecidable(report, finding.error());
    if (finding->has_value()) return violate(report, commit, rule, (*finding)->first, (*finding)->second);
    const policy::Policy& pushed = **loaded;
    if (!m_settings.witness_keys || !pushed.witness) return;
    // Satisfiable with the policy's witnesses, but perhaps not with those this server trusts.
    policy::Policy here = pushed;
    here.witness = trusted_witnesses(*pushed.witness, *m_settings.witness_keys);
    if (auto why = policy::unsatisfiable(here, m_refs.default_branch())) {
      violate(report, commit, rule, Reason::kPolicyUnsatisfiable,
              *why + " (counting only the witnesses this server trusts)");
    }
  }

  /// The policy's [witness], or only the witnesses the server trusts among them (witness_keys).
  const policy::WitnessSet* witnesses_of(const policy::Policy& policy) {
    if (!m_settings.witness_keys) return &*policy.witness;
    auto [it, added] = m_trusted_witnesses.try_emplace(&*policy.witness);
    if (added) it->second = trusted_witnesses(*policy.witness, *m_settings.witness_keys);
    return &it->second;
  }

  const git::RepoView& m_repo;
  const state::Records& m_records;
  const Settings& m_settings;
  Budget m_budget{m_settings.deadline};
  CheckedAhead m_ahead{m_repo, m_settings.threads};  // before m_index, which feeds it
  CommitIndex m_index{m_repo, m_settings.threads};
  std::unordered_map<const policy::WitnessSet*, policy::WitnessSet> m_trusted_witnesses;
  ServerRefs m_refs;
  PolicyInForce m_pif;
  Decision m_decision;
  bool m_undecided = false;
  bool m_default_policy = false;  // m_pif is the server's default policy (Settings.default_policy)
  Peeled m_peeled{m_repo};
  Vouchers m_vouchers{m_refs, m_records, m_settings.mode == CheckMode::kServer, m_peeled};
  std::optional<registry::State> m_registry;
  std::optional<Evidence> m_evidence;
  std::optional<RegistryResolver> m_resolver;
  SignatureTally m_signatures;
};

}  // namespace

Result<Decision> judge_push(const git::RepoView& repo, const state::Records& records, const Settings& settings,
                            const std::vector<RefUpdate>& updates) {
  PushChecker checker(repo, records, settings);
  return checker.run(updates);
}

}  // namespace engine

}  // namespace auths
