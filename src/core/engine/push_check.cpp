// check_push: the whole-push decision. One pass per ref update, in this order: branches first,
// then other refs, then tags (so that commits a tag shares with a branch of the same push are
// judged by the branch's rule). For each update:
//   1. classify (create, fast-forward, force, delete, noop);
//   2. load the trusted policy from a commit the server already has;
//   3. find the rule (first match in file order) or apply `default`;
//   4. judge the new commits and the tag object. New for a branch: reachable from the new tip
//      and from no existing ref whose rule admits only signers this ref's rule admits too. A
//      commit a looser rule admitted elsewhere (another branch under default = "allow", a rule
//      with more signers) has never been judged by this one: judging it now closes the way to
//      launder commits onto a protected branch, while a branch made from main does not judge
//      main's history again. New for anything else: reachable from no existing ref at all (a
//      release signer signs the tag itself);
//   5. commits that change .auths/ must also satisfy [governance] of the trusted policy.
// An update of refs/auths/registry is checked before everything else (append-only, every added
// record valid); the push's commits are then judged against the registry as it will be.
#include <algorithm>
#include <atomic>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "audit/accepted_log.h"
#include "audit/audit.h"
#include "auths/verify.h"
#include "engine/identity_resolver.h"
#include "engine/signature_check.h"
#include "engine/trusted_policy.h"
#include "git/repository.h"
#include "registry/registry.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths {

namespace {

using engine::SignatureCheck;
using engine::TrustedPolicy;

/// Commits are read and verified in batches of this size, so memory stays bounded.
constexpr size_t kBatchSize = 2048;
/// Below this many objects, verifying on one thread is faster than starting others.
constexpr size_t kParallelThreshold = 64;

struct ObjectToCheck {
  Oid oid;
  bool is_tag = false;
  int64_t time = 0;
  git::CommitInfo commit;  // commits only (payload, signature, tree, parents)
  git::TagInfo tag;        // tags only
  SignatureCheck check;

  const std::string& payload() const { return is_tag ? tag.payload : commit.payload; }
  const std::string& signature() const { return is_tag ? tag.signature : commit.signature; }
};

/// Verifies every object's signature, spread over `threads` threads.
void verify_all(std::vector<ObjectToCheck>& items, unsigned threads) {
  std::atomic<size_t> next{0};
  const auto worker = [&items, &next] {
    for (size_t i = next.fetch_add(1); i < items.size(); i = next.fetch_add(1)) {
      items[i].check = engine::check_signature(items[i].payload(), items[i].signature());
    }
  };
  const unsigned extra = items.size() < kParallelThreshold ? 0 : threads - 1;
  std::vector<std::thread> pool;
  pool.reserve(extra);
  for (unsigned t = 0; t < extra; ++t) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
}

const char* hint_for(std::string_view code) {
  if (code == "unsigned")
    return "sign with an SSH key: git config gpg.format ssh; git config user.signingKey <key.pub>; git commit -S";
  if (code == "unknown-signer")
    return "ask a governance signer to add your key to .auths/policy.toml, or run 'auths hook run --explain' to see "
           "every decision";
  if (code == "force-push-denied") return "set allow_force_push = true in the rule to permit non-fast-forward updates";
  if (code == "delete-denied") return "set allow_delete = true in the rule to permit deleting the ref";
  if (code == "policy-change-unauthorized")
    return "changes to .auths/ must be signed by a [governance] signer of the current policy";
  if (code == "no-policy")
    return "commit .auths/policy.toml, or set 'git config auths.bootstrap allow' on the server to accept the first "
           "policy on trust";
  if (code == "no-rule") return "add a rule whose refs match this ref, or set default = \"allow\"";
  if (code == "policy-invalid") return "a [governance] signer of the last valid policy can push a fix";
  if (code == "unsupported-signature") return "sign with an SSH key (gpg.format=ssh)";
  return "";
}

class PushChecker {
 public:
  PushChecker(const git::Repository& repo, const CheckRequest& request)
      : m_repo(repo), m_req(request), m_policies(repo) {
    const unsigned hw = std::thread::hardware_concurrency();
    m_threads = request.threads != 0 ? request.threads : (hw == 0 ? 1 : hw);
    m_now = request.now != 0 ? request.now : util::now_unix();
  }

