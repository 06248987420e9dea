// KEL building and replay: a valid history, then one test per way a KEL can be wrong (each
// checked by its Reason, not its message).
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "crypto/private_key.h"
#include "keri/cesr.h"
#include "keri/kel.h"

BOOST_AUTO_TEST_SUITE(keri_kel)

namespace ac = auths::crypto;
namespace ak = auths::keri;
using auths::Reason;

// Not in an anonymous namespace: the test cases derive from Fixture, and the suite's namespace
// already keeps these names to this file (also in the unity build of the tests).
using Json = nlohmann::ordered_json;

ac::PrivateKey new_key(ac::KeyType type = ac::KeyType::kEd25519) { return ac::PrivateKey::generate(type).value(); }
std::string qb64(const ac::PrivateKey& key) { return ak::cesr::encode_verkey(key.public_key()).value(); }
std::string commitment(const ac::PrivateKey& key) { return ak::next_key_digest(qb64(key)); }

ak::SignedEvent sign(const ak::KeyEvent& event, std::vector<std::pair<uint32_t, const ac::PrivateKey*>> signers) {
  ak::SignedEvent out{event, {}};
  for (const auto& [index, key] : signers) {
    out.signatures.push_back(ak::sign_event(event, *key, index).value());
  }
  return out;
}

// A KEL under construction: every event added must be valid.
struct Kel {
  std::vector<ak::SignedEvent> events;
  std::optional<ak::KeyState> state;

  void add(const ak::SignedEvent& ev) {
    Reason fault = Reason::kOk;
    const auto st = ak::apply_event(state, ev, &fault);
    BOOST_REQUIRE_MESSAGE(st.has_value(), (st ? "" : st.error().to_string()));
    events.push_back(ev);
  }
};

// One Ed25519 identity: k0 signs, k1 is committed to, k2 after that. Events: icp, ixn, rot, ixn.
struct Fixture {
  ac::PrivateKey k0 = new_key();
  ac::PrivateKey k1 = new_key();
  ac::PrivateKey k2 = new_key();
  Kel kel;

  Fixture() {
    kel.add(sign(ak::make_inception({qb64(k0)}, 1, {commitment(k1)}, 1).value(), {{0, &k0}}));
    kel.add(sign(ak::make_interaction(*kel.state, {ak::Seal::of_digest(commitment(k2)).value()}).value(), {{0, &k0}}));
    kel.add(sign(ak::make_rotation(*kel.state, {qb64(k1)}, 1, {commitment(k2)}, 1).value(), {{0, &k1}}));
    kel.add(
        sign(ak::make_interaction(*kel.state, {ak::Seal::from_json(Json{{"i", "x"}, {"s", "0"}, {"d", "y"}}).value()})
                 .value(),
             {{0, &k1}}));
  }
};

Reason replay_fault(const std::vector<ak::SignedEvent>& events, size_t* index = nullptr) {
  Reason fault = Reason::kOk;
  size_t failed = 0;
  const auto r = ak::replay_kel(events, &fault, &failed);
  BOOST_TEST(!r.has_value());
  if (index != nullptr) *index = failed;
  return fault;
}

// Re-signs an event after editing it (without recomputing the SAID unless asked).
ak::SignedEvent edited(ak::KeyEvent event, const ac::PrivateKey& key, bool resaidify) {
  if (resaidify) {
    BOOST_REQUIRE(ak::saidify(event).has_value());
  }
  return sign(event, {{0, &key}});
}

BOOST_FIXTURE_TEST_CASE(valid_kel_replays_to_its_key_state, Fixture) {
  Reason fault = Reason::kKelMalformed;
  const auto state = ak::replay_kel(kel.events, &fault);
  BOOST_REQUIRE(state.has_value());
  BOOST_TEST((fault == Reason::kOk));
  BOOST_TEST(state->prefix == kel.events[0].event.said);
  BOOST_TEST(state->did() == "did:keri:" + state->prefix);
  BOOST_TEST(state->sequence == 3u);
  BOOST_TEST(state->last_said == kel.events[3].event.said);
  BOOST_TEST(state->keys == std::vector<std::string>{qb64(k1)});
  BOOST_TEST((state->public_keys.at(0) == k1.public_key()));
  BOOST_TEST(state->next_digests == std::vector<std::string>{commitment(k2)});
  BOOST_TEST(!state->abandoned());
  BOOST_REQUIRE(state->establishments.size() == 2u);
  BOOST_TEST(state->establishment_at(1)->keys == std::vector<std::string>{qb64(k0)});
  BOOST_TEST(state->establishment_at(2)->keys == std::vector<std::string>{qb64(k1)});
  BOOST_REQUIRE(state->seals.size() == 2u);
  BOOST_TEST(state->seals[0].sequence == 1u);
  BOOST_TEST(state->find_digest_seal(commitment(k2))->event_said == kel.events[1].event.said);
  BOOST_TEST(state->find_digest_seal("nothing") == nullptr);
  BOOST_TEST(state->prefix.size() == 44u);
  BOOST_TEST(state->prefix[0] == 'E');
}

