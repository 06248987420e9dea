// The server's limits (engine::Settings, from hooks.yaml) as engine::judge_push applies them over
// an in-memory repository (tests/support/fake_repo.h): the time budget (time-budget-exceeded,
// never an accept after the deadline), max_push_commits (push-too-large, counted across refs,
// each commit once, before anything is verified), trust_roots (trust-root-mismatch for the
// policy in force, a pushed one and the first one) and witness_keys (receipts of witnesses the
// server does not trust never count).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>

#include "engine/engine.h"
#include "engine/history.h"
#include "engine/judge.h"
#include "engine/parallel.h"
#include "support/fake_repo.h"
#include "support/registry_fixture.h"
#include "support/witness_fixture.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(engine_server_limits)
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const Oid kZero;

/// A did:keri of the right shape ('E' and 43 more characters), different per letter.
std::string did_keri(char letter) { return "did:keri:E" + std::string(43, letter); }

/// main (alice and bob sign; the policy), and a policy whose [governance] and org the test
/// chooses; every other branch is open (default = "allow").
struct World {
  FakeRepo repo;
  FakeRecords records;
  TestKey alice = TestKey::make("alice", 1);
  TestKey bob = TestKey::make("bob", 2);
  engine::Settings settings;
  FakeRepo::Files files;  // main's tree
  Oid root;               // main's first commit

  /// `governance`: the text of [governance]'s signers array (default: alice's key).
  explicit World(std::optional<std::string> governance = std::nullopt, const std::string& org = "",
                 bool with_main = true) {
    settings.now = 1700100000;
    files[".auths/policy.toml"] = policy(governance.value_or(quoted(alice.line())), org);
    files["README"] = "hello\n";
    repo.set_head("refs/heads/main");
    if (!with_main) return;
    root = repo.commit(files, {}, &alice, 1700000000);
    repo.set_ref("refs/heads/main", root);
  }

  static std::string quoted(const std::string& s) { return "\"" + s + "\""; }

  std::string policy(const std::string& governance, const std::string& org = "") const {
    return "version = 1\ndefault = \"allow\"\n" + (org.empty() ? std::string() : "org = " + quoted(org) + "\n") +
           "\n[[policy.commit]]\nname = \"main\"\nrefs = [\"refs/heads/main\", \"refs/heads/signed/*\"]\nsigners = [" +
           quoted(alice.line()) + ", " + quoted(bob.line()) + "]\n\n[governance]\nsigners = [" + governance + "]\n";
  }

  /// `count` commits on `parent`, each writing its number into a file named after `note` (small
  /// trees: a long chain stays cheap to build), signed by `signer`.
  Oid chain(Oid parent, size_t count, const TestKey* signer, const std::string& note) {
    FakeRepo::Files tree = files;
    for (size_t i = 0; i < count; ++i) {
      tree["log/" + note] = std::to_string(i) + "\n";
      parent = repo.commit(tree, {parent}, signer, 1700050000, note + "\n");
    }
    return parent;
  }

  /// A commit on `parent` (signed by alice) whose tree carries `policy_text` (and `more` files).
  Oid change_policy(const Oid& parent, const std::string& policy_text, const FakeRepo::Files& more = {}) {
    FakeRepo::Files tree = files;
    tree[".auths/policy.toml"] = policy_text;
    for (const auto& [path, content] : more) tree[path] = content;
    return repo.commit(tree, {parent}, &alice, 1700050000, "policy\n");
  }

  /// The engine's decision (judge_push fails only when the refs cannot be listed: never here).
  Decision push(const std::vector<RefUpdate>& updates) {
    return engine::judge_push(repo, records, settings, updates).value();
  }
  Decision push(const std::string& ref, const Oid& old_oid, const Oid& new_oid) {
    return push({{old_oid, new_oid, ref}});
  }
};

const Violation* find(const Decision& d, Reason code) {
  const auto it =
      std::find_if(d.violations.begin(), d.violations.end(), [code](const Violation& v) { return v.code == code; });
  return it == d.violations.end() ? nullptr : &*it;
}