  Result<Decision> run() {
    if (auto prepared = prepare(); !prepared) return prepared.error();
    m_decision.refs.resize(m_req.updates.size());
    for (const size_t i : processing_order()) {
      m_decision.refs[i] = check_update(m_req.updates[i]);
    }
    if (m_undecided) {
      m_decision.outcome = Outcome::kUndecided;
    } else if (!m_decision.violations.empty()) {
      m_decision.outcome = Outcome::kReject;
    }
    return std::move(m_decision);
  }

  int64_t now() const { return m_now; }

 private:
  Status prepare() {
    if (m_req.mode == CheckMode::kServer) {
      auto bootstrap = m_repo.config_string("auths.bootstrap");
      if (!bootstrap) return bootstrap.error();
      const std::string value = util::to_lower(bootstrap->value_or("deny"));
      if (value != "allow" && value != "deny") {
        return Error::invalid_argument("git config auths.bootstrap must be 'allow' or 'deny', not '" + value + "'");
      }
      m_bootstrap_allow = value == "allow";
      auto tips = m_repo.ref_commit_tips();
      if (!tips) return tips.error();
      m_known_tips = std::move(*tips);
    } else {
      // The remote's refs as this clone knows them, under the names they have on the remote.
      const std::string tracking = "refs/remotes/" + m_req.remote + "/";
      auto tips = m_repo.ref_commit_tips(tracking);
      if (!tips) return tips.error();
      for (auto& [name, tip] : *tips) m_known_tips.emplace_back("refs/heads/" + name.substr(tracking.size()), tip);
      for (const auto& u : m_req.updates) {
        if (!u.old_oid.is_zero() && m_repo.has_object(u.old_oid)) {
          auto peeled = m_repo.peel(u.old_oid);
          if (peeled && peeled->first == git::ObjectType::kCommit)
            m_known_tips.emplace_back(u.ref_name, peeled->second);
        }
      }
    }
    return {};
  }

  std::vector<size_t> processing_order() const {
    const auto rank = [](const RefUpdate& u) {
      switch (classify_ref(u.ref_name)) {
        case RefClass::kRegistry: return 0;
        case RefClass::kBranch: return 1;
        case RefClass::kOther: return 2;
        case RefClass::kTag: return 3;
      }
      return 2;
    };
    std::vector<size_t> order(m_req.updates.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return rank(m_req.updates[a]) < rank(m_req.updates[b]); });
    return order;
  }

  void violate(RefReport& report, const std::optional<Oid>& object, const std::string& rule, const std::string& code,
               const std::string& message, bool undecided = false) {
    report.allowed = false;
    if (std::find(report.codes.begin(), report.codes.end(), code) == report.codes.end()) report.codes.push_back(code);
    m_decision.violations.push_back({report.update.ref_name, object, rule, code, message, hint_for(code)});
    if (undecided) m_undecided = true;
  }

  void undecidable(RefReport& report, const Error& error) {
    violate(report, std::nullopt, report.rule, "internal-error", "cannot decide: " + error.to_string(), true);
  }

  Result<UpdateKind> classify(const RefUpdate& u) const {
    if (u.old_oid == u.new_oid) return UpdateKind::kNoop;
    if (u.new_oid.is_zero()) return UpdateKind::kDelete;
    if (u.old_oid.is_zero()) return UpdateKind::kCreate;
    if (!m_repo.has_object(u.old_oid)) return UpdateKind::kCreate;  // pre-push: remote tip not fetched
    auto old_peeled = m_repo.peel(u.old_oid);
    if (!old_peeled) return old_peeled.error();
    auto new_peeled = m_repo.peel(u.new_oid);
    if (!new_peeled) return new_peeled.error();
    if (old_peeled->first != git::ObjectType::kCommit || new_peeled->first != git::ObjectType::kCommit) {
      return UpdateKind::kForce;
    }
    auto ff = m_repo.is_descendant_or_equal(new_peeled->second, old_peeled->second);
    if (!ff) return ff.error();
    return *ff ? UpdateKind::kFastForward : UpdateKind::kForce;
  }

