// Attestations: the signed JSON records that link a device key (or an agent, or an org member)
// to a did:keri identity, and the revocations that undo them (README.md, "Identities, devices
// and the registry").
//
// Shape (every field always present; absent values are null):
//
//   {"version": 1,
//    "rid": "<record id>",
//    "issuer": "did:keri:E...",                       the identity that grants
//    "subject": "did:key:z..." | "did:keri:E...",     what is granted (a device, a member)
//    "device_public_key": {"curve": "ed25519" | "p256", "key": "<lowercase hex>"},
//                                                     32-byte Ed25519 or 33-byte compressed P-256
//    "capabilities": ["sign_commit", ...],
//    "role": null | "admin" | "member" | "readonly",
//    "teams": [...], "repos": [...],                  only in memberships (see below)
//    "signer_type": "Human" | "Agent" | "Workload",
//    "delegated_by": null | "did:...",
//    "expires_at": null | "<RFC 3339 UTC>",
//    "revoked_at": null | "<RFC 3339 UTC>",
//    "timestamp": "<RFC 3339 UTC>",
//    "note": null | "<text>",
//    "identity_signature": "<hex>" | "",             by the issuer's KEL key
//    "device_signature": "<hex>" | ""}               by device_public_key
//
// Both signatures cover the same bytes: the RFC 8785 canonical JSON of the record without its
// two signature fields. Ed25519 signs those bytes; P-256 is ECDSA over SHA-256, raw r||s.
//
// That is our form (AttestationForm::kAuthsHooks). parse_attestation also reads the form the
// Auths tools write (auths-dev/auths, crates/auths-verifier/src/core.rs; kAuths), and tells the
// two apart by the field set alone, never by trying signatures: a record with exactly the field
// set above (device_public_key an object or null) is ours; any other is read as an Auths record,
// whose fields are those below, and a field of neither form is refused by name.
//
//   version 1 (2 in some releases), rid, issuer (did:keri), subject, device_signature: required;
//   device_public_key: {"curve": "ed25519" | "p256", "key": "<hex>"}, or (Gen-1) the bare hex, the
//     curve told by the length: 32 bytes Ed25519, 33 or 65 (uncompressed) P-256;
//   identity_signature: absent or "" when unsigned (an all-zero signature is Auths' "empty");
//   timestamp (null allowed), expires_at, revoked_at: RFC 3339 as chrono writes it, "Z" and 0, 3,
//     6 or 9 fraction digits, the fewest that hold the value (the signed bytes are that text);
//   note, payload (any JSON), commit_sha, oidc_binding ({issuer, subject, audience, token_exp,
//     platform?, jti?, normalized_claims?}), delegated_by, signer_type (absent = Human), and
//     Gen-1's role and capabilities;
//   commit_message, author, environment_claim: NOT signed, so kept only to be written back and
//     shown; nothing decides on them.
// Auths leaves out a field it has no value for: a null in delegated_by, signer_type, commit_sha,
// oidc_binding or role is refused (our form writes those nulls; such a record is one of ours with
// a field missing or one too many).
//
// Both signatures of an Auths record cover the RFC 8785 JSON of this projection: version, rid,
// issuer, subject, device_public_key (the plain lowercase hex of the key bytes as written),
// payload, timestamp, expires_at, revoked_at and note, null when absent; delegated_by,
// signer_type, commit_sha, oidc_binding, role and capabilities only when present (capabilities
// when not empty). A revocation as Auths writes it (revoked_at set, no device signature) is
// signed by the identity over {version, rid, issuer, subject, timestamp, revoked_at, note} only;
// it may carry none of the fields that projection leaves unsigned but its device key and
// payload, and revokes every link of its subject from its issuer (its device key is not signed).
// In an Auths record payload, commit_sha and oidc_binding are signed but grant nothing here;
// role and capabilities are read as Gen-1 wrote them, and it is never an org membership (ours).
//
// A revocation is the same shape: the link's fields with `revoked_at` (and `timestamp`) set,
// no device signature, signed by the identity alone.
//
// A membership (an org's grant to a member identity: `auths org add-member`) is a record whose
// `role` is set. Its subject is a did:keri, its device_public_key null and its device signature
// empty (no key is linked: the member signs with its own identity and devices); it carries two
// more fields, `teams` and `repos` (lists; `repos` scopes the role to those projects, empty =
// the whole org). `issuer` is the org. It is signed by the org itself (delegated_by null) or by
// an admin of the org (delegated_by = the admin's did:keri, whose KEL then anchors it); whether
// that admin really held manage_members is the registry's to judge (registry.h).
// Other records never carry `teams`/`repos`, so links stay byte-identical to what they were.
//
// An agent delegation (signer_type Agent or Workload, subject a did:keri: `auths init --profile
// agent`) may carry one more field, `metadata`, what the agent is, for audits and reports:
//   "metadata": {"type": "ai_agent", "name": "ci-bot", "setup_profile": "agent", "ephemeral": true}
// `type` (required; 1-32 of [a-z0-9_]), `name` (1-64 printable ASCII), `setup_profile` (like
// type) and `ephemeral` (true: the agent's key was never stored, it lives in ssh-agent only)
// are the keys allowed; the last three are optional. It is signed like every field and grants
// nothing: policies never read it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "auths/reason.h"
#include "auths/result.h"
#include "crypto/private_key.h"
#include "crypto/public_key.h"
#include "keri/kel.h"
#include "util/bytes.h"

