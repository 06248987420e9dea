// Counting the votes of a quorum (README.md, "Approvals and quorums"), on plain votes: who
// voted, for or against, and whether as a Human. The hook (src/core/engine/quorum.cpp, votes
// made of signatures and approval records matched against the rule) and `auths policy test`
// (src/core/policy/evaluate.cpp, votes described in a test context) count with this one
// function, so a test suite meets the hook's counting.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auths/reason.h"
#include "policy/policy.h"

namespace auths::policy {

/// One vote by a signer of the set (votes by others are not votes: the caller lists them in
/// `ignored`).
struct Vote {
  std::string voter;  // the identity, or a listed key's fingerprint: one voter, however many votes
  bool approve = true;
  bool human = false;
  std::string how;  // "signature", "approval 2026-...Z": for the message
};

struct QuorumVerdict {
  Reason code = Reason::kOk;  // kOk, kQuorumNotMet, kApprovalRejected
  std::string detail;         // who counted, who rejected, what was not counted
  int approving = 0;
  int humans = 0;
};

/// `set`'s verdict on `votes`: distinct voters; a voter that rejects in any vote rejects; more
/// than max_reject rejecting voters refuse (kApprovalRejected); fewer than `require` approving
/// voters, or fewer than `min_human` of them Human, is kQuorumNotMet, whose detail ends with
/// `approve_hint` (the command another signer runs) when given.
QuorumVerdict count_votes(const SignerSet& set, const std::vector<Vote>& votes, const std::vector<std::string>& ignored,
                          std::string_view what, std::string_view approve_hint);

}  // namespace auths::policy