  /// The commit whose policy judges this update.
  Result<std::optional<Oid>> policy_base(const RefUpdate& u) const {
    if (m_req.mode == CheckMode::kLocal) {
      if (util::starts_with(u.ref_name, "refs/heads/")) {
        auto tracking = m_repo.resolve_commit("refs/remotes/" + m_req.remote + "/" + u.ref_name.substr(11));
        if (!tracking) return tracking.error();
        if (tracking->has_value()) return tracking;
      }
      return m_repo.resolve_commit("refs/remotes/" + m_req.remote + "/HEAD");
    }
    if (!u.old_oid.is_zero()) {
      auto peeled = m_repo.peel(u.old_oid);
      if (!peeled) return peeled.error();
      if (peeled->first == git::ObjectType::kCommit) return std::optional<Oid>(peeled->second);
    }
    return m_repo.head_commit();
  }

  RefReport check_update(const RefUpdate& u) {
    RefReport report;
    report.update = u;
    auto kind = classify(u);
    if (!kind) {
      undecidable(report, kind.error());
      return report;
    }
    report.kind = *kind;
    if (report.kind == UpdateKind::kNoop) return report;
    if (u.ref_name == registry::kRegistryRef) {
      check_registry_update(report);
      return report;
    }

    auto base = policy_base(u);
    if (!base) {
      undecidable(report, base.error());
      return report;
    }
    auto trusted = m_policies.get(*base);
    if (!trusted) {
      undecidable(report, trusted.error());
      return report;
    }
    const TrustedPolicy& tp = **trusted;
    switch (tp.state) {
      case TrustedPolicy::State::kAbsent: check_without_policy(report); break;
      case TrustedPolicy::State::kInvalid: check_with_invalid_policy(report, tp); break;
      case TrustedPolicy::State::kLoaded:
        report.policy_source = tp.source;
        check_with_policy(report, *tp.policy);
        break;
    }
    return report;
  }

  void check_registry_update(RefReport& report) {
    const RefUpdate& u = report.update;
    report.rule = "registry";
    report.policy_source = "registry rules: append-only, every record signed";
    if (report.kind == UpdateKind::kDelete) {
      violate(report, std::nullopt, "registry", "delete-denied", "the identity registry cannot be deleted");
      return;
    }
    std::optional<Oid> old_tip;
    if (!u.old_oid.is_zero()) {
      if (m_req.mode == CheckMode::kLocal && !m_repo.has_object(u.old_oid)) {
        report.policy_source += " (remote registry not fetched: the server will check)";
        return;
      }
      old_tip = u.old_oid;
    }
    std::vector<registry::Problem> problems;
    auto state = registry::verify_update(m_repo, old_tip, u.new_oid, problems);
    if (!state) {
      undecidable(report, state.error());
      return;
    }
    for (const auto& p : problems) violate(report, p.commit, "registry", p.code, p.message);
    if (problems.empty()) {
      m_resolver.reset();
      m_registry = std::move(*state);
    }
  }

  /// The registry the push's commits are judged against: after the push's own registry update
  /// when there is one, else refs/auths/registry as it is. Loaded once, only when a rule names
  /// identities; nullptr (and the ref undecided) when it cannot be loaded.
  static bool needs_identities(const policy::SignerSet& signers, const policy::Policy* governing) {
    return !signers.identities.empty() ||
           (governing != nullptr && governing->governance && !governing->governance->identities.empty());
  }

