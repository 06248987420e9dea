// KERI delegated identifiers: a dip or drt is accepted only when its delegator's KEL holds the
// KeyEvent seal {i, s, d} for it (in the event its -G source seal names, when it has one);
// chains of delegators up to kMaxDelegationDepth; both drt forms; revocation by Digest seal.
// Each refusal is checked by its Reason. (The signify-ts vectors are in keri_vectors_test.cpp.)
#include <boost/test/unit_test.hpp>

#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "crypto/private_key.h"
#include "keri/cesr.h"
#include "keri/kel.h"
#include "support/printers.h"

BOOST_AUTO_TEST_SUITE(keri_delegation)

namespace ac = auths::crypto;
namespace ak = auths::keri;
namespace cesr = auths::keri::cesr;
using auths::Reason;
using Json = nlohmann::ordered_json;

// Not in an anonymous namespace: the suite's namespace keeps these names to this file (also in
// the unity build of the tests).

// Shared, so that an Id can be copied (a PrivateKey cannot).
using Key = std::shared_ptr<const ac::PrivateKey>;
Key fresh_key() {
  return std::make_shared<const ac::PrivateKey>(ac::PrivateKey::generate(ac::KeyType::kEd25519).value());
}
std::string key_qb64(const ac::PrivateKey& key) { return cesr::encode_verkey(key.public_key()).value(); }
std::string key_digest(const ac::PrivateKey& key) { return ak::next_key_digest(key_qb64(key)); }

ak::SignedEvent signed_by(const ak::KeyEvent& event, const ac::PrivateKey& key,
                          std::vector<cesr::SourceSeal> source_seals = {}) {
  return ak::SignedEvent{event, {ak::sign_event(event, key, 0).value()}, std::move(source_seals)};
}

// Identities whose states a delegated event can look up, as a registry would hold them.
struct World {
  std::map<std::string, ak::KeyState, std::less<>> states;

  ak::KeyStateLookup lookup() const {
    return [this](std::string_view prefix) -> const ak::KeyState* {
      const auto it = states.find(prefix);
      return it == states.end() ? nullptr : &it->second;
    };
  }
};

// One identity: keys[n] signs after n rotations, keys[n + 1] is committed to.
struct Id {
  std::vector<Key> keys;
  size_t rotations = 0;
  ak::KeyState state;

  Id() : keys{fresh_key(), fresh_key()} {}
  const ac::PrivateKey& current() const { return *keys[rotations]; }
  const ac::PrivateKey& next() const { return *keys[rotations + 1]; }
  const std::string& prefix() const { return state.prefix; }
};

// Applies `event` to `id` (nullopt state for an inception) and records the state in `world`.
// Returns the status and sets `fault`.
auths::Status apply(World& world, Id& id, const ak::SignedEvent& event, Reason* fault = nullptr,
                    bool with_lookup = true) {
  std::optional<ak::KeyState> state;
  if (!ak::is_inception(event.event.type)) state = id.state;
  Reason reason = Reason::kOk;
  auto st = ak::apply_event(state, event, &reason, with_lookup ? world.lookup() : ak::KeyStateLookup{});
  if (fault != nullptr) *fault = reason;
  if (st) {
    id.state = *state;
    world.states[id.state.prefix] = id.state;
  }
  return st;
}

void must_apply(World& world, Id& id, const ak::SignedEvent& event) {
  const auto st = apply(world, id, event);
  BOOST_REQUIRE_MESSAGE(st.has_value(), (st ? "" : st.error().to_string()));
}

Id make_root(World& world) {
  Id id;
  must_apply(
      world, id,
      signed_by(ak::make_inception({key_qb64(id.current())}, 1, {key_digest(id.next())}, 1).value(), id.current()));
  return id;
}

// An interaction of `id` with `seals`; returns the event (for a -G couple).
ak::KeyEvent interact(World& world, Id& id, std::vector<ak::Seal> seals) {
  const auto ixn = ak::make_interaction(id.state, std::move(seals)).value();
  must_apply(world, id, signed_by(ixn, id.current()));
  return ixn;
}

