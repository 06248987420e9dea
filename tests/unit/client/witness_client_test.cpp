// The commit-msg hook's side of witness receipts (src/client/witness_client.h): witnesses asked
// in parallel and their answers checked, stale receipts replaced in the message, an amend told
// from git's command line, the settings of git config.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "auths/client/trailers.h"
#include "support/witness_fixture.h"
#include "witness_client.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(client_witness)
namespace {

namespace aw = witness;
using namespace std::chrono_literals;
using auths::client::WitnessAnswer;

const crypto::PrivateKey kW1 = seeded_key(41);
const crypto::PrivateKey kW2 = seeded_key(42);
const crypto::PrivateKey kOutsider = seeded_key(43);
const crypto::PrivateKey kSigner = seeded_key(44);

/// A fake witness per URL: "w1" and "w2" answer receipts (after `delay`), "slow" answers after
/// the caller's timeout, others answer what the URL names.
Result<std::pair<int, std::string>> fake_post(const std::string& url, const std::string& body,
                                              std::chrono::milliseconds timeout,
                                              std::chrono::milliseconds delay = 0ms) {
  // No Boost.Test assertions here: this runs on the askers' threads.
  auto request = aw::parse_request(body);
  if (!request || !aw::verify_request(*request)) return std::make_pair(400, std::string("{}"));
  std::this_thread::sleep_for(delay);
  const auto receipt = [&](const crypto::PrivateKey& key, const aw::CommitClaim& c) {
    auto made = aw::sign_receipt(aw::Receipt{c, "", 1700000000, 0, ""}, key);
    return std::make_pair(200, made ? aw::receipt_json(*made).value() : std::string());
  };
  if (url == "w1") return receipt(kW1, request->commit);
  if (url == "w2") return receipt(kW2, request->commit);
  if (url == "outsider") return receipt(kOutsider, request->commit);
  if (url == "other-tree") return receipt(kW1, claim(kSigner, 'f'));
  if (url == "duplicity") {
    return std::make_pair(409, std::string(R"({"error":"duplicity","tree":")") + request->commit.tree +
                                   R"(","first_tree":")" + std::string(40, '1') + R"("})");
  }
  if (url == "bad") return std::make_pair(400, std::string(R"({"error":"bad-request","reason":"tree: too short"})"));
  if (url == "garbage") return std::make_pair(200, std::string("<html>"));
  if (url == "slow") {
    std::this_thread::sleep_for(timeout);
    return Error::io("no answer within " + std::to_string(timeout.count()) + " ms");
  }
  return Error::io("cannot connect (down, or nothing listens there)");
}

std::vector<WitnessAnswer> ask(const std::vector<std::string>& urls, std::chrono::milliseconds timeout = 200ms,
                               std::chrono::milliseconds delay = 0ms) {
  return client::ask_witnesses(urls, signed_request(kSigner, claim(kSigner)), witness_set({&kW1, &kW2}, 2), timeout,
                               [delay](const std::string& url, const std::string& body, std::chrono::milliseconds t) {
                                 return fake_post(url, body, t, delay);
                               });
}

}  // namespace