  const engine::IdentityResolver* resolver(RefReport& report, const policy::SignerSet& signers,
                                           const policy::Policy* governing) {
    if (!needs_identities(signers, governing)) return nullptr;
    if (m_resolver) return &*m_resolver;
    if (m_req.mode == CheckMode::kServer && !m_accepted_opened) {
      m_accepted_opened = true;
      auto log = audit::AcceptedLog::open(m_repo.path(), /*create=*/false);
      if (!log) {
        undecidable(report, log.error());
        return nullptr;
      }
      m_accepted = std::move(*log);
    }
    if (!m_registry) {
      auto loaded = registry::load_current(m_repo);
      if (!loaded) {
        undecidable(report, loaded.error());
        return nullptr;
      }
      m_registry = std::move(*loaded);
    }
    m_resolver.emplace(*m_registry, m_accepted ? &*m_accepted : nullptr);
    return &*m_resolver;
  }

  void check_without_policy(RefReport& report) {
    if (m_req.mode == CheckMode::kLocal) {
      report.policy_source = "none (the remote's policy is not known locally; fetch first)";
      return;
    }
    if (!m_bootstrap_allow) {
      report.policy_source = "none";
      violate(report, std::nullopt, "", "no-policy",
              "repository has no .auths/policy.toml and auths.bootstrap is not 'allow'");
      return;
    }
    report.policy_source = "none (auths.bootstrap=allow: accepted on trust)";
    // Accepted on trust, but a policy that would not load is refused now rather than later.
    if (!report.update.new_oid.is_zero()) validate_pushed_policy(report, "");
  }

  void check_with_invalid_policy(RefReport& report, const TrustedPolicy& tp) {
    report.policy_source = tp.source + " (invalid)";
    const std::string why = tp.error.to_string();
    if (tp.recovery && tp.recovery->governance && !report.update.new_oid.is_zero()) {
      // Only a repair is allowed: every new commit signed by a governance signer of the last
      // valid policy, at least one of them touching .auths/, and the result loads.
      RefReport trial = report;
      Decision saved = m_decision;
      const bool saved_undecided = m_undecided;
      policy::Rule repair;
      repair.name = "governance (recovery)";
      repair.signers = *tp.recovery->governance;
      bool touched = false;
      judge_new_objects(trial, repair, &*tp.recovery, &touched);
      if (trial.allowed && touched && !m_undecided) {
        trial.rule = repair.name;
        trial.policy_source = tp.source + " (invalid; repair judged by the last valid policy's [governance])";
        report = std::move(trial);
        return;
      }
      m_decision = std::move(saved);
      m_undecided = saved_undecided;
    }
    violate(report, std::nullopt, "", "policy-invalid", "trusted policy does not load: " + why, true);
  }

  void check_with_policy(RefReport& report, const policy::Policy& policy) {
    const RefUpdate& u = report.update;
    const policy::Rule* rule = policy.match(u.ref_name);
    if (rule == nullptr) {
      if (!policy.default_allow) {
        violate(report, std::nullopt, "", "no-rule", "no rule matches this ref and the policy default is deny");
        return;
      }
      // default = "allow": no signature requirements, but .auths/ changes still need governance.
      policy::Rule open_rule;
      open_rule.name = "";
      judge_new_objects(report, open_rule, &policy, nullptr, /*require_signatures=*/false);
      return;
    }
    report.rule = rule->name;
    if (report.kind == UpdateKind::kDelete) {
      if (!rule->allow_delete)
        violate(report, std::nullopt, rule->name, "delete-denied", "deleting this ref is not allowed");
      return;
    }
    if (report.kind == UpdateKind::kForce && !rule->allow_force_push) {
      violate(report, std::nullopt, rule->name, "force-push-denied",
              "non-fast-forward update from " + u.old_oid.short_hex() + " is not allowed");
    }
    judge_new_objects(report, *rule, &policy, nullptr);
  }