// The event's anchor in `delegator`'s KEL; returns the -G couple naming it.
cesr::SourceSeal anchor(World& world, Id& delegator, const ak::KeyEvent& event) {
  const auto ixn = interact(world, delegator, {ak::Seal::of_event(event).value()});
  return {ixn.sequence, ixn.said};
}

ak::KeyEvent make_dip(const Id& delegate, const std::string& delegator_prefix) {
  return ak::make_delegated_inception({key_qb64(delegate.current())}, 1, {key_digest(delegate.next())}, 1,
                                      delegator_prefix)
      .value();
}

// A delegate of `delegator`, anchored and applied.
Id make_delegate(World& world, Id& delegator) {
  Id id;
  const auto dip = make_dip(id, delegator.prefix());
  const auto source = anchor(world, delegator, dip);
  must_apply(world, id, signed_by(dip, id.current(), {source}));
  return id;
}

// The next drt of `id` to its pre-committed key (not applied).
ak::KeyEvent make_drt(Id& id) {
  id.keys.push_back(fresh_key());
  return ak::make_delegated_rotation(id.state, {key_qb64(id.next())}, 1, {key_digest(*id.keys.back())}, 1).value();
}

Reason refusal(World& world, Id& id, const ak::SignedEvent& event, bool with_lookup = true) {
  Reason fault = Reason::kOk;
  const ak::KeyState before = id.state;
  BOOST_TEST(!apply(world, id, event, &fault, with_lookup).has_value());
  BOOST_TEST(id.state.sequence == before.sequence);
  return fault;
}

BOOST_AUTO_TEST_CASE(anchored_dip_is_accepted) {
  World world;
  Id root = make_root(world);
  Id agent;
  const auto dip = make_dip(agent, root.prefix());
  BOOST_TEST(dip.prefix == dip.said);
  BOOST_TEST(dip.delegator == root.prefix());
  const std::string text = ak::serialize(dip).value();
  BOOST_TEST(text.find("\"t\":\"dip\"") != std::string::npos);
  BOOST_TEST(text.substr(text.size() - 53) == ",\"di\":\"" + root.prefix() + "\"}");

  // Without the anchor: refused, however it is looked up.
  BOOST_TEST(refusal(world, agent, signed_by(dip, agent.current())) == Reason::kKelDelegationNotAnchored);
  const auto source = anchor(world, root, dip);
  // Anchored, but no lookup (or an unknown delegator): still refused.
  BOOST_TEST(refusal(world, agent, signed_by(dip, agent.current()), /*with_lookup=*/false) ==
             Reason::kKelDelegationNotAnchored);
  World empty;
  BOOST_TEST(refusal(empty, agent, signed_by(dip, agent.current())) == Reason::kKelDelegationNotAnchored);

  // Anchored, found by searching the delegator's KEL, and by the -G couple.
  must_apply(world, agent, signed_by(dip, agent.current()));
  BOOST_TEST(agent.state.delegator == root.prefix());
  BOOST_TEST(agent.state.delegated());
  BOOST_TEST(!root.state.delegated());
  Id again = agent;
  must_apply(world, again, signed_by(dip, agent.current(), {source}));

  // An interaction of the delegate needs no anchor, and keeps the delegator.
  const auto ixn = ak::make_interaction(agent.state, {}).value();
  std::optional<ak::KeyState> state = agent.state;
  BOOST_REQUIRE(ak::apply_event(state, signed_by(ixn, agent.current())).has_value());
  BOOST_TEST(state->delegator == root.prefix());
}

