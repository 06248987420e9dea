// The witness's log: the SQLite store of the server (src/witness/log_store.h: first seen wins,
// the same request gets the same receipt, another tree is duplicity logged once, nothing lost
// across a reopen or under concurrent requests, a log of another witness refused) and the
// chain check of `auths witness verify-log` (witness/log.h: every kind of tampering).
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "keri/canonical_json.h"
#include "log_store.h"
#include "support/scoped.h"
#include "support/witness_fixture.h"
#include "witness/log.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(witness_log)
namespace {

namespace aw = witness;

const crypto::PrivateKey kWitness = seeded_key(21);
const crypto::PrivateKey kOtherWitness = seeded_key(22);
const crypto::PrivateKey kSigner = seeded_key(23);
const crypto::PrivateKey kOtherSigner = seeded_key(24);

aw::LogStore open_store(const TempDir& dir, const crypto::PrivateKey& key = kWitness) {
  auto store = aw::LogStore::open((dir.path() / "log.sqlite").string(), key.public_key());
  BOOST_REQUIRE_MESSAGE(store.has_value(), (store.has_value() ? std::string() : store.error().to_string()));
  return std::move(*store);
}

/// Every entry of the store through a LogVerifier; its error text ("" when it verifies).
std::string verify(const aw::LogStore& store, aw::LogVerifier* out = nullptr) {
  aw::LogVerifier verifier(did_of(kWitness));
  const std::vector<std::string> entries = store.entries(0, 1000000).value();
  for (const auto& entry : entries) {
    if (auto ok = verifier.add(entry); !ok) return ok.error().to_string();
  }
  if (out != nullptr) *out = verifier;
  return "";
}

/// A text whose JSON has `field` replaced, canonical again.
std::string edited(const std::string& entry, const std::string& field, const nlohmann::json& value) {
  nlohmann::json j = nlohmann::json::parse(entry);
  j[field] = value;
  return keri::canonicalize(j).value();
}

}  // namespace

BOOST_AUTO_TEST_CASE(first_seen_wins_and_duplicity_is_logged_once) {
  TempDir dir;
  auto store = open_store(dir);
  const auto first = signed_request(kSigner, claim(kSigner, 'a', {'b'}));
  auto r1 = store.record(first, kWitness, 1700000000);
  BOOST_REQUIRE(r1.has_value());
  BOOST_TEST((r1->kind == aw::Recorded::Kind::kReceipt));
  BOOST_TEST(r1->fresh);
  BOOST_TEST(r1->receipt.seq == 0u);
  BOOST_TEST(aw::verify_receipt_signature(r1->receipt).has_value());
  // The same request again, later: the same receipt (same time, same entry).
  auto again = store.record(first, kWitness, 1700000500);
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST(!again->fresh);
  BOOST_TEST(aw::receipt_json(again->receipt).value() == aw::receipt_json(r1->receipt).value());
  // Another tree on the same signer and parents: duplicity, logged with the signed request.
  auto conflict = store.record(signed_request(kSigner, claim(kSigner, 'c', {'b'})), kWitness, 1700000600);
  BOOST_REQUIRE(conflict.has_value());
  BOOST_TEST((conflict->kind == aw::Recorded::Kind::kDuplicity));
  BOOST_TEST(conflict->receipt.commit.tree == std::string(40, 'a'));
  BOOST_TEST(conflict->conflict_seq == 1u);
  auto repeated = store.record(signed_request(kSigner, claim(kSigner, 'c', {'b'})), kWitness, 1700000700);
  BOOST_REQUIRE(repeated.has_value());
  BOOST_TEST(repeated->conflict_seq == 1u);
  // Other parents, or another signer on the same parents: no conflict.
  BOOST_TEST((store.record(signed_request(kSigner, claim(kSigner, 'c', {'d'})), kWitness, 1700000800)->kind ==
              aw::Recorded::Kind::kReceipt));
  BOOST_TEST((store.record(signed_request(kOtherSigner, claim(kOtherSigner, 'c', {'b'})), kWitness, 1700000900)->kind ==
              aw::Recorded::Kind::kReceipt));
  BOOST_TEST(store.head()->first == 4u);
  aw::LogVerifier verifier(did_of(kWitness));
  BOOST_TEST(verify(store, &verifier) == "");
  BOOST_TEST(verifier.receipts() == 3u);
  BOOST_TEST(verifier.duplicities() == 1u);
  BOOST_TEST(verifier.head() == store.head()->second);
}

