#include "engine/identity_resolver.h"

#include <algorithm>

#include "policy/identity_check.h"
#include "registry/org.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths::engine {

namespace {

void restrict_to(std::optional<std::set<std::string>>& capabilities, const std::vector<std::string>& granted) {
  std::set<std::string> out;
  for (const auto& c : granted) {
    if (!capabilities || capabilities->count(c) != 0) out.insert(c);
  }
  capabilities = std::move(out);
}

/// When something the signer cannot choose first saw `object`: the server's record of accepting
/// it (`received`) or, when earlier, the time a quorum of witnesses receipted it (issue 11:
/// "receipt time is the anchored signing time"; SignedObject::witnessed_at).
int64_t anchored_time(const SignedObject& object, int64_t received) {
  return object.witnessed_at ? std::min(received, *object.witnessed_at) : received;
}

/// Why a link (device or delegation) does not hold for `object`, or kOk. A revoked link holds
/// only for an object the server recorded accepting, or a quorum of witnesses receipted, before
/// the revocation.
std::pair<Reason, std::string> link_fault(const registry::Grant& grant, const SignedObject& object, int64_t received,
                                          Reason revoked, Reason expired, Reason not_valid, const std::string& what) {
  if (grant.revocation != nullptr) {
    if (anchored_time(object, received) < grant.revocation->revoked_at->unix_seconds) return {Reason::kOk, ""};
    return {revoked, what + " was revoked at " + grant.revocation->revoked_at->text};
  }
  Reason fault = Reason::kOk;
  const bool valid_then = keri::check_validity(*grant.link, object.signed_at, &fault).has_value();
  if (valid_then && keri::check_validity(*grant.link, received, &fault).has_value()) return {Reason::kOk, ""};
  const std::string when = grant.link->expires_at ? grant.link->expires_at->text : util::format_utc(object.signed_at);
  return {fault == Reason::kAttestationExpired ? expired : not_valid,
          what + " is not valid (" + std::string(name(fault)) + ", expires " + when + ")"};
}

/// Why the KERI delegation `facts` (of the identifier the path reached, a device when it is the
/// first hop) does not hold for `object`, or kOk. `other` is a second source whose revocation
/// of the same delegate counts too.
std::pair<Reason, std::string> kel_fault(const registry::KelDelegation& facts, const SignedObject& object,
                                         int64_t received, bool first, const registry::State* other) {
  const std::string what = "delegated identifier did:keri:" + facts.delegate + " of did:keri:" + facts.delegator;
  std::optional<uint64_t> revoked = facts.revoked_at;
  if (!revoked && other != nullptr) {
    if (const auto elsewhere = other->kel_delegation(facts.delegate);
        elsewhere && elsewhere->delegator == facts.delegator)
      revoked = elsewhere->revoked_at;
  }
  if (revoked) {
    return {first ? Reason::kDeviceRevoked : Reason::kDelegatorRevoked,
            what + " was revoked by event " + std::to_string(*revoked) + " of its delegator's KEL"};
  }
  if (!facts.scope_error.empty())
    return {first ? Reason::kDeviceNotValid : Reason::kDelegatorRevoked, facts.scope_error};
  if (facts.expires_at && (object.signed_at > *facts.expires_at || received > *facts.expires_at)) {
    return {first ? Reason::kDeviceExpired : Reason::kDelegatorRevoked,
            what + " expired at " + util::format_utc(*facts.expires_at) + " (its scope seal)"};
  }
  return {Reason::kOk, ""};
}

/// Walks the delegations above `path.identity`: delegation records of ours, else the KERI
/// delegation of a delegated identifier.
void walk_delegations(const registry::State& state, const SignedObject& object, int64_t received, SignerPath& path,
                      const registry::State* other) {
  std::set<std::string> seen{path.identity};
  std::string current = path.identity;
  const auto too_deep = [&] {
    if (path.hops.size() <= kMaxDelegationDepth && seen.insert(current).second) return false;
    path.fault = Reason::kDelegationTooDeep;
    path.detail = "the delegation chain above " + path.identity + " is longer than " +
                  std::to_string(kMaxDelegationDepth) + " links";
    return true;
  };
  for (;;) {
    const std::vector<registry::Grant> grants = state.delegations_of(current);
    if (grants.empty()) {
      auto prefix = keri::parse_did_keri(current);
      std::optional<registry::KelDelegation> facts;
      if (prefix) facts = state.kel_delegation(*prefix);
      if (!facts) break;
      const bool first = path.hops.empty();
      auto fault = kel_fault(*facts, object, received, first, other);
      path.root = "did:keri:" + facts->delegator;
      if (fault.first != Reason::kOk) {
        path.fault = fault.first;
        path.detail = std::move(fault.second);
        return;
      }
      if (first) path.type = facts->agent ? keri::SignerType::kAgent : keri::SignerType::kHuman;
      if (facts->scoped) restrict_to(path.capabilities, facts->capabilities);
      path.hops.push_back({path.root, nullptr, std::move(*facts)});
      current = path.root;
      if (too_deep()) return;
      continue;
    }
    // The latest delegation that holds; without one, why the latest does not.
    const registry::Grant* holding = nullptr;
    std::pair<Reason, std::string> refusal{Reason::kOk, ""};
    for (const auto& grant : grants) {
      auto fault = link_fault(grant, object, received, Reason::kDelegatorRevoked, Reason::kDelegatorRevoked,
                              Reason::kDelegatorRevoked, "the delegation of " + current + " by " + grant.link->issuer);
      if (fault.first == Reason::kOk) {
        if (holding == nullptr || !(grant.link->timestamp < holding->link->timestamp)) holding = &grant;
      } else {
        refusal = std::move(fault);
      }
    }
    if (holding == nullptr) {
      path.fault = refusal.first;
      path.detail = refusal.second;
      path.root = grants.back().link->issuer;
      return;
    }
    // The signer is what its own delegation says (Agent or Workload).
    if (path.hops.empty()) path.type = holding->link->signer_type;
    path.hops.push_back({holding->link->issuer, holding->link, std::nullopt});
    restrict_to(path.capabilities, holding->link->capabilities);
    current = holding->link->issuer;
    path.root = current;
    if (too_deep()) return;
  }
}

}  // namespace

