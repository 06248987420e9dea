// The trust model as table tests: every decision of engine::judge_push over an in-memory
// repository (tests/support/fake_repo.h). Each case names the item of the trust-model issue it
// pins down; tests/e2e/t5*.sh try the same things with real pushes.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "engine/engine.h"
#include "engine/signature_check.h"
#include "policy/policy.h"
#include "support/fake_repo.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(engine_push)
namespace {

using git::ObjectType;
using Files = FakeRepo::Files;

const Oid kZero;

/// A repository whose main branch carries a policy, and the people of the tests:
/// alice (main and governance), bob (main only), carol (feature branches), rita (releases),
/// mallory (nobody).
struct World {
  FakeRepo repo;
  FakeRecords records;
  TestKey alice = TestKey::make("alice", 1);
  TestKey bob = TestKey::make("bob", 2);
  TestKey carol = TestKey::make("carol", 3);
  TestKey rita = TestKey::make("rita", 4);
  TestKey mallory = TestKey::make("mallory", 5);
  engine::Settings settings;
  Files files;  // main's tree
  Oid root;     // main's first commit (the policy)

  explicit World(const std::string& extra_rules = "", const std::string& main_extra = "") {
    settings.now = 1700100000;
    files[".auths/policy.toml"] = policy(extra_rules, main_extra);
    files["README"] = "hello\n";
    root = repo.commit(files, {}, &alice, 1700000000);
    repo.set_ref("refs/heads/main", root);
    repo.set_head("refs/heads/main");
  }

  std::string policy(const std::string& extra_rules = "", const std::string& main_extra = "") const {
    return "version = 1\ndefault = \"allow\"\n\n"
           "[[policy.commit]]\nname = \"main\"\nrefs = [\"refs/heads/main\"]\nsigners = [\"" +
           alice.line() + "\", \"" + bob.line() + "\"]\n" + main_extra + "\n" + extra_rules +
           "[[policy.commit]]\nname = \"feature\"\nrefs = [\"refs/heads/feature/*\"]\nsigners = [\"" + alice.line() +
           "\", \"" + carol.line() + "\"]\n\n" +
           "[[policy.commit]]\nname = \"release\"\nrefs = [\"refs/heads/release/*\"]\nsigners = [\"" + rita.line() +
           "\"]\n\n" + "[[policy.release]]\nname = \"tags\"\nrefs = [\"refs/tags/v*\"]\nsigners = [\"" + rita.line() +
           "\", \"" + alice.line() + "\"]\n\n" + "[governance]\nsigners = [\"" + alice.line() + "\"]\n";
  }

  /// A commit on `parent` whose tree is main's files plus `changes`, signed by `signer`.
  Oid work(const Oid& parent, const TestKey* signer, const std::string& note, Files base = {},
           std::vector<Oid> more_parents = {}) {
    Files tree = base.empty() ? files : base;
    tree["log/" + note] = note + "\n";
    std::vector<Oid> parents{parent};
    parents.insert(parents.end(), more_parents.begin(), more_parents.end());
    return repo.commit(tree, parents, signer, 1700050000, note + "\n");
  }

  Decision push(const std::vector<RefUpdate>& updates) {
    auto decision = engine::judge_push(repo, records, settings, updates);
    BOOST_REQUIRE(decision.has_value());
    return std::move(*decision);
  }
  Decision push(const std::string& ref, const Oid& old_oid, const Oid& new_oid) {
    return push({RefUpdate{old_oid, new_oid, ref}});
  }
  /// What git does once pre-receive accepted: move the ref; what post-receive records.
  void apply(const std::string& ref, const Oid& new_oid, const Decision& decision) {
    BOOST_REQUIRE(decision.accepted());
    repo.set_ref(ref, new_oid);
    records.last[ref] = new_oid;
    for (const auto& r : decision.refs) {
      if (r.ref == ref && !r.strictness.empty()) records.tips.push_back({ref, new_oid, r.strictness, settings.now});
    }
  }
};

#define EXPECT_ACCEPTED(d) BOOST_TEST((d).accepted(), "expected acceptance, got: " << violation_codes(d))
#define EXPECT_REFUSED(d, code, obj)                                                                             \
  do {                                                                                                           \
    BOOST_TEST(!(d).accepted());                                                                                 \
    BOOST_TEST(has_violation((d), (code), (obj)), "expected " << name(code) << ", got: " << violation_codes(d)); \
  } while (0)

}  // namespace