// The attachment text carries the -G couple after the signatures, and reads back.
BOOST_AUTO_TEST_CASE(source_seal_attachment_round_trip) {
  World world;
  Id root = make_root(world);
  Id agent;
  const auto dip = make_dip(agent, root.prefix());
  const auto source = anchor(world, root, dip);
  const auto signed_event = signed_by(dip, agent.current(), {source});
  const std::string text = ak::attachment_text(signed_event).value();
  BOOST_TEST(text.size() == 4u + 88u + 4u + 24u + 44u);
  BOOST_TEST(text.substr(92, 4) == "-GAB");
  BOOST_TEST(text.substr(96, 24) == "0AAAAAAAAAAAAAAAAAAAAAAB");  // sequence 1
  BOOST_TEST(text.substr(120) == source.said);
  const auto back = ak::parse_signed_event(ak::to_json(dip).dump(2), text);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST((back->source_seals == std::vector<cesr::SourceSeal>{source}));
  BOOST_TEST(back->signatures.size() == 1u);
  must_apply(world, agent, *back);

  // Without source seals, only the -A group.
  BOOST_TEST(ak::attachment_text(signed_by(dip, agent.current())).value().size() == 92u);
  // Source seals belong to delegated events only.
  const auto ixn = ak::make_interaction(root.state, {}).value();
  const std::string ixn_text = ak::attachment_text(signed_by(ixn, root.current(), {source})).value();
  const auto parsed = ak::parse_signed_event(ak::serialize(ixn).value(), ixn_text);
  BOOST_REQUIRE(!parsed.has_value());
  BOOST_TEST((parsed.error().code == auths::ErrorCode::kCorrupt));
  Reason fault = Reason::kOk;
  std::optional<ak::KeyState> state = root.state;
  BOOST_TEST(!ak::apply_event(state, signed_by(ixn, root.current(), {source}), &fault).has_value());
  BOOST_TEST(fault == Reason::kKelMalformed);
}

BOOST_AUTO_TEST_CASE(dip_with_a_wrong_seal_is_refused) {
  World world;
  Id root = make_root(world);
  Id other = make_root(world);
  Id agent;
  const auto dip = make_dip(agent, root.prefix());
  const auto event = signed_by(dip, agent.current());
  // Wrong `s`.
  interact(world, root, {ak::Seal::of_event(dip.prefix, 1, dip.said).value()});
  BOOST_TEST(refusal(world, agent, event) == Reason::kKelDelegationNotAnchored);
  // Wrong `d`.
  interact(world, root, {ak::Seal::of_event(dip.prefix, 0, root.state.last_said).value()});
  BOOST_TEST(refusal(world, agent, event) == Reason::kKelDelegationNotAnchored);
  // Another identifier's `i`.
  interact(world, root, {ak::Seal::of_event(other.prefix(), 0, dip.said).value()});
  BOOST_TEST(refusal(world, agent, event) == Reason::kKelDelegationNotAnchored);
  // The right members plus another one: not a KeyEvent seal. A Digest seal of the SAID is not
  // one either.
  interact(world, root,
           {ak::Seal::from_json(Json{{"i", dip.prefix}, {"s", "0"}, {"d", dip.said}, {"x", "y"}}).value(),
            ak::Seal::of_digest(dip.said).value()});
  BOOST_TEST(refusal(world, agent, event) == Reason::kKelDelegationNotAnchored);
  // `s` not in canonical hex.
  interact(world, root, {ak::Seal::from_json(Json{{"i", dip.prefix}, {"s", "00"}, {"d", dip.said}}).value()});
  BOOST_TEST(refusal(world, agent, event) == Reason::kKelDelegationNotAnchored);
  // The right seal, in another identity's KEL.
  anchor(world, other, dip);
  BOOST_TEST(refusal(world, agent, event) == Reason::kKelDelegationNotAnchored);
  // The right seal with its members in another order (keripy compares them as a dict).
  interact(world, root, {ak::Seal::from_json(Json{{"d", dip.said}, {"i", dip.prefix}, {"s", "0"}}).value()});
  must_apply(world, agent, event);
}

