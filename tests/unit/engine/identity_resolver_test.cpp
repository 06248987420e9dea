// Identity resolution through the registry: device links, revocation, expiry, and the server's
// own record of accepted objects as the only proof that a signature predates a revocation.
#include <boost/test/unit_test.hpp>

#include "engine/identity_resolver.h"
#include "support/printers.h"
#include "support/registry_fixture.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(engine_identity_resolver)
namespace {

struct World {
  TempRepo t;
  Identity alice = make_identity();
  ac::PrivateKey device = generate_key();
  ak::Attestation link = make_link(alice, device, alice.key, 1700000000);
  ar::State state;

  explicit World(std::optional<int64_t> revoked_at = std::nullopt) {
    anchor(alice, link, alice.key);
    std::vector<std::pair<std::string, std::string>> records = {stored(link)};
    if (revoked_at) {
      auto revocation = ak::make_revocation(link, ak::Timestamp::from_unix(*revoked_at));
      BOOST_REQUIRE(revocation.has_value());
      BOOST_REQUIRE(ak::sign_as_identity(*revocation, alice.key).has_value());
      anchor(alice, *revocation, alice.key);
      records.push_back(stored(*revocation));
    }
    Files files = alice.files;
    files.insert(files.end(), records.begin(), records.end());
    BOOST_REQUIRE(ar::publish(*t.repo, files, "records").has_value());
    auto loaded = ar::load_current(*t.repo);
    BOOST_REQUIRE(loaded.has_value());
    state = std::move(*loaded);
  }
};

/// A signer set naming `identities`.
policy::SignerSet signers(std::vector<std::string> identities) {
  policy::SignerSet set;
  set.identities = std::move(identities);
  return set;
}

const Oid kObject = *Oid::from_hex("1111111111111111111111111111111111111111");

/// An object signed at `time`, judged at `now`, received at `received` (the server's record),
/// or at `now` when it has none.
engine::SignedObject object(int64_t time, int64_t now, std::optional<int64_t> received = std::nullopt) {
  engine::SignedObject o;
  o.signed_at = time;
  o.now = now;
  o.oid = kObject;
  o.received_at = [now, received] { return received.value_or(now); };
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(linked_device_counts_for_its_identity_only) {
  World w;
  const engine::RegistryResolver resolver(w.state);
  const auto ok = resolver.resolve(w.device.public_key(), signers({w.alice.did()}), object(1700000100, 1700000200));
  BOOST_TEST((ok.code == Reason::kOk));
  BOOST_TEST(ok.signer == w.alice.did());
  // The same key does not count for an identity that did not link it.
  const Identity bob = make_identity();
  BOOST_TEST((resolver.resolve(w.device.public_key(), signers({bob.did()}), object(1700000100, 1700000200)).code ==
              Reason::kUnknownSigner));
  // The identity's own key counts for it.
  BOOST_TEST(
      (resolver.resolve(w.alice.key.public_key(), signers({w.alice.did()}), object(1700000100, 1700000200)).code ==
       Reason::kOk));
}

BOOST_AUTO_TEST_CASE(revoked_device_needs_the_servers_record) {
  World w(/*revoked_at=*/1700000500);
  const engine::RegistryResolver resolver(w.state);
  const auto device = w.device.public_key();
  // No record of acceptance: refused whatever the committer date says (1700000100 < revocation).
  BOOST_TEST((resolver.resolve(device, signers({w.alice.did()}), object(1700000100, 1700000600)).code ==
              Reason::kDeviceRevoked));
  // Recorded as accepted before the revocation: still counts.
  BOOST_TEST((resolver.resolve(device, signers({w.alice.did()}), object(1700000100, 1700000600, 1700000400)).code ==
              Reason::kOk));
  // Recorded after it: refused.
  BOOST_TEST((resolver.resolve(device, signers({w.alice.did()}), object(1700000100, 1700000600, 1700000550)).code ==
              Reason::kDeviceRevoked));
}

BOOST_AUTO_TEST_CASE(revoked_device_and_the_time_a_witness_quorum_saw_the_commit) {
  World w(/*revoked_at=*/1700000500);
  const engine::RegistryResolver resolver(w.state);
  const auto device = w.device.public_key();
  // Receipted by a quorum of witnesses before the revocation, received by this server after it:
  // the receipt time anchors the signature, as the server's own record would.
  engine::SignedObject before = object(1700000100, 1700000600);
  before.witnessed_at = 1700000400;
  const auto ok = resolver.resolve(device, signers({w.alice.did()}), before);
  BOOST_TEST((ok.code == Reason::kOk));
  BOOST_TEST(ok.facts.revoked);
  // Receipted after it: refused, whatever the committer date says.
  engine::SignedObject after = object(1700000100, 1700000600);
  after.witnessed_at = 1700000550;
  BOOST_TEST((resolver.resolve(device, signers({w.alice.did()}), after).code == Reason::kDeviceRevoked));
  // The earlier of the two anchors counts: the server's record before, receipts after.
  engine::SignedObject recorded = object(1700000100, 1700000600, 1700000400);
  recorded.witnessed_at = 1700000550;
  BOOST_TEST((resolver.resolve(device, signers({w.alice.did()}), recorded).code == Reason::kOk));
}

BOOST_AUTO_TEST_CASE(expired_device_is_refused_then_and_now) {
  TempRepo t;
  Identity alice = make_identity();
  const auto device = generate_key();
  ak::Attestation link;
  link.rid = ak::random_rid();
  link.issuer = alice.did();
  link.subject = *device.public_key().to_did_key();
  link.device_public_key = device.public_key();
  link.timestamp = ak::Timestamp::from_unix(1700000000);
  link.expires_at = ak::Timestamp::from_unix(1700001000);
  BOOST_REQUIRE(ak::sign_as_identity(link, alice.key).has_value());
  BOOST_REQUIRE(ak::sign_as_device(link, device).has_value());
  anchor(alice, link, alice.key);
  Files files = alice.files;
  files.push_back(stored(link));
  BOOST_REQUIRE(ar::publish(*t.repo, files, "records").has_value());
  const auto state = ar::load_current(*t.repo);
  BOOST_REQUIRE(state.has_value());
  const engine::RegistryResolver resolver(*state);
  // Valid when signed and still valid now.
  BOOST_TEST((resolver.resolve(device.public_key(), signers({alice.did()}), object(1700000500, 1700000900)).code ==
              Reason::kOk));
  // Signed while valid, but expired now.
  BOOST_TEST((resolver.resolve(device.public_key(), signers({alice.did()}), object(1700000500, 1700002000)).code ==
              Reason::kDeviceExpired));
  // Dated after the expiry.
  BOOST_TEST((resolver.resolve(device.public_key(), signers({alice.did()}), object(1700001500, 1700000900)).code ==
              Reason::kDeviceExpired));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace auths::test