  /// The .auths tree id of a commit (nullopt when it has none), cached across the push.
  Result<std::optional<Oid>> auths_dir_of(const Oid& commit, const Oid* tree) {
    const auto it = m_auths_dirs.find(commit);
    if (it != m_auths_dirs.end()) return it->second;
    Oid tree_id;
    if (tree != nullptr) {
      tree_id = *tree;
    } else {
      auto info = m_repo.read_commit(commit);
      if (!info) return info.error();
      tree_id = info->tree;
    }
    auto entry = m_repo.tree_entry_id(tree_id, engine::kAuthsDir);
    if (!entry) return entry.error();
    m_auths_dirs.emplace(commit, *entry);
    return *entry;
  }

  /// Does this commit change .auths/ relative to every parent (a merge that takes one side's
  /// .auths/ unchanged introduces nothing new)?
  Result<bool> changes_auths(const ObjectToCheck& c) {
    auto own = auths_dir_of(c.oid, &c.commit.tree);
    if (!own) return own.error();
    if (c.commit.parents.empty()) return own->has_value();
    for (const auto& parent : c.commit.parents) {
      auto theirs = auths_dir_of(parent, nullptr);
      if (!theirs) return theirs.error();
      if (*theirs == *own) return false;
    }
    return true;
  }

  /// Judges the tag object (if the new tip is one) and every new commit against `rule`;
  /// commits changing .auths/ against `governing`'s [governance]. `touched_auths`, when given,
  /// is set when some commit changes .auths/.
  void judge_new_objects(RefReport& report, const policy::Rule& rule, const policy::Policy* governing,
                         bool* touched_auths, bool require_signatures = true) {
    const RefUpdate& u = report.update;
    const bool is_tag_ref = classify_ref(u.ref_name) == RefClass::kTag;
    auto peeled = m_repo.peel(u.new_oid);
    if (!peeled) {
      undecidable(report, peeled.error());
      return;
    }

    std::vector<ObjectToCheck> batch;
    if (peeled->second != u.new_oid) {  // an annotated tag
      ObjectToCheck tag;
      tag.oid = u.new_oid;
      tag.is_tag = true;
      auto info = m_repo.read_tag(u.new_oid);
      if (!info) {
        undecidable(report, info.error());
        return;
      }
      tag.tag = std::move(*info);
      tag.time = tag.tag.tagger_time;
      batch.push_back(std::move(tag));
    } else if (require_signatures && rule.kind == policy::RuleKind::kRelease && is_tag_ref) {
      violate(report, u.new_oid, rule.name, "unsigned",
              "lightweight tag: release tags must be annotated tags signed by a release signer (git tag -s)");
    }
    if (!batch.empty()) {
      verify_all(batch, 1);
      judge_batch(report, rule, governing, batch, touched_auths, require_signatures);
      batch.clear();
    }
    if (peeled->first != git::ObjectType::kCommit) return;

    // Which existing tips hide history: for a branch under one of the policy's own rules, the
    // refs whose rule admits only signers of this rule (refs no rule governs admit anyone);
    // otherwise every ref.
    const bool covered_only =
        classify_ref(u.ref_name) == RefClass::kBranch && governing != nullptr && governing->match(u.ref_name) == &rule;
    std::vector<Oid> hidden;
    hidden.reserve(m_known_tips.size());
    for (const auto& [name, tip] : m_known_tips) {
      const policy::Rule* theirs = covered_only ? governing->match(name) : nullptr;
      if (!covered_only || (theirs != nullptr && theirs->signers.admits_only_signers_of(rule.signers))) {
        hidden.push_back(tip);
      }
    }
    auto commits = m_repo.new_commits(peeled->second, hidden);
    if (!commits) {
      undecidable(report, commits.error());
      return;
    }
    std::vector<Oid>& list = *commits;
    if (is_tag_ref) {  // commits a branch of this push brought in were judged there
      std::erase_if(list, [this](const Oid& oid) { return m_judged_in_branches.count(oid) != 0; });
    } else if (classify_ref(u.ref_name) == RefClass::kBranch) {
      m_judged_in_branches.insert(list.begin(), list.end());
    }
    // Oldest first, so that a parent's .auths id is known before its children ask for it.
    std::reverse(list.begin(), list.end());
    for (size_t start = 0; start < list.size(); start += kBatchSize) {
      const size_t end = std::min(list.size(), start + kBatchSize);
      batch.clear();
      batch.reserve(end - start);
      for (size_t i = start; i < end; ++i) {
        ObjectToCheck c;
        c.oid = list[i];
        auto info = m_repo.read_commit(c.oid);
        if (!info) {
          undecidable(report, info.error());
          return;
        }
        c.commit = std::move(*info);
        c.time = c.commit.committer_time;
        batch.push_back(std::move(c));
      }
      if (require_signatures || governing != nullptr) verify_all(batch, m_threads);
      judge_batch(report, rule, governing, batch, touched_auths, require_signatures);
    }
  }

