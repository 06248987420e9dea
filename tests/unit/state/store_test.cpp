// The server's records: nothing is recorded as accepted unless git applied it (post-receive
// promotes what pre-receive left pending), a branch moving forward keeps one row, the baseline
// is recorded once.
#include <sqlite3.h>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>

#include "registry/registry.h"
#include "state/store.h"
#include "support/printers.h"
#include "support/scoped.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(state_store)
namespace {

Oid oid(char c) { return *Oid::from_hex(std::string(40, c)); }

/// `count` distinct object ids (their first four bytes count up).
std::vector<Oid> numbered_objects(uint32_t count) {
  std::vector<Oid> out;
  for (uint32_t i = 0; i < count; ++i) {
    std::array<uint8_t, Oid::kSize> bytes{};
    for (size_t j = 0; j < 4; ++j) bytes[j] = static_cast<uint8_t>(i >> (8 * j));
    out.emplace_back(bytes);
  }
  return out;
}

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

// Signature checks (store.h): the pairs an accepted push verified good, read back for a batch of
// objects in one call, only under the rules they were verified by.
BOOST_AUTO_TEST_CASE(good_signatures_round_trip) {
  TempDir dir;
  auto store = std::move(*state::Store::open(dir.path().string(), true).value());
  const auto key = [](uint8_t b) {
    state::KeyDigest k{};
    k.fill(b);
    return k;
  };
  // More objects than one statement asks about (kIdsPerQuery = 2048).
  const std::vector<Oid> objects = numbered_objects(3000);
  std::vector<state::GoodSignature> good;
  for (const Oid& o : objects) good.push_back({o, key(1)});
  good.push_back({objects[5], key(2)});  // one object signed (and verified) for two keys
  BOOST_REQUIRE(store.add_pending({{"refs/heads/main", oid('0'), oid('1'), "", false, {}}}, 1, good, 7).has_value());
  BOOST_TEST(store.status()->pending == 1u);  // the same transaction
  auto all = store.good_signatures(objects, 7);
  BOOST_REQUIRE(all.has_value());
  std::sort(good.begin(), good.end());
  BOOST_TEST((*all == good));
  const std::vector<Oid> some{objects[5], oid('9'), objects[2999]};
  const auto found = store.good_signatures(some, 7).value();
  BOOST_REQUIRE(found.size() == 3u);
  BOOST_TEST((found[0] == state::GoodSignature{objects[5], key(1)}));
  BOOST_TEST((found[1] == state::GoodSignature{objects[5], key(2)}));
  BOOST_TEST((found[2] == state::GoodSignature{objects[2999], key(1)}));
  BOOST_TEST(store.good_signatures(std::vector<Oid>{oid('9')}, 7)->empty());  // unknown object
  BOOST_TEST(store.good_signatures(some, 8)->empty());                        // other rules
  BOOST_TEST(store.good_signatures({}, 7)->empty());
  // Verified again under other rules: the entry is replaced, not doubled.
  BOOST_REQUIRE(store.add_pending({}, 2, std::vector<state::GoodSignature>{{objects[0], key(1)}}, 8).has_value());
  BOOST_TEST(store.good_signatures(std::vector<Oid>{objects[0]}, 7)->empty());
  BOOST_TEST(store.good_signatures(std::vector<Oid>{objects[0]}, 8)->size() == 1u);
}

// Every hook is a new connection, which reads the whole write-ahead log back: a commit that
// leaves it long (3,000 kept signatures, about a hundred pages) has it checkpointed and emptied
// (state/store.cpp, empty_long_log), its rows in the database; a short one is left alone.
BOOST_AUTO_TEST_CASE(a_long_log_is_emptied_after_the_commit) {
  TempDir dir;
  const auto log_size = [&dir] {
    std::error_code ec;
    const auto size = std::filesystem::file_size(state::Store::file_path(dir.path().string()) + "-wal", ec);
    return ec ? uintmax_t{0} : size;
  };
  const std::vector<Oid> objects = numbered_objects(3000);
  std::vector<state::GoodSignature> good;
  for (const Oid& o : objects) good.push_back({o, state::KeyDigest{}});
  {
    auto store = std::move(*state::Store::open(dir.path().string(), true).value());
    BOOST_REQUIRE(store.add_pending({{"refs/heads/main", oid('0'), oid('1'), "", false, {}}}, 1).has_value());
    BOOST_TEST(log_size() > 0u);  // one small commit: in the log
    BOOST_REQUIRE(store.add_pending({}, 2, good, 7).has_value());
    BOOST_TEST(log_size() == 0u);  // past 32 pages: checkpointed and emptied
  }
  auto reopened = std::move(*state::Store::open(dir.path().string(), false).value());
  BOOST_TEST(reopened.good_signatures(objects, 7)->size() == good.size());
  BOOST_TEST(reopened.status()->pending == 1u);
}

// A store written before the signature table existed gains it when opened, its records intact.
BOOST_AUTO_TEST_CASE(an_older_store_gains_the_signature_table) {
  TempDir dir;
  const std::string file = state::Store::file_path(dir.path().string());
  std::filesystem::create_directories(std::filesystem::path(file).parent_path());
  sqlite3* raw = nullptr;
  BOOST_REQUIRE(sqlite3_open(file.c_str(), &raw) == SQLITE_OK);
  // The schema as the version before it wrote it, with a pending update of an accepted push.
  const std::string old_schema =
      "CREATE TABLE baseline (ref TEXT NOT NULL, tip BLOB NOT NULL, recorded_at INTEGER NOT NULL,"
      " PRIMARY KEY (ref, tip)) WITHOUT ROWID;"
      "CREATE TABLE accepted_tips (id INTEGER PRIMARY KEY, ref TEXT NOT NULL, tip BLOB NOT NULL,"
      " strictness TEXT NOT NULL, accepted_at INTEGER NOT NULL);"
      "CREATE INDEX accepted_tips_by_ref ON accepted_tips (ref);"
      "CREATE TABLE accepted_objects (oid BLOB PRIMARY KEY, accepted_at INTEGER NOT NULL) WITHOUT ROWID;"
      "CREATE TABLE pending (ref TEXT NOT NULL, old BLOB NOT NULL, new BLOB NOT NULL,"
      " strictness TEXT NOT NULL, baseline INTEGER NOT NULL, objects BLOB NOT NULL, created_at INTEGER NOT NULL,"
      " PRIMARY KEY (ref, old, new)) WITHOUT ROWID;"
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
      "CREATE TABLE last_tips (ref TEXT PRIMARY KEY, tip BLOB NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;"
      "INSERT INTO pending VALUES ('refs/heads/main', x'" +
      oid('a').hex() + "', x'" + oid('b').hex() + "', 's', 0, x'" + oid('b').hex() + "', 100);";
  BOOST_REQUIRE(sqlite3_exec(raw, old_schema.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);

  auto opened = state::Store::open(dir.path().string(), false);
  BOOST_REQUIRE(opened.has_value());
  BOOST_REQUIRE(opened->has_value());
  state::Store& store = **opened;
  BOOST_TEST(store.good_signatures(std::vector<Oid>{oid('b')}, 1)->empty());
  BOOST_REQUIRE(store.promote({RefUpdate{oid('a'), oid('b'), "refs/heads/main"}}, 200, nullptr).value() == 1u);
  BOOST_TEST(store.accepted_at(oid('b'))->value() == 200);
  state::KeyDigest key{};
  key.fill(3);
  BOOST_REQUIRE(store.add_pending({}, 300, std::vector<state::GoodSignature>{{oid('b'), key}}, 1).has_value());
  BOOST_TEST(store.good_signatures(std::vector<Oid>{oid('b')}, 1)->size() == 1u);
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
