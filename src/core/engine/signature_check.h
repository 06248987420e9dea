// Judging one signed object (commit or tag): pure functions over bytes, safe to run on many
// threads at once. The expensive part (parse + verify) is separate from the cheap part
// (is this key a signer of that rule at that time?), so a push verifies each object once and
// then asks several rules (the ref's rule, [governance]) about the same key.
#pragma once

#include <optional>
#include <string>

#include "auths/types.h"
#include "crypto/public_key.h"
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

struct SignatureCheck {
  SignatureStatus status = SignatureStatus::kUnsigned;
  std::optional<crypto::PublicKey> key;  // the key named in the signature (also when not good)
  std::string detail;                    // one line for kUnsupported / kMalformed / kNamespaceMismatch
};

/// Parses and verifies `signature` (an armoured block as git stores it) over `payload`.
SignatureCheck check_signature(const std::string& payload, const std::string& signature);

/// The verdict of one SignerSet on one checked signature.
struct SignerMatch {
  std::string code;    // "ok" or a reason code (unsigned, unknown-signer, bad-signature, ...)
  std::string signer;  // the matching signer's name when code is "ok"
  std::string detail;  // one line
};

/// Maps a key to did:keri identities (through device links in the registry).
class IdentityResolver {
 public:
  virtual ~IdentityResolver() = default;
  /// May `key` sign `object` for one of `identities` (did:keri:...) at `time` and at `now`?
  /// "ok" with the identity as signer, or why not: device-revoked, device-expired, unknown-signer.
  virtual SignerMatch resolve(const crypto::PublicKey& key, const std::vector<std::string>& identities, int64_t time,
                              int64_t now, const std::optional<Oid>& object) const = 0;
};

/// Is the signature good and its key a signer of `signers`, valid at `time` (committer or
/// tagger time) in namespace "git"? Keys listed directly are checked first; then, when the set
/// names identities, `resolver` (may be null when it names none). `what` is "commit" or "tag".
SignerMatch match_signers(const SignatureCheck& check, const policy::SignerSet& signers, int64_t time,
                          std::string_view what, const IdentityResolver* resolver = nullptr, int64_t now = 0,
                          const std::optional<Oid>& object = std::nullopt);

}  // namespace auths::engine
