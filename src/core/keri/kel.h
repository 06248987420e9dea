// KERI key event logs (KELs): the events that create and evolve a did:keri identity.
//
// Formats: KERI 1.0 JSON as keripy, signify-ts and Auths write it:
//   - events icp, rot, ixn, dip, drt with exactly these fields, in this order:
//       icp  v,t,d,i,s,kt,k,nt,n,bt,b,c,a
//       rot  v,t,d,i,s,p,kt,k,nt,n,bt,br,ba,a
//       ixn  v,t,d,i,s,p,a
//       dip  v,t,d,i,s,kt,k,nt,n,bt,b,c,a,di
//       drt  v,t,d,i,s,p,kt,k,nt,n,bt,br,ba,a        (keripy, signify-ts 0.3.0)
//         or v,t,d,i,s,p,kt,k,nt,n,bt,br,ba,a,di     (Auths' field table)
//   - `s`, `kt`, `nt`, `bt` are lowercase hex strings without leading zeros ("0", "1", "a");
//     weighted (fractional) thresholds are kUnsupported;
//   - the serialization is compact JSON in that field order; `v` is "KERI10JSON" + 6 lowercase
//     hex digits of the serialization's byte length + "_";
//   - the SAID `d` is the E-coded Blake3-256 of the serialization made with `d` (and, on
//     inception, icp or dip, `i`) replaced by 44 '#' characters and `v` sized accordingly; the
//     identifier prefix is the inception's SAID (did:keri:<prefix>);
//   - signatures are over the compact serialization of the finished event, attached as CESR
//     "-A" groups of indexed signatures (cesr.h);
//   - a next-key commitment is the E-coded Blake3-256 of the next key's qb64 text.
// Checked byte for byte against signify-ts (tests/data/keri/vectors.json).
//
// Delegation (KERI delegated identifiers, how Auths represents devices and agents): a dip
// names its delegator in `di`; it, and every later drt of the delegate, is valid only when the
// delegator's KEL holds a KeyEvent seal {"i": delegate prefix, "s": the event's `s`, "d": the
// event's SAID} (Seal::of_event). The delegate's attachment may carry a "-G" source seal couple
// (cesr.h) naming the delegator's event that holds that seal. A delegated identifier rotates
// with drt only (a rot is refused, as keripy does), and interacts with plain ixn events.
// The delegator may itself be delegated, up to kMaxDelegationDepth delegators above an event.
//
// drt and `di`: signify-ts 0.3.0 (rotate with ilk drt) and current keripy write a drt without
// `di` (the delegator is known from the dip); the Auths field table lists it with `di`. Both
// are read; a parsed drt remembers which form it had (KeyEvent::drt_has_delegator) and is
// written back in that form, since its signatures cover those bytes. New drt events
// (make_delegated_rotation) are built without `di`, as signify-ts and keripy do. A drt that
// carries `di` must name the delegator its dip named.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
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

enum class EventType { kInception, kRotation, kInteraction, kDelegatedInception, kDelegatedRotation };
/// "icp", "rot", "ixn", "dip", "drt".
const char* to_string(EventType type);
/// icp or dip: the first event of a KEL.
constexpr bool is_inception(EventType t) { return t == EventType::kInception || t == EventType::kDelegatedInception; }
/// rot or drt.
constexpr bool is_rotation(EventType t) { return t == EventType::kRotation || t == EventType::kDelegatedRotation; }
/// Every type but ixn: events that set the keys.
constexpr bool is_establishment(EventType t) { return t != EventType::kInteraction; }
/// dip or drt: events the delegator's KEL must anchor.
constexpr bool is_delegated(EventType t) {
  return t == EventType::kDelegatedInception || t == EventType::kDelegatedRotation;
}

/// How many delegators may stand above a delegated event: its delegator, that one's delegator
/// and so on up to a non-delegated identifier (as Auths' chain walk, 16 hops).
inline constexpr size_t kMaxDelegationDepth = 16;

struct KeyEvent;