BOOST_AUTO_TEST_CASE(answers_are_checked) {
  const auto answers = ask({"w1", "w2", "outsider", "other-tree", "duplicity", "bad", "garbage", "down"});
  BOOST_REQUIRE(answers.size() == 8u);
  BOOST_TEST(answers[0].receipt.has_value());
  BOOST_TEST(answers[0].receipt->witness == did_of(kW1));
  BOOST_TEST(answers[1].receipt.has_value());
  for (size_t i = 2; i < answers.size(); ++i) {
    BOOST_TEST_INFO(answers[i].url);
    BOOST_TEST(!answers[i].receipt.has_value());
    BOOST_TEST(!answers[i].error.empty());
  }
  BOOST_TEST(answers[2].error.find("not a witness") != std::string::npos);
  BOOST_TEST(answers[3].error.find("for tree") != std::string::npos);
  BOOST_TEST(answers[4].error.find("duplicity") != std::string::npos);
  BOOST_TEST(answers[4].error.find(std::string(40, '1')) != std::string::npos);
  BOOST_TEST(answers[5].error.find("HTTP 400: tree: too short") != std::string::npos);
  BOOST_TEST(answers[6].error.find("not a receipt") != std::string::npos);
  BOOST_TEST(answers[7].error.find("cannot connect") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(witnesses_are_asked_in_parallel) {
  // Four witnesses that take 300 ms each, and one that never answers in time: together well
  // under the sum, bounded by the slowest (the timeout).
  const auto start = std::chrono::steady_clock::now();
  const auto answers = ask({"w1", "w2", "w1", "w2", "slow"}, 400ms, 300ms);
  const auto took = std::chrono::steady_clock::now() - start;
  BOOST_TEST(answers[0].receipt.has_value());
  BOOST_TEST(!answers[4].receipt.has_value());
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(took).count() < 1200);
}

BOOST_AUTO_TEST_CASE(stale_receipts_are_replaced) {
  const std::vector<std::string> fresh = aw::folded_trailer(trailer_of(receipt_by(kW1, claim(kSigner))));
  const std::string stale = "Auths-Witness-Receipt: " + trailer_of(receipt_by(kW2, claim(kSigner, 'e')));
  std::string expected = "subject\n\nbody\n\nSigned-off-by: A <a@example.org>\n";
  for (const auto& line : fresh) expected += line + "\n";
  // A stale one (with a continuation line of its own) goes; other trailers stay in their place.
  const std::string message =
      "subject\n\nbody\n\nSigned-off-by: A <a@example.org>\n" + stale.substr(0, 50) + "\n " + stale.substr(50) + "\n";
  BOOST_TEST(client::replace_trailers(message, "Auths-Witness-Receipt", fresh) == expected);
  // A message without trailers gets a new block; without receipts to add a block of only
  // receipts goes, with the blank line before it.
  BOOST_TEST(client::replace_trailers("subject\n", "Auths-Witness-Receipt", fresh) ==
             "subject\n\n" + expected.substr(expected.find("Auths-Witness")));
  BOOST_TEST(client::replace_trailers("subject\n\n" + stale + "\n", "auths-witness-receipt", {}) == "subject\n");
  BOOST_TEST(client::replace_trailers("subject\n", "Auths-Witness-Receipt", {}) == "subject\n");
  // Comments after the message stay after the trailers.
  BOOST_TEST(
      client::replace_trailers("subject\n\n# a comment\n", "Auths-Witness-Receipt", {"Auths-Witness-Receipt: x"}) ==
      "subject\n\nAuths-Witness-Receipt: x\n\n# a comment\n");
}

BOOST_AUTO_TEST_CASE(an_amend_is_told_from_gits_command_line) {
  using V = std::vector<std::string>;
  BOOST_TEST(client::amends(V{"git", "commit", "--amend"}));
  BOOST_TEST(client::amends(V{"git", "commit", "-q", "--amen", "--no-edit"}));
  BOOST_TEST(client::amends(V{"git", "-C", "/repo", "-c", "a=b", "commit", "-S", "--amend"}));
  BOOST_TEST(client::amends(V{"/usr/bin/git", "commit", "-am", "msg", "--amend"}));
  BOOST_TEST(!client::amends(V{"git", "commit", "-m", "--amend"}));  // the message is "--amend"
  BOOST_TEST(!client::amends(V{"git", "commit", "--amend", "--no-amend"}));
  BOOST_TEST(!client::amends(V{"git", "commit", "--", "--amend"}));  // a path
  BOOST_TEST(!client::amends(V{"git", "commit", "-q"}));
  BOOST_TEST(!client::amends(V{"git", "merge", "--amend"}));
  BOOST_TEST(!client::amends(V{"git", "commit", "--a"}));  // ambiguous: not taken for --amend
  BOOST_TEST(client::amends(V{"git", "commit", "--message=x", "--amend"}));
}

BOOST_AUTO_TEST_CASE(settings) {
  BOOST_TEST(client::split_urls(" http://a:1, http://b:2 http://c:3,,") ==
             (std::vector<std::string>{"http://a:1", "http://b:2", "http://c:3"}));
  BOOST_TEST(client::parse_timeout("3").value().count() == 3000);
  BOOST_TEST(client::parse_timeout("0.5").value().count() == 500);
  BOOST_TEST(client::parse_timeout("2s").value().count() == 2000);
  BOOST_TEST(client::parse_timeout("1500ms").value().count() == 1500);
  for (const char* bad : {"", "0", "-1", "x", "1.2.3", "601", "3 s"}) {
    BOOST_TEST_INFO(bad);
    BOOST_TEST(!client::parse_timeout(bad).has_value());
  }
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
