// Quorums: an object that a signer set with `require` > 1 or `min_human` > 0 governs (a release
// tag, a mainline commit, a policy change under [governance]) is accepted when enough distinct
// signers of the set vote for it (README.md, "Approvals and quorums"). Votes are the object's
// own signature and the approval records of the registry (registry/approval.h) for it; each
// vote's key is matched with match_signers, exactly as a signature is, at the record's time and
// at receipt. Pure: the caller hands in the checked signature and the records.
//
// Counting:
//   - distinct signers: an identity (did:keri) counts once, whatever device or agent voted for
//     it; a key listed directly counts by its fingerprint;
//   - Human: a vote whose key speaks for the set through a Human identity path (the same
//     match with signer_types = ["Human"]); a key listed directly counts as Human (the policy
//     author vouches for it); an agent never does;
//   - a signer that both approves and rejects rejects; more than `max_reject` rejections by
//     signers of the set refuse the object (approval-rejected) whatever the approvals;
//   - the object's own signature must itself match (its refusal stands otherwise) and is an
//     approval.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/signature_check.h"
#include "policy/policy.h"
#include "policy/quorum.h"
#include "registry/approval.h"

namespace auths::engine {

/// The approval records that count for `object` pushed as `ref`, out of `records` (those of
/// the object and, for a tag, of the commit it leads to): a record of `object` itself, unless it
/// names another ref; a record of `tagged_commit` only when it names `ref`. Others never count.
std::vector<const registry::Approval*> select_approvals(std::span<const registry::Approval* const> records,
                                                        const Oid& object, const std::optional<Oid>& tagged_commit,
                                                        std::string_view ref);

/// The verdict of `set` on an object whose signature check is `own` (the match already made:
/// `own_match`), with the approval records `approvals` of it (already restricted to this object
/// and ref). kOk with the signers who counted, kQuorumNotMet, kApprovalRejected, or own_match's
/// refusal. `approve_hint` is the command that would add an approval, for the message.
SignerMatch count_quorum(const SignatureCheck& own, const SignerMatch& own_match,
                         std::span<const registry::Approval* const> approvals, const policy::SignerSet& set,
                         const SignedObject& object, const IdentityResolver* resolver, const std::string& approve_hint);

/// The same verdict for an object that carries no signature of its own (an artifact,
/// engine/artifact.h): only `approvals` vote, each matched at its own timestamp; `vote_word`
/// names one in the summary ("signature"). The signer returned with kOk is "".
SignerMatch count_approvals(std::span<const registry::Approval* const> approvals, const policy::SignerSet& set,
                            const SignedObject& object, const IdentityResolver* resolver,
                            const std::string& approve_hint, const std::string& vote_word);

/// [forge] `require_approvals` (engine/forge.h): the approvals of a head a forge merge brings
/// in, by `required` distinct signers of `set` (the rule's; min_human not asked, max_reject as
/// the set says). The head's own signer (`head`, its checked signature, when it speaks for the
/// set) is not counted: nobody approves their own work. `object` describes the head.
policy::QuorumVerdict count_head_approvals(const SignatureCheck& head,
                                           std::span<const registry::Approval* const> approvals,
                                           const policy::SignerSet& set, int required, const SignedObject& object,
                                           const IdentityResolver* resolver, const std::string& approve_hint);

}  // namespace auths::engine