// --- 1. objects as git sees them ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(item1_second_tree_header_is_malformed) {
  World w;
  // A signed commit whose second tree header names the old tree: git reads the first.
  Files changed = w.files;
  changed[".auths/policy.toml"] = "version = 1\ndefault = \"allow\"\n";
  const Oid evil_tree = w.repo.tree(changed);
  const Oid old_tree = w.repo.tree(w.files);
  std::string text = "tree " + evil_tree.hex() + "\ntree " + old_tree.hex() + "\nparent " + w.root.hex() +
                     "\nauthor A <a@x> 1700050000 +0000\ncommitter A <a@x> 1700050000 +0000\n\nsneaky\n";
  const std::string header = FakeRepo::gpgsig_header(FakeRepo::sign(w.bob, text));
  const Oid c = w.repo.add(ObjectType::kCommit, text.insert(text.find("\n\n") + 1, header));
  const Decision d = w.push("refs/heads/main", w.root, c);
  EXPECT_REFUSED(d, Reason::kMalformedObject, c);
}

BOOST_AUTO_TEST_CASE(item1_misplaced_parent_duplicate_signature_missing_committer) {
  World w;
  const Oid tree = w.repo.tree(w.files);
  const std::string ident = " <a@x> 1700050000 +0000\n";
  const std::vector<std::string> bodies = {
      // a parent line after the author: git does not count it as a parent
      "tree " + tree.hex() + "\nauthor A" + ident + "parent " + w.root.hex() + "\ncommitter A" + ident + "\nx\n",
      // two gpgsig headers
      "tree " + tree.hex() + "\nparent " + w.root.hex() + "\nauthor A" + ident + "committer A" + ident +
          "gpgsig -----BEGIN SSH SIGNATURE-----\n -----END SSH SIGNATURE-----\n"
          "gpgsig -----BEGIN SSH SIGNATURE-----\n -----END SSH SIGNATURE-----\n\nx\n",
      // no committer
      "tree " + tree.hex() + "\nparent " + w.root.hex() + "\nauthor A" + ident + "\nx\n",
      // a committer without a timestamp
      "tree " + tree.hex() + "\nparent " + w.root.hex() + "\nauthor A" + ident + "committer A <a@x>\n\nx\n",
  };
  for (const auto& body : bodies) {
    const Oid c = w.repo.add(ObjectType::kCommit, body);
    const Decision d = w.push("refs/heads/main", w.root, c);
    EXPECT_REFUSED(d, Reason::kMalformedObject, c);
    BOOST_TEST((d.outcome == Outcome::kReject), "a malformed object is a violation (exit 1), not undecided");
  }
}

BOOST_AUTO_TEST_CASE(item1_tag_type_must_match_its_object) {
  World w;
  const Oid blob = w.repo.blob("not a commit");
  // The tag claims a commit but points at a blob.
  const Oid t = w.repo.add(ObjectType::kTag,
                           "object " + blob.hex() + "\ntype commit\ntag v1.0\ntagger R <r@x> 1700050000 +0000\n\nx\n");
  const Decision d = w.push("refs/tags/v1.0", kZero, t);
  EXPECT_REFUSED(d, Reason::kMalformedObject, t);
}

// --- 2. a merge cannot roll the policy back or delete it -------------------------------------

BOOST_AUTO_TEST_CASE(item2_merge_that_restores_an_old_policy_needs_governance) {
  World w;
  // alice (governance) tightens the policy; bob (main, not governance) merges the old root back
  // with its .auths/ (the merge's .auths equals its second parent's).
  Files v2 = w.files;
  v2[".auths/policy.toml"] = w.policy("", "require = 1\n");
  const Oid tightened = w.repo.commit(v2, {w.root}, &w.alice, 1700010000, "tighten\n");
  w.repo.set_ref("refs/heads/main", tightened);
  const Oid merge = w.repo.commit(w.files, {tightened, w.root}, &w.bob, 1700020000, "merge old\n");
  const Decision d = w.push("refs/heads/main", tightened, merge);
  EXPECT_REFUSED(d, Reason::kPolicyChangeUnauthorized, merge);
}

BOOST_AUTO_TEST_CASE(item2_merge_that_deletes_the_policy_is_refused) {
  World w;
  Files before = {{"README", "old\n"}};
  const Oid pre_policy = w.repo.commit(before, {}, &w.bob, 1600000000, "before the policy\n");
  const Oid merge = w.repo.commit(before, {w.root, pre_policy}, &w.bob, 1700020000, "merge\n");
  const Decision d = w.push("refs/heads/main", w.root, merge);
  EXPECT_REFUSED(d, Reason::kPolicyChangeUnauthorized, merge);
  EXPECT_REFUSED(d, Reason::kPolicyInvalid, merge);
}

