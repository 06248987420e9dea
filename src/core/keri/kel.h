// KERI key event logs (KELs): the events that create and evolve a did:keri identity.
//
// Formats: KERI 1.0 JSON as keripy, signify-ts and Auths write it:
//   - events icp, rot, ixn with exactly these fields, in this order:
//       icp  v,t,d,i,s,kt,k,nt,n,bt,b,c,a
//       rot  v,t,d,i,s,p,kt,k,nt,n,bt,br,ba,a
//       ixn  v,t,d,i,s,p,a
//   - `s`, `kt`, `nt`, `bt` are lowercase hex strings without leading zeros ("0", "1", "a");
//     weighted (fractional) thresholds are kUnsupported, as are delegated events (dip, drt);
//   - the serialization is compact JSON in that field order; `v` is "KERI10JSON" + 6 lowercase
//     hex digits of the serialization's byte length + "_";
//   - the SAID `d` is the E-coded Blake3-256 of the serialization made with `d` (and, on
//     inception, `i`) replaced by 44 '#' characters and `v` sized accordingly; the identifier
//     prefix is the inception's SAID (did:keri:<prefix>);
//   - signatures are over the compact serialization of the finished event, attached as CESR
//     "-A" groups of indexed signatures (cesr.h);
//   - a next-key commitment is the E-coded Blake3-256 of the next key's qb64 text.
// Checked byte for byte against signify-ts (tests/data/keri/vectors.json).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "auths/reason.h"
#include "auths/result.h"
#include "crypto/private_key.h"
#include "crypto/public_key.h"
#include "keri/cesr.h"

namespace auths::keri {

enum class EventType { kInception, kRotation, kInteraction };
/// "icp", "rot", "ixn".
const char* to_string(EventType type);

/// One seal of an event's `a` list: a JSON object, kept as its compact serialization (so that an
/// event is written back byte for byte, and users of this header need no JSON library).
class Seal {
 public:
  /// {"d": digest}: anchors a record, such as an attestation's digest, in the KEL.
  [[nodiscard]] static Result<Seal> of_digest(std::string_view digest);
  /// A seal read from an event: a JSON object that every implementation serializes alike (no
  /// non-integer numbers, no integers beyond 2^53: kUnsupported; anything else: kCorrupt).
  [[nodiscard]] static Result<Seal> from_json(const nlohmann::ordered_json& object);

  /// The compact JSON text, members in the order given.
  const std::string& json() const { return m_json; }
  /// The value of its "d" member when that is a string.
  const std::optional<std::string>& digest() const { return m_digest; }

  friend bool operator==(const Seal&, const Seal&) = default;

