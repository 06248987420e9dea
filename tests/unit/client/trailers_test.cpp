// The commit-msg claims: where Auths-Id / Auths-Device go in a message (as git
// interpret-trailers would put them), that present ones are kept, that empty messages stay empty,
// and which claims a repository's git config and the identity home lead to.
#include <boost/test/unit_test.hpp>
#include <string>

#include "auths/client/identity_ops.h"
#include "auths/client/trailers.h"
#include "auths/verify.h"
#include "crypto/private_key.h"
#include "git/objects.h"
#include "keri/cesr.h"
#include "keri/kel.h"
#include "unit/client/home_test_util.h"

BOOST_AUTO_TEST_SUITE(client_trailers)

namespace at = auths::test;
namespace fs = std::filesystem;
using auths::ErrorCode;

namespace {

const std::string kId = "did:keri:EBfdlu8R27Fbx-ehrqwImnK-8Cm79sqbAQ4MmvEAYqao";
const std::string kDevice = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
const auths::client::SigningClaims kClaims{kId, kDevice};
const std::string kBoth = "Auths-Id: " + kId + "\nAuths-Device: " + kDevice + "\n";

}  // namespace

BOOST_AUTO_TEST_CASE(a_new_trailer_block_after_a_blank_line) {
  BOOST_TEST(auths::client::add_claim_trailers("fix the parser\n", kClaims) == "fix the parser\n\n" + kBoth);
  BOOST_TEST(auths::client::add_claim_trailers("fix the parser", kClaims) == "fix the parser\n\n" + kBoth);
  BOOST_TEST(
      auths::client::add_claim_trailers("subject\n\nA body: that looks like a trailer\nbut is not one.\n", kClaims) ==
      "subject\n\nA body: that looks like a trailer\nbut is not one.\n\n" + kBoth);
  // The subject alone is never a trailer block, even when it looks like one.
  BOOST_TEST(auths::client::add_claim_trailers("docs: typo\n", kClaims) == "docs: typo\n\n" + kBoth);
}

BOOST_AUTO_TEST_CASE(joins_an_existing_trailer_block) {
  const std::string message =
      "subject\n\nbody\n\nSigned-off-by: A <a@example.org>\nCo-authored-by: B <b@example.org>\n";
  BOOST_TEST(auths::client::add_claim_trailers(message, kClaims) == message + kBoth);
  // Continuation lines belong to the block.
  const std::string folded = "subject\n\nNote: a long\n  folded value\n";
  BOOST_TEST(auths::client::add_claim_trailers(folded, kClaims) == folded + kBoth);
}

BOOST_AUTO_TEST_CASE(present_claims_are_kept) {
  const std::string with_id = "subject\n\nAuths-Id: " + kId + "\n";
  BOOST_TEST(auths::client::add_claim_trailers(with_id, kClaims) == with_id + "Auths-Device: " + kDevice + "\n");
  const std::string other_id = "subject\n\nauths-id: did:keri:EXXX\nAuths-Device: did:key:z6Mkother\n";
  BOOST_TEST(auths::client::add_claim_trailers(other_id, kClaims) == other_id);
  // Only the identity (signing with the identity key itself).
  BOOST_TEST(auths::client::add_claim_trailers("subject\n", auths::client::SigningClaims{kId, ""}) ==
             "subject\n\nAuths-Id: " + kId + "\n");
}

BOOST_AUTO_TEST_CASE(comments_and_the_scissors_stay_below) {
  const std::string editor = "subject\n\nbody\n\n# Please enter the commit message\n# Lines starting with '#'\n";
  BOOST_TEST(auths::client::add_claim_trailers(editor, kClaims) ==
             "subject\n\nbody\n\n" + kBoth + "\n# Please enter the commit message\n# Lines starting with '#'\n");
  const std::string verbose =
      "subject\n# comment\n# ------------------------ >8 ------------------------\n"
      "diff --git a/x b/x\n+Auths-Id: not a trailer\n";
  BOOST_TEST(auths::client::add_claim_trailers(verbose, kClaims) ==
             "subject\n\n" + kBoth +
                 "# comment\n# ------------------------ >8 ------------------------\n"
                 "diff --git a/x b/x\n+Auths-Id: not a trailer\n");
}

BOOST_AUTO_TEST_CASE(an_empty_message_stays_empty) {
  for (const std::string message : {"", "\n", "\n\n# Please enter the commit message\n#\n", "   \n# x\n"}) {
    BOOST_TEST(auths::client::add_claim_trailers(message, kClaims) == message);
  }
}