BOOST_AUTO_TEST_CASE(source_seal_must_name_the_anchoring_event) {
  World world;
  Id root = make_root(world);
  Id agent;
  const auto dip = make_dip(agent, root.prefix());
  const auto source = anchor(world, root, dip);             // root s=1
  const auto later = interact(world, root, {});             // root s=2, no seal
  const auto unrelated = make_root(world).state.last_said;  // an event of someone else
  const std::vector<cesr::SourceSeal> wrong = {
      {later.sequence, later.said},   // an event of the delegator without the seal
      {source.sequence, later.said},  // the right sequence number, another SAID
      {later.sequence, source.said},  // the right SAID, another sequence number
      {0, unrelated},                 // not the delegator's
  };
  for (const auto& couple : wrong) {
    BOOST_TEST(refusal(world, agent, signed_by(dip, agent.current(), {couple})) == Reason::kKelDelegationNotAnchored);
  }
  // Two couples: each must hold.
  BOOST_TEST(refusal(world, agent, signed_by(dip, agent.current(), {source, wrong[0]})) ==
             Reason::kKelDelegationNotAnchored);
  must_apply(world, agent, signed_by(dip, agent.current(), {source}));
}

BOOST_AUTO_TEST_CASE(drt_needs_its_anchor_and_pre_rotation) {
  World world;
  Id root = make_root(world);
  Id agent = make_delegate(world, root);
  const auto drt = make_drt(agent);
  BOOST_TEST(!drt.drt_has_delegator);
  BOOST_TEST(drt.delegator.empty());
  const std::string text = ak::serialize(drt).value();
  BOOST_TEST(text.find("\"t\":\"drt\"") != std::string::npos);
  BOOST_TEST(text.find("\"di\"") == std::string::npos);
  const auto event = signed_by(drt, agent.next());

  // Not anchored; anchored with a wrong `s` or `d`; anchored by someone else.
  BOOST_TEST(refusal(world, agent, event) == Reason::kKelDelegationNotAnchored);
  interact(world, root, {ak::Seal::of_event(drt.prefix, 2, drt.said).value()});
  BOOST_TEST(refusal(world, agent, event) == Reason::kKelDelegationNotAnchored);
  interact(world, root, {ak::Seal::of_event(drt.prefix, 1, agent.state.last_said).value()});
  BOOST_TEST(refusal(world, agent, event) == Reason::kKelDelegationNotAnchored);
  Id other = make_root(world);
  anchor(world, other, drt);
  BOOST_TEST(refusal(world, agent, event) == Reason::kKelDelegationNotAnchored);

  // Anchored: but signed by a key the dip did not commit to, it breaks pre-rotation.
  const auto source = anchor(world, root, drt);
  BOOST_TEST(refusal(world, agent, signed_by(drt, agent.current(), {source})) == Reason::kKelBadSignature);
  auto uncommitted =
      ak::make_delegated_rotation(agent.state, {key_qb64(agent.current())}, 1, {key_digest(agent.next())}, 1).value();
  anchor(world, root, uncommitted);
  BOOST_TEST(refusal(world, agent, signed_by(uncommitted, agent.current())) == Reason::kKelBadPreRotation);

  // With a -G couple naming the wrong event, refused; with the right one, accepted.
  BOOST_TEST(refusal(world, agent, signed_by(drt, agent.next(), {{1, root.state.establishments[0].said}})) ==
             Reason::kKelDelegationNotAnchored);
  must_apply(world, agent, signed_by(drt, agent.next(), {source}));
  agent.rotations = 1;
  BOOST_TEST(agent.state.keys == std::vector<std::string>{key_qb64(agent.current())});
  BOOST_TEST(agent.state.delegator == root.prefix());
  BOOST_TEST(agent.state.establishments.size() == 2u);
}

