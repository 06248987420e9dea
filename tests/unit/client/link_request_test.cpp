// Linking a device whose key stays on another machine (identity_ops.h: request_device_link,
// review_link_request, link_requested_device): the request is the link as its device signed it,
// the identity holder completes it into the record `auths device link` makes for a local key (the
// registry accepts it), and a request changed in any field (capabilities raised, key swapped,
// issuer changed) is refused with nothing written.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auths/client/identity_ops.h"
#include "crypto/private_key.h"
#include "home.h"
#include "keri/attestation.h"
#include "keri/kel.h"
#include "keystore.h"
#include "registry/registry.h"
#include "unit/client/home_test_util.h"
#include "util/bytes.h"
#include "util/time.h"

BOOST_AUTO_TEST_SUITE(client_link_request)

namespace ac = auths::crypto;
namespace acl = auths::client;
namespace ak = auths::keri;
namespace at = auths::test;
namespace fs = std::filesystem;
using auths::ErrorCode;

namespace {

const std::string kPassphrase = "test passphrase";

using auths::test::must;

// Two machines: the identity holder's home (env.home()) and the new device's.
struct TwoMachines {
  at::HomeEnv env;
  std::string holder = env.home().string();
  std::string device_home = (env.dir.path() / "device-home").string();
  std::string did = must(acl::init_identity(holder, {}, kPassphrase)).did;
  std::string request_path = (env.dir.path() / "request.json").string();

