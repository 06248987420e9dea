// Attestations: canonical signed bytes, both signatures (good, tampered, wrong key), expiry,
// revocation, rotation of the identity, strict parsing and RFC 3339 timestamps.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "crypto/private_key.h"
#include "keri/attestation.h"
#include "keri/cesr.h"
#include "keri/kel.h"
#include "util/bytes.h"

BOOST_AUTO_TEST_SUITE(keri_attestation)

namespace ac = auths::crypto;
namespace ak = auths::keri;
namespace au = auths::util;
using auths::Reason;

namespace {

constexpr int64_t kT0 = 1782000000;  // 2026-06-21T00:00:00Z
constexpr int64_t kDay = 86400;

ac::PrivateKey seeded(ac::KeyType type, uint8_t fill) {
  return ac::PrivateKey::from_raw(type, au::Bytes(32, fill)).value();
}
std::string qb64(const ac::PrivateKey& key) { return ak::cesr::encode_verkey(key.public_key()).value(); }

ak::SignedEvent sign(const ak::KeyEvent& event, const ac::PrivateKey& key) {
  return ak::SignedEvent{event, {ak::sign_event(event, key, 0).value()}};
}

// An identity (k0 now, k1 committed) and its KEL.
struct Identity {
  ac::PrivateKey k0;
  ac::PrivateKey k1;
  ac::PrivateKey k2;
  std::vector<ak::SignedEvent> kel;
  std::optional<ak::KeyState> state;

  explicit Identity(ac::KeyType type = ac::KeyType::kEd25519, uint8_t seed = 1)
      : k0(seeded(type, seed)), k1(seeded(type, seed + 1)), k2(seeded(type, seed + 2)) {
    add(sign(ak::make_inception({qb64(k0)}, 1, {ak::next_key_digest(qb64(k1))}, 1).value(), k0));
  }
  void add(const ak::SignedEvent& ev) {
    BOOST_REQUIRE(ak::apply_event(state, ev).has_value());
    kel.push_back(ev);
  }
  void anchor(const std::string& digest, const ac::PrivateKey& current) {
    add(sign(ak::make_interaction(*state, {ak::Seal::of_digest(digest).value()}).value(), current));
  }
  void rotate() { add(sign(ak::make_rotation(*state, {qb64(k1)}, 1, {ak::next_key_digest(qb64(k2))}, 1).value(), k1)); }
};

ak::Attestation link(const Identity& id, const ac::PrivateKey& device, bool sign_it = true) {
  ak::Attestation a;
  a.rid = "6f1c2a4e-0000-4000-8000-000000000001";
  a.issuer = id.state->did();
  a.subject = device.public_key().to_did_key().value();
  a.device_public_key = device.public_key();
  a.capabilities = {"sign_commit", "sign_release"};
  a.signer_type = ak::SignerType::kHuman;
  a.expires_at = ak::Timestamp::from_unix(kT0 + 30 * kDay);
  a.timestamp = ak::Timestamp::from_unix(kT0);
  a.note = "laptop";
  if (sign_it) {
    BOOST_REQUIRE(ak::sign_as_identity(a, id.k0).has_value());
    BOOST_REQUIRE(ak::sign_as_device(a, device).has_value());
  }
  return a;
}

Reason verify_fault(const ak::Attestation& a, const ak::KeyState& issuer) {
  Reason fault = Reason::kOk;
  BOOST_TEST(!ak::verify_attestation(a, issuer, &fault).has_value());
  return fault;
}

// Edits the stored JSON text of an attestation and parses it back.
ak::Attestation edit(const ak::Attestation& a, const std::string& field, const nlohmann::json& value) {
  auto j = nlohmann::json::parse(ak::serialize_attestation(a).value());
  j[field] = value;
  return ak::parse_attestation(j.dump()).value();
}

}  // namespace