BOOST_AUTO_TEST_CASE(item2_rollback_through_an_older_base_is_refused) {
  World w;
  Files v2 = w.files;
  v2[".auths/policy.toml"] = w.policy("", "require = 1\n");
  const Oid tightened = w.repo.commit(v2, {w.root}, &w.alice, 1700010000, "tighten\n");
  w.repo.set_ref("refs/heads/main", tightened);
  // bob builds on the old root (old policy), then merges main as the *second* parent, keeping
  // the old policy: no commit of the first-parent line changes .auths/ against its own parent.
  const Oid old_base = w.work(w.root, &w.bob, "old-base");
  Files old_files = w.files;
  old_files["log/old-base"] = "old-base\n";
  const Oid merge = w.repo.commit(old_files, {old_base, tightened}, &w.bob, 1700020000, "merge main\n");
  const Decision d = w.push("refs/heads/main", tightened, merge);
  EXPECT_REFUSED(d, Reason::kPolicyChangeUnauthorized, merge);
}

BOOST_AUTO_TEST_CASE(item2_governance_may_change_the_policy_and_a_merge_of_main_is_no_change) {
  World w;
  Files v2 = w.files;
  v2[".auths/policy.toml"] = w.policy("", "require = 1\n");
  const Oid tightened = w.repo.commit(v2, {w.root}, &w.alice, 1700010000, "tighten\n");
  EXPECT_ACCEPTED(w.push("refs/heads/main", w.root, tightened));
  w.repo.set_ref("refs/heads/main", tightened);
  // A feature branch from the old root merges main back in, then main fast-forwards to it.
  const Oid f1 = w.work(w.root, &w.bob, "f1");
  Files merged = v2;
  merged["log/f1"] = "f1\n";
  const Oid f2 = w.repo.commit(merged, {f1, tightened}, &w.bob, 1700030000, "merge main into f\n");
  EXPECT_ACCEPTED(w.push("refs/heads/main", tightened, f2));
}

// --- 3. laundering through other refs ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(item3_unsigned_commit_accepted_elsewhere_is_judged_on_main) {
  for (const std::string ref :
       {"refs/heads/scratch", "refs/tags/x", "refs/notes/x", "refs/pull/1/head", "refs/auths/anything"}) {
    World w;
    const Oid u = w.work(w.root, nullptr, "unsigned");
    const Decision elsewhere = w.push(ref, kZero, u);
    EXPECT_ACCEPTED(elsewhere);
    w.apply(ref, u, elsewhere);
    const Decision d = w.push("refs/heads/main", w.root, u);
    BOOST_TEST_INFO("laundered through " << ref);
    EXPECT_REFUSED(d, Reason::kUnsigned, u);
  }
}

BOOST_AUTO_TEST_CASE(item3_release_tag_does_not_vouch_for_an_unsigned_commit) {
  World w;
  const Oid u = w.work(w.root, nullptr, "unsigned");
  // alice signs tags and main: her tag of an unsigned commit is refused for the commit...
  const Oid t = w.repo.tag("v1.0", u, &w.alice);
  EXPECT_REFUSED(w.push("refs/tags/v1.0", kZero, t), Reason::kUnsigned, u);
  // ...and a tag accepted earlier never hides the commit from main's rule.
  w.repo.set_ref("refs/tags/v1.0", t);
  w.records.tips.push_back({"refs/tags/v1.0", u, "", 1});  // even a (bogus) record of a tag
  EXPECT_REFUSED(w.push("refs/heads/main", w.root, u), Reason::kUnsigned, u);
}

BOOST_AUTO_TEST_CASE(item3_looser_branch_does_not_vouch_for_main) {
  World w;
  const Oid c = w.work(w.root, &w.carol, "carol");
  const Decision feature = w.push("refs/heads/feature/x", kZero, c);
  EXPECT_ACCEPTED(feature);
  w.apply("refs/heads/feature/x", c, feature);
  EXPECT_REFUSED(w.push("refs/heads/main", w.root, c), Reason::kUnknownSigner, c);
}

// --- 4. one policy in force ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(item4_old_policy_in_an_old_branch_judges_nothing) {
  World w;
  // release/1 was cut when its tree's policy let mallory sign releases.
  Files old = w.files;
  old[".auths/policy.toml"] =
      "version = 1\ndefault = \"allow\"\n[[policy.commit]]\nname = \"release\"\nrefs = "
      "[\"refs/heads/release/*\"]\nsigners = [\"" +
      w.mallory.line() + "\"]\n[governance]\nsigners = [\"" + w.mallory.line() + "\"]\n";
  const Oid cut = w.repo.commit(old, {w.root}, &w.rita, 1700010000, "cut\n");
  w.repo.set_ref("refs/heads/release/1", cut);
  const Oid m = w.work(cut, &w.mallory, "mallory", old);
  EXPECT_REFUSED(w.push("refs/heads/release/1", cut, m), Reason::kUnknownSigner, m);
}

BOOST_AUTO_TEST_CASE(item4_moving_a_release_tag_is_a_rewrite) {
  World w;
  const Oid a = w.repo.tag("v0.9", w.root, &w.rita);
  w.repo.set_ref("refs/tags/v0.9", a);
  const Oid next = w.work(w.root, &w.alice, "next");
  w.repo.set_ref("refs/heads/main", next);
  const Oid b = w.repo.tag("v0.9", next, &w.rita, ObjectType::kCommit, 1700060000);
  EXPECT_REFUSED(w.push("refs/tags/v0.9", a, b), Reason::kForcePushDenied, std::nullopt);
}

