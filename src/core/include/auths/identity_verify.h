// Offline checks of one commit or one attestation against the identity registry: what
// `auths verify-commit` and `auths verify` print (Signed by, Signer type, Delegated, Witnesses,
// Status, as Auths' own verify-commit does).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auths/result.h"

namespace auths {

struct CommitVerdict {
  std::string commit;  // full id
  bool valid = false;
  std::string status;                // "valid", "valid-revoked-after-signing" (a device revoked after a
                                     // quorum of witnesses receipted the commit), or a reason code:
                                     // unsigned, bad-signature, unknown-signer, device-revoked,
                                     // device-expired, unsupported-signature, ...
  std::string detail;                // one line
  std::string key;                   // SHA256:... of the signing key ("" when unsigned)
  std::string device;                // did:key:... of the signing key ("" when not Ed25519/P-256)
  std::string signed_by;             // did:keri:... of the identity the key is linked to ("" if none)
  std::string signer_type;           // "Human", "Agent", "Workload" ("" if unknown)
  std::string delegated_by;          // "" when the attestation names nobody
  std::vector<std::string> chain;    // an agent's delegation chain: the agent, then each delegator
                                     // up to the top identity (empty: no delegation)
  std::string path;                  // how the key reached signed_by: "device link ...", "KERI
                                     // delegated identifier ...", "agent ...", "identity key of ..."
  std::string evidence;              // where the identities came from: the registry, the committed
                                     // bundle, or both
  std::string witnesses;             // "2/3 receipts verified (threshold 2)", counted against the
                                     // [witness] of the policy at HEAD; "not required" without one
  std::string witness_detail;        // the receipts that did not count, and why ("" when none)
  std::string witnessed_at;          // when a quorum had seen the commit (UTC), "" below the threshold
  std::vector<std::string> claimed;  // the Auths-Id / Auths-Device trailers, as "Key: value"
};

/// Verifies the commit `rev` of the repository at `repo_path`: its SSH signature, and the
/// signing key's link to an identity in `registry_commit` (default: refs/auths/registry of the
/// same repository) or in the identity bundle committed in HEAD's tree (.auths/ci-bundle.json),
/// valid at the commit's time and at `now` (0 = the current time). Trailers are reported as
/// claims; verification never relies on them.
Result<CommitVerdict> verify_commit(const std::string& repo_path, const std::string& rev, int64_t now = 0,
                                    const std::string& registry_ref = "refs/auths/registry");

struct AttestationVerdict {
  bool valid = false;
  std::string status;  // "valid" or a fault name (attestation-expired, attestation-revoked, ...)
  std::string detail;  // what failed, naming the field or signature
  std::string form;    // "auths-hooks" (ours) or "auths" (as the Auths tools write it)
  std::string issuer;
  std::string subject;
  std::string signer_type;
  std::string delegated_by;
  std::string expires_at;  // "" when it never expires
};

/// Verifies an attestation file against the issuer's KEL found in the registry of the
/// repository at `repo_path` (refs/auths/registry), or, when `repo_path` is empty, in
/// `registry_dir`, a directory laid out like a registry tree (the CLI passes the identity home's
/// registry copy).
Result<AttestationVerdict> verify_attestation_file(const std::string& attestation_path, const std::string& repo_path,
                                                   const std::string& registry_dir, int64_t now = 0);

}  // namespace auths
