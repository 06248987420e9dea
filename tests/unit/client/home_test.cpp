// The identity home: identity.json round trips and refusals, the registry copy (events checked
// before they are written, never overwritten, read back in order), attestations, and the file
// list that `auths registry publish` takes, in exactly the registry layout.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "crypto/private_key.h"
#include "home.h"
#include "keri/attestation.h"
#include "keri/cesr.h"
#include "keri/kel.h"
#include "registry/registry.h"
#include "unit/client/home_test_util.h"

BOOST_AUTO_TEST_SUITE(client_home)

namespace ac = auths::crypto;
namespace acl = auths::client;
namespace ak = auths::keri;
namespace at = auths::test;
namespace fs = std::filesystem;
using auths::ErrorCode;

namespace {

std::string qb64(const ac::PrivateKey& key) { return ak::cesr::encode_verkey(key.public_key()).value(); }

// A one-key identity built by hand: the current key, the next key, and the inception.
struct Identity {
  ac::PrivateKey current = ac::PrivateKey::generate(ac::KeyType::kEd25519).value();
  ac::PrivateKey next = ac::PrivateKey::generate(ac::KeyType::kEd25519).value();
  ak::SignedEvent icp;

  Identity() {
    auto event = ak::make_inception({qb64(current)}, 1, {ak::next_key_digest(qb64(next))}, 1).value();
    icp = ak::SignedEvent{event, {ak::sign_event(event, current, 0).value()}};
  }
  std::string prefix() const { return icp.event.prefix; }
  std::string did() const { return "did:keri:" + prefix(); }
};

ak::SignedEvent interaction(const ak::KeyState& state, const ac::PrivateKey& key, const std::string& digest) {
  auto event = ak::make_interaction(state, {ak::Seal::of_digest(digest).value()}).value();
  return ak::SignedEvent{event, {ak::sign_event(event, key, 0).value()}};
}

ak::Attestation device_link(const Identity& id, const ac::PrivateKey& device, int64_t at) {
  ak::Attestation link;
  link.rid = ak::random_rid();
  link.issuer = id.did();
  link.subject = device.public_key().to_did_key().value();
  link.device_public_key = device.public_key();
  link.capabilities = {"sign_commit"};
  link.timestamp = ak::Timestamp::from_unix(at);
  BOOST_REQUIRE(ak::sign_as_identity(link, id.current).has_value());
  BOOST_REQUIRE(ak::sign_as_device(link, device).has_value());
  return link;
}

}  // namespace

BOOST_AUTO_TEST_CASE(config_round_trip_and_absence) {
  at::HomeEnv env;
  auto none = acl::load_identity_config(env.home());
  BOOST_REQUIRE(none.has_value());
  BOOST_TEST(!none->has_value());

  const Identity id;
  acl::IdentityConfig config;
  config.did = id.did();
  config.key_alias = "identity";
  config.curve = "ed25519";
  BOOST_REQUIRE(acl::save_identity_config(env.home(), config).has_value());
  auto loaded = acl::load_identity_config(env.home());
  BOOST_REQUIRE(loaded.has_value());
  BOOST_REQUIRE(loaded->has_value());
  BOOST_TEST((*loaded)->did == id.did());
  BOOST_TEST((*loaded)->key_alias == "identity");
  BOOST_TEST((*loaded)->curve == "ed25519");
  BOOST_TEST((*loaded)->prefix() == id.prefix());
}

BOOST_AUTO_TEST_CASE(config_refuses_what_it_cannot_use) {
  at::HomeEnv env;
  acl::IdentityConfig bad;
  bad.did = "did:keri:not-a-prefix";
  bad.key_alias = "identity";
  bad.curve = "ed25519";
  BOOST_TEST(!acl::save_identity_config(env.home(), bad).has_value());

  const Identity id;
  const std::string good_did = id.did();
  const std::vector<std::string> corrupt = {
      "not json",
      R"({"version": 2, "did": ")" + good_did + R"(", "key_alias": "identity", "curve": "ed25519"})",
      R"({"version": 1, "did": "did:key:z6Mk", "key_alias": "identity", "curve": "ed25519"})",
      R"({"version": 1, "did": ")" + good_did + R"(", "key_alias": "../x", "curve": "ed25519"})",
      R"({"version": 1, "did": ")" + good_did + R"(", "key_alias": "identity", "curve": "rsa"})",
      R"({"version": 1, "did": ")" + good_did + R"(", "curve": "ed25519"})",
  };
  for (const auto& text : corrupt) {
    at::write_text(acl::identity_config_path(env.home()), text);
    auto loaded = acl::load_identity_config(env.home());
    BOOST_TEST_CONTEXT(text) {
      BOOST_REQUIRE(!loaded.has_value());
      BOOST_TEST((loaded.error().code == ErrorCode::kCorrupt));
    }
  }
}

