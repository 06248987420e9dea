// The identity operations behind `auths id`, `auths device`, `auths registry publish` and
// `auths init --git`: what they write to the home and the key store, that every record they make
// is one the registry accepts, pre-rotation (the old key can no longer sign KEL events, links
// made before survive), revocation and expiry, recovery from an interrupted rotation, and the
// git settings and hooks.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "auths/client/identity_ops.h"
#include "crypto/private_key.h"
#include "git/repository.h"
#include "home.h"
#include "keri/attestation.h"
#include "keri/cesr.h"
#include "keri/kel.h"
#include "keystore.h"
#include "registry/registry.h"
#include "unit/client/home_test_util.h"
#include "util/time.h"

BOOST_AUTO_TEST_SUITE(client_operations)

namespace ac = auths::crypto;
namespace acl = auths::client;
namespace ak = auths::keri;
namespace at = auths::test;
using auths::Reason;
namespace fs = std::filesystem;
using auths::ErrorCode;

namespace {

const std::string kPassphrase = "test passphrase";

using auths::test::must;

// must() for values that cannot be copied (keys, repositories).
template <typename T>
T take(auths::Result<T>&& result) {
  BOOST_REQUIRE_MESSAGE(result.has_value(), (result ? std::string() : result.error().to_string()));
  return std::move(result).value();
}

ak::KeyState key_state(const at::HomeEnv& env) {
  const auto config = acl::load_identity_config(env.home()).value().value();
  return must(acl::load_key_state(env.home(), config.prefix()));
}

ac::PublicKey stored_public(const at::HomeEnv& env, const std::string& alias) {
  return must(acl::load_public_key(env.home(), alias));
}

std::string qb64(const ac::PublicKey& key) { return ak::cesr::encode_verkey(key).value(); }

}  // namespace

