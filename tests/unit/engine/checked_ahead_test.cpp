// engine/checked_ahead.h: the signature checks done while the history is walked are the checks
// check_signature gives (good, by another key, unsigned, altered), each taken once; none are done
// with one thread or on a small push; and stop() ends the thread with work left.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>
#include <vector>

#include "engine/checked_ahead.h"
#include "engine/commit_index.h"
#include "git/trees.h"
#include "support/fake_repo.h"

namespace ae = auths::engine;
using auths::Oid;
using auths::test::FakeRepo;
using auths::test::TestKey;

BOOST_AUTO_TEST_SUITE(checked_ahead)

namespace {

/// `count` commits in a line, oldest first: signed by alice, every 7th by mallory, every 11th
/// unsigned, every 13th with its message changed after signing (the signature does not verify).
struct Line {
  FakeRepo repo;
  std::vector<Oid> commits;
  TestKey alice = TestKey::make("alice", 1);
  TestKey mallory = TestKey::make("mallory", 9);

  explicit Line(size_t count) {
    for (size_t i = 0; i < count; ++i) {
      const FakeRepo::Files files = {{"n", std::to_string(i) + "\n"}};
      std::vector<Oid> parents;
      if (!commits.empty()) parents.push_back(commits.back());
      const TestKey* signer = i % 11 == 0 ? nullptr : i % 7 == 0 ? &mallory : &alice;
      std::string text = repo.commit_text(files, parents, signer, 1700000000 + static_cast<int64_t>(i), "work\n");
      if (i % 13 == 0 && signer != nullptr) text += "altered\n";
      commits.push_back(repo.add(auths::git::ObjectType::kCommit, text));
    }
  }
};

/// Walks the whole line with `ahead` shown every commit read.
void walk(Line& line, ae::CheckedAhead& ahead) {
  ae::CommitIndex index(line.repo, 2);
  index.on_read([&ahead](const Oid& oid, const auths::git::CommitInfo& commit) { ahead.offer(oid, commit); });
  const auto listed = index.walk(line.commits.back(), {}, {});
  BOOST_REQUIRE(listed.has_value());
  BOOST_REQUIRE(listed->size() == line.commits.size());
}

/// Waits (at most 20 s) until `ahead` has done `count` checks.
void wait_for(const ae::CheckedAhead& ahead, size_t count) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (ahead.done() < count && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(checks_done_ahead_are_the_checks) {
  Line line(600);
  ae::CheckedAhead ahead(line.repo, 2);
  walk(line, ahead);
  // Every signed commit after the first kStartAfter offered, whether it waited with its bytes or
  // by id: 600 commits, 55 of them unsigned, 545 signed.
  const size_t expected = 545 - (ae::CheckedAhead::kStartAfter - 1);
  wait_for(ahead, expected);
  ahead.stop();
  BOOST_TEST(ahead.done() == expected);
  size_t taken = 0;
  size_t good = 0;
  size_t bad = 0;
  for (const Oid& c : line.commits) {
    auto check = ahead.take(c);
    if (!check) continue;
    ++taken;
    BOOST_TEST(!ahead.take(c).has_value());  // taken once
    const auto commit = auths::git::read_commit(line.repo, c);
    BOOST_REQUIRE(commit.has_value());
    BOOST_TEST(!commit->signature.empty());  // unsigned commits are not checked ahead
    const ae::SignatureCheck now = ae::check_signature(commit->payload, commit->signature);
    BOOST_TEST(static_cast<int>(check->status) == static_cast<int>(now.status), c.hex());
    BOOST_TEST(check->key.has_value() == now.key.has_value());
    if (check->key && now.key) BOOST_TEST((*check->key == *now.key), c.hex());
    BOOST_TEST(check->detail == now.detail);
    BOOST_TEST(!check->cached);
    good += check->status == ae::SignatureStatus::kGood ? 1 : 0;
    bad += check->status == ae::SignatureStatus::kBad ? 1 : 0;
  }
  BOOST_TEST(taken == expected);
  BOOST_TEST(good > 0u);
  BOOST_TEST(bad > 0u);  // the altered commits
}

BOOST_AUTO_TEST_CASE(nothing_is_done_ahead_on_one_thread_or_a_small_push) {
  Line line(300);
  ae::CheckedAhead one(line.repo, 1);
  walk(line, one);
  one.stop();
  BOOST_TEST(one.done() == 0u);

  Line small(ae::CheckedAhead::kStartAfter - 1);
  ae::CheckedAhead two(small.repo, 2);
  walk(small, two);
  two.stop();
  BOOST_TEST(two.done() == 0u);
  for (const Oid& c : small.commits) BOOST_TEST(!two.take(c).has_value());
}

BOOST_AUTO_TEST_CASE(stop_leaves_the_rest_to_the_judge) {
  Line line(3000);
  ae::CheckedAhead ahead(line.repo, 2);
  walk(line, ahead);
  ahead.stop();  // at once: most commits are still waiting, and are forgotten
  const size_t done = ahead.done();
  BOOST_TEST(done < 2500u);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  BOOST_TEST(ahead.done() == done);  // the thread is gone
}

BOOST_AUTO_TEST_SUITE_END()