BOOST_AUTO_TEST_CASE(survives_reopening_and_belongs_to_one_witness) {
  TempDir dir;
  std::string receipt;
  {
    auto store = open_store(dir);
    receipt =
        aw::receipt_json(store.record(signed_request(kSigner, claim(kSigner)), kWitness, 1700000000)->receipt).value();
  }
  auto store = open_store(dir);
  BOOST_TEST(store.head()->first == 1u);
  auto same = store.record(signed_request(kSigner, claim(kSigner)), kWitness, 1800000000);
  BOOST_TEST(aw::receipt_json(same->receipt).value() == receipt);
  BOOST_TEST((store.record(signed_request(kSigner, claim(kSigner, 'e')), kWitness, 1800000000)->kind ==
              aw::Recorded::Kind::kDuplicity));
  BOOST_TEST(verify(store) == "");
  auto foreign = aw::LogStore::open((dir.path() / "log.sqlite").string(), kOtherWitness.public_key());
  BOOST_REQUIRE(!foreign.has_value());
  BOOST_TEST(foreign.error().message.find("belongs to witness") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(concurrent_requests_lose_nothing) {
  TempDir dir;
  auto store = open_store(dir);
  constexpr int kThreads = 8;
  constexpr int kEach = 40;
  std::vector<std::vector<aw::Request>> requests(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      aw::CommitClaim c = claim(kSigner);
      char parent[41];
      std::snprintf(parent, sizeof parent, "%08x%032x", t, i);
      c.parents = {parent};
      requests[t].push_back(signed_request(kSigner, c));
    }
  }
  std::vector<std::vector<uint64_t>> seqs(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (const auto& request : requests[t]) {
          auto r = store.record(request, kWitness, 1700000000);
          seqs[t].push_back(r ? r->receipt.seq : UINT64_MAX);
        }
      });
    }
  }
  std::set<uint64_t> all;
  for (const auto& s : seqs) all.insert(s.begin(), s.end());
  BOOST_TEST(all.size() == static_cast<size_t>(kThreads * kEach));
  BOOST_TEST(*all.rbegin() == static_cast<uint64_t>(kThreads * kEach - 1));
  BOOST_TEST(store.head()->first == static_cast<uint64_t>(kThreads * kEach));
  BOOST_TEST(verify(store) == "");
}

BOOST_AUTO_TEST_CASE(the_verifier_catches_tampering) {
  TempDir dir;
  auto store = open_store(dir);
  for (char tree : {'a', 'b', 'c'}) {
    BOOST_REQUIRE(
        store.record(signed_request(kSigner, claim(kSigner, tree, {tree})), kWitness, 1700000000).has_value());
  }
  BOOST_REQUIRE(store.record(signed_request(kSigner, claim(kSigner, 'd', {'a'})), kWitness, 1700000000).has_value());
  const std::vector<std::string> entries = store.entries(0, 100).value();
  BOOST_REQUIRE(entries.size() == 4u);
  const auto check = [&](std::vector<std::string> log) {
    aw::LogVerifier verifier(did_of(kWitness));
    for (const auto& entry : log) {
      if (auto ok = verifier.add(entry); !ok) return ok.error().to_string();
    }
    return std::string();
  };
  BOOST_TEST(check(entries) == "");
  // An entry lost, two swapped, one repeated.
  BOOST_TEST(check({entries[0], entries[2], entries[3]}).find("entry 1") != std::string::npos);
  BOOST_TEST(check({entries[1], entries[0]}) != "");
  BOOST_TEST(check({entries[0], entries[0]}) != "");
  // An entry edited: its hash changes, so the next entry's prev no longer matches; a receipt
  // edited inside: its signature fails.
  auto edited_receipt = nlohmann::json::parse(entries[1]);
  edited_receipt["receipt"]["seen_at"] = 1600000000;
  BOOST_TEST(check({entries[0], keri::canonicalize(edited_receipt).value()}).find("signature") != std::string::npos);
  BOOST_TEST(check({entries[0], edited(entries[1], "prev", std::string(64, '0'))}).find("chain") != std::string::npos);
  // Not canonical.
  BOOST_TEST(check({nlohmann::json::parse(entries[0]).dump(1)}).find("RFC 8785") != std::string::npos);
  // Another witness's log.
  aw::LogVerifier other(did_of(kOtherWitness));
  BOOST_TEST(!other.add(entries[0]).has_value());
  // A witness that receipts two trees on the same parents (equivocation) is caught: a second
  // receipt entry for the same signer and parents, signed and chained correctly.
  aw::CommitClaim twin = claim(kSigner, 'e', {'a'});
  const aw::Receipt forged = receipt_by(kWitness, twin, 1700000000, 4);
  aw::LogVerifier verifier(did_of(kWitness));
  for (const auto& entry : entries) BOOST_REQUIRE(verifier.add(entry).has_value());
  auto fifth = aw::receipt_entry(4, verifier.head(), forged);
  BOOST_REQUIRE(fifth.has_value());
  auto caught = verifier.add(*fifth);
  BOOST_REQUIRE(!caught.has_value());
  BOOST_TEST(caught.error().message.find("equivocated") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(signed_head) {
  const std::string head = std::string(64, '7');
  const std::string signature = aw::sign_head(kWitness, 5, head).value();
  BOOST_TEST(aw::verify_head(did_of(kWitness), 5, head, signature).has_value());
  BOOST_TEST(!aw::verify_head(did_of(kWitness), 4, head, signature).has_value());
  BOOST_TEST(!aw::verify_head(did_of(kOtherWitness), 5, head, signature).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
