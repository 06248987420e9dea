// Artifact signatures (engine/artifact.h): the signatures file round trip, signing refusals, and
// the verdict of a rule's signer set counted by the engine's quorum counting.
#include "engine/artifact.h"

#include <boost/test/unit_test.hpp>

#include "crypto/private_key.h"
#include "sshsig/sign.h"
#include "support/printers.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(engine_artifact)
namespace {

namespace ac = auths::crypto;

const std::string kName = "app-1.0.tar.gz";
const std::string kDigest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const std::string kOtherDigest = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
constexpr int64_t kNow = 1800000000;

ac::PrivateKey artifact_key() { return std::move(ac::PrivateKey::generate(ac::KeyType::kEd25519).value()); }

/// A signature by `key` over the artifact message of `name`/`digest` in `namespace_`.
engine::ArtifactSignature sign_artifact_as(const ac::PrivateKey& key, const std::string& name = kName,
                                           const std::string& digest = kDigest,
                                           std::string_view namespace_ = engine::kArtifactNamespace) {
  const std::string message = engine::artifact_signed_bytes(name, digest).value();
  auto blob = sshsig::sign(
      key, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(message.data()), message.size()), namespace_);
  return {key.public_key(), keri::Timestamp::from_unix(kNow - 60), sshsig::armor(blob.value())};
}

policy::Rule release_rule(const std::vector<const ac::PrivateKey*>& keys, int require, int min_human = 0) {
  policy::Rule rule;
  rule.kind = policy::RuleKind::kRelease;
  rule.name = "releases";
  for (const ac::PrivateKey* key : keys)
    rule.signers.keys.push_back(
        policy::Signer{"key" + std::to_string(rule.signers.keys.size()), key->public_key(), "p.toml:1", {}, {}, {}});
  rule.signers.require = require;
  rule.signers.min_human = min_human;
  return rule;
}

engine::ArtifactSignatures doc_of(std::vector<engine::ArtifactSignature> sigs) {
  return {kName, kDigest, std::move(sigs)};
}

BOOST_AUTO_TEST_CASE(signed_bytes_bind_name_and_digest) {
  BOOST_TEST(engine::artifact_signed_bytes(kName, kDigest).value() ==
             R"({"file":"app-1.0.tar.gz","sha256":")" + kDigest +
                 R"(","type":"auths-artifact-signatures","version":1})");
  BOOST_TEST(!engine::artifact_signed_bytes("dir/app", kDigest));
  BOOST_TEST(!engine::artifact_signed_bytes("", kDigest));
  BOOST_TEST(!engine::artifact_signed_bytes(kName, "ABC"));
}

BOOST_AUTO_TEST_CASE(round_trip_and_strict_parse) {
  const ac::PrivateKey a = artifact_key();
  const std::string text = engine::serialize_artifact_signatures(doc_of({sign_artifact_as(a)})).value();
  auto back = engine::parse_artifact_signatures(text);
  BOOST_REQUIRE(back);
  BOOST_TEST(back->file == kName);
  BOOST_TEST(back->sha256 == kDigest);
  BOOST_REQUIRE(back->signatures.size() == 1u);
  BOOST_TEST((engine::check_artifact_signature(*back, back->signatures[0]).status == engine::SignatureStatus::kGood));
  std::string extra = text;
  extra.insert(extra.find('{') + 1, R"("extra": 1,)");
  BOOST_TEST(!engine::parse_artifact_signatures(extra));
  BOOST_TEST(!engine::parse_artifact_signatures(R"({"type":"auths-approval"})"));
}

BOOST_AUTO_TEST_CASE(signature_checks) {
  const ac::PrivateKey a = artifact_key(), b = artifact_key();
  const engine::ArtifactSignatures doc = doc_of({});
  BOOST_TEST((engine::check_artifact_signature(doc, sign_artifact_as(a)).status == engine::SignatureStatus::kGood));
  // Over another digest (a tampered file): bad.
  BOOST_TEST((engine::check_artifact_signature(doc, sign_artifact_as(a, kName, kOtherDigest)).status ==
              engine::SignatureStatus::kBad));
  // In namespace "git": not an artifact signature.
  BOOST_TEST((engine::check_artifact_signature(doc, sign_artifact_as(a, kName, kDigest, "git")).status ==
              engine::SignatureStatus::kNamespaceMismatch));
  // signer_key says b, the signature is a's.
  engine::ArtifactSignature swapped = sign_artifact_as(a);
  swapped.signer_key = b.public_key();
  BOOST_TEST((engine::check_artifact_signature(doc, swapped).status == engine::SignatureStatus::kBad));
}

