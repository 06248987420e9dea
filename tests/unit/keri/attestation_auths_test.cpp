// Attestations in the form the Auths tools write (keri/attestation.h): the signed projection
// against the research notes' byte-exact example, records made and signed by a third party
// (tests/data/keri/attestations/make.py, Python's cryptography) verifying, tampered ones not,
// the round trip through serialize/parse (what the server's record store does), the field set
// that tells the two forms apart, and what an Auths record means here.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "crypto/private_key.h"
#include "keri/attestation.h"
#include "keri/cesr.h"
#include "keri/kel.h"
#include "util/bytes.h"

BOOST_AUTO_TEST_SUITE(keri_attestation_auths)

namespace ac = auths::crypto;
namespace ak = auths::keri;
namespace au = auths::util;
using auths::Reason;
using Json = nlohmann::json;

namespace {

// make.py's records: device links (and an agent delegation), and a revocation.
const std::vector<std::string> kLinks = {"ed25519-link.json",           "p256-link.json",
                                         "p256-agent-payload.json",     "ed25519-workload-oidc.json",
                                         "p256-uncompressed-bare.json", "gen1-member.json"};
const std::string kRevocation = "revocation.json";

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(AUTHS_TEST_DATA_DIR) + "/keri/attestations/" + name, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in.good(), "cannot read " + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Json fixture(const std::string& name) { return Json::parse(read_fixture(name)); }

ak::Attestation parsed(const std::string& text) {
  auto a = ak::parse_attestation(text);
  BOOST_REQUIRE_MESSAGE(a.has_value(), (a ? "" : a.error().to_string()));
  return std::move(*a);
}

// The message parse_attestation refuses `doc` with ("" if it accepts it).
std::string refusal(const Json& doc) {
  const auto a = ak::parse_attestation(doc.dump());
  return a ? "" : a.error().message;
}

// The issuer's state as replaying a one-key inception leaves it (keys.json: make.py's issuers
// are made-up prefixes, see there).
ak::KeyState issuer_state(const std::string& did) {
  const Json keys = fixture("keys.json");
  const Json& entry = keys.at("issuers").at(did);
  const auto type = entry.at("curve") == "p256" ? ac::KeyType::kEcdsaP256 : ac::KeyType::kEd25519;
  const auto key = ac::public_key_from_raw(type, au::hex_decode(entry.at("key").get<std::string>()).value()).value();
  ak::KeyState s;
  s.prefix = did.substr(9);
  s.key_threshold = 1;
  s.keys = {ak::cesr::encode_verkey(key).value()};
  s.public_keys = {key};
  s.establishments.push_back(ak::Establishment{0, s.prefix, 1, s.keys, s.public_keys});
  return s;
}

// kOk when `a` verifies against its issuer's key (a revocation as a revocation), else the fault.
Reason fault_of(const ak::Attestation& a) {
  Reason fault = Reason::kOk;
  const ak::KeyState issuer = issuer_state(a.issuer);
  const bool revocation = a.is_revocation() && a.device_signature.empty();
  const auto ok = revocation ? ak::verify_revocation(a, issuer, &fault) : ak::verify_attestation(a, issuer, &fault);
  return ok ? Reason::kOk : fault;
}

// make.py's keys (seeded alike: Ed25519 from the seed byte; the P-256 ones are not needed).
ac::PrivateKey ed25519_key(uint8_t seed) {
  return ac::PrivateKey::from_raw(ac::KeyType::kEd25519, au::Bytes(32, seed)).value();
}

std::string other_issuer(const std::string& did) {
  const Json keys = fixture("keys.json");
  for (const auto& [other, key] : keys.at("issuers").items()) {
    if (other != did) return other;
  }
  return "";
}

// Each field the projection signs, changed (or, signed only when present, added).
std::vector<std::pair<std::string, Json>> signed_field_edits(const Json& j, bool revocation) {
  const auto stranger = ac::PrivateKey::from_raw(ac::KeyType::kEd25519, au::Bytes(32, 0x42)).value().public_key();
  const std::string stranger_hex = au::hex_encode(stranger.raw());
  std::vector<std::pair<std::string, Json>> edits = {
      {"version", 2},
      {"rid", j.at("rid").get<std::string>() + "x"},
      {"issuer", other_issuer(j.at("issuer").get<std::string>())},
      {"subject", stranger.to_did_key().value()},
      {"timestamp", "2026-06-19T14:18:35Z"},
      {"revoked_at", "2030-01-01T00:00:00Z"},
      {"note", "changed"},
  };
  if (revocation) return edits;
  const Json& key = j.at("device_public_key");
  edits.emplace_back("device_public_key",
                     key.is_string() ? Json(stranger_hex) : Json{{"curve", "ed25519"}, {"key", stranger_hex}});
  edits.emplace_back("payload", Json{{"x", 1}});
  edits.emplace_back("expires_at", "2030-01-01T00:00:00Z");
  edits.emplace_back("delegated_by", other_issuer(j.at("issuer").get<std::string>()));
  // Absent signer_type means Human, but writing it changes the signed bytes.
  edits.emplace_back("signer_type", !j.contains("signer_type")    ? "Human"
                                    : j["signer_type"] == "Agent" ? "Workload"
                                                                  : "Agent");
  edits.emplace_back("commit_sha", std::string(40, '0'));
  Json binding = j.value("oidc_binding", Json{{"issuer", "i"}, {"subject", "s"}, {"audience", "a"}, {"token_exp", 1}});
  if (j.contains("oidc_binding")) binding["token_exp"] = binding["token_exp"].get<int64_t>() + 1;
  edits.emplace_back("oidc_binding", binding);
  edits.emplace_back("role", "admin");
  edits.emplace_back("capabilities", Json{"sign_commit", "rotate_keys"});
  return edits;
}

std::string flip_hex_digit(std::string hex, size_t at) {
  hex[at] = hex[at] == '0' ? '1' : '0';
  return hex;
}

}  // namespace