/// One seal of an event's `a` list: a JSON object, kept as its compact serialization (so that an
/// event is written back byte for byte, and users of this header need no JSON library).
class Seal {
 public:
  /// {"d": digest}: anchors a record, such as an attestation's digest, in the KEL. A delegator
  /// revokes a delegate with {"d": delegate prefix} (KeyState::revoked_delegate).
  [[nodiscard]] static Result<Seal> of_digest(std::string_view digest);
  /// {"i": prefix, "s": sequence in lowercase hex, "d": said}: a KeyEvent seal, anchoring event
  /// `sequence` of identifier `prefix`; what a delegator's KEL holds for each dip and drt it
  /// approves.
  [[nodiscard]] static Result<Seal> of_event(std::string_view prefix, uint64_t sequence, std::string_view said);
  /// The KeyEvent seal of a finished event (its `i`, `s`, `d`).
  [[nodiscard]] static Result<Seal> of_event(const KeyEvent& event);
  /// A seal read from an event: a JSON object that every implementation serializes alike (no
  /// non-integer numbers, no integers beyond 2^53: kUnsupported; anything else: kCorrupt).
  [[nodiscard]] static Result<Seal> from_json(const nlohmann::ordered_json& object);

  /// The compact JSON text, members in the order given.
  const std::string& json() const { return m_json; }
  /// The value of its "d" member when that is a string.
  const std::optional<std::string>& digest() const { return m_digest; }
  /// True for a Digest seal: exactly one member, "d", a string.
  bool is_digest_seal() const { return m_kind == Kind::kDigest; }
  /// True for a KeyEvent seal (exactly the string members "i", "s", "d", in any order, as
  /// keripy compares them) of event `sequence` of `prefix` with SAID `said`. "s" must be the
  /// canonical lowercase hex of `sequence`.
  bool anchors(std::string_view prefix, uint64_t sequence, std::string_view said) const;

  friend bool operator==(const Seal&, const Seal&) = default;

 private:
  enum class Kind { kOther, kDigest, kEvent };
  Seal(std::string json, std::optional<std::string> digest, Kind kind, std::string prefix, std::string sequence)
      : m_json(std::move(json)),
        m_digest(std::move(digest)),
        m_kind(kind),
        m_prefix(std::move(prefix)),
        m_sequence(std::move(sequence)) {}
  std::string m_json;
  std::optional<std::string> m_digest;
  Kind m_kind = Kind::kOther;
  std::string m_prefix;    // "i" of a KeyEvent seal
  std::string m_sequence;  // "s" of a KeyEvent seal
};

/// One key event. Fields not used by its type stay empty.
struct KeyEvent {
  EventType type = EventType::kInception;
  std::string version;                       // v
  std::string said;                          // d
  std::string prefix;                        // i
  uint64_t sequence = 0;                     // s
  std::string prior;                         // p: SAID of the previous event (rot, drt, ixn)
  uint32_t key_threshold = 0;                // kt (establishment events)
  std::vector<std::string> keys;             // k: qb64 verkeys (establishment events)
  uint32_t next_threshold = 0;               // nt (establishment events)
  std::vector<std::string> next_digests;     // n: next-key commitments (establishment events)
  uint32_t backer_threshold = 0;             // bt (establishment events)
  std::vector<std::string> backers;          // b (icp, dip)
  std::vector<std::string> backers_removed;  // br (rot, drt)
  std::vector<std::string> backers_added;    // ba (rot, drt)
  std::vector<std::string> config;           // c: configuration traits such as "EO" (icp, dip)
  std::vector<Seal> seals;                   // a
  std::string delegator;                     // di: the delegator's prefix (dip; drt in Auths' form)
  bool drt_has_delegator = false;            // a drt in Auths' form, ending with `di` (see above)
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

/// An event with its controller signatures and, for a delegated event, the source seals naming
/// the delegator's event that anchors it (empty: apply_event searches the delegator's KEL).
struct SignedEvent {
  KeyEvent event;
  std::vector<cesr::IndexedSignature> signatures;
  std::vector<cesr::SourceSeal> source_seals = {};
};

/// Parses stored event JSON plus its CESR attachment text: "-A##<signatures>", optionally
/// followed by "-G##<couples>" (cesr::decode_attachments). Source seals on an event that is
/// not delegated are kCorrupt.
[[nodiscard]] Result<SignedEvent> parse_signed_event(std::string_view event_json, std::string_view attachment);
/// The attachment text for the event's signatures, followed by its "-G" group when it has
/// source seals: for a delegated event, set signed_event.source_seals to
/// {{delegator event's sequence, its SAID}} first (the event whose `a` holds Seal::of_event).
[[nodiscard]] Result<std::string> attachment_text(const SignedEvent& signed_event);

/// Signs the event's serialization with `key` as its current key number `index`. The
/// signature's prior index (ondex) is `index` too (code A), which is what a rotation needs when
/// key k[index] is the one committed to by the previous n[index]; pass `ondex` otherwise (or
/// nullopt with `current_only` for a key that was not pre-committed).
[[nodiscard]] Result<cesr::IndexedSignature> sign_event(const KeyEvent& event, const crypto::PrivateKey& key,
                                                        uint32_t index, std::optional<uint32_t> ondex = std::nullopt,
                                                        bool current_only = false);

/// One establishment (icp, rot, dip or drt): the keys in force from `sequence` on.
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
  std::vector<Establishment> establishments;  // every establishment event, oldest first
  std::vector<AnchoredSeal> seals;            // every seal, in KEL order
  /// seals by their "d" member: positions in `seals`, in KEL order (kept by apply_event, so that
  /// an org whose KEL anchors thousands of records finds one without reading them all).
  std::map<std::string, std::vector<size_t>, std::less<>> seals_by_digest;
  std::string delegator;  // the delegator's prefix (from the dip); empty: not delegated