std::string codes(const Decision& d) {
  std::string out;
  for (const auto& v : d.violations) out += std::string(name(v.code)) + " (" + v.message + "); ";
  return out.empty() ? "accepted" : out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Refused as a whole for `code`: the outcome `outcome`, every ref refused, one message.
void expect_push_refused(const Decision& d, Reason code, Outcome outcome) {
  BOOST_TEST(!d.accepted(), codes(d));
  BOOST_TEST(static_cast<int>(d.outcome) == static_cast<int>(outcome), codes(d));
  BOOST_TEST(find(d, code) != nullptr, codes(d));
  for (const RefReport& r : d.refs) {
    BOOST_TEST(!r.allowed, r.ref);
    BOOST_TEST((std::find(r.codes.begin(), r.codes.end(), code) != r.codes.end()), r.ref);
  }
}

}  // namespace

// --- time budget ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(time_budget_already_spent_accepts_nothing) {
  World w;
  const Oid good = w.chain(w.root, 3, &w.alice, "good");
  const Oid open = w.chain(w.root, 2, nullptr, "open");  // an open branch asks nothing
  const std::vector<RefUpdate> pushes[] = {
      {{w.root, good, "refs/heads/main"}},
      {{kZero, open, "refs/heads/topic"}},
      {{w.root, w.root, "refs/heads/main"}},  // a no-op
      {{kZero, open, "refs/heads/topic"}, {w.root, good, "refs/heads/main"}},
  };
  for (const auto& updates : pushes) {
    w.settings.deadline.reset();
    BOOST_TEST(w.push(updates).accepted(), "without a budget");
    w.settings.deadline = Clock::now() - milliseconds(1);
    const Decision d = w.push(updates);
    expect_push_refused(d, Reason::kTimeBudgetExceeded, Outcome::kUndecided);
    BOOST_TEST(exit_code(d.outcome) == 2);
    BOOST_TEST(d.violations.size() == 1u, codes(d));
    BOOST_TEST(contains(d.violations.front().message, "time budget"), codes(d));
  }
}

BOOST_AUTO_TEST_CASE(a_far_deadline_changes_no_decision) {
  World w;
  const Oid good = w.chain(w.root, 3, &w.alice, "good");
  const Oid unsigned_tip = w.chain(w.root, 1, nullptr, "bad");
  w.settings.deadline = Clock::now() + std::chrono::hours(1);
  BOOST_TEST(w.push("refs/heads/main", w.root, good).accepted());
  const Decision d = w.push("refs/heads/main", w.root, unsigned_tip);
  BOOST_TEST(static_cast<int>(d.outcome) == static_cast<int>(Outcome::kReject), codes(d));
  BOOST_TEST(find(d, Reason::kUnsigned) != nullptr, codes(d));
  BOOST_TEST(find(d, Reason::kTimeBudgetExceeded) == nullptr, codes(d));
}

BOOST_AUTO_TEST_CASE(a_large_push_with_a_short_budget_stops_promptly) {
  World w;
  const Oid tip = w.chain(w.root, 1500, &w.alice, "many");
  w.settings.threads = 4;
  // main: the review of policy changes and the mainline first; signed/x: mostly verification.
  for (const auto& [ref, old_oid] : {std::pair{"refs/heads/main", w.root}, std::pair{"refs/heads/signed/x", kZero}}) {
    // Unbounded: accepted (every commit verified). A third of the time that took makes a budget
    // that runs out midway.
    w.settings.deadline.reset();
    const auto unbounded = Clock::now();
    BOOST_TEST(w.push(ref, old_oid, tip).accepted(), ref);
    const auto budget =
        std::max(milliseconds(1), std::chrono::duration_cast<milliseconds>(Clock::now() - unbounded) / 3);
    const auto start = Clock::now();
    w.settings.deadline = start + budget;
    const Decision d = w.push(ref, old_oid, tip);
    const auto took = Clock::now() - start;
    BOOST_TEST(took < budget + std::chrono::seconds(2), ref);
    expect_push_refused(d, Reason::kTimeBudgetExceeded, Outcome::kUndecided);
    BOOST_TEST(d.violations.size() == 1u, codes(d));
    BOOST_TEST(contains(d.violations.front().message, "time budget"), codes(d));
    BOOST_TEST_MESSAGE(ref << ": " << d.violations.front().message);
  }
}