// Stored events may be pretty-printed; the SAID is over the compact form, and the attachment
// text round-trips.
BOOST_FIXTURE_TEST_CASE(parse_pretty_printed_and_attachments, Fixture) {
  std::vector<ak::SignedEvent> reparsed;
  for (const auto& ev : kel.events) {
    const std::string pretty = ak::to_json(ev.event).dump(2);
    const auto back = ak::parse_signed_event(pretty, ak::attachment_text(ev).value());
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(ak::serialize(back->event).value() == ak::serialize(ev.event).value());
    reparsed.push_back(*back);
  }
  BOOST_TEST(ak::replay_kel(reparsed).has_value());
}

BOOST_FIXTURE_TEST_CASE(tampered_said, Fixture) {
  // A seal changed after signing, SAID left as it was.
  ak::KeyEvent changed = kel.events[1].event;
  changed.seals[0] = ak::Seal::of_digest(commitment(k0)).value();
  auto events = kel.events;
  events[1] = edited(changed, k0, false);
  size_t index = 0;
  BOOST_TEST((replay_fault(events, &index) == Reason::kKelSaidMismatch));
  BOOST_TEST(index == 1u);

  // The SAID itself replaced by another digest.
  events = kel.events;
  events[3].event.said = commitment(k0);
  BOOST_TEST((replay_fault(events) == Reason::kKelSaidMismatch));

  // The inception's keys changed: its SAID, and so the prefix, no longer match.
  events = kel.events;
  events[0].event.keys = {qb64(k2)};
  BOOST_TEST((replay_fault(events) == Reason::kKelSaidMismatch));
}

BOOST_FIXTURE_TEST_CASE(bad_version_string, Fixture) {
  auto events = kel.events;
  events[1].event.version = "KERI10JSON000001_";
  BOOST_TEST((replay_fault(events) == Reason::kKelBadVersion));
}

BOOST_FIXTURE_TEST_CASE(broken_chain, Fixture) {
  // A correctly signed, correctly digested event whose `p` points elsewhere.
  ak::KeyEvent ev = kel.events[3].event;
  ev.prior = kel.events[1].event.said;
  auto events = kel.events;
  events[3] = edited(ev, k1, true);
  BOOST_TEST((replay_fault(events) == Reason::kKelBrokenChain));
}

BOOST_FIXTURE_TEST_CASE(wrong_signer, Fixture) {
  const ac::PrivateKey stranger = new_key();
  auto events = kel.events;
  events[1] = sign(kel.events[1].event, {{0, &stranger}});
  BOOST_TEST((replay_fault(events) == Reason::kKelBadSignature));

  // After the rotation the old key no longer signs.
  events = kel.events;
  events[3] = sign(kel.events[3].event, {{0, &k0}});
  BOOST_TEST((replay_fault(events) == Reason::kKelBadSignature));

  // A rotation signed by the outgoing key instead of the new one.
  events = kel.events;
  events[2] = sign(kel.events[2].event, {{0, &k0}});
  BOOST_TEST((replay_fault(events) == Reason::kKelBadSignature));

  // No signature at all.
  events = kel.events;
  events[1].signatures.clear();
  BOOST_TEST((replay_fault(events) == Reason::kKelThresholdNotMet));

  // A signature index with no key.
  events = kel.events;
  events[1] = sign(kel.events[1].event, {{1, &k0}});
  BOOST_TEST((replay_fault(events) == Reason::kKelBadSignature));
}