// --- 5. names and objects -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(item5_symbolic_ref_is_judged_as_its_target) {
  World w;
  w.repo.set_symref("refs/heads/master", "refs/heads/main");
  const Oid u = w.work(w.root, nullptr, "unsigned");
  const Decision d = w.push("refs/heads/master", w.root, u);
  EXPECT_REFUSED(d, Reason::kUnsigned, u);
  BOOST_TEST(d.refs[0].ref == "refs/heads/main");
  BOOST_TEST(d.refs[0].rule == "main");
}

BOOST_AUTO_TEST_CASE(item5_trees_and_blobs_cannot_be_signed) {
  World w("[[policy.commit]]\nname = \"notes\"\nrefs = [\"refs/notes/*\"]\nsigners = [\"" +
          TestKey::make("alice", 1).line() + "\"]\n\n");
  const Oid blob = w.repo.blob("data");
  const Oid tree = w.repo.tree({{"a", "b"}});
  EXPECT_REFUSED(w.push("refs/tags/v9", kZero, blob), Reason::kNotACommit, blob);
  EXPECT_REFUSED(w.push("refs/notes/x", kZero, tree), Reason::kNotACommit, tree);
  // Under an open ref (no rule, default allow) nothing is required.
  EXPECT_ACCEPTED(w.push("refs/other/x", kZero, blob));
  // A signed annotated tag of a blob is the tag's signature.
  const Oid signed_blob = w.repo.tag("v8", blob, &w.rita, ObjectType::kBlob);
  EXPECT_ACCEPTED(w.push("refs/tags/v8", kZero, signed_blob));
}

BOOST_AUTO_TEST_CASE(item5_tag_name_must_match_the_ref) {
  World w;
  const Oid t = w.repo.tag("v1.0", w.root, &w.rita);
  EXPECT_ACCEPTED(w.push("refs/tags/v1.0", kZero, t));
  EXPECT_REFUSED(w.push("refs/tags/v2.0", kZero, t), Reason::kTagNameMismatch, t);
}

// --- 8. other holes ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(item8_allowed_signers_outside_auths_is_governed) {
  World w;
  w.files["keys/allowed_signers"] = "bob " + w.bob.key.public_key().to_ssh_line() + "\n";
  w.files[".auths/policy.toml"] =
      "version = 1\n[[policy.commit]]\nname = \"main\"\nrefs = [\"refs/heads/main\"]\nsigners = [\"" + w.alice.line() +
      "\"]\nallowed_signers = \"keys/allowed_signers\"\n[governance]\nsigners = [\"" + w.alice.line() + "\"]\n";
  const Oid base = w.repo.commit(w.files, {}, &w.alice, 1700000000);
  w.repo.set_ref("refs/heads/main", base);
  // bob adds mallory to the allowed_signers file the policy reads.
  Files edited = w.files;
  edited["keys/allowed_signers"] += "mallory " + w.mallory.key.public_key().to_ssh_line() + "\n";
  const Oid c = w.repo.commit(edited, {base}, &w.bob, 1700010000, "add mallory\n");
  EXPECT_REFUSED(w.push("refs/heads/main", base, c), Reason::kPolicyChangeUnauthorized, c);
  // A broken file is refused, by governance too: it would lock the repository.
  Files broken = w.files;
  broken["keys/allowed_signers"] = "not a key line\n";
  const Oid b = w.repo.commit(broken, {base}, &w.alice, 1700010000, "oops\n");
  EXPECT_REFUSED(w.push("refs/heads/main", base, b), Reason::kPolicyInvalid, b);
}

BOOST_AUTO_TEST_CASE(item8_recreating_a_deleted_branch_is_a_rewrite) {
  const std::string rule = "[[policy.commit]]\nname = \"stable\"\nrefs = [\"refs/heads/stable\"]\nsigners = [\"" +
                           TestKey::make("alice", 1).line() + "\"]\nallow_delete = true\n\n";
  World v(rule);
  const Oid s1 = v.work(v.root, &v.alice, "s1");
  const Decision created = v.push("refs/heads/stable", kZero, s1);
  EXPECT_ACCEPTED(created);
  v.apply("refs/heads/stable", s1, created);
  EXPECT_ACCEPTED(v.push("refs/heads/stable", s1, kZero));
  v.repo.remove_ref("refs/heads/stable");
  const Oid unrelated = v.work(v.root, &v.alice, "unrelated");
  EXPECT_REFUSED(v.push("refs/heads/stable", kZero, unrelated), Reason::kForcePushDenied, std::nullopt);
  const Oid continued = v.work(s1, &v.alice, "continued");
  EXPECT_ACCEPTED(v.push("refs/heads/stable", kZero, continued));
}