// More than two batches of objects (engine/judge.cpp reads and verifies 2,048 at a time, and with
// several threads prepares the next batch while it gives the verdicts of one): the report and
// the violations are the same, object for object and in the same order, on 1 and on 4 threads,
// with refused commits (unsigned, an unknown signer) in the first, a middle and the last batch.
BOOST_AUTO_TEST_CASE(verdicts_across_batches_do_not_depend_on_threads) {
  World w;
  const TestKey mallory = TestKey::make("mallory", 9);
  Oid tip = w.root;
  FakeRepo::Files tree = w.files;
  const std::set<size_t> unsigned_at = {5, 2050, 4100, 4999};
  const std::set<size_t> mallory_at = {7, 3000, 4998};
  for (size_t i = 0; i < 5000; ++i) {
    tree["log/many"] = std::to_string(i) + "\n";
    const TestKey* signer = unsigned_at.count(i) != 0 ? nullptr : mallory_at.count(i) != 0 ? &mallory : &w.alice;
    tip = w.repo.commit(tree, {tip}, signer, 1700050000, "many\n");
  }
  const auto run = [&w, &tip](unsigned threads) {
    w.settings.threads = threads;
    return w.push("refs/heads/signed/x", kZero, tip);
  };
  const Decision one = run(1);
  const Decision four = run(4);
  BOOST_TEST(static_cast<int>(one.outcome) == static_cast<int>(Outcome::kReject), codes(one));
  BOOST_TEST(one.violations.size() == unsigned_at.size() + mallory_at.size(), codes(one));
  BOOST_REQUIRE(one.refs.size() == 1u);
  BOOST_REQUIRE(four.refs.size() == 1u);
  const auto& a = one.refs[0].objects;
  const auto& b = four.refs[0].objects;
  BOOST_REQUIRE(a.size() == b.size());
  BOOST_TEST(a.size() == 5000u);
  for (size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST((a[i].oid == b[i].oid && a[i].code == b[i].code && a[i].signer == b[i].signer && a[i].key == b[i].key &&
                a[i].detail == b[i].detail),
               "object " << i);
  }
  BOOST_REQUIRE(one.violations.size() == four.violations.size());
  for (size_t i = 0; i < one.violations.size(); ++i) {
    BOOST_TEST(
        (one.violations[i].object == four.violations[i].object && one.violations[i].code == four.violations[i].code &&
         one.violations[i].message == four.violations[i].message),
        "violation " << i);
  }
  BOOST_TEST(four.signatures_verified == 5000u - unsigned_at.size());
}

BOOST_AUTO_TEST_CASE(verification_threads_stop_early) {
  std::atomic<size_t> done{0};
  const Status s = engine::parallel_for(
      100000, 4, [&done](size_t) { ++done; }, [&done] { return done >= 100; });
  BOOST_TEST(!s.has_value());
  BOOST_TEST(done.load() < 200u);
  // Without a stop, every item.
  done = 0;
  BOOST_TEST(engine::parallel_for(1000, 4, [&done](size_t) { ++done; }).has_value());
  BOOST_TEST(done.load() == 1000u);
}

BOOST_AUTO_TEST_CASE(history_walks_stop) {
  World w;
  const Oid tip = w.chain(w.root, 50, &w.alice, "walk");
  const Oid hidden[] = {w.root};
  size_t asked = 0;
  engine::CommitIndex stopped_index(w.repo, 1);
  const auto history = engine::new_history(stopped_index, tip, hidden, [&asked] { return ++asked > 10; });
  BOOST_TEST(!history.has_value());
  BOOST_TEST(asked < 20u);
  engine::CommitIndex index(w.repo, 1);
  const auto full = engine::new_history(index, tip, hidden, [] { return false; });
  BOOST_REQUIRE(full.has_value());
  BOOST_TEST(full->commits.size() == 50u);
}

