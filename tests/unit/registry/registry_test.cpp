// The registry's append-only rules on a real repository: every way to break them is refused
// with its own code, and valid growth is accepted.
#include <boost/test/unit_test.hpp>

#include "support/printers.h"
#include "support/registry_fixture.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(registry)
namespace {

/// The first problem's code; Reason::kOk when there is none.
Reason first_code(const std::vector<ar::Problem>& problems) {
  return problems.empty() ? Reason::kOk : problems.front().code;
}

}  // namespace

BOOST_AUTO_TEST_CASE(publish_load_and_grow) {
  TempRepo t;
  Identity alice = make_identity();
  const auto device = generate_key();
  const auto link = make_link(alice, device, alice.key);
  anchor(alice, link, alice.key);
  Files files = alice.files;
  files.push_back(stored(link));
  auto tip = ar::publish(*t.repo, files, "alice");
  BOOST_REQUIRE(tip.has_value() && tip->has_value());
  // Publishing the same records again adds nothing.
  auto again = ar::publish(*t.repo, files, "alice");
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST(!again->has_value());

  BOOST_TEST((first_code(t.verify(std::nullopt, **tip)) == Reason::kOk));
  auto state = ar::load_current(*t.repo);
  BOOST_REQUIRE(state.has_value());
  const auto grants = state->grants_for_key(device.public_key());
  BOOST_REQUIRE(grants.size() == 1u);
  BOOST_TEST(grants[0].revocation == nullptr);
  BOOST_TEST(grants[0].link->issuer == alice.did());

  // A revocation added later is valid growth and shows up on the grant.
  auto revocation = ak::make_revocation(*grants[0].link, ak::Timestamp::from_unix(1700000100));
  BOOST_REQUIRE(revocation.has_value());
  BOOST_REQUIRE(ak::sign_as_identity(*revocation, alice.key).has_value());
  Files revoke_files = anchor(alice, *revocation, alice.key);
  revoke_files.push_back(stored(*revocation));
  auto tip2 = ar::publish(*t.repo, revoke_files, "revoke");
  BOOST_REQUIRE(tip2.has_value() && tip2->has_value());
  BOOST_TEST((first_code(t.verify(**tip, **tip2)) == Reason::kOk));
  auto after = ar::load_current(*t.repo);
  BOOST_REQUIRE(after.has_value());
  BOOST_TEST(after->grants_for_key(device.public_key()).at(0).revocation != nullptr);

  // publish refuses to change an existing record.
  Files changed = {{alice.files[0].first, alice.files[0].second + " "}};
  BOOST_TEST(!ar::publish(*t.repo, changed, "edit").has_value());
}

BOOST_AUTO_TEST_CASE(edits_and_deletions_are_refused) {
  TempRepo t;
  Identity alice = make_identity();
  const auto base = t.commit(alice.files, {});
  // Changing an existing record.
  const auto edited = t.commit({{alice.files[0].first, alice.files[0].second + "\n"}}, {base});
  BOOST_TEST((first_code(t.verify(base, edited)) == Reason::kRegistryEdit));
  // Removing one: a tree with only the .cesr file.
  const auto removed = t.commit({alice.files[1]}, {base}, /*on_top=*/false);
  BOOST_TEST((first_code(t.verify(base, removed)) == Reason::kRegistryEdit));
}

BOOST_AUTO_TEST_CASE(history_must_be_linear_and_fast_forward) {
  TempRepo t;
  Identity alice = make_identity();
  Identity bob = make_identity();
  const auto base = t.commit(alice.files, {});
  const auto unrelated = t.commit(alice.files, {});  // same records, but a new root: not a descendant
  (void)unrelated;
  const auto other_root = t.commit(bob.files, {});
  BOOST_TEST((first_code(t.verify(base, other_root)) == Reason::kRegistryNotFastForward));
  const auto side = t.commit(bob.files, {base});
  const auto merge = t.commit({}, {base, side});
  BOOST_TEST((first_code(t.verify(base, merge)) == Reason::kRegistryMerge));
}