// The signed bytes: RFC 8785 JSON of every field but the signatures, keys sorted.
BOOST_AUTO_TEST_CASE(canonical_signed_bytes) {
  const Identity id;
  const auto device = seeded(ac::KeyType::kEd25519, 9);
  const ak::Attestation a = link(id, device);
  const std::string key_hex = au::hex_encode(device.public_key().raw());
  const std::string expected = R"({"capabilities":["sign_commit","sign_release"],"delegated_by":null,)"
                               R"("device_public_key":{"curve":"ed25519","key":")" +
                               key_hex +
                               R"("},)"
                               R"("expires_at":"2026-07-21T00:00:00Z","issuer":")" +
                               id.state->did() +
                               R"(",)"
                               R"("note":"laptop","revoked_at":null,"rid":"6f1c2a4e-0000-4000-8000-000000000001",)"
                               R"("role":null,"signer_type":"Human","subject":")" +
                               a.subject +
                               R"(",)"
                               R"("timestamp":"2026-06-21T00:00:00Z","version":1})";
  BOOST_TEST(ak::signed_bytes(a).value() == expected);
  BOOST_TEST(a.subject.substr(0, 12) == "did:key:z6Mk");
  // Ed25519 is deterministic: the identity signature is the key's signature of those bytes.
  BOOST_TEST(a.identity_signature == id.k0.sign(au::to_bytes(expected)).value());
  BOOST_TEST(ak::attestation_digest(a).value() == ak::cesr::blake3_qb64(expected));

  // Stored form: every field present, in the documented order; parsing gives the same record.
  const std::string stored = ak::serialize_attestation(a).value();
  const auto back = ak::parse_attestation(stored);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(ak::serialize_attestation(*back).value() == stored);
  BOOST_TEST(ak::signed_bytes(*back).value() == expected);
  BOOST_TEST(stored.find("\"version\": 1") < stored.find("\"rid\""));
  BOOST_TEST(stored.find("\"note\"") < stored.find("\"identity_signature\""));
}

BOOST_AUTO_TEST_CASE(both_signatures_good) {
  for (const auto type : {ac::KeyType::kEd25519, ac::KeyType::kEcdsaP256}) {
    const Identity id(type);
    const auto device = seeded(type, 9);
    const auto a = ak::parse_attestation(ak::serialize_attestation(link(id, device)).value()).value();
    Reason fault = Reason::kAttestationMalformed;
    BOOST_TEST(ak::verify_attestation(a, *id.state, &fault).has_value());
    BOOST_TEST((fault == Reason::kOk));
    BOOST_TEST(ak::check_validity(a, kT0 + kDay).has_value());
  }
  // Mixed curves: P-256 identity, Ed25519 device.
  const Identity id(ac::KeyType::kEcdsaP256);
  BOOST_TEST(ak::verify_attestation(link(id, seeded(ac::KeyType::kEd25519, 9)), *id.state).has_value());
}

BOOST_AUTO_TEST_CASE(tampered_fields) {
  const Identity id;
  const auto a = link(id, seeded(ac::KeyType::kEd25519, 9));
  BOOST_TEST((verify_fault(edit(a, "capabilities", {"sign_commit", "sign_release", "manage_members"}), *id.state) ==
              Reason::kAttestationBadIdentitySignature));
  BOOST_TEST((verify_fault(edit(a, "expires_at", "2036-07-21T00:00:00Z"), *id.state) ==
              Reason::kAttestationBadIdentitySignature));
  BOOST_TEST((verify_fault(edit(a, "signer_type", "Agent"), *id.state) == Reason::kAttestationBadIdentitySignature));
  BOOST_TEST((verify_fault(edit(a, "delegated_by", a.issuer), *id.state) == Reason::kAttestationBadIdentitySignature));
  // The same instant written differently is a different record.
  BOOST_TEST((verify_fault(edit(a, "timestamp", "2026-06-21T00:00:00.000Z"), *id.state) ==
              Reason::kAttestationBadIdentitySignature));
  // Only the device signature tampered.
  ak::Attestation b = a;
  b.device_signature[5] ^= 1;
  BOOST_TEST((verify_fault(b, *id.state) == Reason::kAttestationBadDeviceSignature));
  b = a;
  b.identity_signature.clear();
  BOOST_TEST((verify_fault(b, *id.state) == Reason::kAttestationBadIdentitySignature));
  b = a;
  b.device_signature.clear();
  BOOST_TEST((verify_fault(b, *id.state) == Reason::kAttestationBadDeviceSignature));
}

