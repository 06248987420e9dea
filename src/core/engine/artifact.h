// Artifact signatures: `auths artifact sign FILE` / `auths artifact verify FILE` (README.md,
// "Signing release artifacts"). The signatures of FILE live beside it in FILE.auths-sig:
//
//   {"type": "auths-artifact-signatures",
//    "version": 1,
//    "file": "<base name of FILE>",
//    "sha256": "<64 lowercase hex digits: SHA-256 of FILE's bytes>",
//    "signatures": [{"signer_key": "ssh-ed25519 AAAA...",      no comment
//                    "timestamp": "<RFC 3339 UTC>",              chosen by the signer
//                    "signature": "-----BEGIN SSH SIGNATURE-----..."}, ...]}
//
// Each signature is an SSHSIG (namespace "auths-artifact") by signer_key over the same message,
// the RFC 8785 JSON of {"file", "sha256", "type", "version"} (artifact_signed_bytes), made with
// the key the signer signs git objects with (git's signing program, like an approval). The
// timestamp is not signed: it only says when the signer's key must have been valid.
//
// Judging: a signature that does not verify is reported and never counted; the good ones are
// votes of the rule's signer set, matched with match_signers and counted with the engine's
// quorum counting (engine/quorum.h: count_approvals): `require` distinct signers, `min_human`
// of them Human. An artifact carries no rejections, so max_reject never applies.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/artifact.h"
#include "auths/result.h"
#include "crypto/public_key.h"
#include "engine/signature_check.h"
#include "keri/attestation.h"
#include "policy/policy.h"

namespace auths::engine {

inline constexpr std::string_view kArtifactType = "auths-artifact-signatures";
/// The SSHSIG namespace of artifact signatures (never "git": an artifact is not a git object).
inline constexpr std::string_view kArtifactNamespace = "auths-artifact";
/// At most this many signatures in one file (and 1 MiB of JSON).
inline constexpr size_t kMaxArtifactSignatures = 256;

struct ArtifactSignature {
  crypto::PublicKey signer_key;
  keri::Timestamp timestamp;
  std::string signature;  // armoured SSHSIG
};

struct ArtifactSignatures {
  std::string file;    // base name
  std::string sha256;  // lowercase hex
  std::vector<ArtifactSignature> signatures;
};

/// SHA-256 (lowercase hex) of the file at `path`, read block by block. kNotFound when it does not
/// exist, kIo otherwise; messages say "cannot read <path>".
[[nodiscard]] Result<std::string> file_sha256(const std::string& path);
/// The part of `path` after its last '/'.
std::string base_name(std::string_view path);

/// The message every signature covers. kInvalidArgument for a name that is empty, has '/' or
/// non-printable characters, or a digest that is not 64 lowercase hex digits.
[[nodiscard]] Result<std::string> artifact_signed_bytes(std::string_view file, std::string_view sha256);
/// Pretty JSON as written to FILE.auths-sig.
[[nodiscard]] Result<std::string> serialize_artifact_signatures(const ArtifactSignatures& doc);
/// Strict parse (exact field sets, every value checked, no key twice); kInvalidArgument otherwise.
[[nodiscard]] Result<ArtifactSignatures> parse_artifact_signatures(std::string_view json_text);

/// Does `sig` verify: an SSHSIG by its signer_key, namespace "auths-artifact", over the message
/// of `doc`? kGood, kBad (also: made by another key than signer_key), kNamespaceMismatch,
/// kMalformed or kUnsupported, with the key named.
SignatureCheck check_artifact_signature(const ArtifactSignatures& doc, const ArtifactSignature& sig);

/// May `key` add a signature of `file`/`sha256` to `doc` (nullopt: no signatures yet)? Refused
/// (kInvalidArgument, saying why) when `doc` is for another name or digest, when `key` already
/// signed, or when `doc` is full.
[[nodiscard]] Status can_add_artifact_signature(const std::optional<ArtifactSignatures>& doc, std::string_view file,
                                                std::string_view sha256, const crypto::PublicKey& key);
/// `doc` with `sig` added, for `auths artifact sign`: can_add_artifact_signature, and the
/// signature must verify.
[[nodiscard]] Result<ArtifactSignatures> add_artifact_signature(std::optional<ArtifactSignatures> doc,
                                                                std::string_view file, std::string_view sha256,
                                                                ArtifactSignature sig);

/// The verdict of `rule`'s signer set on `doc`, the signatures of a file named `file` whose
/// content hashes to `sha256`, at `now`: kBadSignature when `doc` is for another name or
/// digest, else the quorum (kOk, kQuorumNotMet). `resolver` may be null when the set names no
/// identity. Each signature is reported.
ArtifactReport judge_artifact(const ArtifactSignatures& doc, std::string_view file, std::string_view sha256,
                              const policy::Rule& rule, int64_t now, const IdentityResolver* resolver);

}  // namespace auths::engine