BOOST_FIXTURE_TEST_CASE(bad_pre_rotation, Fixture) {
  // Rotating to a key that was never committed to, properly signed by that key.
  const ac::PrivateKey intruder = new_key();
  std::optional<ak::KeyState> state = ak::replay_kel(std::span(kel.events).first(2)).value();
  const auto rot = ak::make_rotation(*state, {qb64(intruder)}, 1, {commitment(k2)}, 1).value();
  auto events = std::vector<ak::SignedEvent>(kel.events.begin(), kel.events.begin() + 2);
  events.push_back(sign(rot, {{0, &intruder}}));
  BOOST_TEST((replay_fault(events) == Reason::kKelBadPreRotation));
}

BOOST_FIXTURE_TEST_CASE(duplicate_and_skipped_sequence, Fixture) {
  // Two events at s=1 (the second chained to the inception as well).
  std::optional<ak::KeyState> after_icp = ak::replay_kel(std::span(kel.events).first(1)).value();
  const auto other = ak::make_interaction(*after_icp, {ak::Seal::of_digest("another").value()}).value();
  auto events = std::vector<ak::SignedEvent>(kel.events.begin(), kel.events.begin() + 2);
  events.push_back(sign(other, {{0, &k0}}));
  size_t index = 0;
  BOOST_TEST((replay_fault(events, &index) == Reason::kKelDuplicateSequence));
  BOOST_TEST(index == 2u);

  // The same event twice.
  events = kel.events;
  events.insert(events.begin() + 2, kel.events[1]);
  BOOST_TEST((replay_fault(events) == Reason::kKelDuplicateSequence));

  // A gap: s=3 straight after s=1.
  events = kel.events;
  events.erase(events.begin() + 2);
  BOOST_TEST((replay_fault(events) == Reason::kKelSequenceGap));
}

BOOST_FIXTURE_TEST_CASE(inception_must_come_first_and_once, Fixture) {
  auto events = kel.events;
  events.erase(events.begin());
  BOOST_TEST((replay_fault(events) == Reason::kKelNotInception));

  events = kel.events;
  events.push_back(kel.events[0]);
  BOOST_TEST((replay_fault(events) == Reason::kKelNotInception));

  BOOST_TEST((replay_fault({}) == Reason::kKelNotInception));
}

BOOST_FIXTURE_TEST_CASE(event_of_another_identity, Fixture) {
  Fixture other;
  auto events = kel.events;
  events[1] = other.kel.events[1];
  BOOST_TEST((replay_fault(events) == Reason::kKelPrefixMismatch));
}

BOOST_FIXTURE_TEST_CASE(no_events_after_abandonment, Fixture) {
  // Rotate to k2 with no next keys: the identity is abandoned.
  const auto rot = ak::make_rotation(*kel.state, {qb64(k2)}, 1, {}, 0).value();
  kel.add(sign(rot, {{0, &k2}}));
  BOOST_TEST(kel.state->abandoned());
  BOOST_TEST(!ak::make_interaction(*kel.state, {}).has_value());
  // Build the interaction by hand.
  ak::KeyEvent ixn;
  ixn.type = ak::EventType::kInteraction;
  ixn.prefix = kel.state->prefix;
  ixn.sequence = kel.state->sequence + 1;
  ixn.prior = kel.state->last_said;
  BOOST_REQUIRE(ak::saidify(ixn).has_value());
  auto events = kel.events;
  events.push_back(sign(ixn, {{0, &k2}}));
  BOOST_TEST((replay_fault(events) == Reason::kKelAbandoned));
}