  std::string did() const { return "did:keri:" + prefix; }
  bool delegated() const { return !delegator.empty(); }
  /// True once the next-key list is empty: no further events are possible.
  bool abandoned() const { return next_digests.empty(); }
  /// The establishment in force at sequence number `sequence` (nullptr before the inception).
  const Establishment* establishment_at(uint64_t sequence) const;
  /// The first seal whose "d" member equals `digest` (for instance an anchored attestation).
  const AnchoredSeal* find_digest_seal(std::string_view digest) const;
  /// Every seal whose "d" member equals `digest`, in KEL order.
  std::vector<const AnchoredSeal*> digest_seals(std::string_view digest) const;
  /// For a delegator's state: the sequence number of its first event holding a Digest seal
  /// {"d": prefix} (exactly that member), which is how Auths revokes the delegate `prefix`;
  /// nullopt when there is none.
  std::optional<uint64_t> revoked_delegate(std::string_view prefix) const;
};

/// Finds the replayed state of another identifier by its prefix (nullptr: unknown); how
/// apply_event reaches a delegator's KEL. The state returned must stay valid during the call.
using KeyStateLookup = std::function<const KeyState*(std::string_view prefix)>;

/// Applies one signed event to `state` (empty for a new KEL, which must start with an icp or a
/// dip). On success `state` holds the new state and `fault`, when given, is kOk; on failure
/// `state` is unchanged, the Error says what is wrong and `fault` gets the reason (one of the
/// kKel* codes).
///
/// A dip or drt also needs `delegators`, to find its delegator and every delegator above it:
/// the delegator's state must hold its KeyEvent seal (in the event the "-G" source seals name,
/// when the event has any), there may be at most kMaxDelegationDepth delegators up to one that
/// is not delegated, no cycle, and the delegator must not be configured "DND" (do not
/// delegate). Otherwise (no lookup, unknown delegator, seal missing or elsewhere, chain too
/// deep, DND) it is refused with kKelDelegationNotAnchored, as is a rot of a delegated
/// identifier and a drt of one that is not. The delegation is checked after the event's own
/// signatures, so that a forged event is reported as one.
[[nodiscard]] Status apply_event(std::optional<KeyState>& state, const SignedEvent& event, Reason* fault = nullptr,
                                 const KeyStateLookup& delegators = {});

/// Replays a whole KEL from its inception. On failure, `fault` and `failed_index` (when given)
/// say why and at which event. `delegators` as for apply_event.
[[nodiscard]] Result<KeyState> replay_kel(std::span<const SignedEvent> kel, Reason* fault = nullptr,
                                          size_t* failed_index = nullptr, const KeyStateLookup& delegators = {});

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

/// A delegated inception (dip) naming `delegator_prefix` in `di`, with self-addressing prefix.
/// It is valid once the delegator's KEL anchors Seal::of_event(dip) (for instance with
/// make_interaction); attach the anchoring event's (sequence, SAID) as a source seal
/// (SignedEvent::source_seals) so that verifiers need not search for it.
[[nodiscard]] Result<KeyEvent> make_delegated_inception(std::vector<std::string> keys, uint32_t key_threshold,
                                                        std::vector<std::string> next_digests, uint32_t next_threshold,
                                                        std::string delegator_prefix, std::vector<Seal> seals = {});
/// A delegated rotation (drt) of the delegated identifier `state`, as make_rotation, in the
/// signify-ts form (no `di`). The delegator must anchor it like a dip.
[[nodiscard]] Result<KeyEvent> make_delegated_rotation(const KeyState& state, std::vector<std::string> keys,
                                                       uint32_t key_threshold, std::vector<std::string> next_digests,
                                                       uint32_t next_threshold, std::vector<Seal> seals = {});

}  // namespace auths::keri
