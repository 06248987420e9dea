// require_log = "witness" as the engine decides it (engine::judge_push over an in-memory
// repository, tests/support/fake_repo.h): receipts counted against [witness] keys and threshold,
// each witness once, receipts of another commit refused as witness-receipt-mismatch, folded
// trailers read, and no receipts asked where no rule asks for them.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "engine/engine.h"
#include "support/fake_repo.h"
#include "support/witness_fixture.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(engine_witness)
namespace {

using Files = FakeRepo::Files;
namespace aw = witness;

/// main (alice, the policy) and ci/* (alice and bob, require_log = "witness"): witnesses w1,
/// w2, w3, threshold 2; outsider is no witness of the policy.
struct World {
  FakeRepo repo;
  FakeRecords records;
  TestKey alice = TestKey::make("alice", 1);
  TestKey bob = TestKey::make("bob", 2);
  crypto::PrivateKey w1 = seeded_key(31);
  crypto::PrivateKey w2 = seeded_key(32);
  crypto::PrivateKey w3 = seeded_key(33);
  crypto::PrivateKey outsider = seeded_key(34);
  engine::Settings settings;
  Files files;
  Oid root;

  World() {
    settings.now = 1700100000;
    files[".auths/policy.toml"] =
        "version = 1\n\n[witness]\nkeys = [\"" + did_of(w1) + "\", \"" + did_of(w2) + "\", \"" + did_of(w3) +
        "\"]\nthreshold = 2\nurls = [\"http://127.0.0.1:1\"]\n\n"
        "[[policy.commit]]\nname = \"main\"\nrefs = [\"refs/heads/main\"]\nsigners = [\"" +
        alice.line() + "\"]\n\n[[policy.ci]]\nname = \"ci\"\nrefs = [\"refs/heads/ci/*\"]\nsigners = [\"" +
        alice.line() + "\", \"" + bob.line() + "\"]\nrequire_log = \"witness\"\n\n[governance]\nsigners = [\"" +
        alice.line() + "\"]\n";
    files["README"] = "hello\n";
    root = repo.commit(files, {}, &alice, 1700000000);
    repo.set_ref("refs/heads/main", root);
    repo.set_head("refs/heads/main");
  }

  /// The commit (tree, parents, signer) a receipt binds for `note` on `parent` by `signer`.
  aw::CommitClaim claim_for(const std::string& note, const Oid& parent, const TestKey& signer) {
    Files tree = files;
    tree["log/" + note] = note + "\n";
    return {repo.tree(tree).hex(), {parent.hex()}, signer.key.public_key().to_ssh_line(), ""};
  }

  /// A commit for `note` on `parent` signed by `signer`, carrying `trailer_lines` in its message.
  Oid commit(const std::string& note, const Oid& parent, const TestKey& signer,
             const std::vector<std::string>& trailer_lines) {
    Files tree = files;
    tree["log/" + note] = note + "\n";
    std::string message = note + "\n";
    if (!trailer_lines.empty()) {
      message += "\n";
      for (const auto& line : trailer_lines) message += line + "\n";
    }
    return repo.commit(tree, {parent}, &signer, 1700050000, message);
  }

  /// One unfolded trailer line per receipt of `witnesses` for `c`.
  static std::vector<std::string> lines(const aw::CommitClaim& c, const std::vector<const crypto::PrivateKey*>& by,
                                        int64_t seen_at = 1700040000) {
    std::vector<std::string> out;
    for (const auto* witness : by)
      out.push_back("Auths-Witness-Receipt: " + trailer_of(receipt_by(*witness, c, seen_at)));
    return out;
  }