  void judge_batch(RefReport& report, const policy::Rule& rule, const policy::Policy* governing,
                   const std::vector<ObjectToCheck>& batch, bool* touched_auths, bool require_signatures) {
    const engine::IdentityResolver* identities = resolver(report, rule.signers, governing);
    if (identities == nullptr && needs_identities(rule.signers, governing)) {
      return;  // the registry could not be read: the ref is undecided, and nothing here is judged
    }
    for (const auto& item : batch) {
      const char* what = item.is_tag ? "tag" : "commit";
      ObjectReport obj;
      obj.oid = item.oid;
      obj.kind = what;
      obj.rule = rule.name;
      obj.key = item.check.key ? item.check.key->fingerprint() : "";
      if (require_signatures) {
        const auto match =
            engine::match_signers(item.check, rule.signers, item.time, what, identities, m_now, item.oid);
        obj.code = match.code;
        obj.signer = match.signer;
        obj.detail = match.detail;
        if (match.code != "ok") {
          violate(report, item.oid, rule.name, match.code, match.detail);
        } else if (rule.signers.require > 1) {
          obj.code = "threshold-not-met";
          violate(report, item.oid, rule.name, "threshold-not-met",
                  "rule requires " + std::to_string(rule.signers.require) + " distinct signers; this " + what +
                      " carries one signature");
        }
      } else {
        obj.code = "ok";
        obj.detail = "no rule matches; policy default is allow";
      }
      if (!item.is_tag) judge_governance(report, item, governing, touched_auths, obj, identities);
      report.objects.push_back(std::move(obj));
    }
  }

  void judge_governance(RefReport& report, const ObjectToCheck& item, const policy::Policy* governing,
                        bool* touched_auths, ObjectReport& obj, const engine::IdentityResolver* identities) {
    auto changed = changes_auths(item);
    if (!changed) {
      undecidable(report, changed.error());
      return;
    }
    if (!*changed) return;
    if (touched_auths != nullptr) *touched_auths = true;
    if (!m_validated_tips.count(item.oid)) validate_pushed_policy(report, obj.rule);
    if (governing == nullptr) return;  // bootstrap: accepted on trust
    if (!governing->governance) {
      obj.code = "policy-change-unauthorized";
      violate(report, item.oid, obj.rule, "policy-change-unauthorized",
              "changes .auths/ but the trusted policy has no [governance] section");
      return;
    }
    const auto match =
        engine::match_signers(item.check, *governing->governance, item.time, "commit", identities, m_now, item.oid);
    if (match.code != "ok") {
      obj.code = "policy-change-unauthorized";
      violate(report, item.oid, "governance", "policy-change-unauthorized",
              "changes .auths/ but is not signed by a [governance] signer (" + match.detail + ")");
    } else if (governing->governance->require > 1) {
      obj.code = "threshold-not-met";
      violate(report, item.oid, "governance", "threshold-not-met",
              "[governance] requires " + std::to_string(governing->governance->require) +
                  " distinct signers; this commit carries one signature");
    }
  }

