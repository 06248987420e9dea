// verify_attestation_file (auths verify <attestation.json>): a record of either form verified
// against its issuer's key event log in a registry directory, and every failure naming the field
// or the signature that failed.
#include <boost/test/unit_test.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "auths/identity_verify.h"
#include "support/registry_fixture.h"
#include "support/scoped.h"

BOOST_AUTO_TEST_SUITE(verify_attestation_file)

namespace ac = auths::crypto;
namespace ak = auths::keri;
namespace at = auths::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr int64_t kNow = 1782000000;

struct Fixture {
  at::TempDir dir;
  at::Identity id = at::make_identity();
  ac::PrivateKey device = at::generate_key();

  Fixture() {
    for (const auto& [path, content] : id.files) write(path, content);
  }
  void write(const std::string& path, const std::string& content) const {
    const fs::path file = dir.path() / "registry" / path;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
  }
  // A device link in `form`, signed by the identity and the device.
  ak::Attestation link(ak::AttestationForm form) const {
    ak::Attestation a;
    a.form = form;
    a.rid = form == ak::AttestationForm::kAuths ? ".auths" : ak::random_rid();
    a.issuer = id.did();
    a.subject = *device.public_key().to_did_key();
    a.device_public_key = device.public_key();
    if (form == ak::AttestationForm::kAuthsHooks) a.capabilities = {"sign_commit"};
    a.timestamp = ak::Timestamp::from_unix(kNow - 60);
    a.note = "laptop";
    BOOST_REQUIRE(ak::sign_as_identity(a, id.key).has_value());
    BOOST_REQUIRE(ak::sign_as_device(a, device).has_value());
    return a;
  }
  // verify_attestation_file of `doc` written to a file.
  auths::Result<auths::AttestationVerdict> verify(const Json& doc) const {
    const fs::path file = dir.path() / "attestation.json";
    std::ofstream(file, std::ios::binary) << doc.dump(2);
    return auths::verify_attestation_file(file.string(), "", (dir.path() / "registry").string(), kNow);
  }
};

Json json_of(const ak::Attestation& a) { return Json::parse(ak::serialize_attestation(a).value()); }

std::string flipped(std::string hex) {
  hex[10] = hex[10] == '0' ? '1' : '0';
  return hex;
}

}  // namespace

BOOST_AUTO_TEST_CASE(both_forms_name_what_fails) {
  const Fixture f;
  for (const auto form : {ak::AttestationForm::kAuthsHooks, ak::AttestationForm::kAuths}) {
    const Json doc = json_of(f.link(form));
    const std::string form_name = form == ak::AttestationForm::kAuths ? "auths" : "auths-hooks";

    const auto good = f.verify(doc);
    BOOST_REQUIRE(good.has_value());
    BOOST_TEST(good->valid, form_name << ": " << good->detail);
    BOOST_TEST(good->form == form_name);
    BOOST_TEST(good->signer_type == "Human");

    Json changed = doc;
    changed["note"] = "desktop";
    auto v = f.verify(changed);
    BOOST_REQUIRE(v.has_value());
    BOOST_TEST(!v->valid);
    BOOST_TEST(v->status == "attestation-bad-identity-signature");
    BOOST_TEST(v->detail.starts_with("identity_signature does not verify with the issuer's key (" + f.id.did() + ")"),
               v->detail);

    Json device_flipped = doc;
    device_flipped["device_signature"] = flipped(doc["device_signature"].get<std::string>());
    v = f.verify(device_flipped);
    BOOST_REQUIRE(v.has_value());
    BOOST_TEST(v->status == "attestation-bad-device-signature");
    BOOST_TEST(v->detail.starts_with("device_signature does not verify with device_public_key"), v->detail);

    Json unsigned_identity = doc;
    unsigned_identity["identity_signature"] = "";
    v = f.verify(unsigned_identity);
    BOOST_REQUIRE(v.has_value());
    BOOST_TEST(v->detail.starts_with("identity_signature is empty"), v->detail);

    // Malformed: could not check, the error naming the field.
    Json unknown = doc;
    unknown["x"] = 1;
    auto bad = f.verify(unknown);
    BOOST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().message == "unknown field 'x'");
    Json bad_time = doc;
    bad_time["timestamp"] = "yesterday";
    bad = f.verify(bad_time);
    BOOST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().message.starts_with("field 'timestamp': "), bad.error().message);
  }
}

BOOST_AUTO_TEST_SUITE_END()