BOOST_AUTO_TEST_CASE(events_are_checked_then_written_in_the_registry_layout) {
  at::HomeEnv env;
  const Identity id;
  auto state = acl::append_event(env.home(), id.icp);
  BOOST_REQUIRE_MESSAGE(state.has_value(), (state ? "" : state.error().to_string()));
  BOOST_TEST(state->sequence == 0u);
  const fs::path root = acl::registry_copy_dir(env.home());
  BOOST_TEST(fs::exists(root / auths::registry::event_path(id.prefix(), 0)));
  BOOST_TEST(fs::exists(root / auths::registry::signatures_path(id.prefix(), 0)));
  BOOST_TEST(at::read_text(root / auths::registry::event_path(id.prefix(), 0)) == ak::serialize(id.icp.event).value());

  const auto ixn = interaction(*state, id.current, "EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  auto after = acl::append_event(env.home(), ixn);
  BOOST_REQUIRE(after.has_value());
  BOOST_TEST(after->sequence == 1u);

  auto kel = acl::load_kel(env.home(), id.prefix());
  BOOST_REQUIRE(kel.has_value());
  BOOST_TEST(kel->size() == 2u);
  auto replayed = acl::load_key_state(env.home(), id.prefix());
  BOOST_REQUIRE(replayed.has_value());
  BOOST_TEST(replayed->last_said == ixn.event.said);

  // The same event again: refused, the stored one untouched.
  auto again = acl::append_event(env.home(), ixn);
  BOOST_REQUIRE(!again.has_value());
  BOOST_TEST((again.error().code == ErrorCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(an_event_continues_the_state_the_caller_replayed) {
  at::HomeEnv env;
  const Identity id;
  auto state = acl::append_event(env.home(), id.icp);
  BOOST_REQUIRE(state.has_value());
  const auto ixn = interaction(*state, id.current, "EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  auto after = acl::append_event(env.home(), ixn, *state);
  BOOST_REQUIRE_MESSAGE(after.has_value(), (after ? "" : after.error().to_string()));
  BOOST_TEST(after->sequence == 1u);
  BOOST_TEST(acl::load_key_state(env.home(), id.prefix())->last_said == ixn.event.said);

  // The same sequence number again (another writer came first): refused, nothing overwritten.
  auto again = acl::append_event(env.home(), ixn, *state);
  BOOST_REQUIRE(!again.has_value());
  BOOST_TEST((again.error().code == ErrorCode::kInvalidArgument));

  // An event that does not apply on that state, an inception, another identity's state.
  const auto forged = interaction(*after, id.next, "EBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
  auths::Reason fault = auths::Reason::kOk;
  auto refused = acl::append_event(env.home(), forged, *after, &fault);
  BOOST_REQUIRE(!refused.has_value());
  BOOST_TEST((fault == auths::Reason::kKelBadSignature));
  BOOST_TEST(!acl::append_event(env.home(), id.icp, *after).has_value());
  const Identity stranger;
  ak::KeyState other = *after;
  other.prefix = stranger.prefix();
  BOOST_TEST(!acl::append_event(env.home(), forged, other).has_value());
  BOOST_TEST(acl::load_kel(env.home(), id.prefix())->size() == 2u);
}

BOOST_AUTO_TEST_CASE(an_event_that_does_not_apply_is_not_written) {
  at::HomeEnv env;
  const Identity id;
  auto state = acl::append_event(env.home(), id.icp);
  BOOST_REQUIRE(state.has_value());
  // Signed by the next key, which is not (yet) a current key: the KEL would not replay.
  const auto forged = interaction(*state, id.next, "EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  auths::Reason fault = auths::Reason::kOk;
  auto refused = acl::append_event(env.home(), forged, &fault);
  BOOST_REQUIRE(!refused.has_value());
  BOOST_TEST((refused.error().code == ErrorCode::kInvalidArgument));
  BOOST_TEST((fault == auths::Reason::kKelBadSignature));
  BOOST_TEST(!fs::exists(acl::registry_copy_dir(env.home()) / auths::registry::event_path(id.prefix(), 1)));
  BOOST_TEST(acl::load_kel(env.home(), id.prefix())->size() == 1u);

  // An interaction with no KEL under it.
  const Identity stranger;
  ak::KeyState fake;
  fake.prefix = stranger.prefix();
  fake.sequence = 0;
  fake.last_said = stranger.icp.event.said;
  fake.next_digests = {"x"};
  auto orphan = acl::append_event(env.home(),
                                  interaction(fake, stranger.current, "EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
  BOOST_REQUIRE(!orphan.has_value());
  BOOST_TEST((orphan.error().code == ErrorCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(a_gap_or_a_missing_signature_file_is_corrupt) {
  at::HomeEnv env;
  const Identity id;
  auto state = acl::append_event(env.home(), id.icp).value();
  const auto ixn = interaction(state, id.current, "EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  BOOST_REQUIRE(acl::append_event(env.home(), ixn).has_value());
  const fs::path root = acl::registry_copy_dir(env.home());

  fs::remove(root / auths::registry::signatures_path(id.prefix(), 1));
  auto no_sigs = acl::load_kel(env.home(), id.prefix());
  BOOST_REQUIRE(!no_sigs.has_value());
  BOOST_TEST((no_sigs.error().code == ErrorCode::kCorrupt));

  fs::rename(root / auths::registry::event_path(id.prefix(), 0), root / "elsewhere.json");
  auto gap = acl::load_kel(env.home(), id.prefix());
  BOOST_REQUIRE(!gap.has_value());
  BOOST_TEST((gap.error().code == ErrorCode::kCorrupt));
}

BOOST_AUTO_TEST_CASE(attestations_are_stored_once_and_listed_by_kind) {
  at::HomeEnv env;
  const Identity id;
  auto state = acl::append_event(env.home(), id.icp).value();
  const auto device = ac::PrivateKey::generate(ac::KeyType::kEd25519).value();
  const auto link = device_link(id, device, 1'800'000'000);
  auto path = acl::store_attestation(env.home(), link);
  BOOST_REQUIRE_MESSAGE(path.has_value(), (path ? "" : path.error().to_string()));
  BOOST_TEST(*path == auths::registry::attestation_path(link).value());
  // Storing the same record again is harmless; another record under that name is refused.
  BOOST_TEST(acl::store_attestation(env.home(), link).has_value());
  auto revocation = ak::make_revocation(link, ak::Timestamp::from_unix(1'800'000'100)).value();
  BOOST_REQUIRE(ak::sign_as_identity(revocation, id.current).has_value());
  BOOST_REQUIRE(acl::store_attestation(env.home(), revocation).has_value());

  auto listed = acl::load_attestations(env.home(), id.prefix());
  BOOST_REQUIRE(listed.has_value());
  BOOST_REQUIRE(listed->links.size() == 1u);
  BOOST_REQUIRE(listed->revocations.size() == 1u);
  BOOST_TEST(listed->links.front().rid == link.rid);
  BOOST_TEST(listed->revocations.front().revoked_at->text == "2027-01-15T08:01:40Z");

  // Someone else's attestation in this identity's folder is a corrupt copy.
  const Identity other;
  const auto foreign = device_link(other, device, 1'800'000'000);
  at::write_text(acl::registry_copy_dir(env.home()) / "v1/identities" / id.prefix() / "attestations/x.json",
                 ak::serialize_attestation(foreign).value());
  auto mixed = acl::load_attestations(env.home(), id.prefix());
  BOOST_REQUIRE(!mixed.has_value());
  BOOST_TEST((mixed.error().code == ErrorCode::kCorrupt));
}

BOOST_AUTO_TEST_CASE(registry_files_are_what_the_registry_loads) {
  at::HomeEnv env;
  const Identity id;
  auto state = acl::append_event(env.home(), id.icp).value();
  const auto device = ac::PrivateKey::generate(ac::KeyType::kEd25519).value();
  const auto link = device_link(id, device, 1'800'000'000);
  const auto ixn = interaction(state, id.current, ak::attestation_digest(link).value());
  BOOST_REQUIRE(acl::append_event(env.home(), ixn).has_value());
  BOOST_REQUIRE(acl::store_attestation(env.home(), link).has_value());
  // Leftovers of interrupted writes are not records.
  const fs::path root = acl::registry_copy_dir(env.home());
  at::write_text(root / "v1/identities" / id.prefix() / "kel/.00000002.json.tmp-abcdef", "{}");
  at::write_text(root / auths::registry::signatures_path(id.prefix(), 2), "-AAB");

  auto files = acl::registry_files(env.home());
  BOOST_REQUIRE(files.has_value());
  std::vector<std::string> paths;
  for (const auto& [path, content] : *files) paths.push_back(path);
  const std::vector<std::string> expected = {
      auths::registry::attestation_path(link).value(), auths::registry::signatures_path(id.prefix(), 0),
      auths::registry::event_path(id.prefix(), 0), auths::registry::signatures_path(id.prefix(), 1),
      auths::registry::event_path(id.prefix(), 1)};
  BOOST_TEST(paths == expected, boost::test_tools::per_element());

  // And the registry's own loader accepts the copy (without the leftover): the link holds.
  fs::remove(root / auths::registry::signatures_path(id.prefix(), 2));
  auto loaded = auths::registry::load_directory(root.string());
  BOOST_REQUIRE_MESSAGE(loaded.has_value(), (loaded ? "" : loaded.error().to_string()));
  BOOST_TEST(loaded->grants_for_key(device.public_key()).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