BOOST_AUTO_TEST_CASE(item8_recreating_a_deleted_release_tag_elsewhere_is_a_rewrite) {
  World w("[[policy.release]]\nname = \"deletable\"\nrefs = [\"refs/tags/d*\"]\nsigners = [\"" +
          TestKey::make("rita", 4).line() + "\"]\nallow_delete = true\n\n");
  const Oid t1 = w.repo.tag("d1", w.root, &w.rita);
  const Decision created = w.push("refs/tags/d1", kZero, t1);
  EXPECT_ACCEPTED(created);
  w.apply("refs/tags/d1", t1, created);
  EXPECT_ACCEPTED(w.push("refs/tags/d1", t1, kZero));
  w.repo.remove_ref("refs/tags/d1");
  const Oid elsewhere = w.work(w.root, &w.alice, "elsewhere");
  w.repo.set_ref("refs/heads/main", elsewhere);
  const Oid t2 = w.repo.tag("d1", elsewhere, &w.rita, ObjectType::kCommit, 1700070000);
  EXPECT_REFUSED(w.push("refs/tags/d1", kZero, t2), Reason::kForcePushDenied, std::nullopt);
}

BOOST_AUTO_TEST_CASE(item8_expired_key_cannot_sign_by_backdating) {
  World w;
  w.files["keys/allowed_signers"] = "bob valid-before=\"20231110\" " + w.bob.key.public_key().to_ssh_line() + "\n";
  w.files[".auths/policy.toml"] =
      "version = 1\n[[policy.commit]]\nname = \"main\"\nrefs = [\"refs/heads/main\"]\n"
      "allowed_signers = \"keys/allowed_signers\"\n[governance]\nsigners = [\"" +
      w.alice.line() + "\"]\n";
  const Oid base = w.repo.commit(w.files, {}, &w.alice, 1699000000);
  w.repo.set_ref("refs/heads/main", base);
  // Dated 2023-11-01 (before valid-before), received now (2023-11-16).
  const Oid c = w.repo.commit(w.files, {base}, &w.bob, 1698800000, "backdated\n");
  EXPECT_REFUSED(w.push("refs/heads/main", base, c), Reason::kSignerExpired, c);
  // A commit the server recorded accepting before the key expired still counts.
  w.records.objects[c] = 1699000000;
  EXPECT_ACCEPTED(w.push("refs/heads/main", base, c));
}

// --- 9. the merge workflow -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(item9_maintainer_merges_a_reviewed_contribution) {
  for (const bool pushed_before : {true, false}) {
    World w;
    const Oid c1 = w.work(w.root, &w.carol, "carol-1");
    const Oid c2 = w.work(c1, &w.carol, "carol-2");
    if (pushed_before) {
      const Decision f = w.push("refs/heads/feature/x", kZero, c2);
      EXPECT_ACCEPTED(f);
      w.apply("refs/heads/feature/x", c2, f);
    }
    Files merged = w.files;
    merged["log/carol-1"] = "carol-1\n";
    merged["log/carol-2"] = "carol-2\n";
    const Oid m = w.repo.commit(merged, {w.root, c2}, &w.alice, 1700060000, "Merge feature/x\n");
    std::vector<RefUpdate> updates{{w.root, m, "refs/heads/main"}};
    if (!pushed_before) updates.push_back({kZero, c2, "refs/heads/feature/x"});
    const Decision d = w.push(updates);
    BOOST_TEST_INFO("feature branch pushed before: " << pushed_before);
    EXPECT_ACCEPTED(d);
    // carol's commits were judged as contributions, the merge as main's mainline.
    bool contribution = false;
    for (const auto& obj : d.refs[0].objects) contribution |= obj.oid == c1 && obj.role == ObjectRole::kContribution;
    BOOST_TEST(contribution);
  }
}

BOOST_AUTO_TEST_CASE(item9_outsider_and_unsigned_contributions) {
  struct Case {
    std::string contributions;  // main's setting, "" = default
    bool outsider_ok;
    bool unsigned_ok;
  };
  for (const Case& k : {Case{"", false, false}, Case{"contributions = \"signed\"\n", true, false},
                        Case{"contributions = \"any\"\n", true, true}}) {
    World w("", k.contributions);
    const Oid outsider = w.work(w.root, &w.mallory, "outsider");
    const Oid m1 = w.repo.commit(w.files, {w.root, outsider}, &w.alice, 1700060000, "merge outsider\n");
    const Decision d1 = w.push("refs/heads/main", w.root, m1);
    BOOST_TEST_INFO("contributions: " << k.contributions);
    if (k.outsider_ok) {
      EXPECT_ACCEPTED(d1);
    } else {
      EXPECT_REFUSED(d1, Reason::kUnknownSigner, outsider);
    }
    const Oid unsigned_commit = w.work(w.root, nullptr, "unsigned");
    const Oid m2 = w.repo.commit(w.files, {w.root, unsigned_commit}, &w.alice, 1700060000, "merge unsigned\n");
    const Decision d2 = w.push("refs/heads/main", w.root, m2);
    if (k.unsigned_ok) {
      EXPECT_ACCEPTED(d2);
    } else {
      EXPECT_REFUSED(d2, Reason::kUnsigned, unsigned_commit);
    }
  }
}