BOOST_AUTO_TEST_CASE(registry_load_and_verification_stop) {
  FakeRepo repo;
  Identity alice = make_identity();
  const TestKey laptop = TestKey::make("laptop", 7);
  auto link = make_link(alice, laptop.key, alice.key, 1700000000);
  anchor(alice, link, alice.key);
  FakeRepo::Files records(alice.files.begin(), alice.files.end());
  records.insert(stored(link));
  const Oid tip = repo.commit(records, {}, nullptr);
  BOOST_REQUIRE(ar::load(repo, tip).has_value());
  size_t asked = 0;
  const git::Stop soon = [&asked] { return ++asked > 2; };
  const auto stopped = ar::load(repo, tip, soon);
  BOOST_REQUIRE(!stopped.has_value());
  BOOST_TEST((stopped.error().code == ErrorCode::kInternal));  // not a record's fault
  // An update stopped is no problem of the update: an Error, and nothing listed against it.
  std::vector<ar::Problem> problems;
  asked = 0;
  BOOST_TEST(!ar::verify_update(repo, std::nullopt, tip, problems, soon).has_value());
  BOOST_TEST(problems.empty());
  BOOST_TEST(ar::verify_update(repo, std::nullopt, tip, problems).has_value());
  BOOST_TEST(problems.empty());
}

// --- max_push_commits ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(push_size_at_below_and_above_the_limit) {
  World w;
  const Oid tip = w.chain(w.root, 3, &w.alice, "three");
  for (const size_t limit : {size_t{3}, size_t{4}, size_t{100}}) {
    w.settings.max_push_commits = limit;
    BOOST_TEST(w.push("refs/heads/main", w.root, tip).accepted(), "limit " << limit);
  }
  w.settings.max_push_commits = 2;
  const Decision d = w.push("refs/heads/main", w.root, tip);
  expect_push_refused(d, Reason::kPushTooLarge, Outcome::kReject);
  BOOST_TEST(contains(d.violations.front().message, "brings 3 new commits"), codes(d));
  BOOST_TEST(contains(d.violations.front().message, "at most 2"), codes(d));
  // Counted before anything is verified: unsigned commits over the limit are only too many.
  const Oid unsigned_tip = w.chain(w.root, 3, nullptr, "unsigned");
  const Decision u = w.push("refs/heads/main", w.root, unsigned_tip);
  BOOST_TEST(u.violations.size() == 1u, codes(u));
  BOOST_TEST(find(u, Reason::kPushTooLarge) != nullptr, codes(u));
  BOOST_TEST(u.refs.front().objects.empty());
}

BOOST_AUTO_TEST_CASE(push_size_counts_all_refs_and_each_commit_once) {
  World w;
  const Oid a = w.chain(w.root, 2, &w.alice, "a");  // 2 new commits
  const Oid b = w.chain(a, 1, &w.alice, "b");       // and 1 more on top of them
  const Oid c = w.chain(w.root, 2, &w.alice, "c");  // 2 others
  const std::vector<RefUpdate> shared = {{kZero, a, "refs/heads/topic/a"}, {kZero, b, "refs/heads/topic/b"}};
  w.settings.max_push_commits = 3;  // a's 2 commits are b's too: 3 in all, not 5
  BOOST_TEST(w.push(shared).accepted(), codes(w.push(shared)));
  w.settings.max_push_commits = 2;
  const Decision d = w.push(shared);
  expect_push_refused(d, Reason::kPushTooLarge, Outcome::kReject);
  BOOST_TEST(contains(d.violations.front().message, "brings 3 new commits"), codes(d));
  // Across refs: 2 + 2 on separate branches pass a limit of 3.
  w.settings.max_push_commits = 3;
  const Decision e = w.push({{kZero, a, "refs/heads/topic/a"}, {kZero, c, "refs/heads/topic/c"}});
  expect_push_refused(e, Reason::kPushTooLarge, Outcome::kReject);
  // Commits the server has (any of its refs) are not new: a branch at main's tip brings none.
  w.repo.set_ref("refs/heads/topic/a", a);
  w.settings.max_push_commits = 1;
  BOOST_TEST(w.push({{kZero, a, "refs/heads/topic/again"}, {kZero, w.root, "refs/heads/topic/root"}}).accepted());
  BOOST_TEST(w.push("refs/heads/topic/b", kZero, b).accepted());  // 1 new: b's own
  // Deletions bring nothing.
  BOOST_TEST(w.push("refs/heads/topic/a", a, kZero).accepted());
}

