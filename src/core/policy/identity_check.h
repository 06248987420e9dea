// Does an identity signer satisfy a signer set (policy.h, SignerSet)? The decision the hook
// makes for every way a key speaks for an identity (src/core/engine/identity_resolver.cpp,
// judge_path) and the one `auths policy test` / `auths policy explain` make on a test context
// (policy/evaluate.cpp): one pure function over plain facts, so the two cannot drift.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auths/reason.h"
#include "policy/policy.h"

namespace auths::policy {

/// An identity signer as far as a signer set cares: the chain a key speaks through and the
/// top identity's membership of the set's org.
struct IdentityFacts {
  std::string identity;                 // the signing identity (did:keri)
  std::vector<std::string> delegators;  // the identities that delegated to it, nearest first
  std::string root;                     // the chain's top identity (== identity without delegators)
  std::string type = "Human";           // "Human", "Agent", "Workload"
  /// What the device link and the delegations grant, intersected; nullopt = unrestricted.
  std::optional<std::set<std::string>> capabilities;
  bool device = false;         // signed through a device link (for messages)
  Reason fault = Reason::kOk;  // a broken link: device or delegation revoked, expired; too deep
  std::string detail;          // the fault, or a note on an accepted chain; one line

  enum class Membership { kNone, kActive, kRevoked, kExpired };
  Membership membership = Membership::kNone;  // of `root` in the set's org
  std::string role;
  std::vector<std::string> teams;
  /// What the membership grants; nullopt = it restricts nothing.
  std::optional<std::vector<std::string>> member_capabilities;
  std::string membership_ended;  // when it was revoked or expired, as written ("" = unknown)
  std::string project;           // for messages ("" = unknown)

  /// "did:keri:A (Agent) <- delegated by did:keri:H": the chain, signer first.
  std::string describe_chain() const;
};

struct IdentityVerdict {
  Reason code = Reason::kUnknownSigner;  // kOk or why not; kUnknownSigner with no detail
  std::string signer;                    // kOk: the named did:keri, or the member's top identity
  std::string detail;                    // one line
};

/// Judges `who` against `set`, in the hook's order: named (the signer, a delegator or the top
/// identity is listed) or a member the roles/teams select, else unknown-signer or not-a-member;
/// a broken link; the membership's state, role and teams (members only); the capabilities
/// (required of members always, of a named identity only when the rule writes them); the
/// signer type.
IdentityVerdict judge_identity(const SignerSet& set, const IdentityFacts& who);

}  // namespace auths::policy