BOOST_AUTO_TEST_CASE(what_is_added_passes_the_hook_and_the_parser) {
  const std::string out = auths::client::add_claim_trailers("subject\n\nbody\n", kClaims);
  BOOST_TEST(auths::check_commit_message(out).has_value());
  const auto trailers = auths::git::parse_trailers(out);
  BOOST_REQUIRE(trailers.size() == 2u);
  BOOST_TEST(trailers[0].first == "Auths-Id");
  BOOST_TEST(trailers[0].second == kId);
  BOOST_TEST(trailers[1].first == "Auths-Device");
  BOOST_TEST(trailers[1].second == kDevice);
  BOOST_TEST(auths::client::add_claim_trailers(out, kClaims) == out);  // idempotent
}

BOOST_AUTO_TEST_CASE(claims_of_real_identities_pass_the_hook) {
  // A did:keri prefix is a CESR digest: 'E' replaces the first character of the base64url of a
  // zero byte plus the 32-byte digest, so the 43 characters after 'E' are not base64 on their
  // own (their last character usually has non-zero pad bits). The hook must accept every real
  // identifier it writes itself.
  for (int i = 0; i < 32; ++i) {
    const auto current = auths::crypto::PrivateKey::generate(auths::crypto::KeyType::kEd25519).value();
    const auto next = auths::crypto::PrivateKey::generate(auths::crypto::KeyType::kEd25519).value();
    const std::string next_qb64 = auths::keri::cesr::encode_verkey(next.public_key()).value();
    const auto icp = auths::keri::make_inception({auths::keri::cesr::encode_verkey(current.public_key()).value()}, 1,
                                                 {auths::keri::next_key_digest(next_qb64)}, 1)
                         .value();
    const auths::client::SigningClaims claims{"did:keri:" + icp.prefix, current.public_key().to_did_key().value()};
    const auto checked = auths::check_commit_message(auths::client::add_claim_trailers("subject\n", claims));
    BOOST_TEST_CONTEXT(claims.identity) {
      BOOST_TEST(checked.has_value(), (checked ? std::string() : checked.error().to_string()));
    }
  }
}

BOOST_AUTO_TEST_CASE(claims_come_from_git_config_and_the_home) {
  at::HomeEnv env;
  const std::string home = env.home().string();
  const fs::path repo = env.dir.path() / "work";
  BOOST_REQUIRE(at::git("init -q " + at::shell_quote(repo.string())));
  const auto config = [&](const std::string& key, const std::string& value) {
    BOOST_REQUIRE(at::git("-C " + at::shell_quote(repo.string()) + " config " + key + " " + at::shell_quote(value)));
  };

  // Not configured for auths: nothing to claim.
  auto none = auths::client::signing_claims(repo.string());
  BOOST_REQUIRE(none.has_value());
  BOOST_TEST(!none->has_value());
  config("user.signingKey", "/home/me/.ssh/id_ed25519");
  BOOST_TEST(!auths::client::signing_claims(repo.string())->has_value());
  // auths:<alias> but no identity in the home: a plain stored key, nothing to claim.
  config("user.signingKey", "auths:device-1");
  BOOST_TEST(!auths::client::signing_claims(repo.string())->has_value());

  const auto id = auths::client::init_identity(home, {}, "test passphrase").value();
  auto missing = auths::client::signing_claims(repo.string());
  BOOST_REQUIRE(!missing.has_value());
  BOOST_TEST((missing.error().code == ErrorCode::kNotFound));

  const auto device = auths::client::link_device(home, {}, "test passphrase").value();
  auto claims = auths::client::signing_claims(repo.string());
  BOOST_REQUIRE_MESSAGE(claims.has_value(), (claims ? "" : claims.error().to_string()));
  BOOST_REQUIRE(claims->has_value());
  BOOST_TEST((*claims)->identity == id.did);
  BOOST_TEST((*claims)->device == device.did_key);

  // The identity key itself claims the identity only.
  config("user.signingKey", "auths:identity");
  claims = auths::client::signing_claims(repo.string());
  BOOST_REQUIRE(claims.has_value() && claims->has_value());
  BOOST_TEST((*claims)->device.empty());

  // A revoked device claims nothing, and says why.
  config("user.signingKey", "auths:device-1");
  BOOST_REQUIRE(auths::client::revoke_device(home, device.did_key, "test passphrase").has_value());
  auto revoked = auths::client::signing_claims(repo.string());
  BOOST_REQUIRE(!revoked.has_value());
  BOOST_TEST(revoked.error().message.find("revoked") != std::string::npos);

  // A stored key that was never linked.
  BOOST_REQUIRE(at::git("-C " + at::shell_quote(repo.string()) + " config user.signingKey auths:identity.next"));
  auto unlinked = auths::client::signing_claims(repo.string());
  BOOST_REQUIRE(!unlinked.has_value());
  BOOST_TEST(unlinked.error().message.find("not a linked device") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
