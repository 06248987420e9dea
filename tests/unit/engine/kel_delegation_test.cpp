// Devices, agents and members as the Auths CLI makes them: KERI delegated identifiers whose
// dip the delegator's KEL anchors, revoked and scoped by seals in that KEL (registry.h,
// KelDelegation; engine/identity_resolver.h). Also the committed identity bundle
// (registry/bundle.h) as a second source.
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "engine/evidence.h"
#include "engine/identity_resolver.h"
#include "registry/bundle.h"
#include "support/printers.h"
#include "support/registry_fixture.h"
#include "util/bytes.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(engine_kel_delegation)
namespace {

constexpr int64_t kNow = 1800000000;

/// Alice, and a device of hers that is a delegated identifier with no record of ours; Bob, and
/// a device of his.
struct Gen2 {
  Identity alice = make_identity();
  Identity device = make_delegated_identity(alice);
  Identity bob = make_identity();
  Identity bob_device = make_delegated_identity(bob);

  /// Appends an ixn to alice's KEL with Digest seals of `digests`.
  void seal(const std::vector<std::string>& digests) {
    std::vector<ak::Seal> seals;
    for (const auto& d : digests) seals.push_back(ak::Seal::of_digest(d).value());
    auto ixn = ak::make_interaction(alice.state, seals);
    BOOST_REQUIRE(ixn.has_value());
    add_event(alice, *ixn, alice.key);
  }