  /// The policy the update would install at its new tip must load, or every later push would
  /// be undecidable. Checked once per pushed tip.
  void validate_pushed_policy(RefReport& report, const std::string& rule) {
    const RefUpdate& u = report.update;
    auto peeled = m_repo.peel(u.new_oid);
    if (!peeled || peeled->first != git::ObjectType::kCommit) return;
    if (!m_validated_tips.insert(peeled->second).second) return;
    auto loaded = engine::load_policy_at(m_repo, peeled->second);
    if (loaded) return;
    if (loaded.error().code == ErrorCode::kPolicy) {
      violate(report, peeled->second, rule, "policy-invalid",
              "the pushed .auths/policy.toml does not load: " + loaded.error().to_string());
    } else {
      undecidable(report, loaded.error());
    }
  }

  const git::Repository& m_repo;
  const CheckRequest& m_req;
  engine::PolicyCache m_policies;
  std::vector<std::pair<std::string, Oid>> m_known_tips;  // the refs the server already has
  std::unordered_set<Oid, OidHash> m_judged_in_branches;
  std::unordered_set<Oid, OidHash> m_validated_tips;
  std::unordered_map<Oid, std::optional<Oid>, OidHash> m_auths_dirs;
  std::optional<registry::State> m_registry;
  std::optional<audit::AcceptedLog> m_accepted;
  bool m_accepted_opened = false;
  std::optional<engine::RegistryResolver> m_resolver;
  bool m_bootstrap_allow = false;
  bool m_undecided = false;
  unsigned m_threads = 1;
  int64_t m_now = 0;
  Decision m_decision;
};

}  // namespace

Result<Decision> check_push(const CheckRequest& request) {
  const git::Session session;
  auto repo = request.open_from_env ? git::Repository::open_from_env(request.repo_path)
                                    : git::Repository::open(request.repo_path);
  if (!repo) return repo.error();
  PushChecker checker(*repo, request);
  auto decision = checker.run();
  if (!decision) return decision;
  if (request.write_audit && decision->accepted()) {
    // The server's own memory of what it accepted and when (see audit/accepted_log.h). Losing
    // it only ever makes later checks stricter, so a failure is a warning, not a refusal.
    std::vector<Oid> objects;
    for (const auto& ref : decision->refs) {
      for (const auto& obj : ref.objects) objects.push_back(obj.oid);
    }
    Status recorded = {};
    if (!objects.empty()) {
      auto log = audit::AcceptedLog::open(repo->path(), /*create=*/true);
      recorded = log ? (*log)->record(objects, checker.now()) : Status(log.error());
    }
    if (!recorded) decision->warnings.push_back("cannot record accepted objects: " + recorded.error().to_string());
  }
  if (request.write_audit) {
    auto path = repo->config_string("auths.auditLog");
    if (!path) return path.error();
    if (path->has_value()) {
      const std::string repo_name = request.context.repo.empty() ? repo->path() : request.context.repo;
      if (auto written = audit::append(**path, *decision, request.context, repo_name, checker.now()); !written) {
        // Every decision must be recorded: a push whose audit line cannot be written is refused.
        Decision failed = std::move(*decision);
        failed.outcome = Outcome::kUndecided;
        failed.violations.push_back(
            {"", std::nullopt, "", "audit-failed", "cannot write the audit log: " + written.error().to_string(), ""});
        return failed;
      }
    }
  }
  return decision;
}

}  // namespace auths

namespace auths {

Decision decide(const CheckRequest& request) {
  auto decision = check_push(request);
  if (decision) return std::move(*decision);
  Decision failed;
  failed.outcome = Outcome::kUndecided;
  failed.violations.push_back({"", std::nullopt, "", "internal-error", decision.error().to_string(), ""});
  return failed;
}

}  // namespace auths
