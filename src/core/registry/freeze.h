// Freeze records: `auths emergency freeze` / `unfreeze`, kept in refs/auths/registry so that
// every server sees them on the next push (unlike a file on one laptop).
//
//   v1/identities/<org prefix>/freezes/<YYYYMMDDTHHMMSSZ>-<first 16 of digest>.json
//
//   {"version": 1,
//    "kind": "freeze" | "unfreeze",
//    "rid": "<record id>",
//    "org": "did:keri:E...",          the org frozen
//    "signer": "did:keri:E...",       the org itself, or an admin of it holding manage_members
//    "until": "<RFC 3339 UTC>" | null,  when a freeze ends by itself (null for an unfreeze)
//    "timestamp": "<RFC 3339 UTC>",
//    "reason": null | "<text>",
//    "signature": "<hex>"}            by the signer's KEL key, over the RFC 8785 JSON of the rest
//
// Like attestations, a record counts only when the signer's KEL anchors its digest (a seal
// {"d": digest}); whether the signer may freeze the org is the registry's to judge (registry.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auths/result.h"
#include "crypto/private_key.h"
#include "keri/attestation.h"
#include "keri/kel.h"
#include "util/bytes.h"

namespace auths::registry {

struct FreezeRecord {
  bool freeze = true;  // false: an unfreeze
  std::string rid;
  std::string org;
  std::string signer;
  std::optional<keri::Timestamp> until;
  keri::Timestamp timestamp;
  std::optional<std::string> reason;
  util::Bytes signature;
};

/// Pretty JSON as stored; errors for a record that breaks the shape rules (an unfreeze with
/// `until`, a freeze without).
[[nodiscard]] Result<std::string> serialize_freeze(const FreezeRecord& record);
/// Strict parse (exact field set, every value checked); kInvalidArgument otherwise.
[[nodiscard]] Result<FreezeRecord> parse_freeze(std::string_view json_text);
/// "E..." Blake3-256 of the signed bytes: what the signer's KEL anchors.
[[nodiscard]] Result<std::string> freeze_digest(const FreezeRecord& record);
[[nodiscard]] Status sign_freeze(FreezeRecord& record, const crypto::PrivateKey& key);
/// The signature is by a key of `signer` (its KEL, replayed) that was in force when the record
/// was anchored, and the KEL anchors it.
[[nodiscard]] Status verify_freeze_signature(const FreezeRecord& record, const keri::KeyState& signer);

/// Where the record lives in a registry tree.
[[nodiscard]] Result<std::string> freeze_path(const FreezeRecord& record);

}  // namespace auths::registry