// --- trust roots --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(policy_in_force_governed_by_pinned_roots_only) {
  const std::string pinned = did_keri('P');
  const std::string other = did_keri('U');
  struct Case {
    const char* name;
    std::optional<std::string> governance;  // [governance] signers; nullopt: alice's key
    std::string org;
    std::vector<std::string> roots;
    std::string named;  // "" = accepted, else refused naming this
  };
  const std::vector<Case> cases = {
      {"no pinning: a key governs", std::nullopt, "", {}, ""},
      {"pinned identity", World::quoted(pinned), "", {pinned}, ""},
      {"pinned identity among several roots", World::quoted(pinned), "", {other, pinned}, ""},
      {"unpinned identity", World::quoted(other), "", {pinned}, other},
      {"one of two identities unpinned", World::quoted(pinned) + ", " + World::quoted(other), "", {pinned}, other},
      {"a key governs while roots are pinned", std::nullopt, "", {pinned}, "key alice"},
      {"pinned identity and org", World::quoted(pinned), did_keri('O'), {pinned, did_keri('O')}, ""},
      {"unpinned org", World::quoted(pinned), did_keri('O'), {pinned}, did_keri('O')},
  };
  for (const Case& c : cases) {
    World w(c.governance, c.org);
    w.settings.trust_roots = c.roots;
    const Oid work = w.chain(w.root, 1, &w.alice, "work");
    for (const char* ref : {"refs/heads/main", "refs/heads/feature"}) {
      const Decision d = w.push(ref, std::string(ref) == "refs/heads/main" ? w.root : kZero, work);
      if (c.named.empty()) {
        BOOST_TEST(d.accepted(), c.name << " " << ref << ": " << codes(d));
        continue;
      }
      BOOST_TEST(static_cast<int>(d.outcome) == static_cast<int>(Outcome::kReject), c.name << ": " << codes(d));
      const Violation* v = find(d, Reason::kTrustRootMismatch);
      BOOST_TEST_REQUIRE(v != nullptr, c.name << " " << ref << ": " << codes(d));
      BOOST_TEST(contains(v->message, c.named), c.name << ": " << v->message);
    }
  }
}

BOOST_AUTO_TEST_CASE(roots_file_and_allowed_signers_in_governance) {
  const std::string pinned = did_keri('P');
  const std::string other = did_keri('U');
  World w;
  w.settings.trust_roots = {pinned};
  // Through .auths/roots, every listed identity must be pinned.
  w.files[".auths/roots"] = pinned + "\n" + other + "\n";
  w.files[".auths/policy.toml"] = w.policy("\"roots\"");
  const Oid with_roots = w.repo.commit(w.files, {}, &w.alice, 1700000000);
  w.repo.set_ref("refs/heads/main", with_roots);
  Decision d = w.push("refs/heads/feature", kZero, w.chain(with_roots, 1, &w.alice, "x"));
  BOOST_TEST_REQUIRE(find(d, Reason::kTrustRootMismatch) != nullptr, codes(d));
  BOOST_TEST(contains(find(d, Reason::kTrustRootMismatch)->message, other));
  // An allowed_signers file in [governance] is a set of keys nobody pinned.
  w.files.erase(".auths/roots");
  w.files[".auths/allowed_signers"] = "alice " + w.alice.key.public_key().to_ssh_line() + "\n";
  w.files[".auths/policy.toml"] = w.policy(World::quoted(pinned)) + "allowed_signers = \".auths/allowed_signers\"\n";
  const Oid with_file = w.repo.commit(w.files, {}, &w.alice, 1700000000);
  w.repo.set_ref("refs/heads/main", with_file);
  d = w.push("refs/heads/feature", kZero, w.chain(with_file, 1, &w.alice, "y"));
  BOOST_TEST_REQUIRE(find(d, Reason::kTrustRootMismatch) != nullptr, codes(d));
  BOOST_TEST(contains(find(d, Reason::kTrustRootMismatch)->message, "allowed_signers"));
}

