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

/// One way a key speaks for identities: the identity it signs for directly and the delegations
/// above it, each checked at the object's time and at receipt.
struct SignerPath {
  std::string identity;                        // did:keri the key belongs to or is a device of
  const keri::Attestation* device = nullptr;   // the device link; nullptr = the identity's own key
  std::vector<const keri::Attestation*> hops;  // agent delegations, from the signer upward
  std::string root;                            // the identity at the top (== identity without hops)
  keri::SignerType type = keri::SignerType::kHuman;
  /// What the device link and the delegations grant, intersected; nullopt = unrestricted (the
  /// identity's own key, no delegation).
  std::optional<std::set<std::string>> capabilities;
  Reason fault = Reason::kOk;  // a broken link: device or delegation revoked, expired; too deep
  bool revoked = false;        // the device link is revoked, after this server accepted the object
  std::string detail;          // one line
};

/// Every way `key` speaks for an identity of `state` at `object`'s times.
std::vector<SignerPath> trace_key(const registry::State& state, const crypto::PublicKey& key,
                                  const SignedObject& object);

class RegistryResolver final : public IdentityResolver {
 public:
  explicit RegistryResolver(const registry::State& state, std::string project = {})
      : m_state(state), m_project(std::move(project)) {}
  SignerMatch resolve(const crypto::PublicKey& key, const policy::SignerSet& set,
                      const SignedObject& object) const override;

 private:
  SignerMatch judge_path(const SignerPath& path, const policy::SignerSet& set, const SignedObject& object) const;
  /// The facts of an accepted path (policy/conditions.h), `member` its top identity's membership.
  static policy::SignerFacts facts_of(const SignerPath& path, const registry::MemberStatus& member);

  const registry::State& m_state;
  std::string m_project;
};

}  // namespace auths::engine