BOOST_AUTO_TEST_CASE(adding_signatures) {
  const ac::PrivateKey a = artifact_key(), b = artifact_key();
  auto one = engine::add_artifact_signature(std::nullopt, kName, kDigest, sign_artifact_as(a));
  BOOST_REQUIRE(one);
  auto twice = engine::add_artifact_signature(*one, kName, kDigest, sign_artifact_as(a));
  BOOST_REQUIRE(!twice);
  BOOST_TEST(twice.error().message.find("already signed by") != std::string::npos);
  auto other_digest =
      engine::add_artifact_signature(*one, kName, kOtherDigest, sign_artifact_as(b, kName, kOtherDigest));
  BOOST_REQUIRE(!other_digest);
  BOOST_TEST(other_digest.error().message.find("the existing signatures are for") != std::string::npos);
  auto other_name =
      engine::add_artifact_signature(*one, "app-2.0.tar.gz", kDigest, sign_artifact_as(b, "app-2.0.tar.gz"));
  BOOST_TEST(!other_name);
  auto bad = engine::add_artifact_signature(*one, kName, kDigest, sign_artifact_as(b, kName, kOtherDigest));
  BOOST_TEST(!bad);
  auto two = engine::add_artifact_signature(*one, kName, kDigest, sign_artifact_as(b));
  BOOST_REQUIRE(two);
  BOOST_TEST(two->signatures.size() == 2u);
}

BOOST_AUTO_TEST_CASE(threshold_met_and_not_met) {
  const ac::PrivateKey a = artifact_key(), b = artifact_key(), stranger = artifact_key();
  const policy::Rule rule = release_rule({&a, &b}, 2);
  const auto one = engine::judge_artifact(doc_of({sign_artifact_as(a), sign_artifact_as(stranger)}), kName, kDigest,
                                          rule, kNow, nullptr);
  BOOST_TEST(one.code == Reason::kQuorumNotMet);
  BOOST_TEST(one.detail.find("has 1") != std::string::npos);
  BOOST_REQUIRE(one.entries.size() == 2u);
  BOOST_TEST(one.entries[0].code == Reason::kOk);
  BOOST_TEST(one.entries[1].code == Reason::kUnknownSigner);
  const auto both =
      engine::judge_artifact(doc_of({sign_artifact_as(a), sign_artifact_as(b)}), kName, kDigest, rule, kNow, nullptr);
  BOOST_TEST(both.code == Reason::kOk);
  BOOST_TEST(both.detail.find("quorum of 2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(one_signer_twice_counts_once) {
  const ac::PrivateKey a = artifact_key(), b = artifact_key();
  const policy::Rule rule = release_rule({&a, &b}, 2);
  // Written by hand (sign refuses it): the same key twice is still one signer.
  const auto report =
      engine::judge_artifact(doc_of({sign_artifact_as(a), sign_artifact_as(a)}), kName, kDigest, rule, kNow, nullptr);
  BOOST_TEST(report.code == Reason::kQuorumNotMet);
  BOOST_TEST(report.detail.find("has 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tampered_file_and_bad_signatures_refused) {
  const ac::PrivateKey a = artifact_key(), b = artifact_key();
  const policy::Rule rule = release_rule({&a, &b}, 2);
  const engine::ArtifactSignatures doc = doc_of({sign_artifact_as(a), sign_artifact_as(b)});
  // The file's content changed: its digest is not the signed one.
  const auto tampered = engine::judge_artifact(doc, kName, kOtherDigest, rule, kNow, nullptr);
  BOOST_TEST(tampered.code == Reason::kBadSignature);
  BOOST_TEST(tampered.detail.find("modified or renamed") != std::string::npos);
  const auto renamed = engine::judge_artifact(doc, "app-1.1.tar.gz", kDigest, rule, kNow, nullptr);
  BOOST_TEST(renamed.code == Reason::kBadSignature);
  // A signature over another digest in a file for this one: reported, never counted.
  const auto forged = engine::judge_artifact(doc_of({sign_artifact_as(a), sign_artifact_as(b, kName, kOtherDigest)}),
                                             kName, kDigest, rule, kNow, nullptr);
  BOOST_TEST(forged.code == Reason::kQuorumNotMet);
  BOOST_REQUIRE(forged.entries.size() == 2u);
  BOOST_TEST(!forged.entries[1].good);
  BOOST_TEST(forged.entries[1].code == Reason::kBadSignature);
  BOOST_TEST(forged.detail.find("bad signatures (never counted)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(min_human_with_listed_keys) {
  const ac::PrivateKey a = artifact_key(), b = artifact_key();
  // A key listed directly counts as Human (the policy author vouches for it).
  const policy::Rule rule = release_rule({&a, &b}, 1, 1);
  const auto report = engine::judge_artifact(doc_of({sign_artifact_as(a)}), kName, kDigest, rule, kNow, nullptr);
  BOOST_TEST(report.code == Reason::kOk);
  BOOST_TEST(report.detail.find("[Human]") != std::string::npos);
  const policy::Rule two_humans = release_rule({&a, &b}, 1, 2);
  const auto short_of_humans =
      engine::judge_artifact(doc_of({sign_artifact_as(a)}), kName, kDigest, two_humans, kNow, nullptr);
  BOOST_TEST(short_of_humans.code == Reason::kQuorumNotMet);
  BOOST_TEST(short_of_humans.detail.find("2 of them Human") != std::string::npos);
}

}  // namespace
BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