BOOST_AUTO_TEST_CASE(multi_key_threshold) {
  const std::vector<ac::PrivateKey> cur = [] {
    std::vector<ac::PrivateKey> v;
    for (int i = 0; i < 3; ++i) v.push_back(new_key());
    return v;
  }();
  const std::vector<ac::PrivateKey> nxt = [] {
    std::vector<ac::PrivateKey> v;
    for (int i = 0; i < 3; ++i) v.push_back(new_key());
    return v;
  }();
  const auto icp = ak::make_inception({qb64(cur[0]), qb64(cur[1]), qb64(cur[2])}, 2,
                                      {commitment(nxt[0]), commitment(nxt[1]), commitment(nxt[2])}, 2)
                       .value();
  Reason fault = Reason::kOk;
  std::optional<ak::KeyState> state;
  BOOST_TEST(!ak::apply_event(state, sign(icp, {{1, &cur[1]}}), &fault).has_value());
  BOOST_TEST((fault == Reason::kKelThresholdNotMet));
  // The same key twice does not count twice.
  auto doubled = sign(icp, {{1, &cur[1]}});
  doubled.signatures.push_back(doubled.signatures[0]);
  BOOST_TEST(!ak::apply_event(state, doubled, &fault).has_value());
  BOOST_TEST(!state.has_value());
  BOOST_REQUIRE(ak::apply_event(state, sign(icp, {{0, &cur[0]}, {2, &cur[2]}})).has_value());

  // Rotation: two of the three committed keys sign; only one matching commitment fails.
  const auto rot =
      ak::make_rotation(*state, {qb64(nxt[0]), qb64(nxt[1]), qb64(nxt[2])}, 2, {commitment(cur[0])}, 1).value();
  std::optional<ak::KeyState> copy = state;
  BOOST_TEST(!ak::apply_event(copy, sign(rot, {{0, &nxt[0]}}), &fault).has_value());
  BOOST_TEST((fault == Reason::kKelThresholdNotMet));
  BOOST_REQUIRE(ak::apply_event(state, sign(rot, {{0, &nxt[0]}, {2, &nxt[2]}})).has_value());
  BOOST_TEST(state->key_threshold == 2u);
  BOOST_TEST(state->next_threshold == 1u);

  // Duplicate keys in `k` would let one signer count twice: refused when building.
  BOOST_TEST(!ak::make_inception({qb64(cur[0]), qb64(cur[0])}, 2, {commitment(nxt[0])}, 1).has_value());
}

// A rotation whose new key list is reordered: key k[0] matches the prior commitment n[1], so
// its signature carries ondex 1 (code 2A).
BOOST_AUTO_TEST_CASE(rotation_with_other_index) {
  const auto a = new_key();
  const auto b = new_key();
  const auto c = new_key();
  const auto d = new_key();
  Kel kel;
  kel.add(sign(ak::make_inception({qb64(a)}, 1, {commitment(b), commitment(c)}, 1).value(), {{0, &a}}));
  const auto rot = ak::make_rotation(*kel.state, {qb64(c)}, 1, {commitment(d)}, 1).value();
  ak::SignedEvent signed_rot{rot, {ak::sign_event(rot, c, 0, 1).value()}};
  BOOST_TEST(signed_rot.signatures[0].code == "2A");
  kel.add(signed_rot);
  // With ondex 0 (the default), c does not match n[0].
  std::optional<ak::KeyState> state = ak::replay_kel(std::span(kel.events).first(1)).value();
  Reason fault = Reason::kOk;
  BOOST_TEST(!ak::apply_event(state, sign(rot, {{0, &c}}), &fault).has_value());
  BOOST_TEST((fault == Reason::kKelBadPreRotation));
}

BOOST_AUTO_TEST_CASE(p256_identity) {
  const auto k0 = new_key(ac::KeyType::kEcdsaP256);
  const auto k1 = new_key(ac::KeyType::kEcdsaP256);
  const auto k2 = new_key(ac::KeyType::kEd25519);  // curves may change on rotation
  Kel kel;
  kel.add(sign(ak::make_inception({qb64(k0)}, 1, {commitment(k1)}, 1).value(), {{0, &k0}}));
  BOOST_TEST(kel.state->keys[0].substr(0, 4) == "1AAJ");
  kel.add(sign(ak::make_interaction(*kel.state, {ak::Seal::of_digest("seal").value()}).value(), {{0, &k0}}));
  kel.add(sign(ak::make_rotation(*kel.state, {qb64(k1)}, 1, {commitment(k2)}, 1).value(), {{0, &k1}}));
  kel.add(sign(ak::make_rotation(*kel.state, {qb64(k2)}, 1, {commitment(k0)}, 1).value(), {{0, &k2}}));
  BOOST_TEST(ak::replay_kel(kel.events).has_value());
  // A P-256 signature code (E) on an Ed25519 key is refused.
  const auto ixn = ak::make_interaction(*kel.state, {}).value();
  auto signed_ixn = sign(ixn, {{0, &k2}});
  signed_ixn.signatures[0].code = std::string(1, 'E');
  Reason fault = Reason::kOk;
  BOOST_TEST(!ak::apply_event(kel.state, signed_ixn, &fault).has_value());
  BOOST_TEST((fault == Reason::kKelBadSignature));
}