// A delegated identifier rotates with drt only; a drt of an identifier that is not delegated
// is refused too (as keripy does both).
BOOST_AUTO_TEST_CASE(rot_and_drt_belong_to_their_kind_of_identifier) {
  World world;
  Id root = make_root(world);
  Id agent = make_delegate(world, root);
  agent.keys.push_back(fresh_key());
  const auto rot =
      ak::make_rotation(agent.state, {key_qb64(agent.next())}, 1, {key_digest(*agent.keys.back())}, 1).value();
  anchor(world, root, rot);
  BOOST_TEST(refusal(world, agent, signed_by(rot, agent.next())) == Reason::kKelDelegationNotAnchored);

  BOOST_TEST(!ak::make_delegated_rotation(root.state, {key_qb64(root.next())}, 1, {}, 0).has_value());
  ak::KeyEvent drt = ak::make_rotation(root.state, {key_qb64(root.next())}, 1, {key_digest(*fresh_key())}, 1).value();
  drt.type = ak::EventType::kDelegatedRotation;
  BOOST_REQUIRE(ak::saidify(drt).has_value());
  Id other = make_root(world);
  anchor(world, other, drt);
  BOOST_TEST(refusal(world, root, signed_by(drt, root.next())) == Reason::kKelDelegationNotAnchored);
}

// Auths' drt form ends with `di`: read, written back byte for byte, and checked against the
// dip's delegator.
BOOST_AUTO_TEST_CASE(drt_with_di_is_read_and_written_as_parsed) {
  World world;
  Id root = make_root(world);
  Id other = make_root(world);
  Id agent = make_delegate(world, root);
  ak::KeyEvent drt = make_drt(agent);
  drt.drt_has_delegator = true;
  drt.delegator = root.prefix();
  BOOST_REQUIRE(ak::saidify(drt).has_value());
  const std::string text = ak::serialize(drt).value();
  BOOST_TEST(text.substr(text.size() - 53) == ",\"di\":\"" + root.prefix() + "\"}");
  const auto parsed = ak::parse_event(ak::to_json(drt).dump(2));
  BOOST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->drt_has_delegator);
  BOOST_TEST(parsed->delegator == root.prefix());
  BOOST_TEST(ak::serialize(*parsed).value() == text);
  BOOST_TEST(ak::compute_said(*parsed).value().said == drt.said);
  // And the signify-ts form of the same event reads back without `di`.
  const auto plain = make_drt(agent);
  const auto plain_parsed = ak::parse_event(ak::serialize(plain).value());
  BOOST_REQUIRE(plain_parsed.has_value());
  BOOST_TEST(!plain_parsed->drt_has_delegator);

  // Naming another delegator than the dip: refused even when that one anchors it.
  ak::KeyEvent wrong = drt;
  wrong.delegator = other.prefix();
  BOOST_REQUIRE(ak::saidify(wrong).has_value());
  anchor(world, other, wrong);
  anchor(world, root, wrong);
  BOOST_TEST(refusal(world, agent, signed_by(wrong, agent.next())) == Reason::kKelDelegationNotAnchored);

  anchor(world, root, *parsed);
  must_apply(world, agent, signed_by(*parsed, agent.next()));
}

