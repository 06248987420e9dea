// What a rule asks of a signature beyond its signer set (policy.h, Rule): `open`, `paths`,
// `max_ttl`, `allow_ephemeral`, `require_log` and `expression`, judged on plain facts: who
// signed, as the registry resolved it, and what the object changes. Pure functions: the hook
// (src/core/engine/judge.cpp) and `auths policy test` / `auths policy explain` share them, so
// a policy's test suite exercises the same decisions a push meets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auths/reason.h"
#include "policy/policy.h"

namespace auths::policy {

/// Who signed, as far as rules care. For an identity signer the engine fills every field from
/// the registry (device link, delegations, membership); for a key the policy lists directly,
/// `type` is nullopt, no capability, role or expiry applies, and `listed_key` is true.
struct SignerFacts {
  std::string subject;                      // the signing identity (did:keri), or the key's did:key
  std::string issuer;                       // the top of its delegation chain (== subject without one)
  std::optional<std::string> delegated_by;  // the identity right above an agent
  int chain_depth = 0;                      // delegations above the signer: 0 = a root identity
  std::optional<std::string> type;          // "Human", "Agent", "Workload"
  /// What the signer holds: device link, delegations and membership intersected; nullopt =
  /// unrestricted (an identity's own key, no membership).
  std::optional<std::vector<std::string>> capabilities;
  std::optional<std::string> role;  // the org role of the chain's top identity, when a member
  std::vector<std::string> teams;
  std::optional<int64_t> expires_at;  // the earliest expiry along the chain (link, delegation, membership)
  std::optional<int64_t> issued_at;   // when the credential the signature rests on was issued
  /// expires - issued of that credential (the device link, else the agent's own delegation);
  /// nullopt: unbounded (no expiry, the identity's own key, or a key listed directly).
  std::optional<int64_t> credential_lifetime;
  bool revoked = false;  // some link of the chain is revoked (an object accepted before it)
  bool ephemeral = false;
  bool listed_key = false;
};

/// The facts of a key that speaks for itself (listed directly, or any key under open =
/// "signed"): its did:key (else fingerprint) as subject and issuer, no type, no grant.
SignerFacts listed_key_facts(const crypto::PublicKey& key);

/// What the engine verified of a commit's witness receipts (witness/receipt.h, tally_receipts).
struct WitnessFacts {
  int threshold = 1;        // [witness] threshold
  int verified = 0;         // distinct [witness] witnesses with a valid receipt for this commit
  int carried = 0;          // Auths-Witness-Receipt trailers
  std::string mismatch;     // why a receipt is for another tree, parents or signer ("" when none is)
  std::string not_counted;  // the receipts that did not count, and why ("" when all did)
};

/// What the object is and changes.
struct ObjectFacts {
  std::string repo;  // the project ("group/name"), "" when unknown
  std::string ref;
  /// The paths a commit changes against its first parent (every file of a root commit);
  /// nullopt for a tag or when not computed.
  std::optional<std::vector<std::string>> paths;
  int64_t now = 0;
  /// A tag: receipts are made for commits (a tag's commits meet require_log themselves).
  bool tag = false;
  /// The commit's receipts; nullopt when none were verified (require_log then refuses).
  std::optional<WitnessFacts> witnesses = std::nullopt;
};

struct ConditionVerdict {
  Reason code = Reason::kOk;
  std::string detail;  // one line; for kOk what was checked ("" when the rule asks nothing more)
};

/// Judges `rule`'s conditions for a signer the rule's signer set accepted, in this order:
/// witness log, ephemeral, max_ttl, paths, expression. An open rule's conditions apply to
/// whatever signed (facts may be empty for an unsigned commit under open = "any").
ConditionVerdict check_conditions(const Rule& rule, const SignerFacts& signer, const ObjectFacts& object);

/// The expression context of a signer and an object: every field the facts hold. A key listed
/// directly holds no capability and has no type; an identity with an unrestricted grant holds
/// every capability.
EvalContext eval_context(const SignerFacts& signer, const ObjectFacts& object);

/// The paths of `changed` that none of `patterns` matches (glob_match), in order.
std::vector<std::string> paths_outside(const std::vector<std::string>& patterns,
                                       const std::vector<std::string>& changed);

/// "1h", "30m", "90s", "2d" when exact, else seconds ("3601s").
std::string format_duration(int64_t seconds);

}  // namespace auths::policy