namespace auths::keri {

/// An RFC 3339 UTC instant, kept as written (signed bytes must never change) with its value.
/// Empty text: no time (only an Auths record's timestamp may be null).
struct Timestamp {
  std::string text;  // "2026-06-19T14:18:34Z" or "2026-06-19T14:18:34.160482Z"
  int64_t unix_seconds = 0;
  uint32_t nanos = 0;

  /// Whole seconds, formatted "YYYY-MM-DDTHH:MM:SSZ".
  static Timestamp from_unix(int64_t unix_seconds);
  /// Orders by value (seconds, then fraction), not by text.
  friend bool operator<(const Timestamp& a, const Timestamp& b) {
    return a.unix_seconds != b.unix_seconds ? a.unix_seconds < b.unix_seconds : a.nanos < b.nanos;
  }
};

/// Parses "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (1 to 9 fraction digits; upper-case T and Z; no
/// offsets other than Z; no leap second).
[[nodiscard]] Result<Timestamp> parse_timestamp(std::string_view text);

/// Capability names as records hold them (the alphabet and length Auths allows): 1-64 characters
/// of [a-z0-9:_-], already lower-case. The policy loader and expressions accept the same.
bool is_capability_name(std::string_view name);
/// Team names: like capabilities, without ':'.
bool is_team_name(std::string_view name);

enum class SignerType { kHuman, kAgent, kWorkload };
/// "Human", "Agent", "Workload".
const char* to_string(SignerType type);

/// What an agent delegation says about the agent (header).
struct AgentMetadata {
  std::string type = "ai_agent";
  std::string name;           // "" = absent
  std::string setup_profile;  // "" = absent
  bool ephemeral = false;     // false = absent
  friend bool operator==(const AgentMetadata&, const AgentMetadata&) = default;
};

/// Which form a record is written in (header).
enum class AttestationForm {
  kAuthsHooks,  // ours: every field always present
  kAuths,       // as the Auths tools write it
};

/// What only a record of the Auths form carries (header).
struct AuthsFields {
  /// A P-256 device key written uncompressed (65 bytes): the signed bytes spell it that way.
  /// Empty otherwise (the key is device_public_key->raw()).
  util::Bytes uncompressed_device_key;
  bool bare_device_key = false;      // written as a bare hex string (Gen-1), not {curve, key}
  bool signer_type_written = false;  // absent means Human, and is not signed
  // Signed; they grant nothing. The JSON values as RFC 8785 text.
  std::optional<std::string> payload;
  std::optional<std::string> commit_sha;
  std::optional<std::string> oidc_binding;
  // NOT signed: anyone can change them without breaking a signature. Kept to be written back and
  // shown; no decision may read them.
  std::optional<std::string> unsigned_commit_message;
  std::optional<std::string> unsigned_author;
  std::optional<std::string> unsigned_environment_claim;  // RFC 8785 text
};

struct Attestation {
  AttestationForm form = AttestationForm::kAuthsHooks;
  uint32_t version = 1;
  std::string rid;
  std::string issuer;
  std::string subject;
  std::optional<crypto::PublicKey> device_public_key;  // required; optional only to allow building
  std::vector<std::string> capabilities;
  std::optional<std::string> role;
  std::vector<std::string> teams;  // memberships only
  std::vector<std::string> repos;  // memberships only: projects the role is scoped to
  SignerType signer_type = SignerType::kHuman;
  std::optional<std::string> delegated_by;
  std::optional<Timestamp> expires_at;
  std::optional<Timestamp> revoked_at;
  Timestamp timestamp;
  std::optional<std::string> note;
  std::optional<AgentMetadata> metadata;  // agent delegations only (our form)
  AuthsFields auths;                      // the Auths form only
  util::Bytes identity_signature;         // empty = not signed
  util::Bytes device_signature;           // empty = not signed (always, for a revocation)