std::vector<SignerPath> trace_key(const registry::State& state, const crypto::PublicKey& key,
                                  const SignedObject& object, const registry::State* other) {
  std::optional<int64_t> received_memo;
  const auto received = [&] {
    if (!received_memo) received_memo = object.received_at ? object.received_at() : object.now;
    return *received_memo;
  };
  std::vector<SignerPath> paths;
  // The identity key itself (a root, or an agent, may sign directly).
  for (const keri::KeyState* key_state : state.identities_with_key(key)) {
    SignerPath path;
    path.identity = key_state->did();
    path.root = path.identity;
    paths.push_back(std::move(path));
  }
  // Device links (an agent delegation links the agent's own key: reached above, as the agent).
  auto device = key.to_did_key();
  const std::string device_did = device ? *device : key.fingerprint();
  for (const auto& grant : state.grants_for_key(key)) {
    if (grant.identity == nullptr || grant.link->is_agent_delegation()) continue;
    SignerPath path;
    path.identity = grant.link->issuer;
    path.root = path.identity;
    path.device = grant.link;
    path.type = grant.link->signer_type;
    restrict_to(path.capabilities, grant.link->capabilities);
    auto fault = link_fault(grant, object, received(), Reason::kDeviceRevoked, Reason::kDeviceExpired,
                            Reason::kDeviceNotValid, "device " + device_did + " of " + path.identity);
    path.fault = fault.first;
    path.detail = std::move(fault.second);
    if (path.fault == Reason::kOk && grant.revocation != nullptr) {
      path.revoked = true;
      const int64_t anchored = anchored_time(object, received());
      const std::string by = anchored < received() ? "receipted by a quorum of witnesses" : "accepted by this server";
      path.detail = "device " + device_did + " of " + path.identity + ", revoked at " +
                    grant.revocation->revoked_at->text + " but " + by + " at " + util::format_utc(anchored) +
                    ", before the revocation";
    }
    paths.push_back(std::move(path));
  }
  for (auto& path : paths) {
    if (path.fault == Reason::kOk) walk_delegations(state, object, received(), path, other);
  }
  return paths;
}

std::string describe_path(const SignerPath& path) {
  std::string out;
  if (path.device != nullptr) {
    out = "device link " + path.device->subject + " of " + path.identity;
  } else if (!path.hops.empty() && path.hops.front().record == nullptr) {
    out = "KERI delegated identifier " + path.identity + " of " + path.hops.front().issuer;
  } else if (!path.hops.empty()) {
    out = "agent " + path.identity + " delegated by " + path.hops.front().issuer;
  } else {
    out = "identity key of " + path.identity;
  }
  for (size_t i = 1; i < path.hops.size(); ++i) {
    out += path.hops[i].record == nullptr ? ", KERI-delegated by " : ", delegated by ";
    out += path.hops[i].issuer;
  }
  return out;
}

std::vector<SignerPath> RegistryResolver::trace(const crypto::PublicKey& key, const SignedObject& object) const {
  std::vector<SignerPath> paths = trace_key(m_state, key, object, m_evidence.state);
  if (m_evidence.state == nullptr) return paths;
  for (auto& path : trace_key(*m_evidence.state, key, object, &m_state)) {
    if (path.fault == Reason::kOk && m_evidence.fault != Reason::kOk) {
      path.fault = m_evidence.fault;
      path.detail = m_evidence.detail;
    }
    paths.push_back(std::move(path));
  }
  return paths;
}

