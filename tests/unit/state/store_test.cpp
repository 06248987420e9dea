// The server's records: nothing is recorded as accepted unless git applied it (post-receive
// promotes what pre-receive left pending), a branch moving forward keeps one row, the baseline
// is recorded once.
#include <boost/test/unit_test.hpp>

#include "registry/registry.h"
#include "state/store.h"
#include "support/printers.h"
#include "support/scoped.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(state_store)
namespace {

Oid oid(char c) { return *Oid::from_hex(std::string(40, c)); }

}  // namespace

BOOST_AUTO_TEST_CASE(pending_rows_become_records_only_for_applied_updates) {
  TempDir dir;
  BOOST_TEST(!state::Store::open(dir.path().string(), false)->has_value());
  auto store = std::move(*state::Store::open(dir.path().string(), true).value());
  // Eight racing pushes to main, all accepted by pre-receive; git applies one.
  std::vector<state::PendingUpdate> pending;
  for (char c : std::string("12345678")) {
    pending.push_back(
        {"refs/heads/main", oid('a'), oid(c), "v1;require=1;contributions=known;keys=K;identities=", false, {oid(c)}});
  }
  BOOST_REQUIRE(store.add_pending(pending, 1000).has_value());
  BOOST_TEST(store.accepted_tips()->empty());
  BOOST_TEST(!store.accepted_at(oid('3'))->has_value());
  const auto promoted = store.promote({RefUpdate{oid('a'), oid('3'), "refs/heads/main"}}, 1010, nullptr);
  BOOST_REQUIRE(promoted.has_value());
  BOOST_TEST(*promoted == 1u);
  BOOST_TEST(store.accepted_tips()->size() == 1u);
  BOOST_TEST(store.accepted_tips()->front().tip == oid('3'));
  BOOST_TEST(store.accepted_at(oid('3'))->value() == 1010);
  BOOST_TEST(!store.accepted_at(oid('4'))->has_value());
  BOOST_TEST(store.last_tip("refs/heads/main")->value() == oid('3'));
  // An update git never applied (a lock failure) is never promoted, and expires.
  BOOST_REQUIRE(store.promote({RefUpdate{oid('a'), oid('9'), "refs/heads/main"}}, 1020, nullptr).value() == 0u);
  BOOST_TEST(store.status()->pending == 7u);
  BOOST_REQUIRE(store.promote({}, 1000 + 2 * 86400, nullptr).has_value());
  BOOST_TEST(store.status()->pending == 0u);
}

BOOST_AUTO_TEST_CASE(a_branch_moving_forward_keeps_one_row_and_the_baseline_is_kept) {
  TempDir dir;
  auto store = std::move(*state::Store::open(dir.path().string(), true).value());
  const std::string strict = "v1;require=1;contributions=known;keys=K;identities=";
  for (char c : std::string("123")) {
    BOOST_REQUIRE(store.add_pending({{"refs/heads/main", oid('0'), oid(c), strict, false, {}}}, 1).has_value());
    BOOST_REQUIRE(store
                      .promote({RefUpdate{oid('0'), oid(c), "refs/heads/main"}}, 2,
                               [](const Oid& older, const Oid& newer) { return older < newer; })
                      .has_value());
  }
  BOOST_TEST(store.accepted_tips()->size() == 1u);
  BOOST_TEST(store.record_baseline({{"refs/heads/main", oid('b')}}, 5, false).value());
  BOOST_TEST(!store.record_baseline({{"refs/heads/x", oid('c')}}, 6, false).value());
  BOOST_TEST(store.baseline()->size() == 1u);
  BOOST_TEST(store.record_baseline({{"refs/heads/x", oid('c')}}, 6, true).value());
  BOOST_TEST(store.baseline()->front() == oid('c'));
  // Pushes accepted while no policy was in force join the baseline.
  BOOST_REQUIRE(store.add_pending({{"refs/heads/y", Oid(), oid('d'), "", true, {}}}, 7).has_value());
  BOOST_REQUIRE(store.promote({RefUpdate{Oid(), oid('d'), "refs/heads/y"}}, 8, nullptr).has_value());
  BOOST_TEST(store.baseline()->size() == 2u);
  BOOST_TEST(store.last_tip("refs/heads/y")->value() == oid('d'));
  // Tags vouch for nothing, but their last tip is kept: re-creating a deleted tag elsewhere is
  // a rewrite.
  BOOST_REQUIRE(store.add_pending({{"refs/tags/v1", Oid(), oid('e'), "", false, {}}}, 9).has_value());
  BOOST_REQUIRE(store.promote({RefUpdate{Oid(), oid('e'), "refs/tags/v1"}}, 10, nullptr).has_value());
  BOOST_TEST(store.last_tip("refs/tags/v1")->value() == oid('e'));
  BOOST_TEST(store.accepted_tips()->size() == 1u);
}

// The registry as the hook last verified it: kept for one tip at a time, each lookup's records in
// rank order; a reader of a tip that another replaced fails rather than answering from nothing.
BOOST_AUTO_TEST_CASE(verified_registry_is_kept_for_one_tip) {
  TempDir dir;
  auto store = std::move(*state::Store::open(dir.path().string(), true).value());
  BOOST_TEST((store.verified_registry(oid('a')).value() == nullptr));
  using auths::registry::Lookup;
  const std::vector<auths::registry::IndexedRecord> records = {
      {1, "one", {{Lookup::kIdentity, "E1", 0}, {Lookup::kCurrentKey, std::string("k\0y", 3), 3}}},
      {2, "two", {{Lookup::kIdentity, "E2", 1}, {Lookup::kCurrentKey, std::string("k\0y", 3), 2}}},
  };
  BOOST_REQUIRE(store.remember_registry(oid('a'), records, 1000).has_value());
  auto kept = store.verified_registry(oid('a'));
  BOOST_REQUIRE(kept.has_value());
  BOOST_REQUIRE((*kept != nullptr));
  BOOST_TEST((store.verified_registry(oid('b')).value() == nullptr));
  const auto by_key = (*kept)->find(Lookup::kCurrentKey, std::string("k\0y", 3));
  BOOST_REQUIRE(by_key.has_value());
  BOOST_REQUIRE(by_key->size() == 2u);
  BOOST_TEST((by_key->at(0) == std::pair<uint64_t, std::string>{2, "two"}));
  BOOST_TEST((by_key->at(1) == std::pair<uint64_t, std::string>{1, "one"}));
  BOOST_TEST((*kept)->find(Lookup::kIdentity, "E1")->size() == 1u);
  BOOST_TEST((*kept)->find(Lookup::kIdentity, "E3")->empty());
  BOOST_TEST((*kept)->find(Lookup::kMembership, "E1")->empty());
  // Another tip replaces it: the old tip's reader fails from now on.
  BOOST_REQUIRE(store.remember_registry(oid('b'), {records.front()}, 1010).has_value());
  BOOST_TEST(!(*kept)->find(Lookup::kIdentity, "E1").has_value());
  BOOST_TEST((store.verified_registry(oid('a')).value() == nullptr));
  BOOST_TEST(store.verified_registry(oid('b')).value()->find(Lookup::kIdentity, "E1")->size() == 1u);
  BOOST_TEST(store.verified_registry(oid('b')).value()->find(Lookup::kIdentity, "E2")->empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace auths::test
