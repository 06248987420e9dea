// Witness receipts (README.md, "Witness receipts"): what a witness signs for a commit it saw,
// the request a signer sends it, and how the receipts a commit carries are counted against a
// policy's [witness]. Pure functions over bytes: the witness server (src/witness/), the
// commit-msg hook's client (src/client/witness_ops.h) and the engine share them.
//
// A receipt is the RFC 8785 JSON (keri/canonical_json.h) of
//
//   {"identity": "<did:keri or did:key the signer claimed>",   optional
//    "parents": ["<40 hex>", ...],     the commit's parent ids, in order
//    "seen_at": <unix seconds>,        when the witness first saw (signer, parents)
//    "seq": <n>,                       the receipt's entry in the witness's log
//    "signature": "<128 hex>",         Ed25519 by the witness over the same JSON without it
//    "signer": "ssh-ed25519 AAAA...",  the SSH public key that signs the commit, no comment
//    "tree": "<40 hex>",               the commit's tree id
//    "version": 1,
//    "witness": "did:key:z6Mk..."}     the witness's Ed25519 key
//
// carried in the commit message as `Auths-Witness-Receipt: <base64url of those bytes, no
// padding>`, folded into continuation lines. It binds the tree and the parents, never the commit
// id: adding the trailer to the message changes the id.
//
// The request (POST /v1/receipts) is {"tree", "parents", "signer", "identity" (optional),
// "signature"}: an armoured SSHSIG by `signer`, namespace "auths-witness", over the RFC 8785
// JSON of the four other fields, so that nobody can ask a witness to receipt in someone else's
// name.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "auths/result.h"
#include "crypto/private_key.h"
#include "crypto/public_key.h"
#include "policy/policy.h"

namespace auths::witness {

inline constexpr std::string_view kTrailerKey = "Auths-Witness-Receipt";
inline constexpr std::string_view kRequestNamespace = "auths-witness";
inline constexpr int kReceiptVersion = 1;
/// The most parents a receipt or request may name (an octopus merge beyond this is refused).
inline constexpr size_t kMaxParents = 64;
/// The largest receipt (its JSON) and request (the POST body) read.
inline constexpr size_t kMaxReceiptBytes = 8 * 1024;
inline constexpr size_t kMaxRequestBytes = 16 * 1024;
/// Folded trailer lines are at most this long (RFC 822 style, as git's continuation lines).
inline constexpr size_t kFoldWidth = 76;

/// The commit as a receipt binds it, and as a request asks for it.
struct CommitClaim {
  std::string tree;                  // 40 lowercase hex
  std::vector<std::string> parents;  // 40 lowercase hex each, in the commit's order
  std::string signer;                // "<type> <base64>", no comment: the key that signs the commit
  std::string identity;              // did:keri:... or did:key:... the signer claims; "" = none

