// Signing keys: known-answer tests from the RFCs, round trips, and signatures that the
// independent verifier (crypto/verify.h) accepts.
#include <boost/test/unit_test.hpp>

#include "crypto/private_key.h"
#include "crypto/verify.h"
#include "util/bytes.h"

BOOST_AUTO_TEST_SUITE(crypto_private_key)

namespace ac = auths::crypto;
namespace au = auths::util;

namespace {

au::Bytes hex(std::string_view h) { return au::hex_decode(h).value(); }

}  // namespace

// RFC 8032 section 7.1, TEST 1: the seed gives the public key and the signature of "".
BOOST_AUTO_TEST_CASE(ed25519_rfc8032_test1) {
  const auto key = ac::PrivateKey::from_raw(ac::KeyType::kEd25519,
                                            hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  BOOST_REQUIRE(key.has_value());
  BOOST_TEST(au::hex_encode(key->public_key().raw()) ==
             "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const auto sig = key->sign({});
  BOOST_REQUIRE(sig.has_value());
  BOOST_TEST(au::hex_encode(*sig) ==
             "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f05"
             "95bbe24655141438e7a100b");
  BOOST_TEST(au::hex_encode(key->raw()) == "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
}

// RFC 6979 appendix A.2.5: the P-256 key pair (U = xG; Uy is odd, so the compressed point
// starts 03). The signature of "sample" must verify; its nonce may or may not be RFC 6979's.
BOOST_AUTO_TEST_CASE(p256_rfc6979_key) {
  const auto key = ac::PrivateKey::from_raw(ac::KeyType::kEcdsaP256,
                                            hex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"));
  BOOST_REQUIRE(key.has_value());
  BOOST_TEST(au::hex_encode(key->public_key().raw()) ==
             "0360fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6");
  const au::Bytes msg = au::to_bytes("sample");
  const auto sig = key->sign(msg);
  BOOST_REQUIRE(sig.has_value());
  BOOST_TEST(sig->size() == 64u);
  BOOST_TEST(ac::verify_signature(key->public_key(), ac::SignatureAlgorithm::kEcdsaP256Sha256, msg, *sig));
  BOOST_TEST(au::hex_encode(key->raw()) == "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
}

BOOST_AUTO_TEST_CASE(generate_sign_verify_round_trip) {
  const au::Bytes msg = au::to_bytes("a message to sign");
  for (const auto type : {ac::KeyType::kEd25519, ac::KeyType::kEcdsaP256}) {
    const auto key = ac::PrivateKey::generate(type);
    BOOST_REQUIRE(key.has_value());
    BOOST_TEST((key->type() == type));
    const auto algorithm =
        type == ac::KeyType::kEd25519 ? ac::SignatureAlgorithm::kEd25519 : ac::SignatureAlgorithm::kEcdsaP256Sha256;
    const auto sig = key->sign(msg);
    BOOST_REQUIRE(sig.has_value());
    BOOST_TEST(sig->size() == 64u);
    BOOST_TEST(ac::verify_signature(key->public_key(), algorithm, msg, *sig));
    BOOST_TEST(!ac::verify_signature(key->public_key(), algorithm, au::to_bytes("another message"), *sig));

    // Export and import give the same key.
    const auto again = ac::PrivateKey::from_raw(type, key->raw());
    BOOST_REQUIRE(again.has_value());
    BOOST_TEST((again->public_key() == key->public_key()));
    BOOST_TEST(ac::verify_signature(key->public_key(), algorithm, msg, again->sign(msg).value()));
  }
}

BOOST_AUTO_TEST_CASE(rejects_bad_raw_keys) {
  BOOST_TEST(!ac::PrivateKey::from_raw(ac::KeyType::kEd25519, au::Bytes(31, 1)).has_value());
  BOOST_TEST(!ac::PrivateKey::from_raw(ac::KeyType::kEcdsaP256, au::Bytes(32, 0)).has_value());     // zero scalar
  BOOST_TEST(!ac::PrivateKey::from_raw(ac::KeyType::kEcdsaP256, au::Bytes(32, 0xff)).has_value());  // >= n
  BOOST_TEST(!ac::PrivateKey::generate(ac::KeyType::kRsa).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