// (a) The research notes' example (section 4.2), whose key, issuer and subject they elide:
// made whole with values that start and end as theirs (make.py, example_key), the projection is
// this exact line: keys sorted, always-present fields null, the key as plain hex.
BOOST_AUTO_TEST_CASE(projection_reproduces_the_example) {
  const std::string key_hex = "0331979370d6a24132a5aaccea7dd7317131dc748afe5c0ebbcd3800043c37088f";
  const std::string issuer = "did:keri:EB5c123456789ABCDEFGHJKLMNPQRSTUVWXYZabcuGgd";
  const std::string subject = "did:key:zDnaekzsSy78NotBfCoMn9qXLrGaxY9PtMRiryPVW634esbtz";
  const std::string expected =
      R"({"device_public_key":"0331979370d6a24132a5aaccea7dd7317131dc748afe5c0ebbcd3800043c37088f",)"
      R"("expires_at":null,"issuer":"did:keri:EB5c123456789ABCDEFGHJKLMNPQRSTUVWXYZabcuGgd",)"
      R"("note":"Linked by auths-sdk setup","payload":null,"revoked_at":null,"rid":".auths",)"
      R"("subject":"did:key:zDnaekzsSy78NotBfCoMn9qXLrGaxY9PtMRiryPVW634esbtz",)"
      R"("timestamp":"2026-06-19T14:18:34.160482Z","version":1})";
  // The notes' elisions: 03319793…088f, did:keri:EB5c…uGgd, did:key:zDna…sbtz.
  BOOST_TEST((key_hex.starts_with("03319793") && key_hex.ends_with("088f")));
  BOOST_TEST((issuer.starts_with("did:keri:EB5c") && issuer.ends_with("uGgd")));
  BOOST_TEST((subject.starts_with("did:key:zDna") && subject.ends_with("sbtz")));

  ak::Attestation a;
  a.form = ak::AttestationForm::kAuths;
  a.rid = ".auths";
  a.issuer = issuer;
  a.subject = subject;
  a.device_public_key = ac::public_key_from_raw(ac::KeyType::kEcdsaP256, au::hex_decode(key_hex).value()).value();
  a.timestamp = ak::parse_timestamp("2026-06-19T14:18:34.160482Z").value();
  a.note = "Linked by auths-sdk setup";
  BOOST_TEST(ak::signed_bytes(a).value() == expected);
  BOOST_TEST(a.device_public_key->to_did_key().value() == subject);

  // The same record as JSON, as Auths writes it.
  const ak::Attestation from_json = parsed(read_fixture("projection-example.json"));
  BOOST_TEST((from_json.form == ak::AttestationForm::kAuths));
  BOOST_TEST(ak::signed_bytes(from_json).value() == expected);

  // Present only when present: delegated_by, signer_type, commit_sha, oidc_binding, role,
  // capabilities (when not empty); the timestamp as written.
  a.signer_type = ak::SignerType::kAgent;
  a.delegated_by = issuer;
  a.auths.commit_sha = "abc";
  a.auths.oidc_binding = R"({"audience":"a","issuer":"i","subject":"s","token_exp":1})";
  a.auths.payload = R"({"k":[1,"é"]})";
  a.role = "member";
  a.capabilities = {"sign_commit"};
  a.expires_at = ak::parse_timestamp("2026-07-19T14:18:34.160Z").value();
  a.timestamp = ak::parse_timestamp("2026-06-19T14:18:34.123456789Z").value();
  a.auths.unsigned_commit_message = "not signed";
  BOOST_TEST(ak::signed_bytes(a).value() ==
             R"({"capabilities":["sign_commit"],"commit_sha":"abc","delegated_by":")" + issuer +
                 R"(","device_public_key":")" + key_hex + R"(","expires_at":"2026-07-19T14:18:34.160Z","issuer":")" +
                 issuer +
                 R"(","note":"Linked by auths-sdk setup",)"
                 R"("oidc_binding":{"audience":"a","issuer":"i","subject":"s","token_exp":1},)"
                 R"("payload":{"k":[1,"é"]},"revoked_at":null,"rid":".auths","role":"member",)"
                 R"("signer_type":"Agent","subject":")" +
                 subject + R"(","timestamp":"2026-06-19T14:18:34.123456789Z","version":1})");
}