  bool is_revocation() const { return revoked_at.has_value(); }
  /// A revocation as the Auths tools write it: Auths form, revoked_at set, no device signature.
  /// Its identity signature covers only version, rid, issuer, subject, timestamp, revoked_at, note.
  bool is_auths_revocation() const {
    return form == AttestationForm::kAuths && is_revocation() && device_signature.empty();
  }
  /// An org membership (or its revocation): our form with `role` set.
  bool is_membership() const { return form == AttestationForm::kAuthsHooks && role.has_value(); }
  /// Whose KEL key signs the identity signature: the admin named in delegated_by for a
  /// membership an admin granted, else the issuer.
  const std::string& signer() const { return is_membership() && delegated_by ? *delegated_by : issuer; }
  /// A link to an agent identity: signer_type Agent or Workload and a did:keri subject (not a
  /// membership).
  bool is_agent_delegation() const;
};

/// The record as JSON in its form: ours with the fields in the order above; an Auths record as
/// Auths writes it (absent fields left out). Error if device_public_key is missing or not
/// Ed25519/P-256.
[[nodiscard]] Result<nlohmann::ordered_json> to_json(const Attestation& attestation);
/// Pretty-printed JSON (2-space indent, trailing newline), as stored.
[[nodiscard]] Result<std::string> serialize_attestation(const Attestation& attestation);
/// Strict parse of either form (header): at most 64 KiB, no duplicates, every value checked
/// (DIDs, key, capability names, role, timestamps, signature sizes). kInvalidArgument otherwise,
/// the message naming the field ("field 'timestamp': ...", "unknown field 'x'").
[[nodiscard]] Result<Attestation> parse_attestation(std::string_view json_text);

/// The bytes both signatures cover. Our form: RFC 8785 JSON of every field but the two
/// signatures. The Auths form: RFC 8785 JSON of its projection (header).
[[nodiscard]] Result<std::string> signed_bytes(const Attestation& attestation);
/// "E..." Blake3-256 of signed_bytes: what a KEL seal {"d": ...} anchors. (For an Auths record
/// this is not the digest the Auths tools anchor, which their SAID routine computes.)
[[nodiscard]] Result<std::string> attestation_digest(const Attestation& attestation);

/// Sets identity_signature / device_signature over signed_bytes. sign_as_device refuses a key
/// that is not device_public_key, and an Auths revocation (is_auths_revocation).
[[nodiscard]] Status sign_as_identity(Attestation& attestation, const crypto::PrivateKey& identity_key);
[[nodiscard]] Status sign_as_device(Attestation& attestation, const crypto::PrivateKey& device_key);

// The checks below return an Error saying what is wrong, and set `fault` (when given) to the
// reason: one of the kAttestation* codes, kOk when the check passes.

/// Which establishments' keys may vouch for an attestation: those that anchored it, or also the
/// current one (threshold 1). The registry takes kAnchoringKeys only, so that a record's validity
/// never depends on when it is checked: the current key changes with every rotation, the
/// anchoring one never does.
enum class SignedBy { kAnchoringOrCurrentKeys, kAnchoringKeys };

/// Checks the identity signature against the signer's KEL, replayed into `issuer`:
///   - `issuer` must be did:keri:<issuer.prefix> of attestation.signer() (the issuer, or the
///     admin who signed a membership);
///   - the signature must verify under a key of one establishment E of the KEL, and either E
///     is the current one with threshold 1 (only with kAnchoringOrCurrentKeys), or the KEL
///     anchors attestation_digest() in a seal {"d": ...} of an event made while E was in force.
///     So a link survives a rotation when the identity anchored it, and a key rotated away
///     cannot sign new links.
[[nodiscard]] Status verify_identity_signature(const Attestation& attestation, const KeyState& issuer,
                                               Reason* fault = nullptr,
                                               SignedBy signed_by = SignedBy::kAnchoringOrCurrentKeys);
/// Checks the device signature against device_public_key, and that a did:key subject names
/// that same key.
[[nodiscard]] Status verify_device_signature(const Attestation& attestation, Reason* fault = nullptr);
/// Both of the above: a device link the identity granted and the device accepted.
[[nodiscard]] Status verify_attestation(const Attestation& attestation, const KeyState& issuer, Reason* fault = nullptr,
                                        SignedBy signed_by = SignedBy::kAnchoringOrCurrentKeys);

/// At unix time `at`: revoked if revoked_at <= at; expired if at > expires_at; refused if
/// timestamp is more than 300 s after `at`. Signatures are not checked here.
[[nodiscard]] Status check_validity(const Attestation& attestation, int64_t at, Reason* fault = nullptr);

/// A revocation of `link` at `at`: the link's fields, revoked_at = timestamp = at, the note
/// replaced, signatures cleared; of an Auths link, an Auths revocation (version 1, none of the
/// fields its projection leaves unsigned but the device key). Sign it with sign_as_identity.
[[nodiscard]] Result<Attestation> make_revocation(const Attestation& link, const Timestamp& at,
                                                  std::optional<std::string> note = std::nullopt);
/// A revocation record: revoked_at set, no device signature, identity signature as
/// verify_identity_signature checks it.
[[nodiscard]] Status verify_revocation(const Attestation& revocation, const KeyState& issuer, Reason* fault = nullptr,
                                       SignedBy signed_by = SignedBy::kAnchoringOrCurrentKeys);

/// True when `revocation` is about `link`: same issuer, subject and device key (an Auths
/// revocation, whose device key is not signed: same issuer and subject).
bool revokes(const Attestation& revocation, const Attestation& link);
/// The earliest of `revocations` that undoes `link`: one that revokes() it, made at or after it
/// (a later re-link of the same key stands). nullptr when there is none.
const Attestation* earliest_revocation(const Attestation& link, const std::vector<Attestation>& revocations);
/// The same among `candidates` (for a caller that keeps its revocations indexed).
const Attestation* earliest_revocation(const Attestation& link, const std::vector<const Attestation*>& candidates);

/// "did:keri:<prefix>" -> prefix, checking that it is an E-coded digest.
[[nodiscard]] Result<std::string> parse_did_keri(std::string_view did);

/// A fresh random record id (UUID version 4, lowercase).
std::string random_rid();

}  // namespace auths::keri
