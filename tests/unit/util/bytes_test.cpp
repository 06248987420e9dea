#include <boost/test/unit_test.hpp>

#include "auths/types.h"
#include "util/bytes.h"

BOOST_AUTO_TEST_SUITE(util_bytes)

namespace au = auths::util;

BOOST_AUTO_TEST_CASE(hex_round_trip) {
  const au::Bytes b{0x00, 0x01, 0xab, 0xff};
  BOOST_TEST(au::hex_encode(b) == "0001abff");
  BOOST_TEST(*au::hex_decode("0001ABff") == b);
  BOOST_TEST(!au::hex_decode("abc").has_value());
  BOOST_TEST(!au::hex_decode("zz").has_value());
}

// RFC 4648 section 10 test vectors.
BOOST_AUTO_TEST_CASE(base64_rfc4648_vectors) {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* encoded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    BOOST_TEST(au::base64_encode(au::to_bytes(plain[i])) == encoded[i]);
    BOOST_TEST(au::to_string(*au::base64_decode(encoded[i])) == plain[i]);
  }
  BOOST_TEST(!au::base64_decode("Zg=").has_value());    // wrong padding
  BOOST_TEST(!au::base64_decode("Zh==").has_value());   // trailing bits set
  BOOST_TEST(!au::base64_decode("Zm9v!").has_value());  // bad character
  BOOST_TEST(au::base64_encode(au::Bytes{0xfb, 0xff}, au::Base64Alphabet::kUrl, false) == "-_8");
}

// did:key test vector from the W3C did:key spec (Ed25519 key "z6MkiTBz1...").
BOOST_AUTO_TEST_CASE(base58_round_trip) {
  BOOST_TEST(au::base58_encode(au::to_bytes("hello world")) == "StV1DL6CwTryKyV");
  BOOST_TEST(au::to_string(*au::base58_decode("StV1DL6CwTryKyV")) == "hello world");
  BOOST_TEST(au::base58_encode(au::Bytes{0, 0, 1}) == "112");
  BOOST_TEST(*au::base58_decode("112") == (au::Bytes{0, 0, 1}));
  BOOST_TEST(!au::base58_decode("0OIl").has_value());
}

BOOST_AUTO_TEST_CASE(oid_parsing) {
  const auto oid = auths::Oid::from_hex("0123456789abcdef0123456789abcdef01234567");
  BOOST_REQUIRE(oid.has_value());
  BOOST_TEST(oid->short_hex() == "0123456");
  BOOST_TEST(!oid->is_zero());
  BOOST_TEST(auths::Oid::from_hex(std::string(40, '0'))->is_zero());
  BOOST_TEST((auths::Oid::from_hex(std::string(64, '0')).error().code == auths::ErrorCode::kUnsupported));
  BOOST_TEST(!auths::Oid::from_hex("xyz").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