// (b) Ed25519 and P-256 records of the current form (and Gen-1's), made by a third party,
// verify; what they say is read as Auths means it.
BOOST_AUTO_TEST_CASE(third_party_records_verify) {
  for (const auto& name : kLinks) {
    const ak::Attestation a = parsed(read_fixture(name));
    BOOST_TEST((a.form == ak::AttestationForm::kAuths), name);
    BOOST_TEST((fault_of(a) == Reason::kOk), name);
    BOOST_TEST(!a.is_membership(), name);
    BOOST_TEST(a.signer() == a.issuer, name);
  }
  const ak::Attestation revocation = parsed(read_fixture(kRevocation));
  BOOST_TEST(revocation.is_auths_revocation());
  BOOST_TEST((fault_of(revocation) == Reason::kOk));

  // Both curves, and both key encodings.
  const ak::Attestation ed = parsed(read_fixture("ed25519-link.json"));
  const ak::Attestation p256 = parsed(read_fixture("p256-link.json"));
  BOOST_TEST((ed.device_public_key->type() == ac::KeyType::kEd25519));
  BOOST_TEST((p256.device_public_key->type() == ac::KeyType::kEcdsaP256));
  BOOST_TEST((issuer_state(p256.issuer).public_keys[0].type() == ac::KeyType::kEcdsaP256));
  // signer_type absent: Human, and not signed.
  BOOST_TEST((p256.signer_type == ak::SignerType::kHuman));
  BOOST_TEST(!p256.auths.signer_type_written);
  BOOST_TEST(ak::signed_bytes(p256).value().find("signer_type") == std::string::npos);
  // Timestamps as written: micro-, milli-, nanoseconds, none.
  BOOST_TEST(p256.timestamp.text == "2026-06-19T14:18:34.160482Z");
  const ak::Attestation agent = parsed(read_fixture("p256-agent-payload.json"));
  BOOST_TEST(agent.timestamp.text == "2026-07-01T08:00:00.250Z");
  BOOST_TEST(agent.is_agent_delegation());
  BOOST_TEST(*agent.auths.payload ==
             R"({"limits":{"dry_run":false,"max_commits":3},"model":"büro-bot","parent":null,"ratio":0.5,)"
             R"("tags":["ci","nightly"]})");
  const ak::Attestation workload = parsed(read_fixture("ed25519-workload-oidc.json"));
  BOOST_TEST(workload.timestamp.nanos == 123456789u);
  BOOST_TEST((workload.signer_type == ak::SignerType::kWorkload));
  BOOST_TEST(*workload.auths.unsigned_author == "CI <ci@example.org>");
  const ak::Attestation bare = parsed(read_fixture("p256-uncompressed-bare.json"));
  BOOST_TEST(bare.timestamp.text.empty());
  BOOST_TEST(bare.auths.bare_device_key);
  BOOST_TEST(bare.auths.uncompressed_device_key.size() == 65u);
  // The uncompressed key is the same key as the compressed one of its did:key subject.
  BOOST_TEST((ac::parse_did_key(bare.subject).value() == *bare.device_public_key));
  BOOST_TEST(ak::check_validity(bare, 1782000000).has_value());
  // Gen-1: role and capabilities as written; still a device link, never one of our memberships.
  const ak::Attestation gen1 = parsed(read_fixture("gen1-member.json"));
  BOOST_TEST(*gen1.role == "member");
  BOOST_TEST((gen1.capabilities == std::vector<std::string>{"sign_commit", "sign_release"}));
  BOOST_TEST(gen1.auths.bare_device_key);

  // The revocation undoes every link of its subject from its issuer, not those of others.
  BOOST_TEST(ak::revokes(revocation, ed));
  BOOST_TEST(ak::revokes(revocation, workload));
  BOOST_TEST(!ak::revokes(revocation, p256));
  Reason fault = Reason::kOk;
  BOOST_TEST(!ak::check_validity(revocation, ak::parse_timestamp("2026-08-01T12:00:01Z")->unix_seconds, &fault));
  BOOST_TEST((fault == Reason::kAttestationRevoked));
}

