// IdentityResolver over the registry. A key speaks for identity X when X's current key is
// that key, or a device link from X names it (both signatures checked when the registry was
// loaded) and the link is valid at the object's time and at the time the server received it.
// A revoked link still counts for an object this server recorded accepting before the
// revocation (state/records.h): never on the strength of a date inside the object.
//
// Agents: an identity A that another identity H delegated to (a link with signer_type Agent
// whose subject is did:keri:A, registry.h) speaks for H too, with the capabilities of every
// link on the way intersected: C(agent) = C(delegator) ∩ C(granted), at every depth up to
// kMaxDelegationDepth. A revoked or expired link anywhere above the signer breaks the chain
// (cascade), with nothing done to the agents below it.
//
// KERI delegations (how the Auths CLI makes devices, agents and org members: a delegated
// identifier whose dip its delegator's KEL anchors, with no delegation record of ours): such an
// identifier D speaks for its delegator too, unless the delegator's KEL revoked it; its
// capabilities are those of the delegator's latest scope seal (none: unrestricted), it is an
// Agent when the delegator marked it so (else Human), and it expires with its scope
// (registry.h, KelDelegation). A KEL revocation carries no time: a revoked delegate is refused
// for every object, as Auths' own verifier does. An identifier that has delegation records of
// ours is judged by those alone (our agents are delegated identifiers too).
//
// Committed evidence (a repository's .auths/ci-bundle.json, engine/evidence.h) is a second
// source: keys are traced in the registry and in the evidence, and a revocation either source
// holds counts for both.
//
// Org conditions (policy.h, SignerSet): the chain's top identity is looked up as a member of
// the policy's org in this repository's project (registry/org.h), at the object's time and at
// receipt; its membership's capabilities intersect the chain's.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/signature_check.h"
#include "registry/org.h"
#include "registry/registry.h"

namespace auths::engine {

inline constexpr size_t kMaxDelegationDepth = 16;

/// One delegation above a signing identity: a delegation record of ours, or a KERI delegation.
struct Hop {
  std::string issuer;                          // the delegator, did:keri
  const keri::Attestation* record = nullptr;   // our agent delegation; nullptr: a KERI delegation
  std::optional<registry::KelDelegation> kel;  // the KERI delegation's facts (record == nullptr)
};

/// One way a key speaks for identities: the identity it signs for directly and the delegations
/// above it, each checked at the object's time and at receipt.
struct SignerPath {
  std::string identity;                       // did:keri the key belongs to or is a device of
  const keri::Attestation* device = nullptr;  // the device link; nullptr = the identity's own key
  std::vector<Hop> hops;                      // delegations, from the signer upward
  std::string root;                           // the identity at the top (== identity without hops)
  keri::SignerType type = keri::SignerType::kHuman;
  /// What the device link and the delegations grant, intersected; nullopt = unrestricted (the
  /// identity's own key, no delegation).
  std::optional<std::set<std::string>> capabilities;
  Reason fault = Reason::kOk;  // a broken link: device or delegation revoked, expired; too deep
  bool revoked = false;        // the device link is revoked, after this server accepted the object
  std::string detail;          // one line
};

/// Every way `key` speaks for an identity of `state` at `object`'s times. `other` (when given)
/// is a second source whose KERI revocations count too (see above).
std::vector<SignerPath> trace_key(const registry::State& state, const crypto::PublicKey& key,
                                  const SignedObject& object, const registry::State* other = nullptr);

/// How a path reaches its identity, in words ("device link did:key:... of did:keri:...",
/// "KERI delegated identifier did:keri:... of did:keri:...", "identity key of ...").
std::string describe_path(const SignerPath& path);

/// Committed evidence beside the registry (engine/evidence.h): its state, and why it may not
/// be used (kOk: it may).
struct EvidenceSource {
  const registry::State* state = nullptr;
  Reason fault = Reason::kOk;
  std::string detail;
};

class RegistryResolver final : public IdentityResolver {
 public:
  explicit RegistryResolver(const registry::State& state, std::string project = {}, EvidenceSource evidence = {})
      : m_state(state), m_project(std::move(project)), m_evidence(std::move(evidence)) {}
  /// Every path `key` has in the registry and in the evidence (marked with its fault).
  std::vector<SignerPath> trace(const crypto::PublicKey& key, const SignedObject& object) const;
  SignerMatch resolve(const crypto::PublicKey& key, const policy::SignerSet& set,
                      const SignedObject& object) const override;

 private:
  SignerMatch judge_path(const SignerPath& path, const policy::SignerSet& set, const SignedObject& object) const;
  /// The facts of an accepted path (policy/conditions.h), `member` its top identity's membership.
  static policy::SignerFacts facts_of(const SignerPath& path, const registry::MemberStatus& member);

  const registry::State& m_state;
  std::string m_project;
  EvidenceSource m_evidence;
};

}  // namespace auths::engine