BOOST_AUTO_TEST_CASE(delegated_events_parse_strictly) {
  World world;
  Id root = make_root(world);
  Id agent;
  const auto dip = make_dip(agent, root.prefix());
  const std::string text = ak::serialize(dip).value();
  const auto code_of = [](const std::string& t) {
    const auto r = ak::parse_event(t);
    BOOST_REQUIRE(!r.has_value());
    return r.error().code;
  };
  const auto replace = [&text](const std::string& from, const std::string& to) {
    std::string out = text;
    out.replace(out.find(from), from.size(), to);
    return out;
  };
  BOOST_TEST(ak::parse_event(text).has_value());
  // Without `di`, or `di` before `a`: malformed.
  BOOST_TEST((code_of(replace(",\"di\":\"" + root.prefix() + "\"", "")) == auths::ErrorCode::kCorrupt));
  BOOST_TEST((code_of(replace("\"a\":[],\"di\":\"" + root.prefix() + "\"",
                              "\"di\":\"" + root.prefix() + "\",\"a\":[]")) == auths::ErrorCode::kCorrupt));
  // `di` not a prefix; a basic (key) prefix as delegator: not supported.
  BOOST_TEST((code_of(replace(root.prefix(), "Enot-a-prefix")) == auths::ErrorCode::kCorrupt));
  BOOST_TEST((code_of(replace(root.prefix(), key_qb64(root.current()))) == auths::ErrorCode::kUnsupported));
  // An icp with `di` is not a dip.
  BOOST_TEST((code_of(replace("\"t\":\"dip\"", "\"t\":\"icp\"")) == auths::ErrorCode::kCorrupt));
  // A dip's SAID covers `di`.
  const auto other_delegator = ak::parse_event(replace(root.prefix(), make_root(world).prefix()));
  BOOST_REQUIRE(other_delegator.has_value());
  BOOST_TEST(ak::compute_said(*other_delegator).value().said != dip.said);
}

// A delegator may be delegated itself: up to 16 delegators above an event.
BOOST_AUTO_TEST_CASE(chain_of_16_delegators_accepted_17_refused) {
  World world;
  std::vector<Id> chain;
  chain.push_back(make_root(world));
  for (size_t i = 1; i <= ak::kMaxDelegationDepth; ++i) chain.push_back(make_delegate(world, chain.back()));
  // chain[16] has 16 delegators above it: accepted. Its drt too.
  BOOST_TEST(chain.back().state.delegator == chain[chain.size() - 2].prefix());
  Id& last = chain.back();
  const auto drt = make_drt(last);
  anchor(world, chain[chain.size() - 2], drt);
  must_apply(world, last, signed_by(drt, last.next()));
  last.rotations = 1;

  // A 17th: refused, even though anchored.
  Id too_deep;
  const auto dip = make_dip(too_deep, last.prefix());
  anchor(world, last, dip);
  BOOST_TEST(refusal(world, too_deep, signed_by(dip, too_deep.current())) == Reason::kKelDelegationNotAnchored);

  // A chain whose top delegator is unknown here: refused.
  World partial = world;
  partial.states.erase(chain[0].prefix());
  Id orphan;
  const auto orphan_dip = make_dip(orphan, chain[3].prefix());
  anchor(partial, chain[3], orphan_dip);
  BOOST_TEST(refusal(partial, orphan, signed_by(orphan_dip, orphan.current())) == Reason::kKelDelegationNotAnchored);
}

// Cycles cannot arise from real KELs (a prefix is the digest of an inception naming its
// delegator), but a lookup may serve any states: a cycle is refused, not followed forever.
BOOST_AUTO_TEST_CASE(delegation_cycle_is_refused) {
  World world;
  Id root = make_root(world);
  Id agent;
  const auto dip = make_dip(agent, root.prefix());
  anchor(world, root, dip);
  const std::string a = root.prefix();
  const std::string b = cesr::blake3_qb64(std::string_view("b"));
  ak::KeyState fake_b;
  fake_b.prefix = b;
  fake_b.delegator = a;
  world.states[b] = fake_b;
  world.states[a].delegator = b;  // a -> b -> a
  BOOST_TEST(refusal(world, agent, signed_by(dip, agent.current())) == Reason::kKelDelegationNotAnchored);
  world.states[a].delegator = a;  // a -> a
  BOOST_TEST(refusal(world, agent, signed_by(dip, agent.current())) == Reason::kKelDelegationNotAnchored);
  world.states[a].delegator = dip.prefix;  // a -> the new identifier itself
  BOOST_TEST(refusal(world, agent, signed_by(dip, agent.current())) == Reason::kKelDelegationNotAnchored);
  world.states[a].delegator.clear();
  must_apply(world, agent, signed_by(dip, agent.current()));
}