BOOST_AUTO_TEST_CASE(init_writes_an_inception_that_commits_to_the_next_key) {
  at::HomeEnv env;
  const auto& info = must(auths::client::init_identity(env.home().string(), {}, kPassphrase));
  BOOST_TEST(info.did.rfind("did:keri:E", 0) == 0u);
  BOOST_TEST(info.did.size() == 9u + 44u);
  BOOST_TEST(info.sequence == 0u);
  BOOST_TEST(info.key_alias == "identity");
  BOOST_REQUIRE(info.keys.size() == 1u);
  BOOST_TEST(info.keys.front().did_key.rfind("did:key:z6Mk", 0) == 0u);
  BOOST_TEST(info.next_commitments == 1u);
  BOOST_TEST(info.active_devices == 0u);

  const ak::KeyState state = key_state(env);
  BOOST_TEST(state.did() == info.did);
  BOOST_TEST(state.keys.front() == qb64(stored_public(env, "identity")));
  BOOST_TEST(state.next_digests.front() == ak::next_key_digest(qb64(stored_public(env, "identity.next"))));
  BOOST_TEST(state.key_threshold == 1u);
  BOOST_TEST(state.next_threshold == 1u);

  // A second identity in the same home is refused; so is a P-256 one there.
  auto again = auths::client::init_identity(env.home().string(), {}, kPassphrase);
  BOOST_REQUIRE(!again.has_value());
  BOOST_TEST((again.error().code == ErrorCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(init_p256_and_taken_aliases) {
  at::HomeEnv env;
  // An alias already used by a key: refused before anything is written.
  auto key = ac::PrivateKey::generate(ac::KeyType::kEd25519).value();
  BOOST_REQUIRE(acl::save_key(env.home(), "main.next", key, kPassphrase).has_value());
  auths::client::InitIdentityOptions taken;
  taken.alias = "main";
  auto refused = auths::client::init_identity(env.home().string(), taken, kPassphrase);
  BOOST_REQUIRE(!refused.has_value());
  BOOST_TEST((refused.error().code == ErrorCode::kInvalidArgument));
  BOOST_TEST(!acl::load_identity_config(env.home()).value().has_value());

  auths::client::InitIdentityOptions p256;
  p256.curve = "p256";
  p256.alias = "work";
  const auto& info = must(auths::client::init_identity(env.home().string(), p256, kPassphrase));
  BOOST_TEST(info.curve == "p256");
  BOOST_TEST(info.keys.front().qb64.rfind("1AAJ", 0) == 0u);
  BOOST_TEST(info.keys.front().did_key.rfind("did:key:zDn", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(link_anchors_each_device_and_the_registry_accepts_it) {
  at::HomeEnv env;
  must(auths::client::init_identity(env.home().string(), {}, kPassphrase));
  const auto& first = must(auths::client::link_device(env.home().string(), {}, kPassphrase));
  BOOST_TEST(first.alias == "device-1");
  BOOST_TEST(first.status == "active");
  BOOST_TEST(first.capabilities == std::vector<std::string>{"sign_commit"});
  BOOST_TEST(first.signer_type == "Human");
  BOOST_TEST(first.ssh_public_key.find(" auths:device-1") != std::string::npos);
  auths::client::LinkDeviceOptions agent;
  agent.capabilities = {"sign_commit", "sign_release"};
  agent.signer_type = "Agent";
  agent.expires_in_days = 7;
  agent.note = "ci";
  const auto& second = must(auths::client::link_device(env.home().string(), agent, kPassphrase));
  BOOST_TEST(second.alias == "device-2");
  BOOST_TEST(!second.expires_at.empty());

  // Each link is anchored by its own ixn: icp, ixn, ixn.
  const ak::KeyState state = key_state(env);
  BOOST_TEST(state.sequence == 2u);
  const auto config = acl::load_identity_config(env.home()).value().value();
  const auto stored = must(acl::load_attestations(env.home(), config.prefix()));
  BOOST_REQUIRE(stored.links.size() == 2u);
  for (const auto& link : stored.links) {
    BOOST_TEST(state.find_digest_seal(ak::attestation_digest(link).value()) != nullptr);
    BOOST_TEST(ak::verify_attestation(link, state).has_value());
  }
  BOOST_TEST(must(auths::client::show_identity(env.home().string())).active_devices == 2u);

  // The registry's loader, as the server reads a published copy.
  const auto loaded = must(auths::registry::load_directory(acl::registry_copy_dir(env.home()).string()));
  BOOST_TEST(loaded.grants_for_key(stored_public(env, "device-1")).size() == 1u);

  // Bad options change nothing.
  auths::client::LinkDeviceOptions bad;
  bad.capabilities = {"Sign Commit"};
  BOOST_TEST(!auths::client::link_device(env.home().string(), bad, kPassphrase).has_value());
  bad.capabilities = {};
  bad.signer_type = "Robot";
  BOOST_TEST(!auths::client::link_device(env.home().string(), bad, kPassphrase).has_value());
  bad.signer_type = "Human";
  bad.alias = "device-1";
  BOOST_TEST(!auths::client::link_device(env.home().string(), bad, kPassphrase).has_value());
  BOOST_TEST(key_state(env).sequence == 2u);
  BOOST_TEST(!acl::key_exists(env.home(), "device-3"));

  // A wrong passphrase does not get the identity key.
  auto wrong = auths::client::link_device(env.home().string(), {}, "not it");
  BOOST_REQUIRE(!wrong.has_value());
  BOOST_TEST(wrong.error().message.find("wrong passphrase") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rotation_retires_the_old_key_and_keeps_the_devices) {
  at::HomeEnv env;
  must(auths::client::init_identity(env.home().string(), {}, kPassphrase));
  must(auths::client::link_device(env.home().string(), {}, kPassphrase));
  const auto old_key = take(acl::load_key(env.home(), "identity", kPassphrase));
  const ac::PublicKey committed = stored_public(env, "identity.next");

  const auto& rotated = must(auths::client::rotate_identity(env.home().string(), kPassphrase));
  BOOST_TEST(rotated.old_key == qb64(old_key.public_key()));
  BOOST_TEST(rotated.new_key == qb64(committed));
  BOOST_TEST(rotated.identity.rotations == 1u);
  BOOST_TEST(rotated.identity.active_devices == 1u);

  // The store: the committed key is current, a fresh key is next, the old key is gone.
  BOOST_TEST((stored_public(env, "identity") == committed));
  BOOST_TEST(!(stored_public(env, "identity.next") == committed));
  BOOST_TEST(!acl::key_exists(env.home(), "identity.pending"));
  for (const auto& info : must(acl::list_keys(env.home()))) BOOST_TEST(!(info.public_key == old_key.public_key()));
  const ak::KeyState state = key_state(env);
  BOOST_TEST(state.keys.front() == qb64(committed));
  BOOST_TEST(state.next_digests.front() == ak::next_key_digest(qb64(stored_public(env, "identity.next"))));

  // The old key can no longer sign a KEL event...
  const auto config = acl::load_identity_config(env.home()).value().value();
  auto kel = must(acl::load_kel(env.home(), config.prefix()));
  const auto event =
      ak::make_interaction(state, {ak::Seal::of_digest("EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").value()})
          .value();
  kel.push_back(ak::SignedEvent{event, {ak::sign_event(event, old_key, 0).value()}});
  Reason fault = Reason::kOk;
  BOOST_TEST(!ak::replay_kel(kel, &fault).has_value());
  BOOST_TEST((fault == Reason::kKelBadSignature));
  BOOST_TEST(!acl::append_event(env.home(), kel.back()).has_value());
  // ... nor a new device link (it would not verify under the current key).
  auto stored = must(acl::load_attestations(env.home(), config.prefix()));
  auto forged = stored.links.front();
  forged.rid = ak::random_rid();
  BOOST_REQUIRE(ak::sign_as_identity(forged, old_key).has_value());
  BOOST_TEST(!ak::verify_identity_signature(forged, state).has_value());

  // The link made before the rotation still verifies, and new links use the new key.
  BOOST_TEST(ak::verify_attestation(stored.links.front(), state).has_value());
  const auto& after = must(auths::client::link_device(env.home().string(), {}, kPassphrase));
  BOOST_TEST(after.status == "active");
  BOOST_TEST(must(auths::registry::load_directory(acl::registry_copy_dir(env.home()).string()))
                 .grants_of(config.prefix())
                 .size() == 2u);

  // Rotating again works from the key committed by the first rotation.
  must(auths::client::rotate_identity(env.home().string(), kPassphrase));
  BOOST_TEST(key_state(env).establishments.size() == 3u);
}

BOOST_AUTO_TEST_CASE(an_interrupted_rotation_is_finished_by_the_next_command) {
  at::HomeEnv env;
  must(auths::client::init_identity(env.home().string(), {}, kPassphrase));
  const auto k0 = take(acl::load_key(env.home(), "identity", kPassphrase));
  must(auths::client::rotate_identity(env.home().string(), kPassphrase));
  const auto k1 = take(acl::load_key(env.home(), "identity", kPassphrase));
  const auto k2 = take(acl::load_key(env.home(), "identity.next", kPassphrase));
  // The store as a crash right after the rot event was written leaves it: the old key still
  // current, the committed key still "next", the key after next still pending.
  acl::SaveOptions replace;
  replace.overwrite = true;
  BOOST_REQUIRE(acl::save_key(env.home(), "identity", k0, kPassphrase, replace).has_value());
  BOOST_REQUIRE(acl::save_key(env.home(), "identity.next", k1, kPassphrase, replace).has_value());
  BOOST_REQUIRE(acl::save_key(env.home(), "identity.pending", k2, kPassphrase, replace).has_value());

  must(auths::client::link_device(env.home().string(), {}, kPassphrase));
  BOOST_TEST((stored_public(env, "identity") == k1.public_key()));
  BOOST_TEST((stored_public(env, "identity.next") == k2.public_key()));
  BOOST_TEST(!acl::key_exists(env.home(), "identity.pending"));
  must(auths::client::rotate_identity(env.home().string(), kPassphrase));

  // A pending key from a rotation whose event was never written is discarded, not committed.
  const auto stray = ac::PrivateKey::generate(ac::KeyType::kEd25519).value();
  BOOST_REQUIRE(acl::save_key(env.home(), "identity.pending", stray, kPassphrase, replace).has_value());
  const auto next_before = stored_public(env, "identity.next");
  must(auths::client::rotate_identity(env.home().string(), kPassphrase));
  BOOST_TEST(!acl::key_exists(env.home(), "identity.pending"));
  BOOST_TEST(key_state(env).keys.front() == qb64(next_before));
}

BOOST_AUTO_TEST_CASE(revocation_and_expiry) {
  at::HomeEnv env;
  const std::string home = env.home().string();
  must(auths::client::init_identity(home, {}, kPassphrase));
  const auto kept = must(auths::client::link_device(home, {}, kPassphrase));
  const auto gone = must(auths::client::link_device(home, {}, kPassphrase));
  auths::client::LinkDeviceOptions short_lived;
  short_lived.expires_in_days = 1;
  short_lived.now = auths::util::now_unix() - 3 * 86400;
  const auto old = must(auths::client::link_device(home, short_lived, kPassphrase));

  const auto& revoked = must(auths::client::revoke_device(home, gone.did_key, kPassphrase, std::string("lost laptop")));
  BOOST_REQUIRE(revoked.size() == 1u);
  BOOST_TEST(revoked.front().status == "revoked");
  BOOST_TEST(!revoked.front().revoked_at.empty());

  const auto& active = must(auths::client::list_devices(home, false));
  BOOST_REQUIRE(active.size() == 2u);
  BOOST_TEST(active[0].did_key == old.did_key);  // oldest link first
  BOOST_TEST(active[0].status == "expired");
  BOOST_TEST(active[1].did_key == kept.did_key);
  BOOST_TEST(active[1].status == "active");
  const auto& all = must(auths::client::list_devices(home, true));
  BOOST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all[0].did_key == old.did_key);
  // kept and gone were linked in the same second: their order is the records' names.
  const auto& listed_gone = all[1].did_key == gone.did_key ? all[1] : all[2];
  BOOST_TEST(listed_gone.did_key == gone.did_key);
  BOOST_TEST(listed_gone.status == "revoked");
  BOOST_TEST(must(auths::client::show_identity(home)).active_devices == 1u);

  // The revocation is anchored, verifies, and the registry's loader sees the link revoked.
  const ak::KeyState state = key_state(env);
  const auto config = acl::load_identity_config(env.home()).value().value();
  const auto stored = must(acl::load_attestations(env.home(), config.prefix()));
  BOOST_REQUIRE(stored.revocations.size() == 1u);
  BOOST_TEST(*stored.revocations.front().note == "lost laptop");
  BOOST_TEST(ak::verify_revocation(stored.revocations.front(), state).has_value());
  BOOST_TEST(state.find_digest_seal(ak::attestation_digest(stored.revocations.front()).value()) != nullptr);
  const auto loaded = must(auths::registry::load_directory(acl::registry_copy_dir(env.home()).string()));
  const auto grants = loaded.grants_for_key(ac::parse_did_key(gone.did_key).value());
  BOOST_REQUIRE(grants.size() == 1u);
  BOOST_TEST(grants.front().revocation != nullptr);

  auto twice = auths::client::revoke_device(home, gone.did_key, kPassphrase);
  BOOST_REQUIRE(!twice.has_value());
  BOOST_TEST((twice.error().code == ErrorCode::kInvalidArgument));
  const auto stranger = ac::PrivateKey::generate(ac::KeyType::kEd25519).value();
  auto unknown = auths::client::revoke_device(home, stranger.public_key().to_did_key().value(), kPassphrase);
  BOOST_REQUIRE(!unknown.has_value());
  BOOST_TEST((unknown.error().code == ErrorCode::kNotFound));
  BOOST_TEST(!auths::client::revoke_device(home, "did:key:nonsense", kPassphrase).has_value());
}

BOOST_AUTO_TEST_CASE(no_identity_is_a_clear_error) {
  at::HomeEnv env;
  const std::string home = env.home().string();
  for (const auto& error : {auths::client::show_identity(home).error(), auths::client::list_devices(home, true).error(),
                            auths::client::link_device(home, {}, kPassphrase).error(),
                            auths::client::rotate_identity(home, kPassphrase).error()}) {
    BOOST_TEST((error.code == ErrorCode::kNotFound));
    BOOST_TEST(error.message.find("auths id init") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(publish_adds_the_records_to_the_registry_ref) {
  at::HomeEnv env;
  const std::string home = env.home().string();
  must(auths::client::init_identity(home, {}, kPassphrase));
  const auto device = must(auths::client::link_device(home, {}, kPassphrase));
  const fs::path repo_path = env.dir.path() / "server.git";
  BOOST_REQUIRE(at::git("init -q --bare " + at::shell_quote(repo_path.string())));

  const auto& first = must(auths::client::publish_registry(home, repo_path.string()));
  BOOST_REQUIRE(first.tip.has_value());
  BOOST_TEST(first.records == 5u);  // 2 events (json + cesr) and 1 link
  BOOST_TEST(first.remote.empty());
  BOOST_TEST(!must(auths::client::publish_registry(home, repo_path.string())).tip.has_value());

  must(auths::client::rotate_identity(home, kPassphrase));
  must(auths::client::revoke_device(home, device.did_key, kPassphrase));
  const auto& second = must(auths::client::publish_registry(home, repo_path.string()));
  BOOST_REQUIRE(second.tip.has_value());

  // The server's view: a fast-forward that only adds valid records; the device is revoked.
  const auths::git::Session session;
  auto repo = take(auths::git::Repository::open(repo_path.string()));
  std::vector<auths::registry::Problem> problems;
  const auto old_tip = auths::Oid::from_hex(*first.tip).value();
  const auto new_tip = auths::Oid::from_hex(*second.tip).value();
  const auto state = must(auths::registry::verify_update(repo, old_tip, new_tip, problems));
  BOOST_TEST(problems.empty());
  const auto grants = state.grants_for_key(ac::parse_did_key(device.did_key).value());
  BOOST_REQUIRE(grants.size() == 1u);
  BOOST_TEST(grants.front().revocation != nullptr);

  BOOST_TEST(!auths::client::publish_registry(home, (env.dir.path() / "nowhere").string()).has_value());
}

BOOST_AUTO_TEST_CASE(setup_git_configures_signing_and_keeps_foreign_hooks) {
  at::HomeEnv env;
  const std::string home = env.home().string();
  const fs::path repo = env.dir.path() / "work";
  const fs::path bin = env.dir.path() / "bin";
  BOOST_REQUIRE(at::git("init -q " + at::shell_quote(repo.string())));
  for (const char* name : {"auths-sign", "auths-commit-msg", "auths-pre-push"})
    at::write_text(bin / name, "#!/bin/sh\n");
  at::write_text(repo / ".git/hooks/pre-push", "#!/bin/sh\necho mine\n");

  auths::client::GitSetupOptions options;
  options.repo = repo.string();
  options.bin_dir = bin.string();
  // No identity, so no device to default to.
  BOOST_TEST(!auths::client::setup_git(home, options).has_value());

  must(auths::client::init_identity(home, {}, kPassphrase));
  must(auths::client::link_device(home, {}, kPassphrase));
  const auto& result = must(auths::client::setup_git(home, options));
  BOOST_TEST(result.key_alias == "device-1");
  BOOST_REQUIRE(result.installed.size() == 1u);
  BOOST_TEST(fs::path(result.installed.front()).filename() == "commit-msg");
  BOOST_REQUIRE(result.kept.size() == 1u);
  BOOST_TEST(result.kept.front().rfind("pre-push: ", 0) == 0u);
  BOOST_TEST(at::read_text(repo / ".git/hooks/pre-push") == "#!/bin/sh\necho mine\n");
  {
    const auths::git::Session session;
    auto opened = take(auths::git::Repository::open(repo.string()));
    BOOST_TEST(must(opened.config_string("gpg.format")).value_or("") == "ssh");
    BOOST_TEST(must(opened.config_string("gpg.ssh.program")).value_or("") == fs::absolute(bin / "auths-sign").string());
    BOOST_TEST(must(opened.config_string("user.signingKey")).value_or("") == "auths:device-1");
    BOOST_TEST(must(opened.config_string("commit.gpgSign")).value_or("") == "true");
    BOOST_TEST(must(opened.config_string("tag.gpgSign")).value_or("") == "true");
  }

  // Two devices: the choice must be explicit; an unknown alias is refused.
  must(auths::client::link_device(home, {}, kPassphrase));
  BOOST_TEST(!auths::client::setup_git(home, options).has_value());
  options.key_alias = "nope";
  BOOST_TEST((auths::client::setup_git(home, options).error().code == ErrorCode::kNotFound));

  // --global: the user's config, no repository needed.
  options.key_alias = "device-2";
  options.global = true;
  options.install_hooks = false;
  options.repo = (env.dir.path() / "not-a-repo").string();
  must(auths::client::setup_git(home, options));
  const std::string global = at::read_text(env.dir.path() / ".gitconfig");
  BOOST_TEST(global.find("signingKey = auths:device-2") != std::string::npos);
  BOOST_TEST(global.find("gpgSign = true") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