  Decision push(const std::string& ref, const Oid& old_oid, const Oid& new_oid) {
    auto decision = engine::judge_push(repo, records, settings, {RefUpdate{old_oid, new_oid, ref}});
    BOOST_REQUIRE(decision.has_value());
    return std::move(*decision);
  }
};

std::string codes(const Decision& d) {
  std::string out;
  for (const auto& v : d.violations) out += std::string(name(v.code)) + " (" + v.message + "); ";
  return out.empty() ? "accepted" : out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(receipts_counted_against_witness_keys_and_threshold) {
  struct Case {
    const char* name;
    std::vector<int> witnesses;  // receipts by w1 (1), w2 (2), w3 (3), outsider (4); negative: for another commit
    Reason expected;
  };
  const std::vector<Case> cases = {
      {"three of three", {1, 2, 3}, Reason::kOk},
      {"two of three (the threshold)", {1, 3}, Reason::kOk},
      {"one", {2}, Reason::kWitnessQuorumNotMet},
      {"none", {}, Reason::kWitnessQuorumNotMet},
      {"one witness twice counts once", {1, 1}, Reason::kWitnessQuorumNotMet},
      {"a witness the policy does not list", {1, 4}, Reason::kWitnessQuorumNotMet},
      {"a receipt copied from another commit", {1, 2, -3}, Reason::kWitnessReceiptMismatch},
      {"only receipts of another commit", {-1, -2}, Reason::kWitnessReceiptMismatch},
  };
  for (const Case& c : cases) {
    BOOST_TEST_INFO(c.name);
    World w;
    const aw::CommitClaim mine = w.claim_for("work", w.root, w.bob);
    const aw::CommitClaim other = w.claim_for("other work", w.root, w.bob);
    std::vector<std::string> lines;
    for (const int n : c.witnesses) {
      const crypto::PrivateKey* key = std::abs(n) == 1   ? &w.w1
                                      : std::abs(n) == 2 ? &w.w2
                                      : std::abs(n) == 3 ? &w.w3
                                                         : &w.outsider;
      const auto more = World::lines(n > 0 ? mine : other, {key});
      lines.insert(lines.end(), more.begin(), more.end());
    }
    const Oid commit = w.commit("work", w.root, w.bob, lines);
    BOOST_REQUIRE(w.repo.type_of(commit).has_value());
    const Decision d = w.push("refs/heads/ci/build", Oid(), commit);
    if (c.expected == Reason::kOk) {
      BOOST_TEST(d.accepted(), codes(d));
    } else {
      BOOST_TEST(!d.accepted());
      BOOST_TEST(std::any_of(d.violations.begin(), d.violations.end(),
                             [&](const Violation& v) { return v.code == c.expected && v.object == commit; }),
                 "expected " << name(c.expected) << ", got " << codes(d));
    }
  }
}

BOOST_AUTO_TEST_CASE(tampered_and_foreign_signer_receipts) {
  World w;
  const aw::CommitClaim mine = w.claim_for("work", w.root, w.bob);
  // A receipt with a broken signature does not count: one valid receipt is below the threshold.
  aw::Receipt broken = receipt_by(w.w2, mine);
  broken.signature[5] = broken.signature[5] == 'a' ? 'b' : 'a';
  std::vector<std::string> lines = World::lines(mine, {&w.w1});
  lines.push_back("Auths-Witness-Receipt: " + trailer_of(broken));
  Decision d = w.push("refs/heads/ci/a", Oid(), w.commit("work", w.root, w.bob, lines));
  BOOST_TEST(std::any_of(d.violations.begin(), d.violations.end(),
                         [](const Violation& v) { return v.code == Reason::kWitnessQuorumNotMet; }),
             codes(d));
  // Receipts made for alice's key on bob's commit (same tree and parents): for another signer.
  const aw::CommitClaim as_alice = w.claim_for("work", w.root, w.alice);
  d = w.push("refs/heads/ci/b", Oid(), w.commit("work", w.root, w.bob, World::lines(as_alice, {&w.w1, &w.w2})));
  BOOST_TEST(std::any_of(d.violations.begin(), d.violations.end(),
                         [](const Violation& v) { return v.code == Reason::kWitnessReceiptMismatch; }),
             codes(d));
}

BOOST_AUTO_TEST_CASE(folded_trailers_are_read) {
  World w;
  const aw::CommitClaim mine = w.claim_for("work", w.root, w.bob);
  std::vector<std::string> lines = {"Signed-off-by: Bob <bob@example.org>"};
  for (const auto* key : {&w.w1, &w.w3}) {
    for (auto& line : aw::folded_trailer(trailer_of(receipt_by(*key, mine)))) lines.push_back(std::move(line));
  }
  BOOST_REQUIRE(lines.size() > 4u);
  const Decision d = w.push("refs/heads/ci/folded", Oid(), w.commit("work", w.root, w.bob, lines));
  BOOST_TEST(d.accepted(), codes(d));
}

BOOST_AUTO_TEST_CASE(only_rules_with_require_log_ask) {
  World w;
  // main has no require_log: no receipts needed, and stray ones do not matter.
  const aw::CommitClaim other = w.claim_for("other", w.root, w.alice);
  const Oid c = w.commit("work", w.root, w.alice, World::lines(other, {&w.w1}));
  const Decision d = w.push("refs/heads/main", w.root, c);
  BOOST_TEST(d.accepted(), codes(d));
  // The rule's signer set still decides first: mallory's commit with good receipts is refused
  // as unknown-signer.
  const TestKey mallory = TestKey::make("mallory", 5);
  const aw::CommitClaim hers = w.claim_for("work", w.root, mallory);
  const Decision m =
      w.push("refs/heads/ci/x", Oid(), w.commit("work", w.root, mallory, World::lines(hers, {&w.w1, &w.w2})));
  BOOST_TEST(std::any_of(m.violations.begin(), m.violations.end(),
                         [](const Violation& v) { return v.code == Reason::kUnknownSigner; }),
             codes(m));
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
