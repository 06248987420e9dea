// Commits the forge makes itself (engine/forge.h, policy [forge]) as table tests over an
// in-memory repository (tests/support/fake_repo.h): web-UI merges and edits signed by the
// forge's key, judged under what the rule states. tests/e2e/t96*.sh push the same through real
// bare repositories with Gitea's and GitLab's conventions.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "engine/engine.h"
#include "engine/quorum.h"
#include "policy/diff.h"
#include "policy/lint.h"
#include "policy/policy.h"
#include "registry/approval.h"
#include "support/fake_repo.h"
#include "util/bytes.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(engine_forge)
namespace {

using Files = FakeRepo::Files;

/// main (alice, bob) with `forge_commits`, feature branches (carol), [governance] alice, and
/// the forge's key; mallory is nobody.
struct World {
  FakeRepo repo;
  FakeRecords records;
  TestKey alice = TestKey::make("alice", 1);
  TestKey bob = TestKey::make("bob", 2);
  TestKey carol = TestKey::make("carol", 3);
  TestKey mallory = TestKey::make("mallory", 5);
  TestKey forge = TestKey::make("gitea@forge", 9);
  engine::Settings settings;
  Files files;
  Oid root;

  explicit World(const std::string& forge_commits, int approvals = 0) {
    settings.now = 1700100000;
    files[".auths/policy.toml"] = policy(forge_commits, approvals);
    files["README"] = "hello\n";
    root = repo.commit(files, {}, &alice, 1700000000);
    repo.set_ref("refs/heads/main", root);
    repo.set_head("refs/heads/main");
  }

  std::string policy(const std::string& forge_commits, int approvals) const {
    return "version = 1\ndefault = \"allow\"\n\n[forge]\nsigners = [\"" + forge.line() +
           "\"]\nrequire_approvals = " + std::to_string(approvals) +
           "\n\n[[policy.commit]]\nname = \"main\"\nrefs = [\"refs/heads/main\"]\nsigners = [\"" + alice.line() +
           "\", \"" + bob.line() + "\"]\n" + (forge_commits.empty() ? "" : "forge_commits = " + forge_commits + "\n") +
           "\n[[policy.commit]]\nname = \"feature\"\nrefs = [\"refs/heads/feature/*\"]\nsigners = [\"" + carol.line() +
           "\"]\n\n[governance]\nsigners = [\"" + alice.line() + "\"]\n";
  }

  /// A commit on `parents` adding log/<note>, signed by `signer` (nullptr: unsigned).
  Oid work(const std::vector<Oid>& parents, const TestKey* signer, const std::string& note, Files base = {}) {
    Files tree = base.empty() ? files : base;
    tree["log/" + note] = note + "\n";
    return repo.commit(tree, parents, signer, 1700050000, note + "\n");
  }

  /// The forge's merge of `head` into main's `tip`.
  Oid forge_merge(const Oid& tip, const Oid& head, const TestKey* signer = nullptr) {
    Files tree = files;
    tree["log/merged"] = "merged\n";
    return repo.commit(tree, {tip, head}, signer != nullptr ? signer : &forge, 1700060000, "Merge pull request\n");
  }

  /// An approval of `object` by `key`, in the registry (refs/auths/registry).
  void approve(const Oid& object, const TestKey& key) {
    registry::Approval a{
        object.hex(), false, std::nullopt, true, "", key.key.public_key(), keri::Timestamp::from_unix(1700070000), ""};
    const std::string bytes = *registry::approval_signed_bytes(a);
    a.signature = sshsig::armor(sshsig::sign(key.key, util::to_bytes(bytes), registry::kApprovalNamespace).value());
    m_registry[*registry::approval_path(a)] = *registry::serialize_approval(a);
    const auto parent = registry_tip ? std::vector<Oid>{*registry_tip} : std::vector<Oid>{};
    registry_tip = repo.commit(m_registry, parent, nullptr, 1700070000, "approval\n");
    repo.set_ref("refs/auths/registry", *registry_tip);
  }

