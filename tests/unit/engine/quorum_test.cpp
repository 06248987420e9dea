// Quorum counting (engine/quorum.h): a table of votes against signer sets, with a resolver that
// maps keys to identities as the registry would (devices, agents, revoked links).
#include <boost/test/unit_test.hpp>

#include <map>

#include "crypto/private_key.h"
#include "engine/quorum.h"
#include "support/printers.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(engine_quorum)
namespace {

namespace ac = auths::crypto;
namespace ar = auths::registry;

ac::PrivateKey new_key() { return std::move(ac::PrivateKey::generate(ac::KeyType::kEd25519).value()); }

/// Keys that speak for identities: a device of a Human identity, an Agent, or a revoked device.
class FakeResolver final : public engine::IdentityResolver {
 public:
  struct Path {
    std::string did;
    std::string type = "Human";
    bool revoked = false;
  };
  std::map<std::string, Path> paths;  // key fingerprint -> path

  engine::SignerMatch resolve(const ac::PublicKey& key, const policy::SignerSet& set,
                              const engine::SignedObject&) const override {
    const auto it = paths.find(key.fingerprint());
    if (it == paths.end()) return {Reason::kUnknownSigner, "", ""};
    const Path& p = it->second;
    if (std::find(set.identities.begin(), set.identities.end(), p.did) == set.identities.end())
      return {Reason::kUnknownSigner, "", ""};
    if (p.revoked) return {Reason::kDeviceRevoked, "", "device of " + p.did + " revoked"};
    if (!set.signer_types.empty() &&
        std::find(set.signer_types.begin(), set.signer_types.end(), p.type) == set.signer_types.end())
      return {Reason::kSignerTypeNotAllowed, "", p.did + " is " + p.type};
    return {Reason::kOk, p.did, "signed by " + p.did};
  }
};

const Oid kTag = *Oid::from_hex("1111111111111111111111111111111111111111");
const Oid kCommit = *Oid::from_hex("2222222222222222222222222222222222222222");
const Oid kOther = *Oid::from_hex("3333333333333333333333333333333333333333");
constexpr const char* kRef = "refs/tags/v1.0";
const std::string kAlice = "did:keri:EAlice00000000000000000000000000000000000000";
const std::string kBob = "did:keri:EBob0000000000000000000000000000000000000000";
const std::string kCarol = "did:keri:ECarol000000000000000000000000000000000000";
const std::string kBot = "did:keri:EBot0000000000000000000000000000000000000000";

ar::Approval approval(const ac::PrivateKey& key, const Oid& object, bool approve = true,
                      std::optional<std::string> ref = std::nullopt) {
  return ar::Approval{
      object.hex(), true, std::move(ref), approve, "", key.public_key(), keri::Timestamp::from_unix(1700000100), ""};
}

struct World {
  ac::PrivateKey alice_laptop = new_key(), alice_phone = new_key(), bob = new_key(), carol_revoked = new_key(),
                 bot = new_key(), stranger = new_key(), listed = new_key();
  FakeResolver resolver;
  policy::SignerSet set;

  World() {
    resolver.paths[alice_laptop.public_key().fingerprint()] = {kAlice};
    resolver.paths[alice_phone.public_key().fingerprint()] = {kAlice};
    resolver.paths[bob.public_key().fingerprint()] = {kBob};
    resolver.paths[carol_revoked.public_key().fingerprint()] = {kCarol, "Human", true};
    resolver.paths[bot.public_key().fingerprint()] = {kBot, "Agent"};
    set.identities = {kAlice, kBob, kCarol, kBot};
    set.keys.push_back(policy::Signer{"listed", listed.public_key(), "p.toml:3", {}, {}, {}});
    set.require = 2;
  }

