// Witness receipts (witness/receipt.h): the exact bytes, the trailer encoding and its folding,
// the witness's signature, every field tampered with, witnesses the policy does not list, one
// witness counted once, receipts of another commit, the time a quorum saw a commit, and the
// signed request.
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "git/objects.h"
#include "keri/canonical_json.h"
#include "support/witness_fixture.h"
#include "util/bytes.h"
#include "util/strings.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(witness_receipts)
namespace {

namespace aw = witness;

const crypto::PrivateKey kW1 = seeded_key(1);
const crypto::PrivateKey kW2 = seeded_key(2);
const crypto::PrivateKey kW3 = seeded_key(3);
const crypto::PrivateKey kOutsider = seeded_key(4);
const crypto::PrivateKey kSigner = seeded_key(9);
const crypto::PrivateKey kOtherSigner = seeded_key(10);

/// A receipt JSON with one field replaced (the signature kept).
std::string with_field(const aw::Receipt& r, const std::string& field, const nlohmann::json& value) {
  nlohmann::json j = nlohmann::json::parse(aw::receipt_json(r).value());
  j[field] = value;
  return j.dump();
}

std::string canonical(const std::string& json) { return keri::canonicalize(nlohmann::json::parse(json)).value(); }

std::string b64url(const std::string& text) {
  return util::base64_encode(util::to_bytes(text), util::Base64Alphabet::kUrl, false);
}

aw::Tally tally(const std::vector<std::string>& values, int threshold = 2) {
  return aw::tally_receipts(values, claim(kSigner), witness_set({&kW1, &kW2, &kW3}, threshold));
}

}  // namespace

BOOST_AUTO_TEST_CASE(exact_bytes) {
  aw::CommitClaim c = claim(kSigner, 'a', {'b', 'c'});
  c.identity = "did:keri:EBfdlu8R27Fbx-ehrqwImnK-8Cm79sqbAQ4MmvEAYqao";
  const aw::Receipt r = receipt_by(kW1, c, 1700000000, 7);
  // RFC 8785: members sorted, no white space; the signature over the same without it.
  const std::string unsigned_json = R"({"identity":"did:keri:EBfdlu8R27Fbx-ehrqwImnK-8Cm79sqbAQ4MmvEAYqao",)"
                                    R"("parents":[")" +
                                    std::string(40, 'b') + R"(",")" + std::string(40, 'c') +
                                    R"("],"seen_at":1700000000,"seq":7,"signer":")" +
                                    kSigner.public_key().to_ssh_line() + R"(","tree":")" + std::string(40, 'a') +
                                    R"(","version":1,"witness":")" + did_of(kW1) + R"("})";
  BOOST_TEST(aw::receipt_signed_bytes(r).value() == unsigned_json);
  const std::string signed_json = aw::receipt_json(r).value();
  BOOST_TEST(signed_json == unsigned_json.substr(0, unsigned_json.find(R"(,"signer")")) + R"(,"signature":")" +
                                r.signature + R"(")" + unsigned_json.substr(unsigned_json.find(R"(,"signer")")));
  // The signature is Ed25519 by the witness over the unsigned JSON.
  const auto signature = util::hex_decode(r.signature).value();
  BOOST_TEST(signature.size() == 64u);
  BOOST_TEST(signature == kW1.sign(util::to_bytes(unsigned_json)).value());
  // The trailer value is base64url without padding of the signed JSON.
  const std::string value = trailer_of(r);
  BOOST_TEST(value == b64url(signed_json));
  BOOST_TEST(value.find('=') == std::string::npos);
  // Without an identity there is no "identity" member.
  BOOST_TEST(aw::receipt_signed_bytes(receipt_by(kW1, claim(kSigner))).value().find("identity") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(round_trip_and_signature) {
  const aw::Receipt r = receipt_by(kW2, claim(kSigner, 'd', {'e', 'f'}), 1700000123, 42);
  auto back = aw::decode_trailer_value(trailer_of(r));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST((back->commit == r.commit));
  BOOST_TEST(back->witness == did_of(kW2));
  BOOST_TEST(back->seen_at == 1700000123);
  BOOST_TEST(back->seq == 42u);
  BOOST_TEST(back->signature == r.signature);
  BOOST_TEST(aw::verify_receipt_signature(*back).has_value());
  // A root commit has no parents; a merge several.
  BOOST_TEST(aw::decode_trailer_value(trailer_of(receipt_by(kW2, claim(kSigner, 'a', {})))).has_value());
}

BOOST_AUTO_TEST_CASE(tampered_fields_do_not_verify) {
  const aw::Receipt r = receipt_by(kW1, claim(kSigner), 1700000000, 3);
  const std::vector<std::pair<std::string, nlohmann::json>> changes = {
      {"tree", std::string(40, '9')},
      {"parents", nlohmann::json::array({std::string(40, '8')})},
      {"parents", nlohmann::json::array()},
      {"signer", kOtherSigner.public_key().to_ssh_line()},
      {"seen_at", 1600000000},
      {"seq", 4},
      {"identity", "did:keri:EBfdlu8R27Fbx-ehrqwImnK-8Cm79sqbAQ4MmvEAYqao"},
      {"witness", did_of(kW2)},  // claimed by another witness: its key did not sign it
  };
  for (const auto& [field, value] : changes) {
    BOOST_TEST_INFO(field << " = " << value.dump());
    auto parsed = aw::decode_trailer_value(b64url(canonical(with_field(r, field, value))));
    BOOST_REQUIRE(parsed.has_value());
    BOOST_TEST(!aw::verify_receipt_signature(*parsed).has_value());
    BOOST_TEST(tally({b64url(aw::receipt_json(*parsed).value())}).verified == 0);
  }
  // A changed signature.
  aw::Receipt forged = r;
  forged.signature[0] = forged.signature[0] == '0' ? '1' : '0';
  BOOST_TEST(!aw::verify_receipt_signature(forged).has_value());
  const aw::Tally t = tally({trailer_of(forged)});
  BOOST_TEST(t.verified == 0);
  BOOST_TEST((t.receipts.at(0).fault == aw::ReceiptFault::kBadSignature));
}

BOOST_AUTO_TEST_CASE(malformed_receipts) {
  const aw::Receipt r = receipt_by(kW1, claim(kSigner));
  const std::string json = aw::receipt_json(r).value();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"padded base64", b64url(json + " ") + "="},
      {"standard base64", util::base64_encode(util::to_bytes(json + "??"), util::Base64Alphabet::kStandard, false)},
      {"not canonical (white space)", b64url(nlohmann::json::parse(json).dump(1))},
      {"an unknown field", b64url(with_field(r, "note", "hi"))},
      {"version 2", b64url(with_field(r, "version", 2))},
      {"a short tree", b64url(with_field(r, "tree", "abc"))},
      {"an upper-case tree", b64url(with_field(r, "tree", std::string(40, 'A')))},
      {"a signer with a comment", b64url(with_field(r, "signer", kSigner.public_key().to_ssh_line("me@host")))},
      {"a P-256 witness",
       b64url(with_field(r, "witness", "did:key:zDnaes5Yec59HBFQuCvFRudBG3g8e4YCSc5JcdsJniQv6gLMz"))},
      {"a negative time", b64url(with_field(r, "seen_at", -1))},
      {"an empty identity", b64url(with_field(r, "identity", ""))},
      {"not JSON", b64url("receipt")},
      {"empty", ""},
  };
  for (const auto& [what, value] : cases) {
    BOOST_TEST_INFO(what);
    BOOST_TEST(!aw::decode_trailer_value(value).has_value());
    const aw::Tally t = tally({value});
    BOOST_TEST((t.receipts.at(0).fault == aw::ReceiptFault::kMalformed));
  }
}