BOOST_AUTO_TEST_CASE(pushed_policy_must_keep_to_the_pinned_roots) {
  const std::string pinned = did_keri('P');
  const std::string other = did_keri('U');
  // In force: [governance] by alice's key, pinned after the fact: every push refused ...
  World w;
  w.settings.trust_roots = {pinned};
  const Oid work = w.chain(w.root, 1, &w.alice, "work");
  BOOST_TEST(find(w.push("refs/heads/feature", kZero, work), Reason::kTrustRootMismatch) != nullptr);
  BOOST_TEST(find(w.push("refs/heads/main", w.root, work), Reason::kTrustRootMismatch) != nullptr);
  // ... but the push that moves [governance] to the pinned root, signed by the [governance] in
  // force, is judged as usual and accepted.
  const Oid to_pinned = w.change_policy(w.root, w.policy(World::quoted(pinned)));
  const Decision fix = w.push("refs/heads/main", w.root, to_pinned);
  BOOST_TEST(fix.accepted(), codes(fix));
  // A change to an unpinned root is refused on the commit that would put it in force.
  const Oid to_other = w.change_policy(w.root, w.policy(World::quoted(other)));
  const Decision d = w.push("refs/heads/main", w.root, to_other);
  BOOST_TEST_REQUIRE(find(d, Reason::kTrustRootMismatch) != nullptr, codes(d));
  BOOST_TEST((find(d, Reason::kTrustRootMismatch)->object == std::optional<Oid>(to_other)));
  BOOST_TEST(contains(find(d, Reason::kTrustRootMismatch)->message, other));
  // So is the same change from a policy in force that keeps to the pin.
  World pinned_world(World::quoted(pinned));
  pinned_world.settings.trust_roots = {pinned};
  const Oid away = pinned_world.change_policy(pinned_world.root, pinned_world.policy(World::quoted(other)));
  const Decision e = pinned_world.push("refs/heads/main", pinned_world.root, away);
  BOOST_TEST(find(e, Reason::kTrustRootMismatch) != nullptr, codes(e));
}

BOOST_AUTO_TEST_CASE(bootstrap_policy_must_keep_to_the_pinned_roots) {
  const std::string pinned = did_keri('P');
  const std::string other = did_keri('U');
  for (const auto& [governance, accepted] : std::vector<std::pair<std::string, bool>>{{pinned, true}, {other, false}}) {
    World w(World::quoted(governance), "", /*with_main=*/false);
    w.settings.bootstrap_allow = true;
    w.settings.trust_roots = {pinned};
    const Oid first = w.repo.commit(w.files, {}, &w.alice, 1700000000);
    const Decision d = w.push("refs/heads/main", kZero, first);
    BOOST_TEST(d.accepted() == accepted, governance << ": " << codes(d));
    if (!accepted) {
      BOOST_TEST_REQUIRE(find(d, Reason::kTrustRootMismatch) != nullptr, codes(d));
      BOOST_TEST(contains(find(d, Reason::kTrustRootMismatch)->message, other));
    }
  }
  // No policy yet: nothing to pin (accepted on trust, as auths.bootstrap = allow says).
  World w(std::nullopt, "", /*with_main=*/false);
  w.settings.bootstrap_allow = true;
  w.settings.trust_roots = {pinned};
  const Oid bare = w.repo.commit({{"README", "hello\n"}}, {}, &w.alice, 1700000000);
  BOOST_TEST(w.push("refs/heads/main", kZero, bare).accepted());
}

