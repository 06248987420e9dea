// SSHSIG signing: what sshsig::sign writes, our own parser and verifier accept (both curves, both
// hashes), ECDSA values are canonical mpints, the armour is ssh-keygen's, and for Ed25519
// (deterministic) the whole .sig file is byte for byte what `ssh-keygen -Y sign` writes with the
// same key.
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/private_key.h"
#include "ssh/wire.h"
#include "sshsig/sign.h"
#include "sshsig/sshsig.h"
#include "support/openssh_key.h"
#include "support/scoped.h"
#include "util/bytes.h"
#include "util/strings.h"

BOOST_AUTO_TEST_SUITE(sshsig_sign)

namespace ac = auths::crypto;
namespace as = auths::sshsig;
namespace aw = auths::ssh::wire;
namespace au = auths::util;
namespace fs = std::filesystem;

namespace {

au::Bytes hex(std::string_view h) { return au::hex_decode(h).value(); }

// RFC 8032 section 7.1, TEST 1.
constexpr std::string_view kEd25519Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
// RFC 6979 appendix A.2.5.
constexpr std::string_view kP256Scalar = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";

const au::Bytes kMessage = au::to_bytes(
    "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
    "author A U Thor <author@example.com> 1700000000 +0000\n"
    "committer A U Thor <author@example.com> 1700000000 +0000\n\nsigned by auths\n");

ac::PrivateKey key_of(ac::KeyType type) {
  return ac::PrivateKey::from_raw(type, hex(type == ac::KeyType::kEd25519 ? kEd25519Seed : kP256Scalar)).value();
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

using auths::test::TempDir;

bool have_ssh_keygen() { return std::system("command -v ssh-keygen >/dev/null 2>&1") == 0; }

struct Case {
  ac::KeyType type;
  const char* hash;
};
const Case kCases[] = {{ac::KeyType::kEd25519, "sha512"},
                       {ac::KeyType::kEd25519, "sha256"},
                       {ac::KeyType::kEcdsaP256, "sha512"},
                       {ac::KeyType::kEcdsaP256, "sha256"}};

}  // namespace

// Every key type and hash: our parser reads back what we wrote, and our verifier accepts it in
// the right namespace only, over the right message only.
BOOST_AUTO_TEST_CASE(round_trip_through_parse_and_verify) {
  for (const auto& c : kCases) {
    for (const bool fresh : {false, true}) {
      BOOST_TEST_CONTEXT("curve " << (c.type == ac::KeyType::kEd25519 ? "ed25519" : "p256") << ", " << c.hash
                                  << (fresh ? ", generated key" : ", fixed key")) {
        const auto key = fresh ? ac::PrivateKey::generate(c.type).value() : key_of(c.type);
        const auto blob = as::sign(key, kMessage, "git", c.hash);
        BOOST_REQUIRE(blob.has_value());
        const auto sig = as::parse(*blob);
        BOOST_REQUIRE_MESSAGE(sig.has_value(), (sig ? "" : sig.error().to_string()));
        BOOST_TEST((sig->public_key == key.public_key()));
        BOOST_TEST(sig->namespace_ == "git");
        BOOST_TEST(sig->hash_algorithm == c.hash);
        BOOST_TEST((sig->algorithm == (c.type == ac::KeyType::kEd25519 ? ac::SignatureAlgorithm::kEd25519
                                                                       : ac::SignatureAlgorithm::kEcdsaP256Sha256)));
        BOOST_TEST((as::verify(*sig, kMessage, "git") == as::VerifyStatus::kGood));
        BOOST_TEST((as::verify(*sig, kMessage, "file") == as::VerifyStatus::kNamespaceMismatch));
        au::Bytes other = kMessage;
        other.back() ^= 0x01;
        BOOST_TEST((as::verify(*sig, other, "git") == as::VerifyStatus::kBadSignature));

        const auto armored = as::parse_armored(as::armor(*blob));
        BOOST_REQUIRE(armored.has_value());
        BOOST_TEST((as::verify(*armored, kMessage, "git") == as::VerifyStatus::kGood));
      }
    }
  }
}

// An Ed25519 + sha512 blob, as ssh-keygen writes it too, is 173 bytes: 6 magic, 4 version, 4+51
// public key, 4+3 namespace, 4+0 reserved, 4+6 hash algorithm, 4+83 signature. Field by field.
BOOST_AUTO_TEST_CASE(ed25519_blob_layout) {
  const auto key = key_of(ac::KeyType::kEd25519);
  const auto blob = as::sign(key, kMessage, "git");
  BOOST_REQUIRE(blob.has_value());
  BOOST_TEST(blob->size() == 173u);
  aw::Reader r(*blob);
  const auto magic = r.read_bytes(6, "magic");
  BOOST_REQUIRE(magic.has_value());
  BOOST_TEST(std::string(magic->begin(), magic->end()) == "SSHSIG");
  BOOST_TEST(*r.read_uint32("version") == 1u);
  const auto pub = r.read_string("publickey");
  BOOST_TEST((au::Bytes(pub->begin(), pub->end()) == key.public_key().ssh_blob()));
  BOOST_TEST(*r.read_text("namespace") == "git");
  BOOST_TEST(r.read_string("reserved")->empty());
  BOOST_TEST(*r.read_text("hash") == "sha512");
  const auto inner = r.read_string("signature");
  BOOST_REQUIRE(inner.has_value());
  BOOST_TEST(r.at_end());
  aw::Reader s(*inner);
  BOOST_TEST(*s.read_text("alg") == "ssh-ed25519");
  BOOST_TEST(s.read_string("sig")->size() == 64u);
  BOOST_TEST(s.at_end());
  // Ed25519 is deterministic: the same key, message and namespace give the same blob.
  BOOST_TEST((*as::sign(key, kMessage, "git") == *blob));
}

// RFC 5656 3.1.2 / RFC 4253 5: r and s are mpints in their one canonical form: no leading zero
// unless the top bit is set, then exactly one. Over 64 signatures a value with the top bit set
// turns up with overwhelming probability, so both branches are exercised.
BOOST_AUTO_TEST_CASE(p256_signature_is_two_canonical_mpints) {
  const auto key = key_of(ac::KeyType::kEcdsaP256);
  int with_sign_byte = 0;
  for (int i = 0; i < 64; ++i) {
    au::Bytes message = kMessage;
    message.push_back(static_cast<uint8_t>(i));
    const auto blob = as::sign(key, message, "git");
    BOOST_REQUIRE(blob.has_value());
    aw::Reader r(*blob);
    (void)r.read_bytes(6, "magic");
    (void)r.read_uint32("version");
    for (const char* field : {"publickey", "namespace", "reserved", "hash"}) (void)r.read_string(field);
    const auto inner = r.read_string("signature");
    BOOST_REQUIRE(inner.has_value());
    aw::Reader s(*inner);
    BOOST_TEST(*s.read_text("alg") == "ecdsa-sha2-nistp256");
    const auto rs = s.read_string("blob");
    BOOST_REQUIRE(rs.has_value());
    BOOST_TEST(s.at_end());
    aw::Reader values(*rs);
    for (const char* name : {"r", "s"}) {
      const auto v = values.read_string(name);
      BOOST_REQUIRE(v.has_value());
      BOOST_REQUIRE(!v->empty());
      BOOST_TEST(v->size() <= 33u);
      if ((*v)[0] == 0) {
        BOOST_TEST(v->size() == 33u);
        BOOST_TEST(((*v)[1] & 0x80) != 0, name << " has an unnecessary leading zero");
        ++with_sign_byte;
      } else {
        BOOST_TEST(((*v)[0] & 0x80) == 0, name << " would read as negative");
      }
    }
    BOOST_TEST(values.at_end());
    const auto sig = as::parse(*blob);
    BOOST_REQUIRE(sig.has_value());
    BOOST_TEST((as::verify(*sig, message, "git") == as::VerifyStatus::kGood));
  }
  BOOST_TEST(with_sign_byte > 0);
}

// ssh-keygen's armour: BEGIN line, base64 in lines of 70, END line, every line ending in "\n".
BOOST_AUTO_TEST_CASE(armor_wraps_at_70) {
  for (const size_t size : {0u, 1u, 51u, 52u, 53u, 173u, 300u}) {
    au::Bytes blob(size);
    for (size_t i = 0; i < size; ++i) blob[i] = static_cast<uint8_t>(i * 7 + 3);
    const std::string text = as::armor(blob);
    BOOST_TEST_CONTEXT("blob of " << size << " bytes") {
      BOOST_TEST(au::starts_with(text, "-----BEGIN SSH SIGNATURE-----\n"));
      BOOST_TEST(au::ends_with(text, "\n-----END SSH SIGNATURE-----\n"));
      const auto lines = au::split(text, '\n');
      BOOST_REQUIRE(lines.size() >= 3u);
      BOOST_TEST(lines.back().empty());  // the final newline
      std::string body;
      for (size_t i = 1; i + 2 < lines.size(); ++i) {
        BOOST_TEST(lines[i].size() <= 70u);
        if (i + 3 < lines.size()) BOOST_TEST(lines[i].size() == 70u);  // every line but the last is full
        body.append(lines[i]);
      }
      BOOST_TEST(body == au::base64_encode(blob));
      if (size > 0) {
        const auto back = as::dearmor(text);
        BOOST_REQUIRE(back.has_value());
        BOOST_TEST((*back == blob));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_empty_namespace_and_unknown_hash) {
  const auto key = key_of(ac::KeyType::kEd25519);
  const auto no_namespace = as::sign(key, kMessage, "");
  BOOST_REQUIRE(!no_namespace.has_value());
  BOOST_TEST((no_namespace.error().code == auths::ErrorCode::kInvalidArgument));
  for (const char* hash : {"sha1", "SHA512", "md5", ""}) {
    const auto bad = as::sign(key, kMessage, "git", hash);
    BOOST_REQUIRE(!bad.has_value());
    BOOST_TEST((bad.error().code == auths::ErrorCode::kInvalidArgument));
  }
}

// The third-party check: ssh-keygen signs with the same Ed25519 key; Ed25519 being
// deterministic, its .sig file must equal ours byte for byte (blob and armour). For P-256
// (randomized ECDSA), ssh-keygen must accept our signature.
BOOST_AUTO_TEST_CASE(same_bytes_as_ssh_keygen) {
  if (!have_ssh_keygen()) {
    BOOST_TEST_MESSAGE("ssh-keygen not found: skipping the byte-for-byte comparison");
    return;
  }
  const TempDir dir;
  const auto key = key_of(ac::KeyType::kEd25519);
  const fs::path key_file = dir.path() / "id_ed25519";
  write_file(key_file, auths::test::openssh_private_key_file(key));
  ::chmod(key_file.c_str(), 0600);
  const fs::path msg = dir.path() / "payload";
  write_file(msg, au::to_string(kMessage));

  for (const char* hash : {"sha512", "sha256"}) {
    BOOST_TEST_CONTEXT("hash " << hash) {
      fs::remove(dir.path() / "payload.sig");
      const std::string cmd = "env -u SSH_AUTH_SOCK ssh-keygen -q -Y sign -n git -O hashalg=" + std::string(hash) +
                              " -f '" + key_file.string() + "' '" + msg.string() + "' </dev/null >/dev/null 2>&1";
      BOOST_REQUIRE_EQUAL(std::system(cmd.c_str()), 0);
      const auto ours = as::sign(key, kMessage, "git", hash);
      BOOST_REQUIRE(ours.has_value());
      BOOST_TEST(as::armor(*ours) == read_file(dir.path() / "payload.sig"));
    }
  }

  const auto p256 = key_of(ac::KeyType::kEcdsaP256);
  const auto blob = as::sign(p256, kMessage, "git");
  BOOST_REQUIRE(blob.has_value());
  write_file(dir.path() / "p256.sig", as::armor(*blob));
  const std::string check = "ssh-keygen -Y check-novalidate -n git -s '" + (dir.path() / "p256.sig").string() + "' <'" +
                            msg.string() + "' >/dev/null 2>&1";
  BOOST_TEST(std::system(check.c_str()) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