// Our code signs an Auths record as the third party did: Ed25519 is deterministic, so the same
// keys give the same signatures (make.py seeds them alike); a revocation likewise.
BOOST_AUTO_TEST_CASE(we_sign_the_same_bytes) {
  const auto identity = ed25519_key(1);
  const auto device = ed25519_key(9);
  const ak::Attestation theirs = parsed(read_fixture("ed25519-link.json"));
  ak::Attestation ours = theirs;
  ours.identity_signature.clear();
  ours.device_signature.clear();
  BOOST_REQUIRE(ak::sign_as_identity(ours, identity).has_value());
  BOOST_REQUIRE(ak::sign_as_device(ours, device).has_value());
  BOOST_TEST(ours.identity_signature == theirs.identity_signature);
  BOOST_TEST(ours.device_signature == theirs.device_signature);

  auto revocation = ak::make_revocation(theirs, ak::parse_timestamp("2026-08-01T12:00:00.500Z").value(), "lost laptop");
  BOOST_REQUIRE(revocation.has_value());
  BOOST_TEST(revocation->is_auths_revocation());
  BOOST_TEST(!revocation->expires_at.has_value());
  BOOST_REQUIRE(ak::sign_as_identity(*revocation, identity).has_value());
  BOOST_TEST(revocation->identity_signature == parsed(read_fixture(kRevocation)).identity_signature);
  BOOST_TEST(!ak::sign_as_device(*revocation, device).has_value());
  const ak::Attestation stored = parsed(ak::serialize_attestation(*revocation).value());
  BOOST_TEST((fault_of(stored) == Reason::kOk));
}