// A delegator configured "DND" (do not delegate) cannot anchor a delegate.
BOOST_AUTO_TEST_CASE(do_not_delegate_is_obeyed) {
  World world;
  Id root;
  ak::KeyEvent icp = ak::make_inception({key_qb64(root.current())}, 1, {key_digest(root.next())}, 1).value();
  icp.config = {"DND"};
  BOOST_REQUIRE(ak::saidify(icp).has_value());
  must_apply(world, root, signed_by(icp, root.current()));
  Id agent;
  const auto dip = make_dip(agent, root.prefix());
  anchor(world, root, dip);
  BOOST_TEST(refusal(world, agent, signed_by(dip, agent.current())) == Reason::kKelDelegationNotAnchored);
}

// Auths revokes a delegate with a Digest seal {"d": delegate prefix} in the delegator's KEL.
BOOST_AUTO_TEST_CASE(revoked_delegate) {
  World world;
  Id root = make_root(world);
  Id agent = make_delegate(world, root);
  Id bystander = make_delegate(world, root);
  // The dip's own seal {i, s:"0", d: prefix} has the prefix as `d` too: not a revocation.
  BOOST_TEST(!root.state.revoked_delegate(agent.prefix()).has_value());
  // A seal with `d` and other members is not one either.
  interact(world, root, {ak::Seal::from_json(Json{{"d", agent.prefix()}, {"x", "1"}}).value()});
  BOOST_TEST(!root.state.revoked_delegate(agent.prefix()).has_value());
  const auto revocation = interact(world, root, {ak::Seal::of_digest(agent.prefix()).value()});
  interact(world, root, {ak::Seal::of_digest(agent.prefix()).value()});  // again, later
  BOOST_TEST((root.state.revoked_delegate(agent.prefix()) == std::optional<uint64_t>(revocation.sequence)));
  BOOST_TEST(!root.state.revoked_delegate(bystander.prefix()).has_value());
  BOOST_TEST(!agent.state.revoked_delegate(agent.prefix()).has_value());
}

BOOST_AUTO_TEST_CASE(seal_helpers) {
  const std::string p = cesr::blake3_qb64(std::string_view("p"));
  const std::string d = cesr::blake3_qb64(std::string_view("d"));
  const auto seal = ak::Seal::of_event(p, 26, d).value();
  BOOST_TEST(seal.json() == "{\"i\":\"" + p + "\",\"s\":\"1a\",\"d\":\"" + d + "\"}");
  BOOST_TEST(seal.anchors(p, 26, d));
  BOOST_TEST(!seal.anchors(p, 27, d));
  BOOST_TEST(!seal.anchors(d, 26, d));
  BOOST_TEST(!seal.anchors(p, 26, p));
  BOOST_TEST(!seal.is_digest_seal());
  BOOST_TEST((seal == ak::Seal::from_json(Json::parse(seal.json())).value()));
  const auto digest = ak::Seal::of_digest(d).value();
  BOOST_TEST(digest.is_digest_seal());
  BOOST_TEST(!digest.anchors(p, 26, d));
  BOOST_TEST((digest == ak::Seal::from_json(Json{{"d", d}}).value()));
  BOOST_TEST(!ak::Seal::from_json(Json{{"d", 1}}).value().is_digest_seal());
}

