// The registry the server verified before (engine.h, Settings::verified_registry and
// remember_registry): a tip the server kept nothing for is loaded and verified in full, then
// remembered; a remembered tip is read on demand and decides alike (a revoked device stays
// revoked); a read that fails leaves the push undecided, never accepted.
#include <boost/test/unit_test.hpp>

#include "engine/engine.h"
#include "support/fake_repo.h"
#include "support/printers.h"
#include "support/registry_fixture.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(engine_registry_cache)
namespace {

/// Main under a policy naming alice's did:keri; her laptop's key is linked (and, when
/// `revoked`, the link revoked); a new commit signed by the laptop.
struct Server {
  FakeRepo repo;
  FakeRecords records;
  engine::Settings settings;
  Identity alice = make_identity();
  TestKey laptop = TestKey::make("laptop", 7);
  Oid main, work, registry_tip;
  ak::Attestation link;
  FakeRepo::Files registry;
  // The server's memory: what remember_registry was given, by tip.
  std::map<Oid, std::shared_ptr<MemorySource>> kept;
  size_t remembered = 0;

  explicit Server(bool revoked) : link(make_link(alice, laptop.key, alice.key, 1700000000)) {
    settings.now = 1700100000;
    anchor(alice, link, alice.key);
    registry.insert(alice.files.begin(), alice.files.end());
    registry.insert(stored(link));
    registry_tip = repo.commit(registry, {}, nullptr);
    repo.set_ref("refs/auths/registry", registry_tip);
    if (revoked) revoke();
    FakeRepo::Files files{{".auths/policy.toml",
                           "version = 1\n\n[[policy.commit]]\nname = \"main\"\nrefs = "
                           "[\"refs/heads/main\"]\nsigners = [\"" +
                               alice.did() + "\"]\n"}};
    main = repo.commit(files, {}, &laptop);
    repo.set_ref("refs/heads/main", main);
    repo.set_head("refs/heads/main");
    files["README"] = "hello\n";
    work = repo.commit(files, {main}, &laptop, 1700050000);
  }
  /// alice revokes the laptop's link: the registry gets a new tip.
  void revoke() {
    auto revocation = ak::make_revocation(link, ak::Timestamp::from_unix(1700000100));
    BOOST_REQUIRE(ak::sign_as_identity(*revocation, alice.key).has_value());
    anchor(alice, *revocation, alice.key);
    registry.insert(alice.files.begin(), alice.files.end());
    registry.insert(stored(*revocation));
    registry_tip = repo.commit(registry, {}, nullptr);
    repo.set_ref("refs/auths/registry", registry_tip);
  }
  void keep_memory() {
    settings.verified_registry = [this](const Oid& tip) -> std::shared_ptr<const ar::RecordSource> {
      const auto it = kept.find(tip);
      return it == kept.end() ? nullptr : it->second;
    };
    settings.remember_registry = [this](const Oid& tip, const ar::State& state) {
      ++remembered;
      kept[tip] = source_of(state);
    };
  }
  Decision push() {
    auto decision = engine::judge_push(repo, records, settings, {RefUpdate{main, work, "refs/heads/main"}});
    BOOST_REQUIRE(decision.has_value());
    return std::move(*decision);
  }
};

Reason first_code(const Decision& d) { return d.violations.empty() ? Reason::kOk : d.violations.front().code; }

}  // namespace

BOOST_AUTO_TEST_CASE(a_tip_is_verified_once_then_read_on_demand) {
  for (const bool revoked : {false, true}) {
    Server server(revoked);
    const Decision loaded = server.push();  // no memory at all
    BOOST_TEST(loaded.accepted() == !revoked);
    server.keep_memory();
    const Decision first = server.push();
    BOOST_TEST(server.remembered == 1u);
    BOOST_REQUIRE(server.kept.count(server.registry_tip) == 1u);
    const Decision second = server.push();
    BOOST_TEST(server.remembered == 1u);  // read on demand, not loaded again
    BOOST_TEST(server.kept[server.registry_tip]->reads > 0u);
    for (const Decision* d : {&first, &second}) {
      BOOST_TEST((d->outcome == loaded.outcome));
      BOOST_TEST((first_code(*d) == first_code(loaded)));
    }
    if (revoked) BOOST_TEST((first_code(second) == Reason::kDeviceRevoked));
  }
}

BOOST_AUTO_TEST_CASE(a_failed_read_leaves_the_push_undecided) {
  for (const ar::Lookup failing : {ar::Lookup::kLinkKey, ar::Lookup::kRevocation, ar::Lookup::kIdentity}) {
    Server server(false);
    server.keep_memory();
    BOOST_REQUIRE(server.push().accepted());
    server.kept[server.registry_tip]->failing = failing;
    const Decision d = server.push();
    BOOST_TEST((d.outcome == Outcome::kUndecided));
    BOOST_TEST((first_code(d) == Reason::kInternalError));
  }
}

// The signature checks the server keeps (state/store.h) never carry a verdict: the laptop's
// commit, verified good while the device was linked, is refused once the link is revoked, with
// its signature taken from the records, as without them.
BOOST_AUTO_TEST_CASE(a_revoked_device_is_refused_with_its_signature_check_cached) {
  Server server(false);
  std::vector<state::GoodSignature> kept;
  server.settings.verified_signatures = [&kept](std::vector<state::GoodSignature> good) { kept = std::move(good); };
  BOOST_REQUIRE(server.push().accepted());
  BOOST_REQUIRE(kept.size() == 1u);
  BOOST_TEST((kept[0].object == server.work));

  server.revoke();
  const Decision verified = server.push();
  server.records.signatures.insert(kept.begin(), kept.end());
  const Decision cached = server.push();
  BOOST_TEST(verified.signatures_cached == 0u);
  BOOST_TEST(cached.signatures_cached == 1u);
  BOOST_TEST(cached.signatures_verified == 0u);
  for (const Decision* d : {&verified, &cached}) {
    BOOST_TEST(!d->accepted());
    BOOST_TEST((first_code(*d) == Reason::kDeviceRevoked));
  }
  BOOST_TEST(cached.violations.front().message == verified.violations.front().message);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
