#include "engine/judge.h"

#include <algorithm>
#include <optional>

#include "engine/checked_ahead.h"
#include "engine/parallel.h"
#include "engine/quorum.h"
#include "git/trees.h"
#include "util/strings.h"
#include "witness/receipt.h"

namespace auths::engine {

namespace {

/// Objects are read and verified in batches of this size, so memory stays bounded.
constexpr size_t kBatchSize = 2048;

struct Item {
  const Candidate* candidate = nullptr;
  std::optional<Error> failed;     // reading failed for another reason than a malformed object
  std::optional<Error> malformed;  // the object cannot be read as git reads it
  int64_t time = 0;
  std::string payload;
  std::string signature;
  bool needs_signature = false;
  SignatureCheck check;
  std::optional<state::KeyDigest> verified_key;   // the key, when `check` verified the signature good
  std::optional<std::vector<std::string>> paths;  // changed against the first parent, when a rule needs them
  // A commit under a policy with [witness]: its tree, parents and receipts, and their count.
  std::string tree;
  std::vector<std::string> parents;
  std::vector<std::string> receipts;
  std::optional<witness::Tally> tally;
};

bool needs_signature(const Candidate& c) {
  for (const auto& r : c.requirements) {
    if (r.role == ObjectRole::kOpen && r.open == policy::Contributions::kAny) continue;
    if (r.role == ObjectRole::kContribution && r.contributions == policy::Contributions::kAny) continue;
    return true;
  }
  return false;
}

/// Every path `commit` changes against its first parent (every file of a root commit). A tree
/// that cannot be read as git reads it makes the object malformed.
Status changed_paths(const git::RepoView& repo, const git::CommitInfo& commit, Item& item) {
  std::optional<Oid> parent_tree;
  if (!commit.parents.empty()) {
    auto parent = git::read_commit(repo, commit.parents.front());
    if (!parent) {
      if (parent.error().code != ErrorCode::kCorrupt) return parent.error();
      item.malformed = parent.error();
      return {};
    }
    parent_tree = parent->tree;
  }
  auto changes = git::diff_trees(repo, parent_tree, commit.tree);
  if (!changes) {
    if (changes.error().code != ErrorCode::kCorrupt) return changes.error();
    item.malformed = changes.error();
    return {};
  }
  std::vector<std::string> paths;
  paths.reserve(changes->size());
  for (auto& change : *changes) paths.push_back(std::move(change.path));
  item.paths = std::move(paths);
  return {};
}

Status read_item(const git::RepoView& repo, bool wants_receipts, Item& item) {
  const Candidate& c = *item.candidate;
  if (c.is_tag) {
    auto tag = git::read_tag(repo, c.oid);
    if (!tag) {
      if (tag.error().code != ErrorCode::kCorrupt) return tag.error();
      item.malformed = tag.error();
      return {};
    }
    item.time = tag->tagger_time;
    item.payload = std::move(tag->payload);
    item.signature = std::move(tag->signature);
  } else {
    auto commit = git::read_commit(repo, c.oid);
    if (!commit) {
      if (commit.error().code != ErrorCode::kCorrupt) return commit.error();
      item.malformed = commit.error();
      return {};
    }
    item.time = commit->committer_time;
    if (wants_receipts) {
      item.tree = commit->tree.hex();
      for (const Oid& parent : commit->parents) item.parents.push_back(parent.hex());
      item.receipts = witness::receipt_values(commit->message);
    }
    item.payload = std::move(commit->payload);
    item.signature = std::move(commit->signature);
    const bool wants_paths = std::any_of(c.requirements.begin(), c.requirements.end(), [](const Requirement& r) {
      return r.rule_conditions != nullptr && r.rule_conditions->needs_paths();
    });
    if (wants_paths) {
      if (Status s = changed_paths(repo, *commit, item); !s) return s;
    }
  }
  item.needs_signature = needs_signature(c);
  return {};
}

/// Of `known` (sorted), what check_signature asks about `object`: empty when the records know
/// no good signature of it (most objects: no key digest is computed for them).
VerifiedBefore verified_before(const std::vector<state::GoodSignature>& known, const Oid& object) {
  const auto first = std::lower_bound(known.begin(), known.end(), object,
                                      [](const state::GoodSignature& g, const Oid& o) { return g.object < o; });
  if (first == known.end() || first->object != object) return {};
  return [&known, object](const crypto::PublicKey& key) {
    return std::binary_search(known.begin(), known.end(), state::GoodSignature{object, key.fingerprint_digest()});
  };
}

/// The signatures the server's records know good among the objects of `batch` that need one:
/// one read for the whole batch. Empty when the records cannot be read: they are a cache, and
/// every signature is then verified.
std::vector<state::GoodSignature> known_signatures(const JudgeContext& context, const std::vector<Item>& batch) {
  if (context.verified_signatures == nullptr) return {};
  std::vector<Oid> objects;
  objects.reserve(batch.size());
  for (const Item& item : batch) {
    if (needs_signature(*item.candidate)) objects.push_back(item.candidate->oid);
  }
  if (objects.empty()) return {};
  auto known = context.verified_signatures->good_signatures(objects, kSignatureRules);
  return known ? std::move(*known) : std::vector<state::GoodSignature>{};
}

/// Counts a commit's receipts against [witness], for the key that signed it (after check_signature).
void tally_receipts(const policy::WitnessSet& set, Item& item) {
  const witness::CommitClaim claim{item.tree, item.parents, item.check.key ? item.check.key->to_ssh_line() : "", ""};
  item.tally = witness::tally_receipts(item.receipts, claim, set);
}

/// What the rule's conditions see of the receipts (policy/conditions.h); nullopt when not counted.
std::optional<policy::WitnessFacts> witness_facts(const Item& item) {
  if (!item.tally) return std::nullopt;
  const witness::Tally& t = *item.tally;
  policy::WitnessFacts facts{t.threshold, t.verified, static_cast<int>(t.receipts.size()), "", t.not_counted()};
  if (const witness::ReceiptCheck* m = t.mismatch()) {
    facts.mismatch = "the receipt of " + m->witness + " does not belong to this commit: " + m->detail +
                     " (copied from another commit, or stale after an amend or a rebase)";
  }
  return facts;
}

/// The approval records of `c` and, for a tag, of its commit (select_approvals picks those that count).
std::vector<const registry::Approval*> approval_records(const JudgeContext& context, const Candidate& c) {
  if (!context.approvals) return {};
  std::vector<const registry::Approval*> out = context.approvals(c.oid);
  if (c.tagged_commit) {
    const auto more = context.approvals(*c.tagged_commit);
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

/// The rule's conditions for an object its signer set (or open level) accepted as `m`.
SignerMatch with_conditions(const JudgeContext& context, const std::string& ref, const Item& item, const Requirement& r,
                            SignerMatch m) {
  if (m.code != Reason::kOk || r.rule_conditions == nullptr) return m;
  const policy::ObjectFacts object{context.project,    ref, item.paths, context.now, item.candidate->is_tag,
                                   witness_facts(item)};
  policy::ConditionVerdict verdict = policy::check_conditions(*r.rule_conditions, m.facts, object);
  if (verdict.code == Reason::kOk) return m;
  return {verdict.code, "", std::move(verdict.detail), {}};
}

std::string approve_hint(const Oid& object, const std::string& ref) {
  return "auths release approve " + object.hex() + " --ref " + ref + " && git push origin refs/auths/registry";
}

/// `r.signers`' quorum on an object its signer set (and the rule's conditions) accepted as `m`,
/// when the requirement asks for one.
SignerMatch with_quorum(const JudgeContext& context, const std::string& ref, const Item& item, const Requirement& r,
                        const SignedObject& object, SignerMatch m) {
  if (m.code == Reason::kOk && r.quorum && r.signers->counts_votes()) {
    const auto approvals = select_approvals(approval_records(context, *item.candidate), item.candidate->oid,
                                            item.candidate->tagged_commit, ref);
    return count_quorum(item.check, m, approvals, *r.signers, object, context.identities,
                        approve_hint(item.candidate->oid, ref));
  }
  return m;
}

/// A mainline commit whose signature names a [forge] key and that the rule's signers refused
/// (engine/forge.h): nullopt when the signature is not a good one by a [forge] key (the
/// signers' refusal stands), else the forge verdict.
std::optional<SignerMatch> judge_forge(const JudgeContext& context, const std::string& ref, const Item& item,
                                       const Requirement& r, const SignedObject& object) {
  const policy::Rule& rule = *r.rule_conditions;
  const ForgeCommit& plan = *r.forge;
  SignerMatch by = match_signers(item.check, rule.forge->signers, object);
  if (by.code != Reason::kOk) return std::nullopt;
  const std::string_view kind = plan.is_merge() ? policy::kForgeMerge : policy::kForgeEdit;
  const std::string who = "forge " + std::string(kind) + " by " + by.signer;
  const auto refuse = [&who](Reason code, const std::string& why) { return SignerMatch{code, "", who + ": " + why}; };
  if (!rule.allows_forge(kind)) {
    return refuse(Reason::kForgeCommitNotAllowed, "rule '" + rule.name + "' does not list \"" + std::string(kind) +
                                                      "\" in forge_commits, and the forge's key signs for no rule");
  }
  if (!plan.is_merge() && !plan.forge_push) {
    return refuse(Reason::kForgeCommitNotAllowed,
                  "a forge edit is accepted only when the forge itself pushes it (GITEA_INTERNAL_PUSH=true, "
                  "GL_PROTOCOL=web), and this push is not the forge's");
  }
  if (plan.is_merge() && !plan.lands) {
    return refuse(Reason::kForgeCommitNotAllowed,
                  "its first parent is not the ref's tip: a forge merge must land on the branch it merges into");
  }
  SignerMatch m = with_conditions(context, ref, item, r, by);
  if (m.code != Reason::kOk) return refuse(m.code, m.detail);
  m.signer = who;
  if (!plan.is_merge()) {
    m.detail = who + " (pushed by the forge, which authenticated the web user)";
    return m;
  }
  std::vector<std::string> heads;
  for (size_t i = 0; i < plan.heads.size(); ++i) {
    const Oid& head = plan.heads[i];
    if (rule.forge->require_approvals == 0) {
      heads.push_back("merged head " + head.short_hex() + ", no approvals required");
      continue;
    }
    SignedObject at = object;
    at.oid = head;
    at.signed_at = plan.head_times[i];
    const Candidate c{head, false, {}};
    const auto approvals = select_approvals(approval_records(context, c), head, std::nullopt, ref);
    const policy::QuorumVerdict v =
        count_head_approvals(plan.head_checks[i], approvals, rule.signers, rule.forge->require_approvals, at,
                             context.identities, approve_hint(head, ref));
    if (v.code != Reason::kOk) return refuse(v.code, "merged head " + head.short_hex() + ": " + v.detail);
    heads.push_back("merged head " + head.short_hex() + " approved by " + std::to_string(v.approving) + ": " +
                    v.detail);
  }
  m.detail = who + " (" + util::join(heads, "; ") + ")";
  return m;
}

SignerMatch judge_one(const JudgeContext& context, const std::string& ref, const Item& item, const Requirement& r) {
  const std::string_view what = item.candidate->is_tag ? "tag" : "commit";
  SignedObject object;
  object.what = what;
  object.signed_at = item.time;
  object.now = context.now;
  object.oid = item.candidate->oid;
  if (item.tally) object.witnessed_at = item.tally->quorum_at;
  if (context.received_at) {
    const Oid oid = item.candidate->oid;
    object.received_at = [&context, oid] { return context.received_at(oid); };
  }
  switch (r.role) {
    case ObjectRole::kOpen: {
      if (r.rule_conditions == nullptr) return {Reason::kOk, "", "no rule governs this ref: nothing required", {}};
      SignerMatch m{Reason::kOk, "", "open rule: nothing required (open = \"any\")", {}};
      if (r.open == policy::Contributions::kSigned) {
        m = match_any_good(item.check, what);
        m.detail = "open rule: " + m.detail;
      } else if (item.check.status == SignatureStatus::kGood) {
        m.facts = listed_key_facts(*item.check.key);
      }
      return with_conditions(context, ref, item, r, std::move(m));
    }
    case ObjectRole::kContribution: {
      if (r.signers != nullptr) {
        SignerMatch m = with_quorum(
            context, ref, item, r, object,
            with_conditions(context, ref, item, r, match_signers(item.check, *r.signers, object, context.identities)));
        m.detail = "brought in by a forge merge, judged as the rule's own commits: " + m.detail;
        return m;
      }
      SignerMatch m;
      switch (r.contributions) {
        case policy::Contributions::kAny:
          return {Reason::kOk, "", "contribution: nothing required (contributions = \"any\")"};
        case policy::Contributions::kSigned: m = match_any_good(item.check, what); break;
        case policy::Contributions::kKnown: m = match_known(item.check, *r.policy, object, context.identities); break;
      }
      m.detail = "contribution: " + m.detail;
      return m;
    }
    case ObjectRole::kMainline:
    case ObjectRole::kTag:
    case ObjectRole::kGovernance: {
      SignerMatch m =
          with_conditions(context, ref, item, r, match_signers(item.check, *r.signers, object, context.identities));
      if (m.code == Reason::kOk) return with_quorum(context, ref, item, r, object, std::move(m));
      if (r.forge != nullptr) {
        if (auto forge = judge_forge(context, ref, item, r, object)) return std::move(*forge);
      }
      if (r.role == ObjectRole::kGovernance && m.code != Reason::kOk) {
        return {Reason::kPolicyChangeUnauthorized, "",
                "changes the policy in force but is not signed by a [governance] signer (" + m.detail + ")"};
      }
      return m;
    }
  }
  return {Reason::kInternalError, "", "unknown requirement"};
}

}  // namespace

Status judge_objects(const JudgeContext& context, std::span<const Candidate> candidates, RefReport& report,
                     std::vector<Violation>& violations) {
  Budget* budget = context.budget;
  const git::Stop stop = budget != nullptr ? budget->stop() : git::Stop{};
  const Status stopped = Error::internal("judging stopped: the time budget ran out");
  if (budget != nullptr) budget->listed(candidates.size());
  // From here every core has objects to judge: the checks done ahead stop (engine/checked_ahead.h).
  if (context.ahead != nullptr) context.ahead->stop();
  // Reading, parsing and verifying an object needs nothing of any other object, so each worker
  // does all three for the objects it takes (RepoView::read may be called from several threads);
  // only the verdicts below, which consult the registry and write the report, run on this thread,
  // in the candidates' order, so the output does not depend on the threads. A signature the
  // server's records know good is parsed but not verified again; the verdicts never come from
  // the records: who signed, and whether that key may sign here now, is asked every time.
  const policy::WitnessSet* witnesses = context.witnesses;
  const auto counts_receipts = [witnesses](const Item& item) {
    return witnesses != nullptr && !item.malformed && !item.candidate->is_tag;
  };
  // A batch: its items and the signatures the server's records know good among them (sorted).
  struct Batch {
    std::vector<Item> items;
    std::vector<state::GoodSignature> known;
  };
  const auto prepare = [&context, witnesses, &counts_receipts, budget](Item& item,
                                                                       const std::vector<state::GoodSignature>& known) {
    if (Status s = read_item(context.repo, witnesses != nullptr, item); !s) {
      item.failed = s.error();
      return;
    }
    // Receipts are counted with the signature (their Ed25519 checks spread over the same threads).
    if (!item.malformed && item.needs_signature) {
      // The records first (a signature they know is counted as cached whoever verified it
      // meanwhile), then a check done ahead, else the check now.
      const VerifiedBefore before = verified_before(known, item.candidate->oid);
      std::optional<SignatureCheck> ahead;
      if (!before && context.ahead != nullptr) ahead = context.ahead->take(item.candidate->oid);
      item.check = ahead ? std::move(*ahead) : check_signature(item.payload, item.signature, before);
      if (item.check.status == SignatureStatus::kGood && !item.check.cached) {
        item.verified_key = item.check.key->fingerprint_digest();
      }
    }
    if (counts_receipts(item)) tally_receipts(*witnesses, item);
    item.payload = std::string();  // the bytes are not needed past this point: keep a batch small
    item.signature = std::string();
    if (budget != nullptr) budget->verified(1);
  };
  // On this thread: the batch's items and its known signatures (the records are read here only).
  const auto fill = [&context, candidates](size_t start, Batch& batch) {
    const size_t end = std::min(candidates.size(), start + kBatchSize);
    batch.items.assign(end - start, Item{});
    for (size_t i = start; i < end; ++i) batch.items[i - start].candidate = &candidates[i];
    batch.known = known_signatures(context, batch.items);
  };
  // Reading may diff trees (a rule's paths): the budget is asked between objects.
  const auto prepare_all = [&context, &prepare, &stop](Batch& batch) {
    return parallel_for(
        batch.items.size(), context.threads, [&batch, &prepare](size_t i) { prepare(batch.items[i], batch.known); },
        stop);
  };
  // With more than one thread the verdicts of a batch are given while the workers prepare the
  // next one (the verdicts were a fifth of a 100,000-commit push, with a core idle meanwhile).
  Batch current;
  Batch next;
  fill(0, current);
  Status prepared = prepare_all(current);
  for (size_t start = 0; start < candidates.size(); start += kBatchSize) {
    if (!prepared) return stop && stop() ? stopped : prepared;
    const std::vector<Item>& batch = current.items;
    for (const Item& item : batch) {
      if (item.failed) return *item.failed;  // the first in the candidates' order
    }
    if (context.tally != nullptr) {
      for (const Item& item : batch) {
        if (!item.check.key) continue;  // no SSH signature parsed: nothing verified
        ++(item.check.cached ? context.tally->cached : context.tally->verified);
        if (item.verified_key) context.tally->good.push_back({item.candidate->oid, *item.verified_key});
      }
    }
    const bool more = start + kBatchSize < candidates.size();
    Background preparing;  // the next batch
    if (more) {
      fill(start + kBatchSize, next);
      if (context.threads > 1) preparing.start([&prepare_all, &next] { return prepare_all(next); });
    }
    for (const Item& item : batch) {
      if (stop && stop()) return stopped;  // resolving signers may read the registry on demand
      const Candidate& c = *item.candidate;
      const char* kind = c.is_tag ? "tag" : "commit";
      if (item.malformed) {
        const std::string rule = c.requirements.empty() ? "" : c.requirements.front().rule;
        report.objects.push_back({c.oid, kind, c.requirements.empty() ? ObjectRole::kOpen : c.requirements.front().role,
                                  "", "", rule, Reason::kMalformedObject, item.malformed->message});
        violations.push_back({report.ref, c.oid, rule, Reason::kMalformedObject,
                              std::string(kind) + " cannot be read as git reads it: " + item.malformed->message});
        continue;
      }
      const std::string key = item.check.key ? item.check.key->fingerprint() : "";
      for (const Requirement& r : c.requirements) {
        const SignerMatch m = judge_one(context, report.ref, item, r);
        report.objects.push_back(
            {c.oid, kind, r.role, m.code == Reason::kOk ? m.signer : "", key, r.rule, m.code, m.detail});
        if (m.code != Reason::kOk) violations.push_back({report.ref, c.oid, r.rule, m.code, m.detail});
      }
    }
    if (more) {
      prepared = preparing.started() ? preparing.finish() : prepare_all(next);
      std::swap(current, next);
    }
  }
  return {};
}

}  // namespace auths::engine