// (c) Each signed field changed breaks both signatures; a signature byte flipped breaks it; an
// unsigned field changed does not.
BOOST_AUTO_TEST_CASE(tampered_records_do_not_verify) {
  for (const auto& name : kLinks) {
    const Json j = fixture(name);
    for (const auto& [field, value] : signed_field_edits(j, false)) {
      Json d = j;
      d[field] = value;
      const auto a = ak::parse_attestation(d.dump());
      BOOST_REQUIRE_MESSAGE(a.has_value(), name + ", " + field + ": " + (a ? "" : a.error().message));
      BOOST_TEST((fault_of(*a) == Reason::kAttestationBadIdentitySignature), name << " with " << field << " changed");
      BOOST_TEST(!ak::verify_device_signature(*a).has_value(), name << " with " << field << " changed");
    }
    for (const char* sig : {"identity_signature", "device_signature"}) {
      Json d = j;
      d[sig] = flip_hex_digit(j[sig].get<std::string>(), 17);
      const Reason expected = std::string(sig) == "identity_signature" ? Reason::kAttestationBadIdentitySignature
                                                                       : Reason::kAttestationBadDeviceSignature;
      BOOST_TEST((fault_of(parsed(d.dump())) == expected), name << ": " << sig << " flipped");
    }
    // Not signed: commit_message, author, environment_claim.
    Json d = j;
    d["commit_message"] = "something else";
    d["author"] = "Mallory <m@example.org>";
    d["environment_claim"] = {{"runner", "anything"}};
    BOOST_TEST((fault_of(parsed(d.dump())) == Reason::kOk), name << " with unsigned fields changed");
  }

  const Json rev = fixture(kRevocation);
  for (const auto& [field, value] : signed_field_edits(rev, true)) {
    Json d = rev;
    d[field] = value;
    BOOST_TEST((fault_of(parsed(d.dump())) == Reason::kAttestationBadIdentitySignature),
               "revocation with " << field << " changed");
  }
  Json d = rev;
  d["identity_signature"] = flip_hex_digit(rev["identity_signature"].get<std::string>(), 3);
  BOOST_TEST((fault_of(parsed(d.dump())) == Reason::kAttestationBadIdentitySignature));
  // A revocation's device key and payload are not signed, and nothing reads them.
  d = rev;
  d["device_public_key"]["key"] = au::hex_encode(ed25519_key(0x42).public_key().raw());
  d["payload"] = {{"why", "unsigned"}};
  const ak::Attestation moved = parsed(d.dump());
  BOOST_TEST((fault_of(moved) == Reason::kOk));
  BOOST_TEST(ak::revokes(moved, parsed(read_fixture("ed25519-link.json"))));
  // A device signature added: no longer a revocation's projection, so the identity's no longer holds.
  d = rev;
  d["device_signature"] = fixture("ed25519-link.json")["device_signature"];
  BOOST_TEST((fault_of(parsed(d.dump())) == Reason::kAttestationBadIdentitySignature));
}

// (d) serialize/parse (the server's record store) keeps every record, and its signatures.
BOOST_AUTO_TEST_CASE(round_trip_keeps_them_verifying) {
  std::vector<std::string> all = kLinks;
  all.push_back(kRevocation);
  for (const auto& name : all) {
    const ak::Attestation a = parsed(read_fixture(name));
    const std::string stored = ak::serialize_attestation(a).value();
    const ak::Attestation back = parsed(stored);
    BOOST_TEST((back.form == ak::AttestationForm::kAuths), name);
    BOOST_TEST((fault_of(back) == Reason::kOk), name);
    BOOST_TEST(ak::signed_bytes(back).value() == ak::signed_bytes(a).value(), name);
    BOOST_TEST(ak::serialize_attestation(back).value() == stored, name);
    // Written as Auths wrote it: the same fields and values.
    BOOST_TEST((Json::parse(stored) == fixture(name)), name);
  }
}