BOOST_AUTO_TEST_CASE(wrong_keys) {
  const Identity id;
  const Identity other(ac::KeyType::kEd25519, 50);
  const auto device = seeded(ac::KeyType::kEd25519, 9);
  const auto stranger = seeded(ac::KeyType::kEd25519, 10);

  // Identity signature by some other identity's key.
  ak::Attestation a = link(id, device, false);
  BOOST_REQUIRE(ak::sign_as_identity(a, other.k0).has_value());
  BOOST_REQUIRE(ak::sign_as_device(a, device).has_value());
  BOOST_TEST((verify_fault(a, *id.state) == Reason::kAttestationBadIdentitySignature));
  // Checked against the wrong KEL.
  BOOST_TEST((verify_fault(link(id, device), *other.state) == Reason::kAttestationIssuerMismatch));
  // The identity's *next* key has not been rotated in yet.
  a = link(id, device, false);
  BOOST_REQUIRE(ak::sign_as_identity(a, id.k1).has_value());
  BOOST_REQUIRE(ak::sign_as_device(a, device).has_value());
  BOOST_TEST((verify_fault(a, *id.state) == Reason::kAttestationBadIdentitySignature));
  // Device signature by a key other than device_public_key.
  BOOST_TEST(!ak::sign_as_device(a, stranger).has_value());
  a = link(id, device);
  a.device_signature = stranger.sign(au::to_bytes(ak::signed_bytes(a).value())).value();
  BOOST_TEST((verify_fault(a, *id.state) == Reason::kAttestationBadDeviceSignature));
  // A did:key subject must name the device key.
  a = link(id, device, false);
  a.subject = stranger.public_key().to_did_key().value();
  BOOST_REQUIRE(ak::sign_as_identity(a, id.k0).has_value());
  BOOST_REQUIRE(ak::sign_as_device(a, device).has_value());
  BOOST_TEST((verify_fault(a, *id.state) == Reason::kAttestationSubjectKeyMismatch));
}

BOOST_AUTO_TEST_CASE(expiry) {
  const Identity id;
  const auto a = link(id, seeded(ac::KeyType::kEd25519, 9));
  const int64_t expiry = kT0 + 30 * kDay;
  Reason fault = Reason::kOk;
  BOOST_TEST(ak::check_validity(a, expiry).has_value());
  BOOST_TEST(!ak::check_validity(a, expiry + 1, &fault).has_value());
  BOOST_TEST((fault == Reason::kAttestationExpired));
  // The signatures stay valid; expiry is a separate check.
  BOOST_TEST(ak::verify_attestation(a, *id.state).has_value());
  // No expiry at all.
  ak::Attestation forever = link(id, seeded(ac::KeyType::kEd25519, 9), false);
  forever.expires_at.reset();
  BOOST_TEST(ak::check_validity(forever, expiry + 100 * 365 * kDay).has_value());
  // A record dated more than five minutes after the check time.
  BOOST_TEST(ak::check_validity(a, kT0 - 300).has_value());
  BOOST_TEST(!ak::check_validity(a, kT0 - 301, &fault).has_value());
  BOOST_TEST((fault == Reason::kAttestationFromTheFuture));
}

