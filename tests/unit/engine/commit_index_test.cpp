// engine/commit_index.h: the walk that lists a push's new commits without reading the history
// behind the hidden tips, held to FakeRepo::walk (full reachability, tests/support/fake_repo.h)
// on random histories: the same set when commits are dated in order, never fewer commits when
// they are not (clock skew may only make it list an old commit as new), children before parents.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <set>
#include <unordered_map>

#include "engine/commit_index.h"
#include "git/trees.h"
#include "support/fake_repo.h"

namespace ae = auths::engine;
using auths::Oid;
using auths::test::FakeRepo;

BOOST_AUTO_TEST_SUITE(commit_index)

namespace {

struct History {
  FakeRepo repo;
  std::vector<Oid> commits;  // oldest first
};

/// `count` commits, each with one or two parents among the earlier ones (the first a root),
/// dated in order, or `skewed`: at random.
History random_history(std::mt19937& rng, int count, bool skewed) {
  History h;
  for (int i = 0; i < count; ++i) {
    std::vector<Oid> parents;
    if (i > 0) {
      std::uniform_int_distribution<int> pick(std::max(0, i - 6), i - 1);
      parents.push_back(h.commits[static_cast<size_t>(pick(rng))]);
      if (rng() % 3 == 0) {
        const Oid other = h.commits[static_cast<size_t>(std::uniform_int_distribution<int>(0, i - 1)(rng))];
        if (other != parents.front()) parents.push_back(other);
      }
    }
    const int64_t time = skewed ? 1700000000 + static_cast<int64_t>(rng() % 1000) : 1700000000 + i * 10;
    h.commits.push_back(h.repo.commit({{"f", std::to_string(i)}}, parents, nullptr, time));
  }
  return h;
}

/// Every commit of `walk` comes before each of its parents that is listed.
bool children_first(FakeRepo& repo, const std::vector<Oid>& walk) {
  std::unordered_map<Oid, size_t, auths::OidHash> at;
  for (size_t i = 0; i < walk.size(); ++i) at.emplace(walk[i], i);
  for (size_t i = 0; i < walk.size(); ++i) {
    const auto commit = auths::git::read_commit(repo, walk[i]).value();
    for (const Oid& p : commit.parents) {
      if (auto it = at.find(p); it != at.end() && it->second < i) return false;
    }
  }
  return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(same_commits_as_full_reachability) {
  std::mt19937 rng(13);
  for (int round = 0; round < 150; ++round) {
    const bool skewed = round % 3 == 2;
    History h = random_history(rng, 40, skewed);
    const Oid tip = h.commits[static_cast<size_t>(20 + rng() % 20)];
    std::vector<Oid> hidden;
    for (int k = static_cast<int>(rng() % 4); k > 0; --k) hidden.push_back(h.commits[rng() % 40]);
    const auto expected = h.repo.walk(tip, hidden, {}).value();
    ae::CommitIndex index(h.repo, 1);
    const auto walked = index.walk(tip, hidden, {});
    BOOST_REQUIRE(walked.has_value());
    const std::set<Oid> want(expected.begin(), expected.end());
    const std::set<Oid> got(walked->begin(), walked->end());
    BOOST_TEST(got.size() == walked->size(), "round " << round << ": a commit listed twice");
    if (skewed) {
      BOOST_TEST(std::includes(got.begin(), got.end(), want.begin(), want.end()), "round " << round);
    } else {
      BOOST_TEST((got == want), "round " << round << ": " << got.size() << " listed, " << want.size() << " new");
    }
    BOOST_TEST(children_first(h.repo, *walked), "round " << round);
    // Is a commit in the tip's history: as full reachability says, dates in order or not.
    const Oid other = h.commits[rng() % 40];
    BOOST_TEST((index.descends_from(tip, other, {}).value() == h.repo.is_ancestor(other, tip).value()),
               "round " << round);
    // Asked again: the same answer, from memory.
    BOOST_TEST((index.walk(tip, hidden, {}).value() == *walked));
  }
}

BOOST_AUTO_TEST_CASE(reads_little_behind_the_hidden_tips) {
  // 2,000 commits of history, one new commit on top: the walk looks at a handful.
  FakeRepo repo;
  Oid tip = repo.commit({{"f", "0"}}, {}, nullptr, 1700000000);
  for (int i = 1; i < 2000; ++i) tip = repo.commit({{"f", std::to_string(i)}}, {tip}, nullptr, 1700000000 + i);
  const Oid fresh = repo.commit({{"f", "new"}}, {tip}, nullptr, 1700000000 + 5000);
  size_t asked = 0;
  ae::CommitIndex index(repo, 1);
  const Oid hidden[] = {tip};
  const auto walked = index.walk(fresh, hidden, [&asked] { return ++asked > 1000000; });
  BOOST_REQUIRE(walked.has_value());
  BOOST_TEST(walked->size() == 1u);
  BOOST_TEST(walked->front() == fresh);
  BOOST_TEST(asked < 20u);  // one step per commit looked at: the new one, the tip, a few (slop)
}

BOOST_AUTO_TEST_CASE(malformed_and_missing_commits) {
  FakeRepo repo;
  const Oid root = repo.commit({{"f", "0"}}, {}, nullptr);
  const Oid bad = repo.add(auths::git::ObjectType::kCommit, "tree nonsense\nparent " + root.hex() + "\n\nbroken\n");
  const Oid tip = repo.commit({{"f", "1"}}, {bad}, nullptr);
  ae::CommitIndex index(repo, 1);
  const auto walked = index.walk(tip, {}, {});
  BOOST_REQUIRE(walked.has_value());
  // The malformed commit is listed (refused where it stands); its parents cannot be known.
  BOOST_TEST(walked->size() == 2u);
  BOOST_TEST(std::count(walked->begin(), walked->end(), bad) == 1);
  // A missing commit is an error, not an empty history.
  const Oid missing = Oid::from_hex("1111111111111111111111111111111111111111").value();
  BOOST_TEST(!index.walk(missing, {}, {}).has_value());
  // The tip among the hidden: nothing is new.
  const Oid hidden[] = {tip};
  BOOST_TEST(index.walk(tip, hidden, {}).value().empty());
}

BOOST_AUTO_TEST_CASE(stops_when_asked) {
  FakeRepo repo;
  Oid tip = repo.commit({{"f", "0"}}, {}, nullptr);
  for (int i = 1; i < 100; ++i) tip = repo.commit({{"f", std::to_string(i)}}, {tip}, nullptr, 1700000000 + i);
  ae::CommitIndex index(repo, 1);
  size_t asked = 0;
  BOOST_TEST(!index.walk(tip, {}, [&asked] { return ++asked > 10; }).has_value());
  // A stopped walk is not remembered: asked again without a stop, the whole history.
  BOOST_TEST(index.walk(tip, {}, {}).value().size() == 100u);
}

BOOST_AUTO_TEST_SUITE_END()