// (e) A field of neither form, or of both at once, is refused by name.
BOOST_AUTO_TEST_CASE(field_set_decides_the_form) {
  const Json link = fixture("ed25519-link.json");
  const auto with = [](Json j, const std::string& field, const Json& value) {
    j[field] = value;
    return j;
  };
  const auto without = [](Json j, const std::string& field) {
    j.erase(field);
    return j;
  };
  BOOST_TEST(refusal(with(link, "x", 1)) == "unknown field 'x'");
  BOOST_TEST(refusal(with(link, "teams", Json::array())).starts_with("field 'teams': a field of the auths-hooks form"));
  BOOST_TEST(refusal(with(link, "metadata", {{"type", "ai_agent"}})).starts_with("field 'metadata'"));
  BOOST_TEST(refusal(with(link, "delegated_by", nullptr)).starts_with("field 'delegated_by': null"));
  BOOST_TEST(refusal(with(link, "role", nullptr)).starts_with("field 'role': null"));
  BOOST_TEST(refusal(without(link, "device_signature")).starts_with("missing field 'device_signature'"));
  BOOST_TEST(refusal(with(link, "timestamp", "2026-06-19T14:18:34.000Z")).starts_with("field 'timestamp'"));
  BOOST_TEST(refusal(with(link, "timestamp", "2026-06-19T14:18:34.16Z")).starts_with("field 'timestamp'"));
  BOOST_TEST(refusal(with(link, "expires_at", "2027-06-19T14:18:34+00:00")).starts_with("field 'expires_at'"));
  BOOST_TEST(refusal(with(link, "issuer", link["subject"])).starts_with("field 'issuer'"));
  BOOST_TEST(refusal(with(link, "signer_type", "human")).starts_with("field 'signer_type'"));
  BOOST_TEST(refusal(with(link, "role", "owner")).starts_with("field 'role'"));
  BOOST_TEST(refusal(with(link, "version", 3)).starts_with("field 'version'"));
  BOOST_TEST(refusal(with(link, "payload", Json{{"n", uint64_t{1} << 60}})).starts_with("field 'payload'"));
  BOOST_TEST(refusal(with(link, "device_signature", std::string(64, 'a'))).starts_with("field 'device_signature'"));
  BOOST_TEST(refusal(with(link, "device_public_key", std::string(62, 'a'))).starts_with("field 'device_public_key'"));
  BOOST_TEST(refusal(with(link, "device_public_key", {{"curve", "p256"}, {"key", link["device_public_key"]["key"]}}))
                 .starts_with("field 'device_public_key'"));
  auto upper = link;
  std::string key = link["device_public_key"]["key"].get<std::string>();
  for (auto& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  upper["device_public_key"]["key"] = key;
  BOOST_TEST(refusal(upper).starts_with("field 'device_public_key'"));
  const Json oidc = fixture("ed25519-workload-oidc.json");
  auto binding = oidc["oidc_binding"];
  binding["extra"] = "x";
  BOOST_TEST(refusal(with(oidc, "oidc_binding", binding)).starts_with("field 'oidc_binding'"));
  BOOST_TEST(refusal(with(oidc, "oidc_binding", without(oidc["oidc_binding"], "token_exp")))
                 .starts_with("field 'oidc_binding'"));
  // A revocation cannot carry, unsigned, what a decision reads.
  BOOST_TEST(
      refusal(with(fixture(kRevocation), "expires_at", "2030-01-01T00:00:00Z")).starts_with("field 'expires_at'"));
  BOOST_TEST(refusal(with(fixture(kRevocation), "signer_type", "Agent")).starts_with("field 'signer_type'"));

  // One of our records with a field too many or too few is told what makes it neither.
  ak::Attestation ours;
  ours.rid = "6f1c2a4e-0000-4000-8000-000000000001";
  ours.issuer = link["issuer"].get<std::string>();
  ours.subject = link["subject"].get<std::string>();
  ours.device_public_key = ed25519_key(9).public_key();
  ours.capabilities = {"sign_commit"};
  ours.timestamp = ak::Timestamp::from_unix(1782000000);
  const Json our_json = Json::parse(ak::serialize_attestation(ours).value());
  BOOST_TEST((parsed(our_json.dump()).form == ak::AttestationForm::kAuthsHooks));
  const std::string extra = refusal(with(our_json, "payload", {{"x", 1}}));
  BOOST_TEST(extra.find("unknown field 'payload'") != std::string::npos, extra);
  const std::string mixed = refusal(with(with(our_json, "payload", {{"x", 1}}), "teams", Json::array()));
  BOOST_TEST(mixed.starts_with("field 'teams': a field of the auths-hooks form only"), mixed);
  BOOST_TEST(refusal(with(fixture("p256-agent-payload.json"), "repos", Json::array())).starts_with("field 'repos'"));
  const std::string missing = refusal(without(our_json, "note"));
  BOOST_TEST(missing.find("missing field 'note'") != std::string::npos, missing);
  // Our form never writes a bare device key.
  BOOST_TEST(!refusal(with(our_json, "device_public_key", link["device_public_key"]["key"])).empty());
}

BOOST_AUTO_TEST_SUITE_END()
