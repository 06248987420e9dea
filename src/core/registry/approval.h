// Approval records: `auths release approve`, kept in refs/auths/registry so that a quorum
// (`require` > 1, `min_human`, `max_reject` in a rule or [governance]) can be met by more
// signers than the one signature an object carries (README.md, "Approvals and quorums").
//
//   v1/approvals/<object id, hex>/<YYYYMMDDTHHMMSSZ>-<first 16 of digest>.json
//
//   {"type": "auths-approval",
//    "version": 1,
//    "object": "<hex id of the tag or commit>",
//    "object_type": "tag" | "commit",
//    "ref": "refs/tags/v1.0",          optional: the record counts only for this ref
//    "verdict": "approve" | "reject",
//    "note": "<text>",                 may be ""
//    "signer_key": "ssh-ed25519 AAAA...",
//    "timestamp": "<RFC 3339 UTC>",
//    "signature": "-----BEGIN SSH SIGNATURE-----..."}
//
// The signature is an SSHSIG (namespace "auths-approval") by signer_key over the RFC 8785 JSON
// of every other field: the approver signs with the key it signs git objects with, through
// git's own signing program (ssh-keygen or auths-sign). The digest of the name is the
// Blake3-256 (qb64) of those signed bytes. The registry accepts a record whose path is its
// canonical path and whose signature verifies with its own key; whose key that is, and whether
// it counts, is the hook's question (engine/quorum.h), so a record by an unknown key is harmless.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auths/result.h"
#include "crypto/public_key.h"
#include "keri/attestation.h"

namespace auths::registry {

/// The SSHSIG namespace of approval signatures (never "git": an approval is not a git object).
inline constexpr std::string_view kApprovalNamespace = "auths-approval";

struct Approval {
  std::string object;  // hex object id (40 or 64 lowercase hex digits)
  bool object_is_tag = false;
  std::optional<std::string> ref;  // "refs/..." the approval is for; nullopt: any ref
  bool approve = true;             // false: a rejection
  std::string note;
  crypto::PublicKey signer_key;
  keri::Timestamp timestamp;
  std::string signature;  // armoured SSHSIG
};

/// The bytes the signature covers: RFC 8785 JSON of every field but `signature`. Errors for a
/// record that breaks the shape rules (object id, ref, note).
[[nodiscard]] Result<std::string> approval_signed_bytes(const Approval& record);
/// Pretty JSON as stored.
[[nodiscard]] Result<std::string> serialize_approval(const Approval& record);
/// Strict parse (exact field set, every value checked); kInvalidArgument otherwise.
[[nodiscard]] Result<Approval> parse_approval(std::string_view json_text);
/// The signature is an SSHSIG by signer_key, namespace "auths-approval", over the signed bytes.
[[nodiscard]] Status verify_approval(const Approval& record);
/// Where the record lives in a registry tree.
[[nodiscard]] Result<std::string> approval_path(const Approval& record);

}  // namespace auths::registry