BOOST_AUTO_TEST_CASE(revocation) {
  const Identity id;
  const auto device = seeded(ac::KeyType::kEd25519, 9);
  const auto a = link(id, device);
  auto rev = ak::make_revocation(a, ak::Timestamp::from_unix(kT0 + 2 * kDay), "lost laptop").value();
  BOOST_REQUIRE(ak::sign_as_identity(rev, id.k0).has_value());
  const auto stored = ak::parse_attestation(ak::serialize_attestation(rev).value()).value();
  BOOST_TEST(stored.is_revocation());
  BOOST_TEST(ak::verify_revocation(stored, *id.state).has_value());
  BOOST_TEST(ak::revokes(stored, a));
  BOOST_TEST(!ak::revokes(a, a));
  Reason fault = Reason::kOk;
  BOOST_TEST(ak::check_validity(stored, kT0 + 2 * kDay - 1).has_value());
  BOOST_TEST(!ak::check_validity(stored, kT0 + 2 * kDay, &fault).has_value());
  BOOST_TEST((fault == Reason::kAttestationRevoked));

  // Only the identity can revoke: a revocation signed by the device key is refused.
  auto forged = ak::make_revocation(a, ak::Timestamp::from_unix(kT0 + kDay)).value();
  BOOST_REQUIRE(ak::sign_as_identity(forged, device).has_value());
  BOOST_TEST(!ak::verify_revocation(forged, *id.state, &fault).has_value());
  BOOST_TEST((fault == Reason::kAttestationBadIdentitySignature));
  // A revocation carries no device signature; a link is not a revocation.
  BOOST_TEST(!ak::verify_revocation(a, *id.state).has_value());
  auto with_device = rev;
  BOOST_REQUIRE(ak::sign_as_device(with_device, device).has_value());
  BOOST_TEST(!ak::verify_revocation(with_device, *id.state, &fault).has_value());
  BOOST_TEST((fault == Reason::kAttestationMalformed));
  // A revocation of another device does not revoke this one.
  const auto other_link = link(id, seeded(ac::KeyType::kEd25519, 11));
  BOOST_TEST(!ak::revokes(stored, other_link));
}

// After a rotation, a link signed by the old key holds only where the identity anchored it in
// its KEL while that key was current; the rotated-away key cannot sign new links.
BOOST_AUTO_TEST_CASE(identity_rotation) {
  Identity id;
  const auto device = seeded(ac::KeyType::kEd25519, 9);
  const auto anchored = link(id, device);
  ak::Attestation unanchored = link(id, seeded(ac::KeyType::kEd25519, 12));
  id.anchor(ak::attestation_digest(anchored).value(), id.k0);
  id.rotate();

  BOOST_TEST(ak::verify_attestation(anchored, *id.state).has_value());
  BOOST_TEST((verify_fault(unanchored, *id.state) == Reason::kAttestationBadIdentitySignature));

  // A new link signed by the old key, anchored after the rotation (by the new key): refused.
  ak::Attestation late = link(id, seeded(ac::KeyType::kEd25519, 13));
  id.anchor(ak::attestation_digest(late).value(), id.k1);
  BOOST_TEST((verify_fault(late, *id.state) == Reason::kAttestationBadIdentitySignature));
  // Signed by the new key: fine.
  ak::Attestation fresh = link(id, seeded(ac::KeyType::kEd25519, 13), false);
  BOOST_REQUIRE(ak::sign_as_identity(fresh, id.k1).has_value());
  BOOST_REQUIRE(ak::sign_as_device(fresh, seeded(ac::KeyType::kEd25519, 13)).has_value());
  BOOST_TEST(ak::verify_attestation(fresh, *id.state).has_value());
}