  ar::State state() const {
    ar::State out;
    add_identity(out, alice);
    add_identity(out, device);
    add_identity(out, bob);
    add_identity(out, bob_device);
    return out;
  }
};

policy::SignerSet signers(std::vector<std::string> identities) {
  policy::SignerSet set;
  set.identities = std::move(identities);
  return set;
}

engine::SignedObject object(int64_t time = kNow - 100, int64_t now = kNow) {
  engine::SignedObject o;
  o.signed_at = time;
  o.now = now;
  o.oid = *Oid::from_hex("2222222222222222222222222222222222222222");
  return o;
}

engine::SignerMatch resolve(const ar::State& state, const Identity& key, const std::string& listed,
                            const engine::SignedObject& o = object()) {
  return engine::RegistryResolver(state).resolve(key.key.public_key(), signers({listed}), o);
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_anchored_device_speaks_for_its_delegator_only) {
  Gen2 g;
  const ar::State state = g.state();
  const auto ok = resolve(state, g.device, g.alice.did());
  BOOST_TEST((ok.code == Reason::kOk), ok.detail);
  BOOST_TEST(ok.signer == g.alice.did());
  BOOST_TEST((ok.facts.type == std::optional<std::string>("Human")));
  BOOST_TEST(!ok.facts.capabilities.has_value());  // no scope seal: unrestricted
  // Bob's device claims nothing of Alice's.
  BOOST_TEST((resolve(state, g.bob_device, g.alice.did()).code == Reason::kUnknownSigner));
  // The path says how.
  const auto paths = engine::trace_key(state, g.device.key.public_key(), object());
  BOOST_REQUIRE(paths.size() == 1u);
  BOOST_TEST(engine::describe_path(paths[0]) == "KERI delegated identifier " + g.device.did() + " of " + g.alice.did());
  BOOST_REQUIRE(paths[0].hops.size() == 1u);
  BOOST_TEST(paths[0].hops[0].record == nullptr);
}

BOOST_AUTO_TEST_CASE(a_revocation_seal_refuses_the_device_for_every_object) {
  Gen2 g;
  g.seal({g.device.state.prefix});
  const ar::State state = g.state();
  const auto facts = state.kel_delegation(g.device.state.prefix);
  BOOST_REQUIRE(facts.has_value());
  BOOST_TEST((facts->revoked_at == std::optional<uint64_t>(g.alice.state.sequence)));
  // Even an object dated long before: KEL positions carry no time.
  const auto refused = resolve(state, g.device, g.alice.did(), object(1000, kNow));
  BOOST_TEST((refused.code == Reason::kDeviceRevoked));
  BOOST_TEST(refused.detail.find("revoked by event") != std::string::npos, refused.detail);
  // A seal {"d": ...} naming something else revokes nothing.
  Gen2 h;
  h.seal({"EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"});
  BOOST_TEST((resolve(h.state(), h.device, h.alice.did()).code == Reason::kOk));
}

BOOST_AUTO_TEST_CASE(scope_seals_set_capabilities_type_and_expiry) {
  Gen2 g;
  const std::string p = g.device.state.prefix;
  // An earlier scope, then the one that counts (the latest), and the agent marker.
  g.seal({"agentscope:" + p + ":0:sign_commit,sign_release,rotate_keys"});
  g.seal({"agentscope:" + p + ":" + std::to_string(kNow + 1000) + ":sign_commit", "agent:" + p});
  ar::State state = g.state();
  auto ok = resolve(state, g.device, g.alice.did());
  BOOST_TEST((ok.code == Reason::kOk), ok.detail);
  BOOST_TEST((ok.facts.type == std::optional<std::string>("Agent")));
  BOOST_REQUIRE(ok.facts.capabilities.has_value());
  BOOST_TEST((*ok.facts.capabilities == std::vector<std::string>{"sign_commit"}));
  BOOST_TEST((ok.facts.expires_at == std::optional<int64_t>(kNow + 1000)));
  // A rule asking sign_release refuses it.
  auto release = signers({g.alice.did()});
  release.capabilities = {"sign_release"};
  release.capabilities_explicit = true;
  BOOST_TEST(
      (engine::RegistryResolver(state).resolve(g.device.key.public_key(), release, object()).code != Reason::kOk));
  // Past the scope's expiry (judged now, or signed after it): device-expired.
  BOOST_TEST((resolve(state, g.device, g.alice.did(), object(kNow - 100, kNow + 2000)).code == Reason::kDeviceExpired));
  BOOST_TEST((resolve(state, g.device, g.alice.did(), object(kNow + 1500, kNow)).code == Reason::kDeviceExpired));
  // A scope that cannot be read fails closed.
  g.seal({"agentscope:" + p + ":soon:sign_commit"});
  BOOST_TEST((resolve(g.state(), g.device, g.alice.did()).code == Reason::kDeviceNotValid));
}

BOOST_AUTO_TEST_CASE(a_role_marker_makes_an_org_member) {
  Gen2 g;  // alice is the org, the device its member
  g.seal({"agentscope:" + g.device.state.prefix + ":0:role:admin,sign_commit,manage_members"});
  const ar::State state = g.state();
  const auto facts = state.kel_delegation(g.device.state.prefix);
  BOOST_REQUIRE(facts.has_value());
  BOOST_TEST(facts->role == "admin");
  BOOST_TEST((facts->capabilities == std::vector<std::string>{"sign_commit", "manage_members"}));
  policy::SignerSet admins;
  admins.org = g.alice.did();
  admins.roles = {"admin"};
  admins.capabilities = {"sign_commit"};
  BOOST_TEST(
      (engine::RegistryResolver(state).resolve(g.device.key.public_key(), admins, object()).code == Reason::kOk));
  admins.roles = {"member"};
  BOOST_TEST((engine::RegistryResolver(state).resolve(g.device.key.public_key(), admins, object()).code ==
              Reason::kRoleNotAllowed));
}

BOOST_AUTO_TEST_CASE(our_delegation_records_take_precedence_over_the_kel) {
  // An agent of ours is a delegated identifier with a delegation record; revoking the record
  // must not leave the KERI delegation standing.
  TempRepo t;
  Identity alice = make_identity();
  Identity agent = make_delegated_identity(alice);
  ak::Attestation link;
  link.rid = ak::random_rid();
  link.issuer = alice.did();
  link.subject = agent.did();
  link.device_public_key = agent.key.public_key();
  link.capabilities = {"sign_commit"};
  link.signer_type = ak::SignerType::kAgent;
  link.timestamp = ak::Timestamp::from_unix(kNow - 1000);
  BOOST_REQUIRE(ak::sign_as_device(link, agent.key).has_value());
  ar::State state;
  add_identity(state, alice);
  add_identity(state, agent);
  BOOST_REQUIRE(add_record(state, link, alice).has_value());
  auto revocation = ak::make_revocation(link, ak::Timestamp::from_unix(kNow - 500));
  BOOST_REQUIRE(revocation.has_value());
  BOOST_REQUIRE(add_record(state, *revocation, alice).has_value());
  const auto refused = resolve(state, agent, alice.did());
  BOOST_TEST((refused.code == Reason::kDelegatorRevoked), refused.detail);
}

BOOST_AUTO_TEST_CASE(the_servers_record_store_answers_alike) {
  Gen2 g;
  g.seal({"agentscope:" + g.device.state.prefix + ":0:sign_commit", "agent:" + g.device.state.prefix});
  g.seal({g.bob_device.state.prefix});  // alice revoking bob's device: no effect on it
  const ar::State full = g.state();
  const ar::State lazy = ar::State::on_demand(source_of(full));
  for (const Identity* id : {&g.device, &g.bob_device, &g.alice}) {
    const auto a = full.kel_delegation(id->state.prefix);
    const auto b = lazy.kel_delegation(id->state.prefix);
    BOOST_TEST(a.has_value() == b.has_value());
    if (a && b) BOOST_TEST((*a == *b));
    const auto ra = resolve(full, *id, g.alice.did());
    const auto rb = resolve(lazy, *id, g.alice.did());
    BOOST_TEST((ra.code == rb.code));
    BOOST_TEST(ra.detail == rb.detail);
  }
  BOOST_TEST(!lazy.source_error().has_value());
}

BOOST_AUTO_TEST_CASE(a_revocation_in_either_source_counts) {
  Gen2 old_copy;
  const ar::State before = old_copy.state();  // the device not yet revoked
  Gen2& g = old_copy;
  g.seal({g.device.state.prefix});
  const ar::State after = g.state();
  // The stale copy as the main source, the newer one as evidence, and the reverse.
  for (const auto& [main, other] : {std::pair{&before, &after}, std::pair{&after, &before}}) {
    engine::EvidenceSource evidence;
    evidence.state = other;
    const engine::RegistryResolver resolver(*main, "", evidence);
    const auto got = resolver.resolve(g.device.key.public_key(), signers({g.alice.did()}), object());
    BOOST_TEST((got.code == Reason::kDeviceRevoked), got.detail);
  }
}

// --- the committed bundle -------------------------------------------------------------------

namespace {

nlohmann::ordered_json kel_json(const Identity& id, nlohmann::ordered_json& attachments) {
  nlohmann::ordered_json events = nlohmann::ordered_json::array();
  attachments = nlohmann::ordered_json::array();
  for (size_t i = 0; i < id.files.size(); i += 2) {
    events.push_back(nlohmann::ordered_json::parse(id.files[i].second));
    const std::string& cesr = id.files[i + 1].second;
    attachments.push_back(util::hex_encode(util::Bytes(cesr.begin(), cesr.end())));
  }
  return events;
}

nlohmann::ordered_json bundle_of(const Identity& root, const std::vector<const Identity*>& devices,
                                 const std::string& made = "2027-01-15T08:00:00.123Z", int64_t valid_for = 86400) {
  nlohmann::ordered_json doc;
  doc["identity_did"] = root.did();
  doc["public_key_hex"] = util::hex_encode(root.key.public_key().raw());
  doc["curve"] = "ed25519";
  doc["attestation_chain"] = nlohmann::ordered_json::array();
  nlohmann::ordered_json attachments;
  doc["kel"] = kel_json(root, attachments);
  doc["kel_attachments"] = attachments;
  doc["device_kels"] = nlohmann::ordered_json::array();
  for (const Identity* device : devices) {
    nlohmann::ordered_json d;
    d["did"] = device->did();
    d["kel"] = kel_json(*device, attachments);
    d["kel_attachments"] = attachments;
    doc["device_kels"].push_back(d);
  }
  doc["bundle_timestamp"] = made;
  doc["max_valid_for_secs"] = valid_for;
  return doc;
}

std::string bundle_error(const nlohmann::ordered_json& doc) {
  auto got = ar::read_bundle(doc.dump());
  return got ? std::string() : got.error().message;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_bundle_verifies_and_its_devices_resolve) {
  Gen2 g;
  const auto doc = bundle_of(g.alice, {&g.device});
  auto bundle = ar::read_bundle(doc.dump(2));
  BOOST_REQUIRE_MESSAGE(bundle.has_value(), (bundle ? "" : bundle.error().message));
  BOOST_TEST(bundle->identity_did == g.alice.did());
  BOOST_TEST(bundle->created.text == "2027-01-15T08:00:00.123Z");
  // Fresh until made + max_valid_for_secs, stale after.
  const int64_t made = bundle->created.unix_seconds;
  BOOST_TEST(!ar::stale_detail(*bundle, made + 86400).has_value());
  BOOST_TEST(ar::stale_detail(*bundle, made + 86401).has_value());
  // Through the evidence, with an empty registry.
  const ar::State empty;
  const engine::Evidence fresh = engine::load_evidence(doc.dump(), made + 10);
  BOOST_TEST((fresh.fault == Reason::kOk));
  const engine::SignedObject o = object(made, made + 10);
  BOOST_TEST((engine::RegistryResolver(empty, "", fresh.source())
                  .resolve(g.device.key.public_key(), signers({g.alice.did()}), o)
                  .code == Reason::kOk));
  const engine::Evidence stale = engine::load_evidence(doc.dump(), made + 90000);
  BOOST_TEST((stale.fault == Reason::kBundleStale));
  BOOST_TEST((engine::RegistryResolver(empty, "", stale.source())
                  .resolve(g.device.key.public_key(), signers({g.alice.did()}), object(made, made + 90000))
                  .code == Reason::kBundleStale));
  // A device the bundle does not hold is unknown.
  BOOST_TEST((engine::RegistryResolver(empty, "", fresh.source())
                  .resolve(g.bob_device.key.public_key(), signers({g.alice.did()}), o)
                  .code == Reason::kUnknownSigner));
}

BOOST_AUTO_TEST_CASE(a_bundle_that_does_not_verify_is_refused_naming_the_field) {
  Gen2 g;
  const auto good = bundle_of(g.alice, {&g.device});
  BOOST_TEST(bundle_error(good).empty());
  auto doc = good;
  doc.erase("max_valid_for_secs");
  BOOST_TEST(bundle_error(doc).find("max_valid_for_secs") != std::string::npos);
  doc = good;
  doc["kel"][0]["kt"] = "2";  // the SAID no longer matches
  BOOST_TEST(bundle_error(doc).find("kel[0]") != std::string::npos, bundle_error(doc));
  doc = good;
  doc["kel_attachments"].erase(0);
  BOOST_TEST(bundle_error(doc).find("kel_attachments") != std::string::npos);
  doc = good;
  doc["public_key_hex"] = util::hex_encode(g.bob.key.public_key().raw());
  BOOST_TEST(bundle_error(doc).find("public_key_hex") != std::string::npos);
  doc = good;
  doc["device_kels"][0]["did"] = g.bob.did();
  BOOST_TEST(bundle_error(doc).find("device_kels[0]") != std::string::npos);
  // Bob's device cannot ride in Alice's bundle: its dip is anchored by Bob, whose KEL is absent.
  doc = bundle_of(g.alice, {&g.bob_device});
  BOOST_TEST(bundle_error(doc).find("device_kels[0]") != std::string::npos, bundle_error(doc));
  // A device whose anchoring event is missing from the root's KEL (bundle cut short).
  Gen2 h;
  Identity late = make_delegated_identity(h.alice);
  doc = bundle_of(h.alice, {&late});
  doc["kel"].erase(doc["kel"].size() - 1);
  doc["kel_attachments"].erase(doc["kel_attachments"].size() - 1);
  BOOST_TEST(bundle_error(doc).find("device_kels[0]") != std::string::npos, bundle_error(doc));
  // Not JSON at all.
  BOOST_TEST(!ar::read_bundle("{").has_value());
  const engine::Evidence invalid = engine::load_evidence(std::string("{"), kNow);
  BOOST_TEST((invalid.fault == Reason::kBundleInvalid));
  const ar::State empty;
  BOOST_TEST((engine::RegistryResolver(empty, "", invalid.source())
                  .resolve(g.device.key.public_key(), signers({g.alice.did()}), object())
                  .code == Reason::kBundleInvalid));
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
