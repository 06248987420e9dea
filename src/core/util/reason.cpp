// The reason-code table (auths/reason.h). Rows are in the enum's order; a static_assert and a
// unit test keep the two aligned, and the README table is checked against `meaning`.
#include "auths/reason.h"

#include <array>

namespace auths {

namespace {

constexpr std::string_view kSignHint =
    "sign with an SSH key: git config gpg.format ssh; git config user.signingKey <key.pub>; git commit -S";
constexpr std::string_view kExplainHint =
    "ask a governance signer to add your key to .auths/policy.toml, or run 'auths hook run --explain' to see every "
    "decision";
constexpr std::string_view kRecordHint =
    "run 'auths verify' on the record, or republish it with 'auths registry publish'";

constexpr std::array kReasons = {
    ReasonInfo{Reason::kOk, "ok", "accepted", "", false},
    ReasonInfo{Reason::kUnsigned, "unsigned",
               "the commit or tag carries no signature (or a release tag is lightweight)", kSignHint, false},
    ReasonInfo{Reason::kUnknownSigner, "unknown-signer", "signed, but by a key that is not a signer of the rule",
               kExplainHint, false},
    ReasonInfo{Reason::kBadSignature, "bad-signature",
               "the signature does not verify over this object (altered, copied from another object, malformed)", "",
               false},
    ReasonInfo{Reason::kNamespaceMismatch, "namespace-mismatch",
               "an SSHSIG made for another namespace than `git`, or a key whose `namespaces=` excludes `git`", "",
               false},
    ReasonInfo{Reason::kUnsupportedSignature, "unsupported-signature",
               "OpenPGP, X.509, SSHSIG version > 1, `ssh-rsa` (SHA-1) signatures",
               "sign with an SSH key (gpg.format=ssh)", false},
    ReasonInfo{Reason::kSignerNotYetValid, "signer-not-yet-valid",
               "before the key's `valid-after` at the committer/tagger time", "", false},
    ReasonInfo{Reason::kSignerExpired, "signer-expired",
               "after the key's `valid-before` at the committer/tagger time, or at the time the server received the "
               "object",
               "ask a governance signer to extend the key's valid-before", false},
    ReasonInfo{Reason::kDeviceRevoked, "device-revoked",
               "signed by a device whose link to a listed identity is revoked, or by a KERI delegated identifier "
               "(an Auths device) its delegator's KEL revoked",
               "sign with a device that is still linked (auths device link)", false},
    ReasonInfo{Reason::kDeviceExpired, "device-expired",
               "signed by a device whose link, or KERI delegation scope, expired at the commit's time or now",
               "link the device again (auths device link)", false},
    ReasonInfo{Reason::kDeviceNotValid, "device-not-valid",
               "signed by a device whose link is not valid at the commit's time (dated before the link), or whose "
               "KERI delegation scope seal cannot be read",
               "", false},
    ReasonInfo{Reason::kBundleStale, "bundle-stale",
               "signed by an identity known only from the committed `.auths/ci-bundle.json`, which is older than its "
               "`max_valid_for_secs`",
               "commit a fresh identity bundle (a change under .auths/: signed by a [governance] signer)", false},
    ReasonInfo{Reason::kBundleInvalid, "bundle-invalid",
               "the committed `.auths/ci-bundle.json` does not verify (a field, an event's signatures or its "
               "delegation seal): nothing in it counts, and an identity only it could vouch for is refused",
               "commit a bundle that verifies (auths verify-commit shows why this one does not)", false},
    ReasonInfo{Reason::kThresholdNotMet, "threshold-not-met",
               "no longer produced (quorums count approvals: `quorum-not-met`); kept so older audit logs still read",
               "", false},
    ReasonInfo{Reason::kQuorumNotMet, "quorum-not-met",
               "too few distinct signers of the rule approved the object (its signature plus approval records), or "
               "too few of them are Human (`min_human`)",
               "a signer of the rule approves with `auths release approve <tag-or-commit>`, then pushes "
               "refs/auths/registry with the ref",
               false},
    ReasonInfo{Reason::kApprovalRejected, "approval-rejected",
               "more signers of the rule rejected the object (`auths release approve --reject`) than `max_reject` "
               "allows",
               "", false},
    ReasonInfo{Reason::kNotAMember, "not-a-member",
               "the rule selects signers by org role or team, and the signer is not a member of the policy's `org`",
               "ask an org admin to add you: auths org add-member <your did:keri> --role member", false},
    ReasonInfo{Reason::kMemberRevoked, "member-revoked", "the signer's (or its delegator's) org membership is revoked",
               "an org admin can add the member again (auths org add-member)", false},
    ReasonInfo{Reason::kMemberExpired, "member-expired",
               "the signer's (or its delegator's) org membership expired at the object's time or now",
               "ask an org admin to renew the membership (auths org add-member ... --expires-in-days N)", false},
    ReasonInfo{Reason::kMissingCapability, "missing-capability",
               "the signer's membership or device link does not grant a capability the rule requires "
               "(`sign_commit`, `sign_release`, `manage_members` by default)",
               "ask an org admin for the capability (auths org add-member <did> --capabilities ...)", false},
    ReasonInfo{Reason::kRoleNotAllowed, "role-not-allowed",
               "the signer is a member, but with a role the rule does not list (in this repository)",
               "run 'auths org show <did>' to see the member's role here", false},
    ReasonInfo{Reason::kTeamNotAllowed, "team-not-allowed", "the signer is a member of none of the rule's teams",
               "ask an org admin to add you to the team (auths org add-member <did> --teams ...)", false},
    ReasonInfo{Reason::kSignerTypeNotAllowed, "signer-type-not-allowed",
               "the signer is of a type (Human, Agent, Workload) the rule's `signer_types` does not list",
               "agents and workloads push to the branches their rule allows (e.g. refs/heads/bot/*)", false},
    ReasonInfo{Reason::kAgentScopeExceeded, "agent-scope-exceeded",
               "an agent's grant (intersected along its delegation chain) lacks a capability its delegator has",
               "the delegator can grant the agent more (auths init --profile agent --capabilities ...)", false},
    ReasonInfo{Reason::kDelegationTooDeep, "delegation-too-deep",
               "a delegation chain of more than 16 links (agents delegating to agents)", "", false},
    ReasonInfo{Reason::kDelegatorRevoked, "delegator-revoked",
               "a link above the signer in its delegation chain (the delegating human or agent, its device, its "
               "membership) is revoked or expired: everything delegated below it falls with it",
               "the delegator must be reinstated, or the agent delegated again by someone valid", false},
    ReasonInfo{Reason::kFrozen, "frozen",
               "an org admin froze the org (auths emergency freeze): every push is refused until the freeze ends or "
               "an admin unfreezes",
               "wait for 'auths emergency unfreeze' by an org admin (the registry update itself is allowed)", false},
    ReasonInfo{Reason::kPathNotAllowed, "path-not-allowed",
               "a commit changes a path outside the rule's `paths` (compared with its first parent)",
               "this signer may change only the paths the rule lists; ask a maintainer for the rest", false},
    ReasonInfo{Reason::kTtlExceeded, "ttl-exceeded",
               "the credential the signature rests on (device link, agent delegation) lives longer than the rule's "
               "`max_ttl`, or has no expiry, or the key is listed directly",
               "issue a shorter-lived credential (auths init --profile agent --expires-in 1h)", false},
    ReasonInfo{Reason::kEphemeralNotAllowed, "ephemeral-not-allowed",
               "signed by an ephemeral agent (key only in ssh-agent) under a rule without `allow_ephemeral = true`", "",
               false},
    ReasonInfo{Reason::kWitnessQuorumNotMet, "witness-quorum-not-met",
               "the rule sets `require_log = \"witness\"` and fewer than `[witness] threshold` distinct witnesses of "
               "the policy gave the commit a valid receipt",
               "commit with the auths-commit-msg hook installed and the witnesses reachable (git config "
               "auths.witnesses), or amend the commit to ask them again",
               false},
    ReasonInfo{Reason::kWitnessReceiptMismatch, "witness-receipt-mismatch",
               "the commit carries a witness receipt for another tree, other parents or another signer (copied from "
               "another commit, or stale after an amend or a rebase)",
               "amend the commit with the auths-commit-msg hook installed: it replaces stale receipts", false},
    ReasonInfo{Reason::kExpressionDenied, "expression-denied",
               "the rule's expression policy denies the signer, or cannot decide (indeterminate counts as deny)",
               "run 'auths policy explain' with the signer and ref to see which predicate decided", false},
    ReasonInfo{Reason::kForgeCommitNotAllowed, "forge-commit-not-allowed",
               "a commit signed by a key of the policy's `[forge]` (the forge's own signing key) that the rule does "
               "not accept as a forge commit (not opted in, not a merge whose merged-in commits pass the rule, an "
               "edit the forge did not make)",
               "merge through the forge's merge button with the merge style the policy allows, or sign the commit "
               "yourself",
               false},
    ReasonInfo{Reason::kMalformedObject, "malformed-object",
               "a commit or tag that git would read differently than it looks (duplicate or misplaced headers, "
               "several signatures, no committer or timestamp): refused, never guessed",
               "recreate the object with git itself (git commit --amend -S, git tag -s -f)", false},
    ReasonInfo{Reason::kNotACommit, "not-a-commit",
               "the ref points at a tree or blob, which cannot carry a signature, under a rule that requires one", "",
               false},
    ReasonInfo{Reason::kTagNameMismatch, "tag-name-mismatch",
               "the tag object names another tag than the ref it is pushed to (`v1.0` pushed as `refs/tags/v2.0`)",
               "push the tag under its own name, or sign a new tag (git tag -s)", false},
    ReasonInfo{Reason::kForcePushDenied, "force-push-denied",
               "a non-fast-forward update, or a deleted ref created again without its history, that the rule does "
               "not allow",
               "set allow_force_push = true in the rule to permit non-fast-forward updates", false},
    ReasonInfo{Reason::kDeleteDenied, "delete-denied",
               "a deletion the rule does not allow (the default branch, which carries the policy, is never deleted)",
               "set allow_delete = true in the rule to permit deleting the ref", false},
    ReasonInfo{Reason::kPolicyChangeUnauthorized, "policy-change-unauthorized",
               "a commit on the default branch changes `.auths/` (or a file the policy names) without a "
               "`[governance]` signature",
               "changes to .auths/ must be signed by a [governance] signer of the policy in force", false},
    ReasonInfo{Reason::kPolicyInvalid, "policy-invalid",
               "the policy in force does not load (exit 2), or the pushed one would not",
               "a [governance] signer of the last valid policy can push a fix", false},
    ReasonInfo{Reason::kPolicyUnsatisfiable, "policy-unsatisfiable",
               "the pushed policy could never be satisfied or changed (no `[governance]`, a `require` nothing can "
               "meet)",
               "add a [governance] section and keep require within what signers can produce", false},
    ReasonInfo{Reason::kNoPolicy, "no-policy", "no policy on the default branch and `auths.bootstrap` is not `allow`",
               "commit .auths/policy.toml, or set 'git config auths.bootstrap allow' on the server to accept the "
               "first policy on trust",
               false},
    ReasonInfo{Reason::kNoRule, "no-rule", "no rule matches the ref and `default` is `deny`",
               "add a rule whose refs match this ref, or set default = \"allow\"", false},
    ReasonInfo{Reason::kDefaultBranchMissing, "default-branch-missing",
               "`HEAD` names a branch the repository does not have, so there is no policy in force (exit 2)",
               "point HEAD at the branch that carries .auths/policy.toml: git symbolic-ref HEAD refs/heads/<branch>",
               true},
    ReasonInfo{Reason::kTrustRootMismatch, "trust-root-mismatch",
               "the policy (in force, pushed or bootstrapping) gives `[governance]` or its `org` to an identity that "
               "is not among the `trust_roots` the server's hooks.yaml pins for this repository",
               "ask the server admin which trust roots hooks.yaml pins for this repository ('auths config show')",
               false},
    ReasonInfo{Reason::kPushTooLarge, "push-too-large",
               "the push brings more new commits than the server's `max_push_commits` (hooks.yaml) allows",
               "push in smaller parts, or ask the server admin to raise max_push_commits", false},
    ReasonInfo{Reason::kRegistryNotFastForward, "registry-not-fast-forward",
               "a registry update that does not build on the current registry (records would be lost)", "", false},
    ReasonInfo{Reason::kRegistryMerge, "registry-merge",
               "a registry update with a merge commit (history must be linear)", "", false},
    ReasonInfo{Reason::kRegistryEdit, "registry-edit", "a registry update that changes or removes a record", "", false},
    ReasonInfo{Reason::kRegistryInvalidRecord, "registry-invalid-record",
               "a registry update adding a record that is not valid on top of the registry; the message names the "
               "record and the fault",
               kRecordHint, false},
    ReasonInfo{Reason::kRegistryTooLarge, "registry-too-large", "a registry update with too many commits or records",
               "", false},
    ReasonInfo{
        Reason::kRegistryMixedLayout, "registry-mixed-layout",
        "a registry holding files of both layouts, this toolkit's (`v1/identities/<prefix>/kel/...`) and the "
        "Auths tools' (`v1/identities/<2>/<2>/<prefix>/events/...`, `v1/devices/...`); the message names the file",
        "keep one layout per registry: publish with the tool that wrote the registry", false},
    ReasonInfo{Reason::kRegistryCacheMismatch, "registry-cache-mismatch",
               "a cache file of the Auths layout (`tip.json`, `state.json`) that contradicts the key event log beside "
               "it; the message names the file",
               "rewrite the cache from the key event log, or leave it out", false},
    ReasonInfo{Reason::kKelMalformed, "kel-malformed", "a key event with wrong fields, types or encodings", "", false},
    ReasonInfo{Reason::kKelUnsupported, "kel-unsupported",
               "a key event this version does not read (weighted thresholds, foreign prefixes)", "", false},
    ReasonInfo{Reason::kKelNotInception, "kel-not-inception",
               "the first event of a key event log is not an inception, or a later one is", "", false},
    ReasonInfo{Reason::kKelPrefixMismatch, "kel-prefix-mismatch", "an event's `i` is not its log's prefix", "", false},
    ReasonInfo{Reason::kKelBadVersion, "kel-bad-version", "an event's `v` does not state its serialization's size", "",
               false},
    ReasonInfo{Reason::kKelSaidMismatch, "kel-said-mismatch", "an event's `d` is not its digest (tampered)", "", false},
    ReasonInfo{Reason::kKelDuplicateSequence, "kel-duplicate-sequence", "an event's `s` repeats or goes back", "",
               false},
    ReasonInfo{Reason::kKelSequenceGap, "kel-sequence-gap", "an event's `s` skips a number", "", false},
    ReasonInfo{Reason::kKelBrokenChain, "kel-broken-chain", "an event's `p` is not the previous event's digest", "",
               false},
    ReasonInfo{Reason::kKelBadSignature, "kel-bad-signature", "a signature attached to an event does not verify", "",
               false},
    ReasonInfo{Reason::kKelThresholdNotMet, "kel-threshold-not-met", "an event has fewer valid signers than `kt`", "",
               false},
    ReasonInfo{Reason::kKelBadPreRotation, "kel-bad-pre-rotation",
               "a rotation's new keys do not match the prior commitments", "", false},
    ReasonInfo{Reason::kKelAbandoned, "kel-abandoned", "an event after the identity gave up its next keys", "", false},
    ReasonInfo{Reason::kKelEstablishmentOnly, "kel-establishment-only",
               "an interaction event in a log configured establishment-only", "", false},
    ReasonInfo{Reason::kKelDelegationNotAnchored, "kel-delegation-not-anchored",
               "a delegated event (`dip`, `drt`) that its delegator's key event log does not anchor with a seal "
               "{i, s, d}, or whose delegator is unknown or more than 16 delegators deep",
               "publish the delegator's anchoring event with (or before) the delegated one", false},
    ReasonInfo{Reason::kAttestationMalformed, "attestation-malformed", "an attestation with wrong fields or encodings",
               "", false},
    ReasonInfo{Reason::kAttestationIssuerMismatch, "attestation-issuer-mismatch",
               "an attestation's issuer is not the identity whose log was given", "", false},
    ReasonInfo{Reason::kAttestationSubjectKeyMismatch, "attestation-subject-key-mismatch",
               "an attestation's `did:key` subject is not its device key", "", false},
    ReasonInfo{Reason::kAttestationBadIdentitySignature, "attestation-bad-identity-signature",
               "an attestation's identity signature is missing or not by the keys that anchored it", "", false},
    ReasonInfo{Reason::kAttestationBadDeviceSignature, "attestation-bad-device-signature",
               "a device link's device signature is missing or not by the device key", "", false},
    ReasonInfo{Reason::kAttestationNotAnchored, "attestation-not-anchored",
               "a link or revocation that no event of its issuer's key event log anchors",
               "link and revoke with 'auths device link/revoke', which anchor the record", false},
    ReasonInfo{Reason::kAttestationExpired, "attestation-expired", "an attestation past its `expires_at`", "", false},
    ReasonInfo{Reason::kAttestationRevoked, "attestation-revoked", "an attestation that is revoked", "", false},
    ReasonInfo{Reason::kAttestationFromTheFuture, "attestation-from-the-future",
               "an attestation dated more than 5 minutes after the time it is checked at", "", false},
    ReasonInfo{Reason::kInternalError, "internal-error",
               "the hook could not decide: an unreadable object, repository or registry (exit 2)", "", true},
    ReasonInfo{Reason::kAuditFailed, "audit-failed", "the audit line of the decision could not be written (exit 2)",
               "check that the file 'git config auths.auditLog' names is writable", true},
    ReasonInfo{Reason::kTimeBudgetExceeded, "time-budget-exceeded",
               "verifying the push would take longer than the server's `time_budget_ms` (hooks.yaml): refused "
               "before it was fully checked (exit 2)",
               "push in smaller parts, or ask the server admin to raise time_budget_ms", true},
};

constexpr bool rows_in_enum_order() {
  for (size_t i = 0; i < kReasons.size(); ++i) {
    if (static_cast<size_t>(kReasons[i].code) != i) return false;
  }
  return true;
}
static_assert(rows_in_enum_order(), "kReasons must list every Reason in declaration order");
static_assert(kReasons.back().code == Reason::kTimeBudgetExceeded, "kReasons must end with the last Reason");

}  // namespace

std::span<const ReasonInfo> all_reasons() { return kReasons; }

const ReasonInfo& describe(Reason code) { return kReasons[static_cast<size_t>(code)]; }

std::string_view name(Reason code) { return describe(code).name; }

std::string_view hint(Reason code) { return describe(code).hint; }

std::optional<Reason> reason_from_name(std::string_view name) {
  for (const auto& row : kReasons) {
    if (row.name == name) return row.code;
  }
  return std::nullopt;
}

}  // namespace auths
