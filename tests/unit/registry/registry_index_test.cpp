// The registry's lookups at scale and on demand: the indexes answer what a scan of every record
// answered (in the same order, with the same revocation); a rotation moves the key index and a
// refused event leaves the identity as it was; KeyState finds seals by digest; a State read on
// demand from its own records (State::records, State::on_demand) answers every lookup and every
// resolver question as the loaded State does, takes no new records, and keeps a failed read.
#include <boost/test/unit_test.hpp>

#include <map>

#include "engine/identity_resolver.h"
#include "registry/org.h"
#include "support/printers.h"
#include "support/registry_fixture.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(registry_index)
namespace {

constexpr int64_t kT = 1700000000;

/// A registry with every kind of record: an org with two members (one revoked, one with an
/// org-wide and a project membership), a device linked twice (revoked in between), an agent
/// delegated by a member, a freeze.
struct Fixture {
  ar::State state;
  Identity org = make_identity();
  Identity alice = make_identity();
  Identity bob = make_identity();
  Identity agent = make_delegated_identity(alice);  // its dip anchored in alice's KEL
  ac::PrivateKey device = generate_key();
  ak::Attestation first_link, second_link, delegation;

  Fixture() {
    add(org);
    add(alice);
    add(bob);
    add(agent);
    record(membership(alice.did(), "member", kT), org);
    record(membership(alice.did(), "admin", kT + 1, {"group/app"}), org);
    const ak::Attestation bobs = membership(bob.did(), "member", kT + 2);
    record(bobs, org);
    auto revoked = ak::make_revocation(bobs, ak::Timestamp::from_unix(kT + 50));
    BOOST_REQUIRE(revoked.has_value());
    record(*revoked, org);
    first_link = make_link(alice, device, alice.key, kT + 3);
    record(first_link, alice);
    auto unlinked = ak::make_revocation(first_link, ak::Timestamp::from_unix(kT + 4));
    BOOST_REQUIRE(unlinked.has_value());
    record(*unlinked, alice);
    second_link = make_link(alice, device, alice.key, kT + 5);
    record(second_link, alice);
    delegation.rid = ak::random_rid();
    delegation.issuer = alice.did();
    delegation.subject = agent.did();
    delegation.device_public_key = agent.key.public_key();
    delegation.capabilities = {"sign_commit"};
    delegation.signer_type = ak::SignerType::kAgent;
    delegation.timestamp = ak::Timestamp::from_unix(kT + 6);
    BOOST_REQUIRE(ak::sign_as_device(delegation, agent.key).has_value());
    record(delegation, alice);
    ar::FreezeRecord freeze;
    freeze.rid = ak::random_rid();
    freeze.org = org.did();
    freeze.signer = org.did();
    freeze.until = ak::Timestamp::from_unix(kT + 3600);
    freeze.timestamp = ak::Timestamp::from_unix(kT + 60);
    BOOST_REQUIRE(ar::sign_freeze(freeze, org.key).has_value());
    anchor_freeze(org, freeze);
    add(org);
    BOOST_REQUIRE(state.add_freeze(freeze).has_value());
  }
  void add(const Identity& id) { add_identity(state, id); }
  void record(ak::Attestation r, Identity& signer) {
    const auto added = add_record(state, std::move(r), signer);
    BOOST_REQUIRE_MESSAGE(added.has_value(), (added ? "" : added.error().to_string()));
  }
  /// Anchors a freeze record's digest in `id`'s KEL.
  static void anchor_freeze(Identity& id, const ar::FreezeRecord& freeze) {
    auto ixn = ak::make_interaction(id.state, {ak::Seal::of_digest(*ar::freeze_digest(freeze)).value()});
    BOOST_REQUIRE(ixn.has_value());
    add_event(id, *ixn, id.key);
  }
  ak::Attestation membership(const std::string& member, const std::string& role, int64_t at,
                             std::vector<std::string> repos = {}) const {
    return make_membership(org, member, role, at, std::move(repos));
  }
};

/// What a grant says, comparable across two States.
std::string describe(const std::vector<ar::Grant>& grants) {
  std::string out;
  for (const auto& g : grants) {
    out += g.link->rid + (g.identity != nullptr ? " by " + g.identity->did() : " by ?") +
           (g.revocation != nullptr ? " revoked " + g.revocation->timestamp.text : "") + "; ";
  }
  return out;
}

std::string describe(const std::vector<const ak::KeyState*>& states) {
  std::string out;
  for (const auto* s : states) out += s->did() + " " + std::to_string(s->sequence) + "; ";
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(indexed_lookups_find_what_a_scan_finds) {
  Fixture f;
  // Every record of the state, scanned: what each lookup must find, in the order added.
  const auto scan = [&f](auto keep) {
    std::vector<std::string> rids;
    for (const auto& l : f.state.links()) {
      if (keep(l)) rids.push_back(l.rid);
    }
    for (const auto& m : f.state.all_memberships()) {
      if (keep(m)) rids.push_back(m.rid);
    }
    return rids;
  };
  const auto rids = [](const std::vector<ar::Grant>& grants) {
    std::vector<std::string> out;
    for (const auto& g : grants) out.push_back(g.link->rid);
    return out;
  };
  const ac::PublicKey device = f.device.public_key();
  BOOST_TEST(rids(f.state.grants_for_key(device)) ==
             scan([&](const ak::Attestation& a) { return a.device_public_key && *a.device_public_key == device; }));
  BOOST_TEST(rids(f.state.grants_for_key(device)).size() == 2u);
  BOOST_TEST(rids(f.state.grants_of(f.alice.state.prefix)) ==
             scan([&](const ak::Attestation& a) { return !a.is_membership() && a.issuer == f.alice.did(); }));
  BOOST_TEST(rids(f.state.grants_of(f.alice.state.prefix)).size() == 3u);
  BOOST_TEST(rids(f.state.delegations_of(f.agent.did())) == std::vector<std::string>{f.delegation.rid});
  BOOST_TEST(f.state.delegations_of(f.alice.did()).empty());
  BOOST_TEST(rids(f.state.memberships(f.org.did(), f.alice.did())) ==
             scan([&](const ak::Attestation& a) { return a.is_membership() && a.subject == f.alice.did(); }));
  BOOST_TEST(f.state.memberships(f.org.did(), f.alice.did()).size() == 2u);
  BOOST_TEST(f.state.memberships(f.alice.did(), f.org.did()).empty());
  // The revocation found is the earliest one made at or after the record: the re-link stands.
  const auto links = f.state.grants_for_key(device);
  BOOST_REQUIRE(links.size() == 2u);
  BOOST_TEST(links[0].link->rid == f.first_link.rid);
  BOOST_REQUIRE(links[0].revocation != nullptr);
  BOOST_TEST(links[0].revocation->timestamp.unix_seconds == kT + 4);
  BOOST_TEST(links[1].revocation == nullptr);
  BOOST_TEST(links[1].identity == f.state.identity(f.alice.state.prefix));
  const auto bobs = f.state.memberships(f.org.did(), f.bob.did());
  BOOST_REQUIRE(bobs.size() == 1u);
  BOOST_REQUIRE(bobs[0].revocation != nullptr);
  BOOST_TEST(
      (ar::membership_at(f.state, f.org.did(), f.bob.did(), "", kT + 100).kind == ar::MemberStatus::Kind::kRevoked));
}

BOOST_AUTO_TEST_CASE(rotation_moves_the_key_index_and_a_refused_event_changes_nothing) {
  ar::State state;
  Identity id = make_identity();
  auto link = make_link(id, generate_key(), id.key);
  BOOST_REQUIRE(ak::sign_as_identity(link, id.key).has_value());
  anchor(id, link, id.key);
  for (size_t i = 0; i < id.files.size(); i += 2) {
    BOOST_REQUIRE(state.add_event(*ak::parse_signed_event(id.files[i].second, id.files[i + 1].second)).has_value());
  }
  const std::string digest = *ak::attestation_digest(link);
  // An event signed by a key that is not the identity's: refused, and the state is intact.
  auto forged = ak::make_interaction(id.state, {});
  BOOST_REQUIRE(forged.has_value());
  Reason fault = Reason::kOk;
  BOOST_TEST(!state.add_event({*forged, {*ak::sign_event(*forged, generate_key(), 0)}}, &fault).has_value());
  BOOST_TEST((fault == Reason::kKelBadSignature));
  const ak::KeyState* kept = state.identity(id.state.prefix);
  BOOST_REQUIRE(kept != nullptr);
  BOOST_TEST(kept->sequence == id.state.sequence);
  BOOST_TEST(kept->find_digest_seal(digest) != nullptr);
  BOOST_TEST(state.identities_with_key(id.key.public_key()).size() == 1u);
  // The rotation: the old key no longer speaks for the identity, the new one does, the seal stays.
  const ac::PrivateKey after = generate_key();
  auto rot = ak::make_rotation(id.state, {qb64(id.next)}, 1, {ak::next_key_digest(qb64(after))}, 1);
  BOOST_REQUIRE(rot.has_value());
  const ak::SignedEvent rotation{*rot, {*ak::sign_event(*rot, id.next, 0)}};
  BOOST_REQUIRE(state.add_event(rotation).has_value());
  BOOST_TEST(state.identities_with_key(id.key.public_key()).empty());
  BOOST_TEST(state.identities_with_key(id.next.public_key()).size() == 1u);
  BOOST_TEST(state.identity(id.state.prefix)->find_digest_seal(digest)->sequence == 1u);
}

BOOST_AUTO_TEST_CASE(seals_by_digest) {
  Identity id = make_identity();
  const std::string a = ak::next_key_digest("a");
  const std::string b = ak::next_key_digest("b");
  for (const auto& seals : {std::vector<std::string>{a, b}, std::vector<std::string>{a}}) {
    std::vector<ak::Seal> made;
    for (const auto& d : seals) made.push_back(ak::Seal::of_digest(d).value());
    add_event(id, *ak::make_interaction(id.state, made), id.key);
  }
  const auto found = id.state.digest_seals(a);
  BOOST_REQUIRE(found.size() == 2u);
  BOOST_TEST(found[0]->sequence == 1u);
  BOOST_TEST(found[1]->sequence == 2u);
  BOOST_TEST(id.state.find_digest_seal(a) == found[0]);
  BOOST_TEST(id.state.digest_seals(b).size() == 1u);
  BOOST_TEST(id.state.digest_seals(id.state.prefix).empty());
  BOOST_TEST(id.state.find_digest_seal("nothing") == nullptr);
  BOOST_TEST((id.state.revoked_delegate(a) == std::optional<uint64_t>(1)));
}

BOOST_AUTO_TEST_CASE(on_demand_answers_as_the_loaded_state) {
  Fixture f;
  const auto source = source_of(f.state);
  const ar::State lazy = ar::State::on_demand(source);
  BOOST_TEST(source->reads == 0u);  // nothing is read before it is asked for
  const ac::PublicKey device = f.device.public_key();
  for (const Identity* id : {&f.org, &f.alice, &f.bob, &f.agent}) {
    BOOST_TEST(describe(lazy.identities_with_key(id->key.public_key())) ==
               describe(f.state.identities_with_key(id->key.public_key())));
    BOOST_TEST(describe(lazy.grants_of(id->state.prefix)) == describe(f.state.grants_of(id->state.prefix)));
    BOOST_TEST(describe(lazy.delegations_of(id->did())) == describe(f.state.delegations_of(id->did())));
    BOOST_TEST(describe(lazy.memberships(f.org.did(), id->did())) ==
               describe(f.state.memberships(f.org.did(), id->did())));
    const ak::KeyState* full = f.state.identity(id->state.prefix);
    const ak::KeyState* read = lazy.identity(id->state.prefix);
    BOOST_REQUIRE(read != nullptr);
    BOOST_TEST(read->sequence == full->sequence);
    BOOST_TEST(read->last_said == full->last_said);
    BOOST_TEST(read->keys == full->keys);
    BOOST_TEST((read->public_keys == full->public_keys));
    BOOST_TEST(read->next_digests == full->next_digests);
    BOOST_TEST(read->establishments.size() == full->establishments.size());
    BOOST_TEST(read->seals.empty());  // nothing is verified against it
  }
  BOOST_TEST(describe(lazy.grants_for_key(device)) == describe(f.state.grants_for_key(device)));
  BOOST_TEST(lazy.identity("EUnknownPrefix") == nullptr);
  BOOST_REQUIRE(lazy.freezes_of(f.org.did()).size() == 1u);
  BOOST_TEST(lazy.freezes_of(f.org.did()).front()->rid == f.state.freezes_of(f.org.did()).front()->rid);
  BOOST_TEST((ar::active_freeze(lazy, f.org.did(), kT + 100) != nullptr));
  BOOST_TEST((ar::active_freeze(lazy, f.org.did(), kT + 7200) == nullptr));
  // The resolver decides alike, key by key, rule by rule, at every time.
  policy::SignerSet members;
  members.org = f.org.did();
  members.roles = {"admin", "member"};
  members.capabilities = {"sign_commit"};
  policy::SignerSet admins = members;
  admins.roles = {"admin"};
  policy::SignerSet named;
  named.identities = {f.alice.did()};
  for (const auto& project : {std::string(), std::string("group/app")}) {
    const engine::RegistryResolver full(f.state, project);
    const engine::RegistryResolver read(lazy, project);
    for (const ac::PrivateKey* key : {&f.device, &f.agent.key, &f.alice.key, &f.bob.key, &f.org.key}) {
      for (const auto* set : {&members, &admins, &named}) {
        for (const int64_t at : {kT + 3, kT + 4, kT + 10, kT + 100}) {
          engine::SignedObject object;
          object.signed_at = at;
          object.now = at;
          const auto expected = full.resolve(key->public_key(), *set, object);
          const auto got = read.resolve(key->public_key(), *set, object);
          BOOST_TEST((got.code == expected.code));
          BOOST_TEST(got.signer == expected.signer);
          BOOST_TEST(got.detail == expected.detail);
        }
      }
    }
  }
  BOOST_TEST(!lazy.source_error().has_value());
  // Each lookup is read once.
  const size_t reads = source->reads;
  (void)lazy.grants_for_key(device);
  BOOST_TEST(source->reads == reads);
}

BOOST_AUTO_TEST_CASE(on_demand_takes_no_records_and_keeps_a_failed_read) {
  Fixture f;
  auto source = source_of(f.state);
  ar::State lazy = ar::State::on_demand(source);
  BOOST_TEST(!lazy.records().has_value());
  auto link = make_link(f.alice, generate_key(), f.alice.key, kT + 20);
  BOOST_TEST(!lazy.add_attestation(link).has_value());
  BOOST_TEST(!lazy.add_event(*ak::parse_signed_event(f.bob.files[0].second, f.bob.files[1].second)).has_value());
  // A revocation that cannot be read: the answer lacks it, and the error is kept.
  source->failing = ar::Lookup::kRevocation;
  const auto links = lazy.grants_for_key(f.device.public_key());
  BOOST_REQUIRE(links.size() == 2u);
  BOOST_TEST(links[0].revocation == nullptr);
  BOOST_REQUIRE(lazy.source_error().has_value());
  BOOST_TEST(lazy.source_error()->message == "the source cannot be read");
}

BOOST_AUTO_TEST_CASE(on_demand_refuses_records_it_cannot_read) {
  Fixture f;
  auto records = f.state.records();
  BOOST_REQUIRE(records.has_value());
  std::string identity_body;
  for (const auto& r : *records) {
    if (r.lookups.front().kind == ar::Lookup::kIdentity && r.lookups.front().key == f.alice.state.prefix)
      identity_body = r.body;
  }
  BOOST_REQUIRE(!identity_body.empty());
  const auto one = [](std::string body, ar::Lookup kind = ar::Lookup::kIdentity) {
    return ar::State::on_demand(
        std::make_shared<MemorySource>(std::vector<ar::IndexedRecord>{{1, std::move(body), {{kind, "E1", 0}}}}));
  };
  // Whole, it reads; cut short, with a byte more or under another tag it does not, nor as a
  // record of another kind than its lookup finds, and the error is kept.
  BOOST_TEST(one(identity_body).identity("E1") != nullptr);
  for (const auto& body : {identity_body.substr(0, identity_body.size() - 1), identity_body + "x",
                           "X" + identity_body.substr(1), std::string()}) {
    const ar::State lazy = one(body);
    BOOST_TEST(lazy.identity("E1") == nullptr);
    BOOST_TEST(lazy.source_error().has_value());
  }
  const ar::State mismatched = ar::State::on_demand(std::make_shared<MemorySource>(
      std::vector<ar::IndexedRecord>{{1, identity_body, {{ar::Lookup::kMembership, ar::lookup_pair("a", "b"), 0}}}}));
  BOOST_TEST(mismatched.memberships("a", "b").empty());
  BOOST_TEST(mismatched.source_error().has_value());
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
