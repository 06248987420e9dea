// CESR text encodings used by KERI key event logs (Composable Event Streaming Representation,
// the "qb64" form): the few primitives, indexed signatures and attachment counters we read and
// write ("-A" controller signatures, "-G" source seal couples of delegated events). Decoding is strict: exact sizes,
// known codes only, zero pad bits, nothing trailing.
//
// Layout of a fixed-size primitive (keripy `Matter`): the raw bytes are prefixed with as many
// zero bytes as make their length a multiple of 3, base64url-encoded (no '=' padding), and the
// first characters (as many as the code is long) are replaced by the code. So a 32-byte Blake3
// digest is 'E' + 43 characters, not 'E' + base64url(digest).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"
#include "crypto/blake3.h"
#include "crypto/public_key.h"
#include "util/bytes.h"

namespace auths::keri::cesr {

// Matter (primitive) codes.
inline constexpr std::string_view kBlake3Digest = "E";          // Blake3-256 digest, 32 bytes
inline constexpr std::string_view kEd25519 = "D";               // Ed25519 verkey, transferable
inline constexpr std::string_view kEd25519NonTrans = "B";       // Ed25519 verkey, non-transferable
inline constexpr std::string_view kEcdsaP256 = "1AAJ";          // P-256 verkey (33-byte compressed), transferable
inline constexpr std::string_view kEcdsaP256NonTrans = "1AAI";  // P-256 verkey, non-transferable
inline constexpr std::string_view kSeqner = "0A";               // 16-byte big-endian number (keripy Seqner)

/// A decoded primitive: its code and raw bytes.
struct Primitive {
  std::string code;
  util::Bytes raw;
};

/// Encodes `raw` under a matter code above; an Error if the code is unknown or the size wrong.
[[nodiscard]] Result<std::string> encode_primitive(std::string_view code, std::span<const uint8_t> raw);
/// Decodes a string that must be exactly one primitive with a code above.
[[nodiscard]] Result<Primitive> decode_primitive(std::string_view qb64);

/// "E..." (44 characters) for a Blake3-256 digest.
std::string encode_digest(const crypto::Blake3Digest& digest);
[[nodiscard]] Result<crypto::Blake3Digest> decode_digest(std::string_view qb64);
/// "E..." of Blake3-256 over `data`.
std::string blake3_qb64(std::span<const uint8_t> data);
std::string blake3_qb64(std::string_view data);

/// A verification key as a KEL lists it.
struct Verkey {
  crypto::PublicKey key;
  bool transferable = true;
};

/// "D..." (Ed25519) or "1AAJ..." (P-256); "B..." / "1AAI..." when not transferable. RSA keys
/// have no code here.
[[nodiscard]] Result<std::string> encode_verkey(const crypto::PublicKey& key, bool transferable = true);
[[nodiscard]] Result<Verkey> decode_verkey(std::string_view qb64);

/// An indexed signature (keripy `Siger`): which key of the event signed, and the signature.
///
/// Codes, 64-byte signatures only:
///   A  both lists, index 0..63 (88 chars)       2A both lists, index and ondex 0..4095 (92 chars)
///   B  current list only, index 0..63           2B current list only, index 0..4095
///   E  P-256 both lists                         2E P-256 both lists, big
///   F  P-256 current list only                  2F P-256 current list only, big
/// keripy names A/B "Ed25519", but Auths writes code A for P-256 signatures too and takes the
/// curve from the key, so A/B/2A/2B carry no curve; E/F/2E/2F require a P-256 key.
struct IndexedSignature {
  std::string code;               // one of the codes above; empty = choose when encoding
  uint32_t index = 0;             // into the signed event's current keys (k)
  std::optional<uint32_t> ondex;  // into the prior event's next commitments (n); none = current only
  util::Bytes signature;          // 64 bytes: Ed25519, or P-256 raw r||s

  /// A signature by key `index` that is also the prior commitment `index` (code A, or 2A
  /// when the index does not fit one character).
  static IndexedSignature both(uint32_t index, util::Bytes signature);
};

/// Picks the code when `sig.code` is empty: A (ondex == index < 64), B (no ondex, index < 64),
/// 2A / 2B otherwise.
[[nodiscard]] Result<std::string> encode_indexed_signature(const IndexedSignature& sig);
[[nodiscard]] Result<IndexedSignature> decode_indexed_signature(std::string_view qb64);

/// True when the signature code requires a P-256 key (E, F, 2E, 2F).
bool requires_p256(const IndexedSignature& sig);

/// A controller signatures group: "-A" + 2-character base64 count + that many signatures.
[[nodiscard]] Result<std::string> encode_signature_group(std::span<const IndexedSignature> sigs);
/// Decodes an event's attachment text, which must be exactly one "-A" group (at least one
/// signature). Other attachment groups (receipts, delegation seals) are kUnsupported.
[[nodiscard]] Result<std::vector<IndexedSignature>> decode_signature_group(std::string_view text);

/// A sequence number as a Seqner: "0A" + 22 characters (16 raw bytes, big-endian). Numbers
/// beyond 64 bits are kUnsupported when decoding.
std::string encode_seqner(uint64_t sequence);
[[nodiscard]] Result<uint64_t> decode_seqner(std::string_view qb64);

/// A source seal couple (keripy "SealSourceCouples", counter "-G"): the sequence number and
/// SAID of the event, in another identifier's KEL, that anchors this one. A delegated event
/// (dip, drt) carries one naming the delegator's event that holds its seal.
struct SourceSeal {
  uint64_t sequence = 0;
  std::string said;  // E-coded, 44 characters

  friend bool operator==(const SourceSeal&, const SourceSeal&) = default;
};

/// "-G" + 2-character base64 count + that many couples (Seqner, then the SAID).
[[nodiscard]] Result<std::string> encode_source_seal_group(std::span<const SourceSeal> seals);

/// What is attached to a stored event: its controller signatures and, for a delegated event,
/// the source seals of its delegator's anchoring event.
struct Attachments {
  std::vector<IndexedSignature> signatures;
  std::vector<SourceSeal> source_seals;
};

/// Decodes an event's attachment text: one "-A" group (at least one signature), optionally
/// followed by one "-G" group (at least one couple), nothing else. Other groups are
/// kUnsupported.
[[nodiscard]] Result<Attachments> decode_attachments(std::string_view text);
/// The text decode_attachments reads: the "-A" group, then the "-G" group when there are
/// source seals.
[[nodiscard]] Result<std::string> encode_attachments(const Attachments& attachments);

}  // namespace auths::keri::cesr