  friend bool operator==(const CommitClaim&, const CommitClaim&) = default;
};

struct Receipt {
  CommitClaim commit;
  std::string witness;  // did:key:z6Mk... (Ed25519)
  int64_t seen_at = 0;
  uint64_t seq = 0;
  std::string signature;  // 128 lowercase hex
};

/// Checks the shape of a claim (ids, key line, identity); kInvalidArgument naming the field.
[[nodiscard]] Status check_claim(const CommitClaim& claim);

/// The bytes the witness signs: the receipt's RFC 8785 JSON without `signature`.
[[nodiscard]] Result<std::string> receipt_signed_bytes(const Receipt& receipt);
/// The receipt's RFC 8785 JSON with `signature`: what the trailer carries and the server returns.
[[nodiscard]] Result<std::string> receipt_json(const Receipt& receipt);
/// Strict: exactly the fields above, each checked, and the text must be the receipt's RFC 8785
/// form (one receipt, one encoding). kInvalidArgument otherwise. The signature is not checked.
[[nodiscard]] Result<Receipt> parse_receipt(std::string_view json);
/// The receipt a parsed JSON value holds, checked as parse_receipt checks it but for the text's
/// form (for a caller that checked the canonical form of a larger text around it).
[[nodiscard]] Result<Receipt> receipt_from_json(const nlohmann::json& value);
/// Sets `witness` to the key's did:key and signs. kInvalidArgument unless the key is Ed25519.
[[nodiscard]] Result<Receipt> sign_receipt(Receipt receipt, const crypto::PrivateKey& witness_key);
/// The signature verifies under the key its own `witness` names.
[[nodiscard]] Status verify_receipt_signature(const Receipt& receipt);

/// The trailer value: base64url without padding of receipt_json.
[[nodiscard]] Result<std::string> encode_trailer_value(const Receipt& receipt);
/// The receipt of a trailer value; white space (from folding) is removed first.
[[nodiscard]] Result<Receipt> decode_trailer_value(std::string_view value);
/// `Auths-Witness-Receipt: <value>` folded: the first line and continuation lines (each
/// starting with one space) at most kFoldWidth characters long.
std::vector<std::string> folded_trailer(std::string_view value);
/// The Auths-Witness-Receipt trailer values of a commit message (folded lines joined), in order.
std::vector<std::string> receipt_values(std::string_view message);

struct Request {
  CommitClaim commit;
  std::string signature;  // armoured SSHSIG by commit.signer, namespace "auths-witness"
};

/// The bytes the signer signs: the RFC 8785 JSON of tree, parents, signer and identity (when set).
[[nodiscard]] Result<std::string> request_signed_bytes(const CommitClaim& claim);
/// The POST body (RFC 8785 JSON of the claim and the signature).
[[nodiscard]] Result<std::string> request_json(const Request& request);
/// Strict parse of a POST body; kInvalidArgument with the reason (shown to the client as 400).
[[nodiscard]] Result<Request> parse_request(std::string_view json);
/// The signature is an SSHSIG by the claim's signer over request_signed_bytes, namespace
/// "auths-witness"; kCorrupt otherwise (a signature that does not verify, or by another key).
[[nodiscard]] Status verify_request(const Request& request);

/// Why one receipt a commit carries does not count.
enum class ReceiptFault {
  kNone,            // counted
  kMalformed,       // not a receipt (encoding, fields)
  kUnknownWitness,  // by a witness the policy's [witness] does not list
  kBadSignature,    // the witness's signature does not verify
  kMismatch,        // for another tree, other parents or another signer than this commit's
  kDuplicate,       // a second receipt by a witness already counted
};
const char* to_string(ReceiptFault fault);

struct ReceiptCheck {
  ReceiptFault fault = ReceiptFault::kNone;
  std::string witness;  // its did:key ("" when malformed)
  int64_t seen_at = 0;
  std::string detail;  // one line: why it does not count ("" when counted)
};

/// The receipts of one commit, counted against [witness]: each distinct listed witness with a
/// valid receipt for exactly this commit's tree, parents and signer counts once.
struct Tally {
  std::vector<ReceiptCheck> receipts;  // one per trailer, in order
  int verified = 0;                    // distinct witnesses counted
  int threshold = 1;                   // [witness] threshold
  /// When a quorum had seen the commit: the threshold-th earliest seen_at among the counted
  /// witnesses (each at its earliest); nullopt below the threshold.
  std::optional<int64_t> quorum_at;

  bool met() const { return verified >= threshold; }
  /// The first receipt for another tree, parents or signer, or nullptr.
  const ReceiptCheck* mismatch() const;
  /// "did:key:...: bad signature; ..." for every receipt that did not count ("" when none).
  std::string not_counted() const;
};

/// Counts `values` (trailer values, as receipt_values returns them) for the commit `commit`
/// (its identity is not compared: a claim) against `set`.
Tally tally_receipts(std::span<const std::string> values, const CommitClaim& commit, const policy::WitnessSet& set);

}  // namespace auths::witness