BOOST_AUTO_TEST_CASE(seqner_and_source_seal_groups) {
  BOOST_TEST(cesr::encode_seqner(0) == "0AAAAAAAAAAAAAAAAAAAAAAA");
  BOOST_TEST(cesr::encode_seqner(1) == "0AAAAAAAAAAAAAAAAAAAAAAB");
  for (const uint64_t n : {uint64_t{0}, uint64_t{1}, uint64_t{63}, uint64_t{64}, uint64_t{1} << 40, ~uint64_t{0}}) {
    const std::string text = cesr::encode_seqner(n);
    BOOST_TEST(text.size() == 24u);
    BOOST_TEST(cesr::decode_seqner(text).value() == n);
  }
  // 2^64 does not fit.
  const auto big = cesr::decode_seqner("0AAAAAAAAAAAAQAAAAAAAAAA");
  BOOST_REQUIRE(!big.has_value());
  BOOST_TEST((big.error().code == auths::ErrorCode::kUnsupported));
  BOOST_TEST(!cesr::decode_seqner(cesr::blake3_qb64(std::string_view("x"))).has_value());

  const std::string said = cesr::blake3_qb64(std::string_view("anchor"));
  const std::vector<cesr::IndexedSignature> sigs = {cesr::IndexedSignature::both(0, auths::util::Bytes(64, 7))};
  const std::string group = cesr::encode_signature_group(sigs).value();
  const std::string couple = "-GAB" + cesr::encode_seqner(5) + said;
  BOOST_TEST(cesr::encode_source_seal_group(std::vector<cesr::SourceSeal>{{5, said}}).value() == couple);
  const auto both = cesr::decode_attachments(group + couple);
  BOOST_REQUIRE(both.has_value());
  BOOST_TEST(both->signatures.size() == 1u);
  BOOST_TEST((both->source_seals == std::vector<cesr::SourceSeal>{{5, said}}));
  BOOST_TEST(cesr::encode_attachments(*both).value() == group + couple);
  const auto two = cesr::decode_attachments(group + "-GAC" + couple.substr(4) + couple.substr(4));
  BOOST_REQUIRE(two.has_value());
  BOOST_TEST(two->source_seals.size() == 2u);
  BOOST_TEST(cesr::decode_attachments(group).value().source_seals.empty());

  const auto code_of = [](const std::string& text) {
    const auto r = cesr::decode_attachments(text);
    BOOST_REQUIRE(!r.has_value());
    return r.error().code;
  };
  BOOST_TEST((code_of(group + "-GAA") == auths::ErrorCode::kCorrupt));                                  // empty
  BOOST_TEST((code_of(group + couple.substr(0, couple.size() - 1)) == auths::ErrorCode::kCorrupt));     // short
  BOOST_TEST((code_of(group + couple + "A") == auths::ErrorCode::kCorrupt));                            // long
  BOOST_TEST((code_of(group + "-GAC" + couple.substr(4)) == auths::ErrorCode::kCorrupt));               // count
  BOOST_TEST((code_of(group + "-GAB" + said + cesr::encode_seqner(5)) == auths::ErrorCode::kCorrupt));  // order
  BOOST_TEST((code_of(couple + group) == auths::ErrorCode::kUnsupported));                              // -G first
  BOOST_TEST((code_of(group + "-BAB" + group.substr(4)) == auths::ErrorCode::kUnsupported));            // receipts
  BOOST_TEST((code_of(group + couple + couple) == auths::ErrorCode::kCorrupt));                         // two groups
  BOOST_TEST((code_of(group + "x") == auths::ErrorCode::kCorrupt));
  // The signatures-only decoder still refuses any second group.
  BOOST_TEST(!cesr::decode_signature_group(group + couple).has_value());
}

BOOST_AUTO_TEST_CASE(names) {
  BOOST_TEST(std::string(auths::name(Reason::kKelDelegationNotAnchored)) == "kel-delegation-not-anchored");
  BOOST_TEST(std::string(ak::to_string(ak::EventType::kDelegatedInception)) == "dip");
  BOOST_TEST(std::string(ak::to_string(ak::EventType::kDelegatedRotation)) == "drt");
  BOOST_TEST(ak::is_inception(ak::EventType::kDelegatedInception));
  BOOST_TEST(ak::is_rotation(ak::EventType::kDelegatedRotation));
  BOOST_TEST(!ak::is_establishment(ak::EventType::kInteraction));
  BOOST_TEST(!ak::is_delegated(ak::EventType::kInception));
}

BOOST_AUTO_TEST_SUITE_END()