BOOST_AUTO_TEST_CASE(folded_trailers_in_a_message) {
  const std::string value = trailer_of(receipt_by(kW1, claim(kSigner, 'a', {'b', 'c'})));
  const std::vector<std::string> lines = aw::folded_trailer(value);
  BOOST_TEST(lines.size() > 2u);
  BOOST_TEST(util::starts_with(lines.front(), "Auths-Witness-Receipt: "));
  std::string joined;
  for (size_t i = 0; i < lines.size(); ++i) {
    BOOST_TEST(lines[i].size() <= aw::kFoldWidth);
    if (i > 0) BOOST_TEST(util::starts_with(lines[i], " "));
    joined += i == 0 ? lines[i].substr(23) : lines[i].substr(1);
  }
  BOOST_TEST(joined == value);
  // In a commit message, as git keeps them: the engine's trailer parser joins the lines.
  std::string message = "subject\n\nbody\n\nSigned-off-by: A <a@example.org>\n";
  for (const auto& line : lines) message += line + "\n";
  message += "Auths-Witness-Receipt: " + trailer_of(receipt_by(kW2, claim(kSigner, 'a', {'b', 'c'}))) + "\n";
  const auto values = aw::receipt_values(message);
  BOOST_REQUIRE(values.size() == 2u);
  auto back = aw::decode_trailer_value(values[0]);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->witness == did_of(kW1));
  BOOST_TEST(aw::tally_receipts(values, claim(kSigner, 'a', {'b', 'c'}), witness_set({&kW1, &kW2}, 2)).met());
  // Folded with tabs or several spaces, as an editor may leave them: white space is dropped.
  std::string tabbed = "Auths-Witness-Receipt: " + value.substr(0, 10) + "\n\t  " + value.substr(10) + "\n";
  BOOST_TEST(aw::decode_trailer_value(aw::receipt_values("s\n\n" + tabbed).at(0)).has_value());
}