  Decision push(const Oid& new_oid, const Oid& old_oid) {
    auto decision = engine::judge_push(repo, records, settings, {RefUpdate{old_oid, new_oid, "refs/heads/main"}});
    BOOST_REQUIRE(decision.has_value());
    return std::move(*decision);
  }

  std::optional<Oid> registry_tip;

 private:
  Files m_registry;
};

/// The report of `oid` on the pushed ref.
const ObjectReport* report_of(const Decision& d, const Oid& oid) {
  for (const auto& ref : d.refs) {
    for (const auto& o : ref.objects) {
      if (o.oid == oid) return &o;
    }
  }
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_CASE(forge_merges) {
  struct Case {
    const char* name;
    const char* forge_commits;
    const TestKey World::*feature_signer;  // nullptr: the feature commit is unsigned
    Reason expected;
    bool on_merge;  // the refusal names the merge (else the feature commit)
  };
  const std::vector<Case> cases = {
      {"signed by a rule signer, merges let in", "[\"merge\"]", &World::bob, Reason::kOk, false},
      {"rule without forge_commits", "", &World::bob, Reason::kForgeCommitNotAllowed, true},
      {"rule lets edits in, not merges", "[\"edit\"]", &World::bob, Reason::kForgeCommitNotAllowed, true},
      {"an unsigned feature commit", "[\"merge\"]", nullptr, Reason::kUnsigned, false},
      {"a stranger's feature commit", "[\"merge\"]", &World::mallory, Reason::kUnknownSigner, false},
      // carol signs for feature branches: known to the policy, but no signer of main's rule.
      {"a signer of another rule", "[\"merge\"]", &World::carol, Reason::kUnknownSigner, false},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      World w(c.forge_commits);
      const Oid feature = w.work({w.root}, c.feature_signer != nullptr ? &(w.*c.feature_signer) : nullptr, "f1");
      const Oid merge = w.forge_merge(w.root, feature);
      for (const bool forge_push : {false, true}) {
        w.settings.forge_push = forge_push;  // a merge needs no marker: its checks are its own
        const Decision d = w.push(merge, w.root);
        if (c.expected == Reason::kOk) {
          BOOST_TEST(d.accepted(), violation_codes(d));
          const ObjectReport* m = report_of(d, merge);
          BOOST_REQUIRE(m != nullptr);
          BOOST_TEST(m->signer == "forge merge by gitea@forge");
          BOOST_TEST(m->detail.find("merged head " + feature.short_hex()) != std::string::npos, m->detail);
        } else {
          BOOST_TEST(!d.accepted());
          BOOST_TEST(has_violation(d, c.expected, c.on_merge ? merge : feature), violation_codes(d));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_merge_signed_by_a_rule_signer_is_not_a_forge_merge) {
  World w("");
  const Oid feature = w.work({w.root}, &w.mallory, "f1");
  // bob merges locally: the contribution needs a signer the policy knows, as ever.
  const Decision d = w.push(w.forge_merge(w.root, feature, &w.bob), w.root);
  BOOST_TEST(has_violation(d, Reason::kUnknownSigner, feature), violation_codes(d));
  World ok("");
  const Oid known = ok.work({ok.root}, &ok.carol, "f1");
  BOOST_TEST(ok.push(ok.forge_merge(ok.root, known, &ok.bob), ok.root).accepted());
}

BOOST_AUTO_TEST_CASE(a_forge_merge_lands_on_the_target) {
  World w("[\"merge\"]");
  const Oid a = w.work({w.root}, &w.alice, "a");
  w.repo.set_ref("refs/heads/main", a);
  // The forge's commit takes an older commit of main as its first parent and main's tip as
  // its second: it does not land on main's line.
  const Oid sideways = w.forge_merge(w.root, a);
  const Decision d = w.push(sideways, a);
  BOOST_TEST(has_violation(d, Reason::kForgeCommitNotAllowed, sideways), violation_codes(d));
  BOOST_TEST(w.push(w.forge_merge(a, w.work({a}, &w.bob, "b")), a).accepted());
}

BOOST_AUTO_TEST_CASE(forge_edits_need_the_forge_push) {
  struct Case {
    const char* forge_commits;
    bool forge_push;
    bool accepted;
  };
  for (const Case& c : std::vector<Case>{{"[\"edit\"]", true, true},
                                         {"[\"edit\"]", false, false},
                                         {"[\"merge\"]", true, false},
                                         {"[\"edit\", \"merge\"]", true, true},
                                         {"", true, false}}) {
    BOOST_TEST_CONTEXT(c.forge_commits << " forge_push=" << c.forge_push) {
      World w(c.forge_commits);
      w.settings.forge_push = c.forge_push;
      const Oid edit = w.work({w.root}, &w.forge, "web-edit");
      const Decision d = w.push(edit, w.root);
      BOOST_TEST(d.accepted() == c.accepted, violation_codes(d));
      if (!c.accepted) BOOST_TEST(has_violation(d, Reason::kForgeCommitNotAllowed, edit), violation_codes(d));
      if (c.accepted) BOOST_TEST(report_of(d, edit)->signer == "forge edit by gitea@forge");
    }
  }
}

BOOST_AUTO_TEST_CASE(forge_commits_changing_the_policy_need_governance) {
  World w("[\"edit\", \"merge\"]");
  w.settings.forge_push = true;
  Files changed = w.files;
  changed[".auths/policy.toml"] += "# edited in the web UI\n";
  const Oid edit = w.work({w.root}, &w.forge, "policy-edit", changed);
  const Decision d = w.push(edit, w.root);
  BOOST_TEST(has_violation(d, Reason::kPolicyChangeUnauthorized, edit), violation_codes(d));
  // The same through a merge of a feature commit that changes the policy.
  const Oid feature = w.work({w.root}, &w.bob, "f1", changed);
  Files merged = changed;
  const Oid merge = w.repo.commit(merged, {w.root, feature}, &w.forge, 1700060000, "Merge\n");
  BOOST_TEST(has_violation(w.push(merge, w.root), Reason::kPolicyChangeUnauthorized),
             violation_codes(w.push(merge, w.root)));
}

BOOST_AUTO_TEST_CASE(forge_merge_approvals_in_the_registry) {
  struct Case {
    const char* name;
    int required;
    std::vector<const TestKey World::*> approvers;
    bool accepted;
  };
  const std::vector<Case> cases = {
      {"none required", 0, {}, true},
      {"one required, none given", 1, {}, false},
      {"one required, alice approves", 1, {&World::alice}, true},
      {"the head's own signer (bob) does not count", 1, {&World::bob}, false},
      {"a signer of another rule (carol) does not count", 1, {&World::carol}, false},
      {"a stranger does not count", 1, {&World::mallory}, false},
      {"two required, alice only", 2, {&World::alice, &World::bob}, false},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      World w("[\"merge\"]", c.required);
      const Oid feature = w.work({w.root}, &w.bob, "f1");
      for (const auto approver : c.approvers) w.approve(feature, w.*approver);
      const Oid merge = w.forge_merge(w.root, feature);
      const Decision d = w.push(merge, w.root);
      BOOST_TEST(d.accepted() == c.accepted, violation_codes(d));
      if (!c.accepted) {
        BOOST_TEST(has_violation(d, Reason::kQuorumNotMet, merge), violation_codes(d));
        BOOST_TEST(violation_codes(d).find("requires " + std::to_string(c.required)) != std::string::npos,
                   violation_codes(d));
      } else if (c.required > 0) {
        BOOST_TEST(report_of(d, merge)->detail.find("approved by 1") != std::string::npos, report_of(d, merge)->detail);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(head_approvals_counted) {
  // engine/quorum.h count_head_approvals: distinct signers of the rule, not the head's own.
  const TestKey alice = TestKey::make("alice", 1), bob = TestKey::make("bob", 2), carol = TestKey::make("carol", 3),
                mallory = TestKey::make("mallory", 5);
  policy::SignerSet set;
  for (const TestKey* k : {&alice, &bob, &carol}) set.keys.push_back({k->name, k->key.public_key(), "", {}, {}, {}});
  const auto record = [](const TestKey& k, bool approve = true) {
    return registry::Approval{
        "", false, std::nullopt, approve, "", k.key.public_key(), keri::Timestamp::from_unix(1700000100), ""};
  };
  engine::SignatureCheck head;
  head.status = engine::SignatureStatus::kGood;
  head.key = bob.key.public_key();
  engine::SignedObject object;
  object.now = 1700000200;
  struct Case {
    int required;
    std::vector<registry::Approval> records;
    Reason expected;
    int approving;
  };
  const std::vector<Case> cases = {
      {0, {}, Reason::kOk, 0},
      {1, {record(alice)}, Reason::kOk, 1},
      {1, {record(bob)}, Reason::kQuorumNotMet, 0},         // the head's own signer
      {1, {record(mallory)}, Reason::kQuorumNotMet, 0},     // no signer of the rule
      {2, {record(alice), record(carol)}, Reason::kOk, 2},  // two distinct signers
      {2, {record(alice), record(alice), record(bob)}, Reason::kQuorumNotMet, 1},
      {1, {record(alice), record(carol, false)}, Reason::kApprovalRejected, 1},  // max_reject = 0
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    BOOST_TEST_CONTEXT("case " << i) {
      const Case& c = cases[i];
      std::vector<const registry::Approval*> records;
      for (const auto& r : c.records) records.push_back(&r);
      const policy::QuorumVerdict v = engine::count_head_approvals(head, records, set, c.required, object, nullptr, "");
      BOOST_TEST(v.code == c.expected, v.detail);
      BOOST_TEST(v.approving == c.approving, v.detail);
    }
  }
}

BOOST_AUTO_TEST_CASE(policy_forge_section) {
  const TestKey forge = TestKey::make("gitea@forge", 9), alice = TestKey::make("alice", 1);
  const auto load = [](const std::string& text) { return policy::parse_policy(text, "p.toml", {}); };
  const std::string head = "version = 1\n";
  const std::string forge_section = "[forge]\nsigners = [\"" + forge.line() + "\"]\nrequire_approvals = 1\n";
  const std::string rule = "[[policy.commit]]\nrefs = [\"refs/heads/main\"]\nsigners = [\"" + alice.line() + "\"]\n";
  auto ok = load(head + forge_section + rule + "forge_commits = [\"merge\", \"edit\"]\n");
  BOOST_REQUIRE(ok.has_value());
  BOOST_TEST(ok->forge->require_approvals == 1);
  BOOST_TEST(ok->rules.front().allows_forge(policy::kForgeMerge));
  BOOST_TEST(ok->rules.front().allows_forge(policy::kForgeEdit));
  BOOST_TEST(ok->find_known(forge.key.public_key()).empty());  // the forge's key signs for nobody
  for (const std::string& bad : {
           head + rule + "forge_commits = [\"merge\"]\n",                               // no [forge]
           head + forge_section + rule + "forge_commits = [\"rebase\"]\n",              // unknown kind
           head + forge_section + rule + "forge_commits = []\n",                        // empty
           head + "[forge]\nsigners = [\"did:keri:E" + std::string(43, 'a') + "\"]\n",  // not a key
           head + "[forge]\nsigners = []\n",
           head + "[forge]\nsigners = [\"" + forge.line() + "\"]\nrequire_approvals = -1\n",
           head + "[forge]\nsigners = [\"" + forge.line() + "\"]\nrequire = 1\n",
           head + forge_section +
               "[[policy.commit]]\nrefs = [\"refs/heads/*\"]\nopen = \"signed\"\n"
               "forge_commits = [\"merge\"]\n",
       }) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!load(bad).has_value()); }
  }
}

BOOST_AUTO_TEST_CASE(forge_in_lint_diff_and_records) {
  const TestKey forge = TestKey::make("gitea@forge", 9), other = TestKey::make("gitlab@forge", 8),
                alice = TestKey::make("alice", 1);
  const std::string head = "version = 1\n[governance]\nsigners = [\"" + alice.line() + "\"]\n";
  const auto forge_section = [](const TestKey& key, int approvals) {
    return "[forge]\nsigners = [\"" + key.line() + "\"]\nrequire_approvals = " + std::to_string(approvals) + "\n";
  };
  const auto rule = [&alice](const std::string& extra) {
    return "[[policy.commit]]\nname = \"main\"\nrefs = [\"refs/heads/main\"]\nsigners = [\"" + alice.line() + "\"]\n" +
           extra;
  };
  const auto codes_of = [](const std::string& text) {
    std::vector<std::string> out;
    for (const auto& f : policy::lint(text, "p.toml", {})) out.push_back(f.code);
    return out;
  };
  const auto has_code = [](const std::vector<std::string>& codes, const std::string& code) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
  };
  BOOST_TEST(has_code(codes_of(head + forge_section(forge, 0) + rule("")), "forge-unused"));
  BOOST_TEST(
      !has_code(codes_of(head + forge_section(forge, 0) + rule("forge_commits = [\"merge\"]\n")), "forge-unused"));
  const std::string as_signer = head + forge_section(alice, 0) + rule("forge_commits = [\"merge\"]\n");
  BOOST_TEST(has_code(codes_of(as_signer), "forge-key-as-signer"));

  const auto load = [](const std::string& text) { return *policy::parse_policy(text, "p.toml", {}); };
  const policy::Policy merges = load(head + forge_section(forge, 1) + rule("forge_commits = [\"merge\"]\n"));
  const policy::Policy both = load(head + forge_section(forge, 1) + rule("forge_commits = [\"edit\", \"merge\"]\n"));
  const policy::Policy fewer = load(head + forge_section(forge, 0) + rule("forge_commits = [\"merge\"]\n"));
  const policy::Policy other_key = load(head + forge_section(other, 1) + rule("forge_commits = [\"merge\"]\n"));
  const policy::Policy none = load(head + forge_section(forge, 1) + rule(""));
  const auto looser = [](const policy::Policy& a, const policy::Policy& b, const std::string& field) {
    for (const auto& c : policy::diff(a, b, "refs/heads/main")) {
      if (c.field == field && c.direction == DiffDirection::kLooser) return true;
    }
    return false;
  };
  BOOST_TEST(looser(merges, both, "forge_commits"));
  BOOST_TEST(!looser(both, merges, "forge_commits"));
  BOOST_TEST(looser(merges, fewer, "require_approvals"));
  BOOST_TEST(looser(merges, other_key, "signers"));
  // A record made under forge commits vouches only for the same forge commits and [forge].
  const auto vouches = [](const policy::Policy& recorded, const policy::Policy& now) {
    return policy::Strictness::of(recorded.rules.front()).at_least_as_strict_as(now.rules.front());
  };
  BOOST_TEST(vouches(merges, merges));
  BOOST_TEST(!vouches(merges, none));
  BOOST_TEST(!vouches(merges, fewer));
  BOOST_TEST(!vouches(merges, other_key));
  BOOST_TEST(!vouches(both, merges));
  BOOST_TEST(vouches(none, none));
  const auto decoded = policy::Strictness::decode(policy::Strictness::of(merges.rules.front()).encode());
  BOOST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->at_least_as_strict_as(merges.rules.front()));
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