BOOST_AUTO_TEST_CASE(parse_is_strict) {
  const Identity id;
  const auto a = link(id, seeded(ac::KeyType::kEd25519, 9));
  const auto j = nlohmann::json::parse(ak::serialize_attestation(a).value());
  const auto rejects = [&](const nlohmann::json& doc) { return !ak::parse_attestation(doc.dump()).has_value(); };
  const auto with = [&](const std::string& field, const nlohmann::json& value) {
    auto d = j;
    d[field] = value;
    return d;
  };
  BOOST_TEST(!rejects(j));
  auto missing = j;
  missing.erase("note");
  BOOST_TEST(rejects(missing));
  BOOST_TEST(rejects(with("payload", nullptr)));
  BOOST_TEST(rejects(with("version", 2)));
  BOOST_TEST(rejects(with("version", "1")));
  BOOST_TEST(rejects(with("issuer", "did:key:" + a.subject.substr(8))));
  BOOST_TEST(rejects(with("issuer", "did:keri:Enot-a-prefix")));
  BOOST_TEST(rejects(with("subject", "someone")));
  BOOST_TEST(rejects(with("rid", "")));
  BOOST_TEST(rejects(with("capabilities", {"Sign_Commit"})));
  BOOST_TEST(rejects(with("capabilities", {"sign_commit", "sign_commit"})));
  BOOST_TEST(rejects(with("capabilities", "sign_commit")));
  BOOST_TEST(rejects(with("role", "owner")));
  BOOST_TEST(rejects(with("signer_type", "human")));
  BOOST_TEST(rejects(with("delegated_by", "bob")));
  BOOST_TEST(rejects(with("expires_at", "2026-07-21")));
  BOOST_TEST(rejects(with("timestamp", nullptr)));
  BOOST_TEST(rejects(with("identity_signature", "abcd")));
  BOOST_TEST(rejects(with("identity_signature", au::hex_encode(a.identity_signature).replace(0, 2, "AB"))));
  BOOST_TEST(rejects(with("device_public_key", au::hex_encode(a.device_public_key->raw()))));
  BOOST_TEST(rejects(with("device_public_key", {{"curve", "secp256k1"}, {"key", "00"}})));
  BOOST_TEST(
      rejects(with("device_public_key", {{"curve", "p256"}, {"key", au::hex_encode(a.device_public_key->raw())}})));
  auto upper_key = j;
  std::string key_hex = j["device_public_key"]["key"];
  for (auto& c : key_hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  upper_key["device_public_key"]["key"] = key_hex;
  if (key_hex != j["device_public_key"]["key"].get<std::string>()) {
    BOOST_TEST(rejects(upper_key));
  }
  // Duplicate member names and oversized documents.
  std::string text = j.dump();
  BOOST_TEST(!ak::parse_attestation(text.substr(0, text.size() - 1) + ",\"note\":\"x\"}").has_value());
  BOOST_TEST(!ak::parse_attestation(with("note", std::string(70 * 1024, 'x')).dump()).has_value());
  BOOST_TEST(!ak::parse_attestation("[]").has_value());
  BOOST_TEST(!ak::parse_attestation("").has_value());
}

BOOST_AUTO_TEST_CASE(timestamps) {
  BOOST_TEST(ak::parse_timestamp("1970-01-01T00:00:00Z").value().unix_seconds == 0);
  BOOST_TEST(ak::parse_timestamp("2000-01-01T00:00:00Z").value().unix_seconds == 946684800);
  BOOST_TEST(ak::parse_timestamp("2024-02-29T23:59:59Z").value().unix_seconds == 1709251199);
  const auto frac = ak::parse_timestamp("2026-06-19T14:18:34.160482Z");
  BOOST_REQUIRE(frac.has_value());
  BOOST_TEST(frac->nanos == 160482000u);
  BOOST_TEST(frac->text == "2026-06-19T14:18:34.160482Z");
  BOOST_TEST(ak::parse_timestamp("2026-06-19T14:18:34.123456789Z").value().nanos == 123456789u);
  BOOST_TEST(ak::Timestamp::from_unix(946684800).text == "2000-01-01T00:00:00Z");
  BOOST_TEST((ak::parse_timestamp("2026-06-19T14:18:34Z").value() < *frac));
  for (const char* bad :
       {"2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-06-19T24:00:00Z", "2026-06-19T14:18:60Z",
        "2026-06-19t14:18:34Z", "2026-06-19T14:18:34z", "2026-06-19T14:18:34+00:00", "2026-06-19T14:18:34.Z",
        "2026-06-19T14:18:34.1234567890Z", "2026-06-19 14:18:34Z", "26-06-19T14:18:34Z", ""}) {
    BOOST_TEST(!ak::parse_timestamp(bad).has_value(), bad);
  }
}

BOOST_AUTO_TEST_CASE(misc) {
  const std::string rid = ak::random_rid();
  BOOST_TEST(rid.size() == 36u);
  BOOST_TEST(rid[14] == '4');
  BOOST_TEST(rid != ak::random_rid());
  BOOST_TEST(!ak::parse_did_keri("did:key:z6Mk").has_value());
  const Identity id;
  BOOST_TEST(ak::parse_did_keri(id.state->did()).value() == id.state->prefix);
  BOOST_TEST(std::string(auths::name(Reason::kAttestationRevoked)) == "attestation-revoked");
  BOOST_TEST(std::string(ak::to_string(ak::SignerType::kWorkload)) == "Workload");
}

namespace {

ak::Attestation membership(const Identity& org, const std::string& member) {
  ak::Attestation a;
  a.rid = "6f1c2a4e-0000-4000-8000-000000000002";
  a.issuer = org.state->did();
  a.subject = member;
  a.capabilities = {"sign_commit"};
  a.role = "member";
  a.teams = {"core", "release"};
  a.repos = {"group/project"};
  a.timestamp = ak::Timestamp::from_unix(kT0);
  BOOST_REQUIRE(ak::sign_as_identity(a, org.k0).has_value());
  return a;
}

}  // namespace

// A membership: role set, no device key, teams and repos; signed by the org alone.
BOOST_AUTO_TEST_CASE(membership_shape) {
  const Identity org(ac::KeyType::kEd25519, 20);
  const Identity member(ac::KeyType::kEd25519, 30);
  const ak::Attestation a = membership(org, member.state->did());
  const std::string stored = ak::serialize_attestation(a).value();
  BOOST_TEST(stored.find("\"device_public_key\": null") != std::string::npos);
  BOOST_TEST(stored.find("\"teams\": [") != std::string::npos);
  const auto back = ak::parse_attestation(stored);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->is_membership());
  BOOST_TEST((back->teams == std::vector<std::string>{"core", "release"}));
  BOOST_TEST((back->repos == std::vector<std::string>{"group/project"}));
  BOOST_TEST(ak::signed_bytes(*back).value().find(R"("repos":["group/project"])") != std::string::npos);
  Reason fault = Reason::kAttestationMalformed;
  BOOST_TEST(ak::verify_attestation(*back, *org.state, &fault).has_value());
  BOOST_TEST((fault == Reason::kOk));
  // Teams are signed: adding one breaks the signature.
  BOOST_TEST((verify_fault(edit(a, "teams", {"core", "release", "admins"}), *org.state) ==
              Reason::kAttestationBadIdentitySignature));
  BOOST_TEST((verify_fault(edit(a, "repos", nlohmann::json::array()), *org.state) ==
              Reason::kAttestationBadIdentitySignature));
  // Signed by an admin: the signer is delegated_by, and the org's key no longer vouches.
  ak::Attestation by_admin = a;
  by_admin.delegated_by = member.state->did();
  BOOST_REQUIRE(ak::sign_as_identity(by_admin, org.k0).has_value());
  BOOST_TEST(by_admin.signer() == member.state->did());
  BOOST_TEST((verify_fault(by_admin, *org.state) == Reason::kAttestationIssuerMismatch));
  BOOST_REQUIRE(ak::sign_as_identity(by_admin, member.k0).has_value());
  BOOST_TEST(ak::verify_attestation(by_admin, *member.state).has_value());

  const auto j = nlohmann::json::parse(stored);
  const auto rejects = [&](const std::string& field, const nlohmann::json& value) {
    auto d = j;
    if (value.is_discarded()) {
      d.erase(field);
    } else {
      d[field] = value;
    }
    return !ak::parse_attestation(d.dump()).has_value();
  };
  const nlohmann::json erase(nlohmann::json::value_t::discarded);
  BOOST_TEST(rejects("teams", erase));
  BOOST_TEST(rejects("repos", erase));
  BOOST_TEST(rejects("teams", {"Core"}));
  BOOST_TEST(rejects("teams", {"core", "core"}));
  BOOST_TEST(rejects("repos", {"../etc"}));
  BOOST_TEST(rejects("repos", {"group//project"}));
  BOOST_TEST(rejects("repos", {"/group"}));
  BOOST_TEST(rejects("subject", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"));
  BOOST_TEST(rejects("device_public_key", {{"curve", "ed25519"}, {"key", std::string(64, '0')}}));
  BOOST_TEST(rejects("device_signature", std::string(128, 'a')));
  // A link (role null) never carries teams or repos.
  auto link_json = j;
  link_json["role"] = nullptr;
  BOOST_TEST(!ak::parse_attestation(link_json.dump()).has_value());
  // A membership's revocation ends every membership of that member in that org, whatever its scope.
  ak::Attestation other = a;
  other.repos = {};
  other.timestamp = ak::Timestamp::from_unix(kT0 - 10);
  auto revocation = ak::make_revocation(a, ak::Timestamp::from_unix(kT0 + 10)).value();
  BOOST_TEST(ak::revokes(revocation, other));
  BOOST_TEST(ak::revokes(revocation, a));
  const std::vector<ak::Attestation> revocations = {revocation};
  BOOST_TEST(ak::earliest_revocation(other, revocations) == &revocations.front());
  // A device link of the same subject is not a membership: not revoked by it.
  const Identity device_owner(ac::KeyType::kEd25519, 40);
  BOOST_TEST(!ak::revokes(revocation, link(device_owner, seeded(ac::KeyType::kEd25519, 9))));
}

// An agent delegation may say what the agent is (metadata); no other record may, and only the
// keys of attestation.h are read.
BOOST_AUTO_TEST_CASE(agent_metadata) {
  const Identity human(ac::KeyType::kEd25519, 50);
  const Identity agent(ac::KeyType::kEd25519, 60);
  ak::Attestation a;
  a.rid = "6f1c2a4e-0000-4000-8000-000000000003";
  a.issuer = human.state->did();
  a.subject = agent.state->did();
  a.device_public_key = agent.k0.public_key();
  a.capabilities = {"sign_commit"};
  a.signer_type = ak::SignerType::kAgent;
  a.timestamp = ak::Timestamp::from_unix(kT0);
  a.metadata = ak::AgentMetadata{"ai_agent", "ci-bot", "agent", true};
  BOOST_TEST(a.is_agent_delegation());
  BOOST_REQUIRE(ak::sign_as_identity(a, human.k0).has_value());
  BOOST_REQUIRE(ak::sign_as_device(a, agent.k0).has_value());
  const std::string stored = ak::serialize_attestation(a).value();
  BOOST_TEST(stored.find(R"("ephemeral": true)") != std::string::npos);
  const auto back = ak::parse_attestation(stored);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST((back->metadata == a.metadata));
  BOOST_TEST(ak::serialize_attestation(*back).value() == stored);
  // Signed like every field.
  BOOST_TEST((verify_fault(edit(a, "metadata", {{"type", "ai_agent"}, {"name", "ci-bot"}}), *human.state) ==
              Reason::kAttestationBadIdentitySignature));
  // Without ephemeral and name: only type is written.
  ak::Attestation plain = a;
  plain.metadata = ak::AgentMetadata{};
  BOOST_TEST(ak::serialize_attestation(plain).value().find(R"("metadata": {
    "type": "ai_agent"
  })") != std::string::npos);

  const auto j = nlohmann::json::parse(stored);
  const auto rejects = [&](const nlohmann::json& metadata) {
    auto d = j;
    d["metadata"] = metadata;
    return !ak::parse_attestation(d.dump()).has_value();
  };
  BOOST_TEST(rejects({{"name", "x"}}));                               // no type
  BOOST_TEST(rejects({{"type", "AI agent"}}));                        // not a word
  BOOST_TEST(rejects({{"type", "ai_agent"}, {"ephemeral", false}}));  // true or absent
  BOOST_TEST(rejects({{"type", "ai_agent"}, {"admin", true}}));       // unknown key
  BOOST_TEST(rejects({{"type", "ai_agent"}, {"name", std::string(65, 'a')}}));
  BOOST_TEST(rejects("ai_agent"));
  // A device link (did:key subject) or a Human-typed record never carries it.
  const Identity owner(ac::KeyType::kEd25519, 70);
  auto device_json =
      nlohmann::json::parse(ak::serialize_attestation(link(owner, seeded(ac::KeyType::kEd25519, 9))).value());
  device_json["metadata"] = {{"type", "ai_agent"}};
  BOOST_TEST(!ak::parse_attestation(device_json.dump()).has_value());
  auto human_json = j;
  human_json["signer_type"] = "Human";
  BOOST_TEST(!ak::parse_attestation(human_json.dump()).has_value());
  ak::Attestation device = link(owner, seeded(ac::KeyType::kEd25519, 9));
  device.metadata = ak::AgentMetadata{};
  BOOST_TEST(!ak::serialize_attestation(device).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