BOOST_AUTO_TEST_CASE(item9_fast_forward_onto_a_contribution_is_refused) {
  World w;
  const Oid c = w.work(w.root, &w.carol, "carol");
  EXPECT_REFUSED(w.push("refs/heads/main", w.root, c), Reason::kUnknownSigner, c);
}

// --- 10. branches from existing history ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(item10_adopting_a_policy_over_unsigned_history) {
  World w;
  // 300 unsigned commits, then the policy on top (the admin seeds it).
  Files history = {{"README", "old\n"}};
  Oid tip = w.repo.commit(history, {}, nullptr, 1500000000, "c0\n");
  for (int i = 1; i < 300; ++i) {
    history["log/" + std::to_string(i)] = std::to_string(i);
    tip = w.repo.commit(history, {tip}, nullptr, 1500000000 + i, "c\n");
  }
  const Oid legacy = w.repo.commit(history, {tip}, nullptr, 1500001000, "legacy branch\n");
  w.records.baseline_refs = {{"refs/heads/main", tip}, {"refs/heads/legacy", legacy}};
  Files with_policy = history;
  with_policy[".auths/policy.toml"] = w.files[".auths/policy.toml"];
  const Oid adopted = w.repo.commit(with_policy, {tip}, &w.alice, 1700000000, "adopt\n");
  w.repo.set_ref("refs/heads/main", adopted);
  w.repo.set_ref("refs/heads/legacy", legacy);
  w.files = with_policy;

  const Oid a1 = w.work(adopted, &w.alice, "a1");
  Decision d = w.push("refs/heads/main", adopted, a1);
  EXPECT_ACCEPTED(d);
  w.apply("refs/heads/main", a1, d);
  const Oid f1 = w.work(a1, &w.carol, "f1");
  d = w.push("refs/heads/feature/one", kZero, f1);
  EXPECT_ACCEPTED(d);
  w.apply("refs/heads/feature/one", f1, d);
  const Oid r1 = w.work(a1, &w.rita, "r1");
  d = w.push("refs/heads/release/1.0", kZero, r1);
  EXPECT_ACCEPTED(d);
  w.apply("refs/heads/release/1.0", r1, d);
  const Oid tag = w.repo.tag("v1.0", a1, &w.rita);
  EXPECT_ACCEPTED(w.push("refs/tags/v1.0", kZero, tag));
  // A release branch cut at a feature branch's tip brings carol's commit onto its mainline.
  EXPECT_REFUSED(w.push("refs/heads/release/2.0", kZero, f1), Reason::kUnknownSigner, f1);
  // The old unsigned branch is in the baseline: alice may merge it.
  Files merged = w.files;
  const Oid m = w.repo.commit(merged, {a1, legacy}, &w.alice, 1700070000, "merge legacy\n");
  EXPECT_ACCEPTED(w.push("refs/heads/main", a1, m));
}

BOOST_AUTO_TEST_CASE(item10_release_branch_from_main_does_not_judge_main_again) {
  World w;
  const Oid b1 = w.work(w.root, &w.bob, "bob-on-main");
  w.repo.set_ref("refs/heads/main", b1);
  // rita's release branch starts at main, whose commits she did not sign.
  const Oid r1 = w.work(b1, &w.rita, "r1");
  EXPECT_ACCEPTED(w.push("refs/heads/release/1.0", kZero, r1));
  // ...and in the same push as main's own update.
  const Oid b2 = w.work(b1, &w.bob, "bob-2");
  const Oid r2 = w.work(b2, &w.rita, "r2");
  EXPECT_ACCEPTED(w.push({{b1, b2, "refs/heads/main"}, {kZero, r2, "refs/heads/release/2.0"}}));
}