 private:
  Seal(std::string json, std::optional<std::string> digest) : m_json(std::move(json)), m_digest(std::move(digest)) {}
  std::string m_json;
  std::optional<std::string> m_digest;
};

/// One key event. Fields not used by its type stay empty.
struct KeyEvent {
  EventType type = EventType::kInception;
  std::string version;                       // v
  std::string said;                          // d
  std::string prefix;                        // i
  uint64_t sequence = 0;                     // s
  std::string prior;                         // p: SAID of the previous event (rot, ixn)
  uint32_t key_threshold = 0;                // kt (icp, rot)
  std::vector<std::string> keys;             // k: qb64 verkeys (icp, rot)
  uint32_t next_threshold = 0;               // nt (icp, rot)
  std::vector<std::string> next_digests;     // n: next-key commitments (icp, rot)
  uint32_t backer_threshold = 0;             // bt (icp, rot)
  std::vector<std::string> backers;          // b (icp)
  std::vector<std::string> backers_removed;  // br (rot)
  std::vector<std::string> backers_added;    // ba (rot)
  std::vector<std::string> config;           // c: configuration traits such as "EO" (icp)
  std::vector<Seal> seals;                   // a
};

/// The event as JSON in the normative field order.
nlohmann::ordered_json to_json(const KeyEvent& event);
/// The compact serialization: what `v` counts, what the SAID hashes, what signatures cover.
/// Errors only for seals that cannot be serialized (invalid UTF-8).
[[nodiscard]] Result<std::string> serialize(const KeyEvent& event);

/// Parses one event from JSON text (compact or pretty-printed; at most 4 MiB). Strict: the
/// exact field set in the normative order, string types, canonical hex, CESR keys and digests,
/// seals as objects without non-integer numbers. Does not check `v` or `d` (see check_said).
[[nodiscard]] Result<KeyEvent> parse_event(std::string_view json_text);
[[nodiscard]] Result<KeyEvent> event_from_json(const nlohmann::ordered_json& json);

/// The `v` and `d` the event must carry (and `i` for an inception), computed from its content.
struct Saidified {
  std::string version;
  std::string said;
};
[[nodiscard]] Result<Saidified> compute_said(const KeyEvent& event);
/// Sets `v`, `d` and, on an inception, `i` from the content.
[[nodiscard]] Status saidify(KeyEvent& event);

/// The next-key commitment for a verkey: E-coded Blake3-256 of its qb64 text.
std::string next_key_digest(std::string_view verkey_qb64);

/// An event with its controller signatures.
struct SignedEvent {
  KeyEvent event;
  std::vector<cesr::IndexedSignature> signatures;
};

/// Parses stored event JSON plus its CESR attachment text ("-A##...").
[[nodiscard]] Result<SignedEvent> parse_signed_event(std::string_view event_json, std::string_view attachment);
/// The attachment text for the event's signatures.
[[nodiscard]] Result<std::string> attachment_text(const SignedEvent& signed_event);

/// Signs the event's serialization with `key` as its current key number `index`. The
/// signature's prior index (ondex) is `index` too (code A), which is what a rotation needs when
/// key k[index] is the one committed to by the previous n[index]; pass `ondex` otherwise (or
/// nullopt with `current_only` for a key that was not pre-committed).
[[nodiscard]] Result<cesr::IndexedSignature> sign_event(const KeyEvent& event, const crypto::PrivateKey& key,
                                                        uint32_t index, std::optional<uint32_t> ondex = std::nullopt,
                                                        bool current_only = false);

/// One establishment (icp or rot): the keys in force from `sequence` on.
struct Establishment {
  uint64_t sequence = 0;
  std::string said;
  uint32_t key_threshold = 0;
  std::vector<std::string> keys;               // qb64
  std::vector<crypto::PublicKey> public_keys;  // the same keys, decoded
};

/// A seal from some event's `a`, with where it was anchored.
struct AnchoredSeal {
  uint64_t sequence = 0;
  std::string event_said;
  Seal seal;
};

/// The state of an identity after replaying its KEL.
struct KeyState {
  std::string prefix;
  uint64_t sequence = 0;  // of the last event
  std::string last_said;
  uint32_t key_threshold = 0;     // current signing threshold
  std::vector<std::string> keys;  // current keys, qb64
  std::vector<crypto::PublicKey> public_keys;
  uint32_t next_threshold = 0;
  std::vector<std::string> next_digests;  // empty once abandoned (or non-transferable)
  uint32_t backer_threshold = 0;
  std::vector<std::string> backers;
  std::vector<std::string> config;
  std::vector<Establishment> establishments;  // every icp/rot, oldest first
  std::vector<AnchoredSeal> seals;            // every seal, in KEL order

  std::string did() const { return "did:keri:" + prefix; }
  /// True once the next-key list is empty: no further events are possible.
  bool abandoned() const { return next_digests.empty(); }
  /// The establishment in force at sequence number `sequence` (nullptr before the inception).
  const Establishment* establishment_at(uint64_t sequence) const;
  /// The first seal whose "d" member equals `digest` (for instance an anchored attestation).
  const AnchoredSeal* find_digest_seal(std::string_view digest) const;
};

/// Applies one signed event to `state` (empty for a new KEL, which must start with an icp).
/// On success `state` holds the new state and `fault`, when given, is kOk; on failure `state` is
/// unchanged, the Error says what is wrong and `fault` gets the reason (one of the kKel* codes).
[[nodiscard]] Status apply_event(std::optional<KeyState>& state, const SignedEvent& event, Reason* fault = nullptr);

/// Replays a whole KEL from its inception. On failure, `fault` and `failed_index` (when given)
/// say why and at which event.
[[nodiscard]] Result<KeyState> replay_kel(std::span<const SignedEvent> kel, Reason* fault = nullptr,
                                          size_t* failed_index = nullptr);

// Building events (the CLI's side). Each returns a finished event: `v`, `d` and `i` set.

/// An inception with self-addressing prefix. `keys` are qb64 verkeys, `next_digests` the
/// commitments to the next keys (next_key_digest). No backers, no configuration.
[[nodiscard]] Result<KeyEvent> make_inception(std::vector<std::string> keys, uint32_t key_threshold,
                                              std::vector<std::string> next_digests, uint32_t next_threshold,
                                              std::vector<Seal> seals = {});
/// A rotation of `state` to `keys` (which must include keys matching the previous
/// commitments) with new commitments; empty `next_digests` abandons the identity.
[[nodiscard]] Result<KeyEvent> make_rotation(const KeyState& state, std::vector<std::string> keys,
                                             uint32_t key_threshold, std::vector<std::string> next_digests,
                                             uint32_t next_threshold, std::vector<Seal> seals = {});
/// An interaction anchoring `seals` after `state`'s last event.
[[nodiscard]] Result<KeyEvent> make_interaction(const KeyState& state, std::vector<Seal> seals);

}  // namespace auths::keri