BOOST_AUTO_TEST_CASE(who_counts) {
  const aw::CommitClaim c = claim(kSigner);
  const std::string r1 = trailer_of(receipt_by(kW1, c, 1700000010));
  const std::string r2 = trailer_of(receipt_by(kW2, c, 1700000030));
  const std::string r3 = trailer_of(receipt_by(kW3, c, 1700000020));
  // Distinct listed witnesses count, each once.
  BOOST_TEST(tally({r1, r2, r3}).verified == 3);
  BOOST_TEST(tally({r1, r2}).met());
  const aw::Tally twice = tally({r1, r1, trailer_of(receipt_by(kW1, c, 1700000005, 9))});
  BOOST_TEST(twice.verified == 1);
  BOOST_TEST(!twice.met());
  BOOST_TEST((twice.receipts.at(1).fault == aw::ReceiptFault::kDuplicate));
  // A witness the policy does not list: not counted.
  const aw::Tally outsider = tally({r1, trailer_of(receipt_by(kOutsider, c))});
  BOOST_TEST(outsider.verified == 1);
  BOOST_TEST((outsider.receipts.at(1).fault == aw::ReceiptFault::kUnknownWitness));
  BOOST_TEST(outsider.not_counted().find(did_of(kOutsider)) != std::string::npos);
  // The time a quorum had seen it: the threshold-th earliest (a witness at its earliest).
  BOOST_TEST(tally({r1, r2, r3}, 2).quorum_at.value() == 1700000020);
  BOOST_TEST(tally({r1, r2, r3}, 3).quorum_at.value() == 1700000030);
  BOOST_TEST(tally({r1, r2, r3}, 1).quorum_at.value() == 1700000010);
  BOOST_TEST(tally({r2, trailer_of(receipt_by(kW2, c, 1700000001))}, 1).quorum_at.value() == 1700000001);
  BOOST_TEST(!tally({r1}, 2).quorum_at.has_value());
  // The identity a receipt names is a claim: not compared.
  aw::CommitClaim claimed = c;
  claimed.identity = "did:keri:EBfdlu8R27Fbx-ehrqwImnK-8Cm79sqbAQ4MmvEAYqao";
  BOOST_TEST(tally({trailer_of(receipt_by(kW1, claimed)), r2}).met());
}

BOOST_AUTO_TEST_CASE(receipts_of_another_commit) {
  const std::vector<std::pair<std::string, aw::CommitClaim>> others = {
      {"another tree", claim(kSigner, 'f', {'b'})},
      {"other parents", claim(kSigner, 'a', {'c'})},
      {"parents in another order", claim(kSigner, 'a', {'c', 'b'})},
      {"another signer", claim(kOtherSigner, 'a', {'b'})},
  };
  for (const auto& [what, other] : others) {
    BOOST_TEST_INFO(what);
    const aw::CommitClaim mine = what == "parents in another order" ? claim(kSigner, 'a', {'b', 'c'}) : claim(kSigner);
    const std::vector<std::string> values = {trailer_of(receipt_by(kW1, mine)), trailer_of(receipt_by(kW2, other))};
    const aw::Tally t = aw::tally_receipts(values, mine, witness_set({&kW1, &kW2, &kW3}, 1));
    BOOST_TEST(t.verified == 1);
    BOOST_REQUIRE(t.mismatch() != nullptr);
    BOOST_TEST(t.mismatch()->witness == did_of(kW2));
  }
}

BOOST_AUTO_TEST_CASE(requests_are_signed_by_the_signer) {
  const aw::CommitClaim c = claim(kSigner, 'a', {'b'});
  const aw::Request request = signed_request(kSigner, c);
  BOOST_TEST(aw::request_signed_bytes(c).value() == R"({"parents":[")" + std::string(40, 'b') + R"("],"signer":")" +
                                                        c.signer + R"(","tree":")" + std::string(40, 'a') + R"("})");
  BOOST_TEST(aw::verify_request(request).has_value());
  auto parsed = aw::parse_request(aw::request_json(request).value());
  BOOST_REQUIRE(parsed.has_value());
  BOOST_TEST(aw::verify_request(*parsed).has_value());
  // In someone else's name: signed by another key than the signer it names.
  aw::Request other = signed_request(kOtherSigner, c);
  BOOST_TEST(!aw::verify_request(other).has_value());
  // Another namespace (a git commit signature replayed), another tree.
  BOOST_TEST(!aw::verify_request(signed_request(kSigner, c, "git")).has_value());
  aw::Request moved = request;
  moved.commit.tree = std::string(40, 'c');
  BOOST_TEST(!aw::verify_request(moved).has_value());
  // Malformed bodies say why.
  for (const std::string& body : {std::string("{"), std::string("[]"), std::string(R"({"tree":"x"})"),
                                  std::string(R"({"tree":")") + std::string(40, 'a') +
                                      R"(","parents":[],"signer":"ssh-ed25519 AAAA","signature":"x"})"}) {
    BOOST_TEST_INFO(body);
    auto bad = aw::parse_request(body);
    BOOST_REQUIRE(!bad.has_value());
    BOOST_TEST(!bad.error().message.empty());
  }
  BOOST_TEST(!aw::parse_request(std::string(aw::kMaxRequestBytes + 1, ' ')).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