  /// The verdict on a tag signed by `signer` with `records` (all of them, as the registry has them).
  engine::SignerMatch judge(const ac::PrivateKey& signer, const std::vector<ar::Approval>& records) const {
    engine::SignatureCheck check;
    check.status = engine::SignatureStatus::kGood;
    check.key = signer.public_key();
    engine::SignedObject object;
    object.what = "tag";
    object.signed_at = 1700000000;
    object.now = 1700000200;
    object.oid = kTag;
    const engine::SignerMatch own = engine::match_signers(check, set, object, &resolver);
    std::vector<const ar::Approval*> all;
    for (const auto& r : records) all.push_back(&r);
    const auto counted = engine::select_approvals(all, kTag, kCommit, kRef);
    return engine::count_quorum(check, own, counted, set, object, &resolver, "auths release approve v1.0");
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(quorum_table) {
  struct Case {
    const char* name;
    int require, min_human, max_reject;
    std::function<std::vector<ar::Approval>(const World&)> records;
    Reason expected;
    const char* in_detail;
  };
  const std::vector<Case> cases = {
      {"the signature alone", 2, 0, 0, [](const World&) { return std::vector<ar::Approval>{}; }, Reason::kQuorumNotMet,
       "has 1"},
      {"a second identity approves", 2, 0, 0, [](const World& w) { return std::vector{approval(w.bob, kTag)}; },
       Reason::kOk, kBob.c_str()},
      {"two devices of one identity count once", 2, 0, 0,
       [](const World& w) { return std::vector{approval(w.alice_phone, kTag)}; }, Reason::kQuorumNotMet, "has 1"},
      {"a rejection beats approvals (max_reject = 0)", 2, 0, 0,
       [](const World& w) {
         return std::vector{approval(w.bob, kTag), approval(w.listed, kTag), approval(w.alice_phone, kTag, false)};
       },
       Reason::kApprovalRejected, "rejected by"},
      {"a rejection tolerated by max_reject = 1", 2, 0, 1,
       [](const World& w) {
         return std::vector{approval(w.bob, kTag), approval(w.listed, kTag, false)};
       },
       Reason::kOk, "rejected by"},
      {"one identity that approves and rejects rejects", 2, 0, 1,
       [](const World& w) {
         return std::vector{approval(w.bob, kTag), approval(w.bob, kTag, false)};
       },
       Reason::kQuorumNotMet, "has 1"},
      {"a revoked approver does not count", 2, 0, 0,
       [](const World& w) { return std::vector{approval(w.carol_revoked, kTag)}; }, Reason::kQuorumNotMet,
       "device-revoked"},
      {"a revoked rejecter does not reject", 2, 0, 0,
       [](const World& w) {
         return std::vector{approval(w.bob, kTag), approval(w.carol_revoked, kTag, false)};
       },
       Reason::kOk, "not counted"},
      {"a stranger's approval does not count", 2, 0, 0,
       [](const World& w) { return std::vector{approval(w.stranger, kTag)}; }, Reason::kQuorumNotMet, "unknown-signer"},
      {"an agent counts toward require", 2, 0, 0, [](const World& w) { return std::vector{approval(w.bot, kTag)}; },
       Reason::kOk, kBot.c_str()},
      {"a directly listed key is Human", 2, 2, 0, [](const World& w) { return std::vector{approval(w.listed, kTag)}; },
       Reason::kOk, "[Human]"},
      {"an approval for another object does not count", 2, 0, 0,
       [](const World& w) { return std::vector{approval(w.bob, kOther)}; }, Reason::kQuorumNotMet, "has 1"},
      {"an approval of the tag for another ref does not count", 2, 0, 0,
       [](const World& w) { return std::vector{approval(w.bob, kTag, true, "refs/tags/v2.0")}; }, Reason::kQuorumNotMet,
       "has 1"},
      {"an approval of the tagged commit naming the ref counts", 2, 0, 0,
       [](const World& w) { return std::vector{approval(w.bob, kCommit, true, kRef)}; }, Reason::kOk, kBob.c_str()},
      {"an approval of the tagged commit naming no ref does not", 2, 0, 0,
       [](const World& w) { return std::vector{approval(w.bob, kCommit)}; }, Reason::kQuorumNotMet, "has 1"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      World w;
      w.set.require = c.require;
      w.set.min_human = c.min_human;
      w.set.max_reject = c.max_reject;
      const auto m = w.judge(w.alice_laptop, c.records(w));
      BOOST_TEST(m.code == c.expected);
      BOOST_TEST(m.detail.find(c.in_detail) != std::string::npos, m.detail);
    }
  }
}

BOOST_AUTO_TEST_CASE(agents_never_count_as_human) {
  World w;
  w.set.require = 2;
  w.set.min_human = 2;
  // alice (Human) signs, the agent approves: 2 signers but 1 Human.
  const auto m = w.judge(w.alice_laptop, {approval(w.bot, kTag)});
  BOOST_TEST(m.code == Reason::kQuorumNotMet);
  BOOST_TEST(m.detail.find("(1 Human)") != std::string::npos, m.detail);
  BOOST_TEST(m.detail.find("auths release approve v1.0") != std::string::npos, m.detail);
  // The agent's signature on the tag and a Human approval: still 1 Human.
  BOOST_TEST(w.judge(w.bot, {approval(w.bob, kTag)}).code == Reason::kQuorumNotMet);
  // require = 1, min_human = 1: an agent's signature and its own approval are no Human.
  w.set.require = 1;
  w.set.min_human = 1;
  BOOST_TEST(w.judge(w.bot, {approval(w.bot, kTag)}).code == Reason::kQuorumNotMet);
  BOOST_TEST(w.judge(w.bot, {approval(w.bob, kTag)}).code == Reason::kOk);
  w.set.require = 2;
  w.set.min_human = 2;
  // Two Humans.
  BOOST_TEST(w.judge(w.alice_laptop, {approval(w.bob, kTag)}).code == Reason::kOk);
}

BOOST_AUTO_TEST_CASE(the_objects_own_signature_must_match) {
  World w;
  const auto m = w.judge(w.stranger, {approval(w.bob, kTag), approval(w.alice_laptop, kTag)});
  BOOST_TEST(m.code == Reason::kUnknownSigner);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