BOOST_AUTO_TEST_CASE(item10_records_of_a_stricter_rule_vouch_and_looser_ones_do_not) {
  World w;
  const Oid r1 = w.work(w.root, &w.rita, "r1");
  // Recorded under release's rule (rita only): not as strict as main's? main admits alice, bob:
  // rita is not among them, so the record does not vouch and main judges r1.
  const Decision d = w.push("refs/heads/release/1", kZero, r1);
  EXPECT_ACCEPTED(d);
  w.apply("refs/heads/release/1", r1, d);
  EXPECT_REFUSED(w.push("refs/heads/main", w.root, r1), Reason::kUnknownSigner, r1);
  // A record made under a rule whose signers main also has vouches: nothing left to judge.
  const Oid b1 = w.work(w.root, &w.bob, "b1");
  policy::Rule strict;
  strict.signers.keys.push_back({"bob", w.bob.key.public_key(), "", {}, {}, {}});
  w.records.tips.push_back({"refs/heads/hotfix", b1, policy::Strictness::of(strict).encode(), 1});
  const Decision ff = w.push("refs/heads/main", w.root, b1);
  EXPECT_ACCEPTED(ff);
  BOOST_TEST(ff.refs[0].objects.empty());
}

// --- 11. lockouts --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(item11_head_naming_a_missing_branch_fails_closed) {
  for (const bool bootstrap_allow : {false, true}) {
    World w;
    w.settings.bootstrap_allow = bootstrap_allow;
    w.repo.set_head("refs/heads/nope");
    const Oid c = w.work(w.root, &w.alice, "c");
    const Decision d = w.push("refs/heads/main", w.root, c);
    BOOST_TEST((d.outcome == Outcome::kUndecided));
    BOOST_TEST(has_violation(d, Reason::kDefaultBranchMissing));
    // Creating the branch HEAD names while other branches exist is no bootstrap: HEAD is
    // misconfigured, and under bootstrap = allow anyone could plant a policy there.
    const Decision create = w.push("refs/heads/nope", kZero, c);
    BOOST_TEST((create.outcome == Outcome::kUndecided));
    BOOST_TEST(has_violation(create, Reason::kDefaultBranchMissing));
  }
  // A repository with only a tag (pushed first) bootstraps its default branch as usual.
  World w;
  w.settings.bootstrap_allow = true;
  w.repo.remove_ref("refs/heads/main");
  w.repo.set_ref("refs/tags/v0", w.root);
  EXPECT_ACCEPTED(w.push("refs/heads/main", kZero, w.root));
}

BOOST_AUTO_TEST_CASE(item11_policies_that_could_never_be_used_are_refused) {
  World w;
  const std::string no_governance =
      "version = 1\n[[policy.commit]]\nname = \"main\"\nrefs = [\"refs/heads/main\"]\nsigners = [\"" + w.alice.line() +
      "\"]\n";
  const std::string require_two =
      no_governance + "[governance]\nsigners = [\"" + w.alice.line() + "\", \"" + w.bob.line() + "\"]\nrequire = 2\n";
  Files next = w.files;
  next[".auths/policy.toml"] = no_governance;
  const Oid c = w.repo.commit(next, {w.root}, &w.alice, 1700010000, "policy\n");
  EXPECT_REFUSED(w.push("refs/heads/main", w.root, c), Reason::kPolicyUnsatisfiable, c);
  // [governance] require = 2 can be met (a signature and an approval record): it may be put in force.
  next[".auths/policy.toml"] = require_two;
  const Oid c2 = w.repo.commit(next, {w.root}, &w.alice, 1700010000, "policy\n");
  EXPECT_ACCEPTED(w.push("refs/heads/main", w.root, c2));
}

BOOST_AUTO_TEST_CASE(default_branch_cannot_be_deleted_and_bootstrap_rules) {
  World w;
  EXPECT_REFUSED(w.push("refs/heads/main", w.root, kZero), Reason::kDeleteDenied, std::nullopt);
  // No policy yet: deny by default, accept on trust with auths.bootstrap = allow (and record the
  // tip as baseline).
  FakeRepo& repo = w.repo;
  repo.remove_ref("refs/heads/main");
  const Oid first = repo.commit({{"README", "x"}}, {}, nullptr, 1700000000, "first\n");
  EXPECT_REFUSED(w.push("refs/heads/main", kZero, first), Reason::kNoPolicy, std::nullopt);
  w.settings.bootstrap_allow = true;
  const Decision d = w.push("refs/heads/main", kZero, first);
  EXPECT_ACCEPTED(d);
  BOOST_TEST(d.refs[0].baseline);
}

// --- signature checks the server keeps (state/store.h, "Signature checks") ----------------------

namespace {

/// `d`'s violations as code and message, for comparing two decisions.
std::vector<std::pair<Reason, std::string>> verdicts(const Decision& d) {
  std::vector<std::pair<Reason, std::string>> out;
  for (const auto& v : d.violations) out.emplace_back(v.code, v.message);
  return out;
}

state::GoodSignature good(const Oid& object, const TestKey& key) {
  return {object, key.key.public_key().fingerprint_digest()};
}

}  // namespace