BOOST_AUTO_TEST_CASE(establishment_only_config) {
  const auto k0 = new_key();
  const auto k1 = new_key();
  ak::KeyEvent icp;
  icp.type = ak::EventType::kInception;
  icp.key_threshold = 1;
  icp.keys = {qb64(k0)};
  icp.next_threshold = 1;
  icp.next_digests = {commitment(k1)};
  icp.config = {"EO"};
  BOOST_REQUIRE(ak::saidify(icp).has_value());
  Kel kel;
  kel.add(sign(icp, {{0, &k0}}));
  const auto ixn = ak::make_interaction(*kel.state, {}).value();
  Reason fault = Reason::kOk;
  BOOST_TEST(!ak::apply_event(kel.state, sign(ixn, {{0, &k0}}), &fault).has_value());
  BOOST_TEST((fault == Reason::kKelEstablishmentOnly));
}

BOOST_AUTO_TEST_CASE(parse_is_strict) {
  const auto k0 = new_key();
  const auto icp = ak::make_inception({qb64(k0)}, 1, {commitment(k0)}, 1).value();
  const std::string text = ak::serialize(icp).value();
  BOOST_TEST(ak::parse_event(text).has_value());

  const auto replace = [&](const std::string& from, const std::string& to) {
    std::string out = text;
    const size_t pos = out.find(from);
    BOOST_REQUIRE(pos != std::string::npos);
    out.replace(pos, from.size(), to);
    return out;
  };
  const auto code_of = [](const std::string& t) {
    const auto r = ak::parse_event(t);
    BOOST_REQUIRE(!r.has_value());
    return r.error().code;
  };
  // Weighted and integer thresholds are understood but not supported.
  BOOST_TEST((code_of(replace("\"kt\":\"1\"", "\"kt\":[\"1/2\",\"1/2\"]")) == auths::ErrorCode::kUnsupported));
  BOOST_TEST((code_of(replace("\"kt\":\"1\"", "\"kt\":1")) == auths::ErrorCode::kUnsupported));
  // A dip has one more field (`di`) than an icp.
  BOOST_TEST((code_of(replace("\"t\":\"icp\"", "\"t\":\"dip\"")) == auths::ErrorCode::kCorrupt));
  BOOST_TEST((code_of(replace("\"t\":\"icp\"", "\"t\":\"vcp\"")) == auths::ErrorCode::kCorrupt));
  // Malformed: non-canonical hex, fields out of order, unknown or missing fields, duplicates.
  BOOST_TEST((code_of(replace("\"s\":\"0\"", "\"s\":\"00\"")) == auths::ErrorCode::kCorrupt));
  BOOST_TEST((code_of(replace("\"nt\":\"1\"", "\"nt\":\"A\"")) == auths::ErrorCode::kCorrupt));
  BOOST_TEST((code_of(replace("\"bt\":\"0\",", "")) == auths::ErrorCode::kCorrupt));
  BOOST_TEST((code_of(replace("\"a\":[]", "\"a\":[],\"x\":\"\"")) == auths::ErrorCode::kCorrupt));
  BOOST_TEST((code_of(replace("\"b\":[],\"c\":[]", "\"c\":[],\"b\":[]")) == auths::ErrorCode::kCorrupt));
  BOOST_TEST((code_of(replace("\"a\":[]", "\"a\":[],\"a\":[]")) == auths::ErrorCode::kCorrupt));
  BOOST_TEST((code_of(replace("\"a\":[]", "\"a\":[1]")) == auths::ErrorCode::kCorrupt));
  BOOST_TEST((code_of(replace("\"a\":[]", "\"a\":[{\"x\":1.5}]")) == auths::ErrorCode::kUnsupported));
  BOOST_TEST((code_of(replace("\"kt\":\"1\"", "\"kt\":\"2\"")) == auths::ErrorCode::kCorrupt));
  BOOST_TEST((code_of(replace("\"k\":[", "\"k\":[\"Dnot-a-key\",")) == auths::ErrorCode::kCorrupt));
  BOOST_TEST((code_of("[]") == auths::ErrorCode::kCorrupt));
  BOOST_TEST((code_of("{\"v\":") == auths::ErrorCode::kCorrupt));
}

BOOST_AUTO_TEST_CASE(fault_names_are_stable) {
  BOOST_TEST(std::string(auths::name(Reason::kKelSaidMismatch)) == "kel-said-mismatch");
  BOOST_TEST(std::string(auths::name(Reason::kKelBadPreRotation)) == "kel-bad-pre-rotation");
  BOOST_TEST(std::string(ak::to_string(ak::EventType::kRotation)) == "rot");
}

BOOST_AUTO_TEST_SUITE_END()