SignerMatch RegistryResolver::judge_path(const SignerPath& path, const policy::SignerSet& set,
                                         const SignedObject& object) const {
  // Membership of the chain's top identity, at the object's time and at receipt.
  using Kind = registry::MemberStatus::Kind;
  registry::MemberStatus member;
  if (!set.org.empty()) {
    const int64_t received = object.received_at ? object.received_at() : object.now;
    member = registry::membership_at(m_state, set.org, path.root, m_project, object.signed_at);
    if (member.kind == Kind::kActive)
      member = registry::membership_at(m_state, set.org, path.root, m_project, received);
  }
  // The decision itself is policy::judge_identity, shared with `auths policy test`.
  policy::IdentityFacts who;
  who.identity = path.identity;
  for (const auto& hop : path.hops) who.delegators.push_back(hop.issuer);
  who.root = path.root;
  who.type = keri::to_string(path.type);
  who.capabilities = path.capabilities;
  who.device = path.device != nullptr;
  who.fault = path.fault;
  who.detail = path.detail;
  who.project = m_project;
  if (member.record != nullptr) {
    using Membership = policy::IdentityFacts::Membership;
    who.membership = member.kind == Kind::kRevoked   ? Membership::kRevoked
                     : member.kind == Kind::kExpired ? Membership::kExpired
                                                     : Membership::kActive;
    who.role = member.record->role.value_or("");
    who.teams = member.record->teams;
    who.member_capabilities = member.record->capabilities;
    if (member.kind == Kind::kRevoked) who.membership_ended = member.revocation->revoked_at->text;
    if (member.kind == Kind::kExpired) who.membership_ended = member.record->expires_at->text;
  } else if (!set.org.empty() && !path.hops.empty() && path.hops.front().kel && path.hops.front().issuer == set.org &&
             !path.hops.front().kel->role.empty()) {
    // A member the org delegated as a KERI identifier, its role in the org's scope seal (the
    // Auths CLI's org members; revoked or expired ones never get here: the path's fault).
    who.membership = policy::IdentityFacts::Membership::kActive;
    who.role = path.hops.front().kel->role;
    who.member_capabilities = path.hops.front().kel->capabilities;
  }
  policy::IdentityVerdict verdict = policy::judge_identity(set, who);
  if (verdict.code != Reason::kOk) return {verdict.code, "", std::move(verdict.detail)};
  return {Reason::kOk, std::move(verdict.signer), std::move(verdict.detail), facts_of(path, member)};
}

policy::SignerFacts RegistryResolver::facts_of(const SignerPath& path, const registry::MemberStatus& member) {
  policy::SignerFacts facts;
  facts.subject = path.identity;
  facts.issuer = path.root;
  if (!path.hops.empty()) facts.delegated_by = path.hops.front().issuer;
  facts.chain_depth = static_cast<int>(path.hops.size());
  facts.type = keri::to_string(path.type);
  facts.revoked = path.revoked;
  std::optional<std::set<std::string>> held = path.capabilities;
  const auto earliest = [&facts](const std::optional<keri::Timestamp>& at) {
    if (at && (!facts.expires_at || at->unix_seconds < *facts.expires_at)) facts.expires_at = at->unix_seconds;
  };
  if (path.device != nullptr) earliest(path.device->expires_at);
  for (const auto& hop : path.hops) {
    if (hop.record != nullptr) earliest(hop.record->expires_at);
    if (hop.kel && hop.kel->expires_at && (!facts.expires_at || *hop.kel->expires_at < *facts.expires_at))
      facts.expires_at = *hop.kel->expires_at;
  }
  if (member.kind == registry::MemberStatus::Kind::kActive) {
    restrict_to(held, member.record->capabilities);
    facts.role = member.record->role;
    facts.teams = member.record->teams;
    earliest(member.record->expires_at);
  }
  if (held) facts.capabilities = std::vector<std::string>(held->begin(), held->end());
  // The credential the signature rests on: the device link, else the agent's own delegation
  // record (a KERI delegation has no issue time: its lifetime is unknown, so unbounded).
  const keri::Attestation* credential = path.device != nullptr ? path.device : nullptr;
  if (credential == nullptr && !path.hops.empty()) credential = path.hops.front().record;
  if (credential != nullptr) {
    facts.issued_at = credential->timestamp.unix_seconds;
    if (credential->expires_at) {
      facts.credential_lifetime = credential->expires_at->unix_seconds - credential->timestamp.unix_seconds;
    }
  }
  if (!path.hops.empty() && path.hops.front().record != nullptr && path.hops.front().record->metadata)
    facts.ephemeral = path.hops.front().record->metadata->ephemeral;
  return facts;
}

SignerMatch RegistryResolver::resolve(const crypto::PublicKey& key, const policy::SignerSet& set,
                                      const SignedObject& object) const {
  SignerMatch refusal{Reason::kUnknownSigner, "", ""};
  for (const auto& path : trace(key, object)) {
    SignerMatch match = judge_path(path, set, object);
    if (match.code == Reason::kOk) return match;
    // The first refusal that says more than "unknown"; a revoked device over other faults.
    if (refusal.code == Reason::kUnknownSigner ||
        (match.code == Reason::kDeviceRevoked && refusal.code != Reason::kDeviceRevoked)) {
      if (match.code != Reason::kUnknownSigner) refusal = std::move(match);
    }
  }
  // A bundle that does not verify might have named this signer: refused as such, not unknown.
  if (refusal.code == Reason::kUnknownSigner && m_evidence.fault == Reason::kBundleInvalid)
    return {Reason::kBundleInvalid, "", m_evidence.detail};
  return refusal;
}

}  // namespace auths::engine