BOOST_AUTO_TEST_CASE(invalid_records_are_refused) {
  TempRepo t;
  Identity alice = make_identity();
  Identity mallory = make_identity();
  const auto base = t.commit(alice.files, {});
  const auto device = generate_key();

  // An unsigned link (no identity signature).
  ak::Attestation unsigned_link = make_link(alice, device, alice.key);
  unsigned_link.identity_signature.clear();
  const auto c1 = t.commit({stored(unsigned_link)}, {base});
  BOOST_TEST((first_code(t.verify(base, c1)) == Reason::kRegistryInvalidRecord));

  // A link for alice's identity signed by mallory's key: forged.
  const ak::Attestation forged = make_link(alice, device, mallory.key);
  const auto c2 = t.commit({stored(forged)}, {base});
  BOOST_TEST((first_code(t.verify(base, c2)) == Reason::kRegistryInvalidRecord));

  // A KEL event for alice signed by mallory.
  auto ixn = ak::make_interaction(alice.state, {ak::Seal::of_digest("E" + std::string(43, 'A')).value()});
  BOOST_REQUIRE(ixn.has_value());
  ak::SignedEvent bad{*ixn, {*ak::sign_event(*ixn, mallory.key, 0)}};
  const auto c3 = t.commit({{ar::event_path(ixn->prefix, ixn->sequence), *ak::serialize(*ixn)},
                            {ar::signatures_path(ixn->prefix, ixn->sequence), *ak::attachment_text(bad)}},
                           {base});
  BOOST_TEST((first_code(t.verify(base, c3)) == Reason::kRegistryInvalidRecord));

  // A file outside the layout.
  const auto c4 = t.commit({{"README", "hello"}}, {base});
  BOOST_TEST((first_code(t.verify(base, c4)) == Reason::kRegistryInvalidRecord));

  // A valid link stored under another name than its canonical path.
  const ak::Attestation good = make_link(alice, device, alice.key);
  auto [path, content] = stored(good);
  const auto c5 = t.commit({{path.substr(0, path.size() - 5) + "x.json", content}}, {base});
  BOOST_TEST((first_code(t.verify(base, c5)) == Reason::kRegistryInvalidRecord));

  // Validly signed by alice's current key, but not anchored in her KEL: refused, because its
  // validity would end with her next rotation.
  const auto c6 = t.commit({stored(good)}, {base});
  BOOST_TEST((first_code(t.verify(base, c6)) == Reason::kRegistryInvalidRecord));

  // Anchored and stored under its own name: fine.
  Files anchored = anchor(alice, good, alice.key);
  anchored.push_back(stored(good));
  const auto c7 = t.commit(anchored, {base});
  BOOST_TEST((first_code(t.verify(base, c7)) == Reason::kOk));
}

// A rotation after a link does not invalidate it: the registry stays loadable and the device
// keeps its grant (the registry-poisoning case: a record valid when pushed must stay valid).
BOOST_AUTO_TEST_CASE(anchored_links_survive_rotation) {
  TempRepo t;
  Identity alice = make_identity();
  const auto device = generate_key();
  const auto link = make_link(alice, device, alice.key);
  anchor(alice, link, alice.key);
  Files files = alice.files;
  files.push_back(stored(link));
  auto tip = ar::publish(*t.repo, files, "link");
  BOOST_REQUIRE(tip.has_value() && tip->has_value());

  // Rotate: the pre-committed next key takes over, a fresh next key is committed to.
  const auto newer = generate_key();
  auto rot = ak::make_rotation(alice.state, {qb64(alice.next)}, 1, {ak::next_key_digest(qb64(newer))}, 1);
  BOOST_REQUIRE(rot.has_value());
  const size_t before = alice.files.size();
  add_event(alice, *rot, alice.next);
  const Files rotation(alice.files.begin() + static_cast<std::ptrdiff_t>(before), alice.files.end());
  auto tip2 = ar::publish(*t.repo, rotation, "rotate");
  BOOST_REQUIRE(tip2.has_value() && tip2->has_value());
  BOOST_TEST((first_code(t.verify(**tip, **tip2)) == Reason::kOk));

  auto state = ar::load_current(*t.repo);
  BOOST_REQUIRE(state.has_value());
  const auto grants = state->grants_for_key(device.public_key());
  BOOST_REQUIRE(grants.size() == 1u);
  BOOST_TEST(grants[0].revocation == nullptr);
}

// Issue 6, item 7: a link anchored under one key but signed with a later one (the key that is
// current when it is pushed) passed the push check and then, after one more rotation, made the
// whole registry unloadable. Push and load apply the same rule now: the anchoring keys.
BOOST_AUTO_TEST_CASE(a_link_signed_by_a_later_key_than_its_anchor_is_refused_at_push) {
  TempRepo t;
  Identity mallory = make_identity();
  auto base = ar::publish(*t.repo, mallory.files, "mallory");
  BOOST_REQUIRE(base.has_value() && base->has_value());
  const auto device = generate_key();
  ak::Attestation link = make_link(mallory, device, mallory.key);  // anchored under K1 ...
  const size_t before = mallory.files.size();
  anchor(mallory, link, mallory.key);
  const auto k3 = generate_key();
  auto rot = ak::make_rotation(mallory.state, {qb64(mallory.next)}, 1, {ak::next_key_digest(qb64(k3))}, 1);
  BOOST_REQUIRE(rot.has_value());
  add_event(mallory, *rot, mallory.next);
  BOOST_REQUIRE(ak::sign_as_identity(link, mallory.next).has_value());  // ... re-signed with K2
  Files records(mallory.files.begin() + static_cast<std::ptrdiff_t>(before), mallory.files.end());
  records.push_back(stored(link));
  const Oid pushed = t.commit(records, {**base});
  BOOST_TEST((first_code(t.verify(**base, pushed)) == Reason::kRegistryInvalidRecord));
  // The same link signed by its anchoring key is accepted, and loads after later rotations.
  BOOST_REQUIRE(ak::sign_as_identity(link, mallory.key).has_value());
  records.back() = stored(link);
  const Oid honest = t.commit(records, {**base});
  BOOST_TEST((first_code(t.verify(**base, honest)) == Reason::kOk));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace auths::test