  uint64_t sequence() const {
    const auto config = acl::load_identity_config(holder).value().value();
    return must(acl::load_key_state(holder, config.prefix())).sequence;
  }
  size_t links() const {
    const auto config = acl::load_identity_config(holder).value().value();
    return must(acl::load_attestations(holder, config.prefix())).links.size();
  }
};

acl::LinkDeviceOptions desktop_options() {
  acl::LinkDeviceOptions options;
  options.alias = "desktop";
  options.capabilities = {"sign_commit"};
  options.expires_in_days = 30;
  options.note = "the desktop";
  return options;
}

// `text` with its JSON changed by `edit`, written back in the stored layout.
template <typename Edit>
std::string edited(const std::string& text, Edit edit) {
  auto doc = nlohmann::ordered_json::parse(text);
  edit(doc);
  return doc.dump(2) + "\n";
}

// The refusal of `text` by the holder: its error, checked to be a refusal with nothing written.
auths::Error refusal(const TwoMachines& m, const std::string& text) {
  const uint64_t before = m.sequence();
  const size_t links = m.links();
  at::write_text(m.request_path, text);
  auto review = acl::review_link_request(m.holder, m.request_path);
  BOOST_REQUIRE(!review.has_value());
  auto linked = acl::link_requested_device(m.holder, text, kPassphrase);
  BOOST_REQUIRE(!linked.has_value());
  BOOST_TEST(linked.error().message == review.error().message);
  BOOST_TEST(linked.error().message.rfind(acl::kLinkRequestRefused, 0) == 0u);
  BOOST_TEST(m.sequence() == before);
  BOOST_TEST(m.links() == links);
  return linked.error();
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_request_is_the_link_signed_by_its_device_only) {
  TwoMachines m;
  const auto made =
      must(acl::request_device_link(m.device_home, m.did, desktop_options(), m.request_path, kPassphrase));
  BOOST_TEST(made.issuer == m.did);
  BOOST_TEST(made.path == m.request_path);
  BOOST_TEST(made.device.alias == "desktop");
  BOOST_TEST(made.device.status == "requested");
  BOOST_TEST(made.device.ssh_public_key.find(" auths:desktop") != std::string::npos);

  // The key is in the new machine's store, not in the holder's; the new home has no identity.
  BOOST_TEST(acl::key_exists(m.device_home, "desktop"));
  BOOST_TEST(!acl::key_exists(m.holder, "desktop"));
  BOOST_TEST(!acl::load_identity_config(m.device_home).value().has_value());
  const ac::PublicKey device_key = must(acl::load_public_key(m.device_home, "desktop"));

  // The file: the strict attestation format, every field final, signed by the device only.
  const auto link = must(ak::parse_attestation(at::read_text(m.request_path)));
  BOOST_TEST(link.issuer == m.did);
  BOOST_TEST(link.subject == made.device.did_key);
  BOOST_TEST((*link.device_public_key == device_key));
  BOOST_TEST(link.capabilities == std::vector<std::string>{"sign_commit"});
  BOOST_TEST(link.expires_at.has_value());
  BOOST_TEST(link.note.value_or("") == "the desktop");
  BOOST_TEST(link.identity_signature.empty());
  BOOST_TEST(ak::verify_device_signature(link).has_value());

  // `auths init --git` there signs with that key by default: the home's only key.
  {
    const fs::path repo = m.env.dir.path() / "work";
    const fs::path bin = m.env.dir.path() / "bin";
    BOOST_REQUIRE(at::git("init -q " + at::shell_quote(repo.string())));
    for (const char* name : {"auths-sign", "auths-commit-msg", "auths-pre-push"}) at::write_text(bin / name, "");
    acl::GitSetupOptions git;
    git.repo = repo.string();
    git.bin_dir = bin.string();
    BOOST_TEST(must(acl::setup_git(m.device_home, git)).key_alias == "desktop");
  }

  // An existing file is never replaced, and the alias is not taken twice.
  auto again = acl::request_device_link(m.device_home, m.did, desktop_options(), m.request_path, kPassphrase);
  BOOST_REQUIRE(!again.has_value());
  auto other_file = desktop_options();
  BOOST_TEST(!acl::request_device_link(m.device_home, m.did, other_file, (m.env.dir.path() / "other.json").string(),
                                       kPassphrase)
                  .has_value());
  // One passphrase per home: a second key must open with the first one's.
  auto laptop = desktop_options();
  laptop.alias = "laptop";
  auto wrong = acl::request_device_link(m.device_home, m.did, laptop, (m.env.dir.path() / "laptop.json").string(),
                                        "another passphrase");
  BOOST_REQUIRE(!wrong.has_value());
  BOOST_TEST(wrong.error().message.find("every key of a home shares one passphrase") != std::string::npos);
  BOOST_TEST(!acl::key_exists(m.device_home, "laptop"));
  // Not a did:keri: refused before any key is made.
  auto not_did = acl::request_device_link(m.device_home, "did:key:z6Mk", laptop,
                                          (m.env.dir.path() / "laptop.json").string(), kPassphrase);
  BOOST_REQUIRE(!not_did.has_value());
  BOOST_TEST((not_did.error().code == ErrorCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(the_holder_completes_it_into_the_record_device_link_makes) {
  TwoMachines m;
  const auto made =
      must(acl::request_device_link(m.device_home, m.did, desktop_options(), m.request_path, kPassphrase));
  const uint64_t before = m.sequence();

  const auto review = must(acl::review_link_request(m.holder, m.request_path));
  BOOST_TEST(review.issuer == m.did);
  BOOST_TEST(review.device.did_key == made.device.did_key);
  BOOST_TEST(review.device.fingerprint == made.device.fingerprint);
  BOOST_TEST(review.device.capabilities == std::vector<std::string>{"sign_commit"});
  BOOST_TEST(review.device.status == "requested");
  BOOST_TEST(m.sequence() == before);  // reviewing writes nothing

  const auto linked = must(acl::link_requested_device(m.holder, review.text, kPassphrase));
  BOOST_TEST(linked.did_key == made.device.did_key);
  BOOST_TEST(linked.status == "active");
  BOOST_TEST(linked.alias.empty());  // the key is not in the holder's store

  // Anchored by one ixn, verified as the registry verifies it; the record keeps the request's
  // fields and device signature, plus the identity signature.
  const auto config = acl::load_identity_config(m.holder).value().value();
  const auto state = must(acl::load_key_state(m.holder, config.prefix()));
  BOOST_TEST(state.sequence == before + 1);
  const auto stored = must(acl::load_attestations(m.holder, config.prefix()));
  BOOST_REQUIRE(stored.links.size() == 1u);
  const auto& link = stored.links.front();
  const auto requested = must(ak::parse_attestation(review.text));
  BOOST_TEST(link.rid == requested.rid);
  BOOST_TEST(link.device_signature == requested.device_signature);
  BOOST_TEST(!link.identity_signature.empty());
  BOOST_TEST(state.find_digest_seal(ak::attestation_digest(link).value()) != nullptr);
  BOOST_TEST(ak::verify_attestation(link, state, nullptr, ak::SignedBy::kAnchoringKeys).has_value());
  const auto loaded = must(auths::registry::load_directory(acl::registry_copy_dir(m.holder).string()));
  BOOST_TEST(loaded.grants_for_key(must(acl::load_public_key(m.device_home, "desktop"))).size() == 1u);
  const auto devices = must(acl::list_devices(m.holder, false));
  BOOST_REQUIRE(devices.size() == 1u);
  BOOST_TEST(devices.front().did_key == made.device.did_key);

  // The same request twice: refused, nothing written.
  const auto replay = refusal(m, review.text);
  BOOST_TEST(replay.message.find("already linked") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_changed_request_is_refused) {
  TwoMachines m;
  must(acl::request_device_link(m.device_home, m.did, desktop_options(), m.request_path, kPassphrase));
  const std::string text = at::read_text(m.request_path);

  // Capabilities raised: the device signature no longer covers them.
  const auto raised = refusal(m, edited(text, [](auto& doc) {
                                doc["capabilities"] = {"sign_commit", "sign_release"};
                              }));
  BOOST_TEST((raised.code == ErrorCode::kCorrupt));
  BOOST_TEST(raised.message.find("device signature does not verify") != std::string::npos);
  // The expiry removed, the note changed, the signer type changed: the same.
  BOOST_TEST((refusal(m, edited(text, [](auto& doc) { doc["expires_at"] = nullptr; })).code == ErrorCode::kCorrupt));
  BOOST_TEST((refusal(m, edited(text, [](auto& doc) { doc["note"] = "x"; })).code == ErrorCode::kCorrupt));
  BOOST_TEST((refusal(m, edited(text, [](auto& doc) { doc["signer_type"] = "Agent"; })).code == ErrorCode::kCorrupt));

  // The key swapped for another one (subject and key agree, signature by the first key).
  const auto other = ac::PrivateKey::generate(ac::KeyType::kEd25519).value();
  const std::string other_did = other.public_key().to_did_key().value();
  const std::string other_hex = auths::util::hex_encode(other.public_key().raw());
  const auto swapped = refusal(m, edited(text, [&](auto& doc) {
                                 doc["subject"] = other_did;
                                 doc["device_public_key"]["key"] = other_hex;
                               }));
  BOOST_TEST((swapped.code == ErrorCode::kCorrupt));
  BOOST_TEST(swapped.message.find("device signature does not verify") != std::string::npos);
  // Only the key swapped: it no longer matches the subject.
  const auto key_only = refusal(m, edited(text, [&](auto& doc) { doc["device_public_key"]["key"] = other_hex; }));
  BOOST_TEST((key_only.code == ErrorCode::kCorrupt));
  BOOST_TEST(key_only.message.find("is not its device key") != std::string::npos);

  // Another identity as issuer: refused as not ours.
  at::HomeEnv other_env;
  const std::string other_identity = must(acl::init_identity(other_env.home().string(), {}, kPassphrase)).did;
  const auto foreign = refusal(m, edited(text, [&](auto& doc) { doc["issuer"] = other_identity; }));
  BOOST_TEST((foreign.code == ErrorCode::kInvalidArgument));
  BOOST_TEST(foreign.message.find("not for this home's identity " + m.did) != std::string::npos);
  // A request made for the other identity, its issuer changed to ours: the signature fails.
  const std::string for_other = (m.env.dir.path() / "for-other.json").string();
  auto options = desktop_options();
  options.alias = "desktop-2";
  must(acl::request_device_link(m.device_home, other_identity, options, for_other, kPassphrase));
  const auto reissued = refusal(m, edited(at::read_text(for_other), [&](auto& doc) { doc["issuer"] = m.did; }));
  BOOST_TEST((reissued.code == ErrorCode::kCorrupt));

  // Not a request: an extra field, a role, the device signature removed, an identity signature.
  BOOST_TEST(refusal(m, edited(text, [](auto& doc) { doc["extra"] = 1; })).message.find("not a link request") !=
             std::string::npos);
  BOOST_TEST(refusal(m, edited(text, [](auto& doc) { doc["role"] = "admin"; })).message.find("role") !=
             std::string::npos);
  BOOST_TEST(
      refusal(m, edited(text, [](auto& doc) { doc["device_signature"] = ""; })).message.find("no device signature") !=
      std::string::npos);
  BOOST_TEST(refusal(m, edited(text, [](auto& doc) { doc["identity_signature"] = std::string(128, 'a'); }))
                 .message.find("already carries an identity signature") != std::string::npos);
  BOOST_TEST(refusal(m, "not json").message.find("not a link request") != std::string::npos);

  // The untouched request still links.
  at::write_text(m.request_path, text);
  must(acl::link_requested_device(m.holder, text, kPassphrase));
}

BOOST_AUTO_TEST_CASE(expired_and_future_requests_are_refused) {
  TwoMachines m;
  const int64_t now = auths::util::now_unix();
  auto options = desktop_options();
  options.expires_in_days = 1;
  must(acl::request_device_link(m.device_home, m.did, options, m.request_path, kPassphrase));
  const std::string text = at::read_text(m.request_path);

  auto late = acl::link_requested_device(m.holder, text, kPassphrase, now + 2 * 86400);
  BOOST_REQUIRE(!late.has_value());
  BOOST_TEST(late.error().message.find("expired at") != std::string::npos);
  // Made by a clock ten minutes ahead of the holder's: beyond the 5 minutes of skew.
  auto early = acl::review_link_request(m.holder, m.request_path, now - 600);
  BOOST_REQUIRE(!early.has_value());
  BOOST_TEST(early.error().message.find("in the future") != std::string::npos);
  BOOST_TEST(acl::review_link_request(m.holder, m.request_path, now - 60).has_value());
  // A request without expiry, eight days old: its time would date the link back that far.
  const std::string lasting = (m.env.dir.path() / "lasting.json").string();
  auto no_expiry = desktop_options();
  no_expiry.alias = "lasting";
  no_expiry.expires_in_days.reset();
  must(acl::request_device_link(m.device_home, m.did, no_expiry, lasting, kPassphrase));
  auto old = acl::review_link_request(m.holder, lasting, now + 8 * 86400);
  BOOST_REQUIRE(!old.has_value());
  BOOST_TEST(old.error().message.find("more than 7 days ago: ask the device for a new request") != std::string::npos);
  BOOST_TEST(acl::review_link_request(m.holder, lasting, now + 6 * 86400).has_value());
  BOOST_TEST(m.sequence() == 0u);
}

BOOST_AUTO_TEST_CASE(a_revoked_device_needs_a_new_request) {
  TwoMachines m;
  must(acl::request_device_link(m.device_home, m.did, desktop_options(), m.request_path, kPassphrase));
  const std::string text = at::read_text(m.request_path);
  const auto linked = must(acl::link_requested_device(m.holder, text, kPassphrase));
  must(acl::revoke_device(m.holder, linked.did_key, kPassphrase));
  // The same request again: its rid is linked already.
  BOOST_TEST(refusal(m, text).message.find("already linked") != std::string::npos);
  // The same key and time under a new rid, signed again by the device: a link that the
  // revocation (made after it) undoes at once, so refused.
  auto renewed = must(ak::parse_attestation(text));
  renewed.rid = ak::random_rid();
  const auto device_key = acl::load_key(m.device_home, "desktop", kPassphrase);
  BOOST_REQUIRE(device_key.has_value());
  BOOST_REQUIRE(ak::sign_as_device(renewed, *device_key).has_value());
  const auto revoked = refusal(m, must(ak::serialize_attestation(renewed)));
  BOOST_TEST(revoked.message.find("was revoked at") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