// --- witness_keys -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(only_witnesses_the_server_trusts_count) {
  const crypto::PrivateKey w1 = seeded_key(31);
  const crypto::PrivateKey w2 = seeded_key(32);
  const crypto::PrivateKey w3 = seeded_key(33);
  World w;
  w.files[".auths/policy.toml"] = "version = 1\ndefault = \"allow\"\n\n[witness]\nkeys = [\"" + did_of(w1) + "\", \"" +
                                  did_of(w2) + "\", \"" + did_of(w3) +
                                  "\"]\nthreshold = 2\n\n[[policy.ci]]\nname = \"ci\"\nrefs = [\"refs/heads/ci/*\"]\n"
                                  "signers = [\"" +
                                  w.alice.line() + "\"]\nrequire_log = \"witness\"\n\n[governance]\nsigners = [\"" +
                                  w.alice.line() + "\"]\n";
  const Oid root = w.repo.commit(w.files, {}, &w.alice, 1700000000);
  w.repo.set_ref("refs/heads/main", root);
  w.records.baseline_refs.emplace_back("refs/heads/main", root);  // no rule of main vouches for it otherwise
  // alice's commit with receipts by w1 and w2 (the threshold).
  FakeRepo::Files tree = w.files;
  tree["log/ci"] = "ci\n";
  const witness::CommitClaim claim{w.repo.tree(tree).hex(), {root.hex()}, w.alice.key.public_key().to_ssh_line(), ""};
  std::string message = "ci\n\n";
  for (const auto* key : {&w1, &w2}) message += "Auths-Witness-Receipt: " + trailer_of(receipt_by(*key, claim)) + "\n";
  const Oid c = w.repo.commit(tree, {root}, &w.alice, 1700050000, message);
  struct Case {
    const char* name;
    std::optional<std::vector<std::string>> trusted;
    bool accepted;
  };
  const std::vector<Case> cases = {
      {"no list: the policy's witnesses", std::nullopt, true},
      {"both receipts' witnesses trusted", std::vector<std::string>{did_of(w1), did_of(w2)}, true},
      {"all three trusted", std::vector<std::string>{did_of(w3), did_of(w2), did_of(w1)}, true},
      {"w2 not trusted: one receipt counts", std::vector<std::string>{did_of(w1), did_of(w3)}, false},
      {"none trusted", std::vector<std::string>{}, false},
  };
  for (const Case& k : cases) {
    w.settings.witness_keys = k.trusted;
    const Decision d = w.push("refs/heads/ci/x", kZero, c);
    BOOST_TEST(d.accepted() == k.accepted, k.name << ": " << codes(d));
    if (!k.accepted) BOOST_TEST(find(d, Reason::kWitnessQuorumNotMet) != nullptr, k.name << ": " << codes(d));
  }
  // A pushed policy whose default branch needs receipts of witnesses this server does not
  // trust could never be changed again here: refused as unsatisfiable.
  const std::string witnessed_main =
      "version = 1\ndefault = \"allow\"\n\n[witness]\nkeys = [\"" + did_of(w1) + "\", \"" + did_of(w2) +
      "\"]\nthreshold = 2\n\n[[policy.commit]]\nname = \"main\"\nrefs = "
      "[\"refs/heads/main\"]\nsigners = [\"" +
      w.alice.line() + "\"]\nrequire_log = \"witness\"\n\n[governance]\nsigners = [\"" + w.alice.line() + "\"]\n";
  FakeRepo::Files next = w.files;
  next[".auths/policy.toml"] = witnessed_main;
  const Oid change = w.repo.commit(next, {root}, &w.alice, 1700050000, "witness main\n");
  w.settings.witness_keys.reset();
  BOOST_TEST(w.push("refs/heads/main", root, change).accepted(), codes(w.push("refs/heads/main", root, change)));
  w.settings.witness_keys = std::vector<std::string>{did_of(w1)};
  const Decision d = w.push("refs/heads/main", root, change);
  BOOST_TEST(find(d, Reason::kPolicyUnsatisfiable) != nullptr, codes(d));
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