BOOST_AUTO_TEST_CASE(signatures_verified_good_are_handed_over_and_then_taken_from_the_records) {
  World w;
  const Oid c1 = w.work(w.root, &w.bob, "one");
  const Oid c2 = w.work(c1, &w.alice, "two");
  const Oid u = w.work(c2, nullptr, "unsigned");
  std::vector<state::GoodSignature> handed;
  size_t calls = 0;
  w.settings.verified_signatures = [&handed, &calls](std::vector<state::GoodSignature> g) {
    handed = std::move(g);
    ++calls;
  };
  const Decision first = w.push("refs/heads/main", w.root, c2);
  EXPECT_ACCEPTED(first);
  BOOST_TEST(calls == 1u);
  BOOST_TEST(first.signatures_verified == 2u);
  BOOST_TEST(first.signatures_cached == 0u);
  std::sort(handed.begin(), handed.end());
  std::vector<state::GoodSignature> expected{good(c1, w.bob), good(c2, w.alice)};
  std::sort(expected.begin(), expected.end());
  BOOST_TEST((handed == expected));
  // What the server keeps once the push is accepted: the same objects are not verified again.
  w.records.signatures.insert(handed.begin(), handed.end());
  const size_t reads = w.records.signature_reads;
  const Decision again = w.push("refs/heads/main", w.root, u);
  BOOST_TEST(w.records.signature_reads == reads + 1);  // one read for the batch
  BOOST_TEST(again.signatures_cached == 2u);
  BOOST_TEST(again.signatures_verified == 0u);  // u is unsigned: nothing to verify
  BOOST_TEST(handed.empty());                   // nothing verified, nothing new to keep
  EXPECT_REFUSED(again, Reason::kUnsigned, u);
}

// The records are trusted, as accepted_objects are: an entry for an object whose signature does
// not verify makes it count as good. Only the hook writes them, and only good results.
BOOST_AUTO_TEST_CASE(a_signature_the_records_know_good_is_not_verified_again) {
  World w;
  std::string text = w.repo.commit_text(w.files, {w.root}, &w.bob, 1700050000, "work\n");
  text.replace(text.rfind("work\n"), 5, "w0rk\n");  // a flipped byte of the signed payload
  const Oid c = w.repo.add(ObjectType::kCommit, text);
  const Decision plain = w.push("refs/heads/main", w.root, c);
  EXPECT_REFUSED(plain, Reason::kBadSignature, c);
  BOOST_TEST(plain.signatures_verified == 1u);
  // An entry for another key, or another object, changes nothing.
  w.records.signatures = {good(c, w.alice), good(w.root, w.bob)};
  const Decision other = w.push("refs/heads/main", w.root, c);
  EXPECT_REFUSED(other, Reason::kBadSignature, c);
  BOOST_TEST(other.signatures_cached == 0u);
  // Entries kept under other rules of verification are not taken either.
  w.records.signatures = {good(c, w.bob)};
  w.records.signature_rules = engine::kSignatureRules + 1;
  EXPECT_REFUSED(w.push("refs/heads/main", w.root, c), Reason::kBadSignature, c);
  w.records.signature_rules = engine::kSignatureRules;
  const Decision cached = w.push("refs/heads/main", w.root, c);
  EXPECT_ACCEPTED(cached);
  BOOST_TEST(cached.signatures_cached == 1u);
  BOOST_TEST(cached.signatures_verified == 0u);
  BOOST_TEST(cached.refs[0].objects[0].key == w.bob.key.public_key().fingerprint());
}

// Only the cryptographic check comes from the records: whether the key may sign is asked every
// time, with the same answer as without them.
BOOST_AUTO_TEST_CASE(a_cached_signature_by_a_key_that_may_not_sign_is_refused_as_without_it) {
  World w;
  const Oid c = w.work(w.root, &w.bob, "bob");
  std::vector<state::GoodSignature> handed;
  w.settings.verified_signatures = [&handed](std::vector<state::GoodSignature> g) { handed = std::move(g); };
  EXPECT_ACCEPTED(w.push("refs/heads/main", w.root, c));
  BOOST_REQUIRE(handed.size() == 1u);
  // bob signs main, not feature/* (alice, carol) nor release/* (rita).
  for (const std::string ref : {"refs/heads/feature/b", "refs/heads/release/1"}) {
    w.records.signatures.clear();
    const Decision verified = w.push(ref, kZero, c);
    EXPECT_REFUSED(verified, Reason::kUnknownSigner, c);
    BOOST_TEST(verified.signatures_cached == 0u);
    w.records.signatures.insert(handed.begin(), handed.end());
    const Decision cached = w.push(ref, kZero, c);
    BOOST_TEST_INFO("pushed to " << ref);
    BOOST_TEST(cached.signatures_cached == 1u);
    BOOST_TEST(cached.signatures_verified == 0u);
    BOOST_TEST((cached.outcome == verified.outcome));
    BOOST_TEST((verdicts(cached) == verdicts(verified)));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace auths::test
