// The verification batch: reads the objects a ref update brings, verifies their signatures
// (spread over threads; the only expensive step), and asks each object's requirements about
// the signature: the rule's signers for the mainline and the tag, the signers the policy knows
// (or as the rule relaxes it) for contributions, [governance] for policy changes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "auths/types.h"
#include "engine/budget.h"
#include "engine/forge.h"
#include "engine/signature_check.h"
#include "git/repo_view.h"
#include "policy/policy.h"
#include "registry/approval.h"
#include "state/records.h"

namespace auths::engine {

class CheckedAhead;  // engine/checked_ahead.h

/// One thing an object must satisfy.
struct Requirement {
  ObjectRole role = ObjectRole::kMainline;
  std::string rule;  // for reports: the rule's name, "governance", ...
  /// kMainline, kTag, kGovernance; and a kContribution a forge merge brings in: it is judged as
  /// the rule's own commits (engine/forge.h), `rule_conditions` and `quorum` included.
  const policy::SignerSet* signers = nullptr;
  const policy::Policy* policy = nullptr;  // kContribution: whose known signers count
  policy::Contributions contributions = policy::Contributions::kKnown;
  /// The ref's rule, whose conditions (policy/conditions.h) a kMainline or kTag object must also
  /// meet, and an open rule's kOpen objects; nullptr otherwise.
  const policy::Rule* rule_conditions = nullptr;
  /// kOpen: what an open rule asks (kSigned: a good signature by any key; kAny: nothing).
  policy::Contributions open = policy::Contributions::kAny;
  /// Whether `signers`' quorum (require > 1, min_human) applies to this object; false for the
  /// commits under a release tag: the tag's quorum vouches for what it tags.
  bool quorum = true;
  /// kMainline: the commit's signature names a [forge] key (engine/forge.h, planned before the
  /// batch); `rule_conditions` is the rule, which holds [forge].
  const ForgeCommit* forge = nullptr;
};

struct Candidate {
  Oid oid;
  bool is_tag = false;
  std::vector<Requirement> requirements;
  /// A tag: the commit it leads to, whose approvals naming the pushed ref count for the tag.
  std::optional<Oid> tagged_commit = std::nullopt;
};

/// The signature checks of a push: how many signatures were verified, how many the server's
/// records knew good (state/store.h, "Signature checks"), and those verified good, for the
/// records to keep once the push is accepted.
struct SignatureTally {
  size_t verified = 0;
  size_t cached = 0;
  std::vector<state::GoodSignature> good;
};

struct JudgeContext {
  const git::RepoView& repo;
  unsigned threads = 1;
  int64_t now = 0;
  /// When the server received an object (its record, else now).
  std::function<int64_t(const Oid&)> received_at = {};
  const IdentityResolver* identities = nullptr;  // null when no signer set names identities
  std::string project = {};                      // for rule conditions (ObjectFacts::repo)
  /// The approval records of an object (registry/approval.h), for quorums (engine/quorum.h);
  /// empty when unset.
  std::function<std::vector<const registry::Approval*>(const Oid&)> approvals = {};
  /// The policy's [witness] (null without one): the receipts of every commit are counted
  /// against it, for require_log and as the time a quorum saw the commit.
  const policy::WitnessSet* witnesses = nullptr;
  /// The server's time budget (null: none): asked before each object is read and verified, by
  /// every verification thread; past it judge_objects stops and returns an Error (what it judged
  /// so far is incomplete and must not count).
  Budget* budget = nullptr;
  /// The server's records of signatures it verified good, asked once per batch; a signature
  /// found there is parsed but not verified again (check_signature). Null: every one is verified.
  const state::Records* verified_signatures = nullptr;
  /// Counts the signature checks and collects the good ones (null: not counted).
  SignatureTally* tally = nullptr;
  /// Signature checks done ahead while the history was walked (engine/checked_ahead.h): an
  /// object found there is not checked again, unless the records know it (null: none).
  CheckedAhead* ahead = nullptr;
};

/// Judges every candidate; each judgement becomes an ObjectReport in `report.objects`, each
/// refusal a Violation in `violations` (an object git would read otherwise than it looks is
/// kMalformedObject). An Error means an object could not be read at all.
Status judge_objects(const JudgeContext& context, std::span<const Candidate> candidates, RefReport& report,
                     std::vector<Violation>& violations);

}  // namespace auths::engine
