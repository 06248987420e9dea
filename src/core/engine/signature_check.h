// Judging one signed object (commit or tag): pure functions over bytes, safe to run on many
// threads at once. The expensive part (parse + verify) is separate from the cheap part (is this
// key a signer of that rule at that time?), so a push verifies each object once and then asks
// several signer sets (the ref's rule, the policy's known signers, [governance]) about it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/reason.h"
#include "auths/types.h"
#include "crypto/public_key.h"
#include "policy/conditions.h"
#include "policy/policy.h"

namespace auths::engine {

/// The namespace git signs in (gpg-interface.c); an SSHSIG made for anything else is refused.
inline constexpr const char* kGitNamespace = "git";

enum class SignatureStatus {
  kUnsigned,           // no signature
  kUnsupported,        // OpenPGP, X.509, an SSHSIG version/algorithm we refuse
  kMalformed,          // an SSH armour whose content cannot be parsed
  kNamespaceMismatch,  // a valid SSHSIG over this payload, but not in namespace "git"
  kBad,                // does not verify over this payload
  kGood,               // verifies: `key` signed exactly this payload in namespace "git"
};

/// The version of the rules check_signature verifies by. The server keeps the signatures it
/// verified good with this number (state/store.h, "Signature checks") and takes as good only
/// those kept under the same number: raise it with every change to this file, src/core/sshsig/,
/// src/core/crypto/ or the parsing of commits and tags (src/core/git/objects.cpp) that could
/// turn a good signature bad, and the kept ones are verified again.
inline constexpr int64_t kSignatureRules = 1;

struct SignatureCheck {
  SignatureStatus status = SignatureStatus::kUnsigned;
  std::optional<crypto::PublicKey> key;  // the key named in the signature (also when not good)
  std::string detail;                    // one line for kUnsupported / kMalformed / kNamespaceMismatch
  bool cached = false;                   // kGood as the server's records know it, not verified again
};

/// Says whether the server already verified this object's signature by `key` good (its records,
/// state::Records::good_signatures).
using VerifiedBefore = std::function<bool(const crypto::PublicKey& key)>;

/// Parses and verifies `signature` (an armoured block as git stores it) over `payload`. When
/// `verified_before` says the signature's key already signed this very object (same object id:
/// same payload, same signature bytes), the signature is parsed as always but not verified
/// again: kGood with `cached` set.
SignatureCheck check_signature(const std::string& payload, const std::string& signature,
                               const VerifiedBefore& verified_before = {});

/// The verdict of one signer set on one checked signature.
struct SignerMatch {
  Reason code = Reason::kUnknownSigner;  // kOk or why not
  std::string signer;                    // the matching signer's name when kOk
  std::string detail;                    // one line
  policy::SignerFacts facts = {};        // who signed, when kOk (for the rule's conditions)
};

/// When and what an object was signed as, for validity checks.
struct SignedObject {
  std::string_view what = "commit";  // "commit" or "tag", for messages
  int64_t signed_at = 0;             // committer or tagger time: chosen by the signer
  int64_t now = 0;
  /// When the server received the object: the time it recorded accepting it, else now. Asked
  /// only when a key's validity window or a revoked device makes it matter.
  std::function<int64_t()> received_at;
  std::optional<Oid> oid;
  /// When a quorum of the policy's witnesses had seen the commit (witness/receipt.h,
  /// Tally::quorum_at): like received_at, a time the signer cannot choose. nullopt: no quorum.
  std::optional<int64_t> witnessed_at = std::nullopt;
};

/// Maps a key to did:keri identities (through device links, agent delegations and org
/// memberships in the registry).
class IdentityResolver {
 public:
  virtual ~IdentityResolver() = default;
  /// May `key` sign `object` as a signer of `set` through an identity: one of its did:keri
  /// signers, or a member its roles/teams select, with the capabilities and signer type it
  /// asks? kOk with the identity as signer, or why not (kUnknownSigner when the key speaks for
  /// no identity of the set; the device, member, capability, type and delegation reasons).
  virtual SignerMatch resolve(const crypto::PublicKey& key, const policy::SignerSet& set,
                              const SignedObject& object) const = 0;
};

/// Is the signature good and its key a signer of `signers`, valid (allowed_signers windows and
/// namespaces) both at the time the object claims and at the time the server received it? Keys
/// listed directly are checked first; then, when the set names identities, `resolver` (may be
/// null when it names none).
SignerMatch match_signers(const SignatureCheck& check, const policy::SignerSet& signers, const SignedObject& object,
                          const IdentityResolver* resolver = nullptr);

/// Is the signature good and its key a signer the policy knows: a signer of any rule or of
/// [governance] (what a contribution needs by default)?
SignerMatch match_known(const SignatureCheck& check, const policy::Policy& policy, const SignedObject& object,
                        const IdentityResolver* resolver = nullptr);

/// Only whether the signature itself is good (contributions = "signed").
SignerMatch match_any_good(const SignatureCheck& check, std::string_view what);

/// policy/conditions.h: the facts of a key that speaks for itself.
using policy::listed_key_facts;

}  // namespace auths::engine
