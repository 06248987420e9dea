// CESR primitives, indexed signatures and -A groups: round trips and strict decoding. The
// encodings themselves are checked against signify-ts in keri_vectors_test.cpp.
#include <boost/test/unit_test.hpp>

#include "crypto/private_key.h"
#include "keri/cesr.h"
#include "util/bytes.h"

BOOST_AUTO_TEST_SUITE(keri_cesr)

namespace ac = auths::crypto;
namespace cesr = auths::keri::cesr;
namespace au = auths::util;

namespace {

au::Bytes sig_bytes(uint8_t fill) { return au::Bytes(64, fill); }

}  // namespace

// Blake3-256("") is af1349b9...; E-coded with keripy's alignment (one zero pad byte, first
// base64 character replaced by the code), as signify-ts prints it.
BOOST_AUTO_TEST_CASE(digest_alignment) {
  const std::string qb64 = cesr::blake3_qb64(std::string_view());
  BOOST_TEST(qb64 == "EK8TSbn1-aGmoEBN6jbcyUmbyyXJrcESt8yak8rkHzJi");
  BOOST_TEST(qb64.size() == 44u);
  const auto digest = cesr::decode_digest(qb64);
  BOOST_REQUIRE(digest.has_value());
  BOOST_TEST(au::hex_encode(digest->data(), digest->size()) ==
             "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
}

BOOST_AUTO_TEST_CASE(primitive_decoding_is_strict) {
  const std::string good = cesr::blake3_qb64(std::string_view("x"));
  BOOST_TEST(cesr::decode_primitive(good).has_value());
  BOOST_TEST(!cesr::decode_primitive(good.substr(0, 43)).has_value());  // short
  BOOST_TEST(!cesr::decode_primitive(good + "A").has_value());          // long
  BOOST_TEST(!cesr::decode_primitive("").has_value());
  // The second character carries two pad bits, which must be zero: values below 16 only.
  std::string bad_pad = good;
  bad_pad[1] = '_';
  BOOST_TEST(!cesr::decode_primitive(bad_pad).has_value());
  std::string bad_char = good;
  bad_char[10] = '+';  // standard base64, not base64url
  BOOST_TEST(!cesr::decode_primitive(bad_char).has_value());
  std::string unknown = good;
  unknown[0] = 'Z';
  const auto r = cesr::decode_primitive(unknown);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST((r.error().code == auths::ErrorCode::kUnsupported));
  // An Ed25519 key is not a digest.
  const auto key = ac::PrivateKey::generate(ac::KeyType::kEd25519).value();
  BOOST_TEST(!cesr::decode_digest(cesr::encode_verkey(key.public_key()).value()).has_value());
  BOOST_TEST(!cesr::encode_primitive(cesr::kBlake3Digest, au::Bytes(31, 0)).has_value());
}

BOOST_AUTO_TEST_CASE(verkeys_both_curves) {
  for (const auto type : {ac::KeyType::kEd25519, ac::KeyType::kEcdsaP256}) {
    const auto key = ac::PrivateKey::generate(type).value();
    for (const bool transferable : {true, false}) {
      const auto qb64 = cesr::encode_verkey(key.public_key(), transferable);
      BOOST_REQUIRE(qb64.has_value());
      const bool ed = type == ac::KeyType::kEd25519;
      BOOST_TEST(qb64->size() == (ed ? 44u : 48u));
      BOOST_TEST(qb64->substr(0, ed ? 1 : 4) == (ed ? (transferable ? "D" : "B") : (transferable ? "1AAJ" : "1AAI")));
      const auto back = cesr::decode_verkey(*qb64);
      BOOST_REQUIRE(back.has_value());
      BOOST_TEST((back->key == key.public_key()));
      BOOST_TEST(back->transferable == transferable);
    }
  }
  // 33 bytes that are not a point on P-256 (prefix 0x02, x = p, out of range).
  au::Bytes not_a_point(33, 0xff);
  not_a_point[0] = 0x02;
  const auto text = cesr::encode_primitive(cesr::kEcdsaP256, not_a_point);
  BOOST_REQUIRE(text.has_value());
  BOOST_TEST(!cesr::decode_verkey(*text).has_value());
}

BOOST_AUTO_TEST_CASE(indexed_signature_codes) {
  const auto a = cesr::encode_indexed_signature(cesr::IndexedSignature::both(3, sig_bytes(7)));
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->size() == 88u);
  BOOST_TEST(a->substr(0, 2) == "AD");
  const auto big = cesr::encode_indexed_signature(cesr::IndexedSignature{"", 70, 3, sig_bytes(1)});
  BOOST_REQUIRE(big.has_value());
  BOOST_TEST(big->size() == 92u);
  BOOST_TEST(big->substr(0, 6) == "2ABGAD");
  const auto crt = cesr::encode_indexed_signature(cesr::IndexedSignature{"", 2, std::nullopt, sig_bytes(1)});
  BOOST_TEST(crt.value().substr(0, 2) == "BC");
  for (const auto& text : {*a, *big, *crt}) {
    const auto back = cesr::decode_indexed_signature(text);
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(cesr::encode_indexed_signature(*back).value() == text);
  }
  // Out of range and inconsistent requests.
  BOOST_TEST(!cesr::encode_indexed_signature(cesr::IndexedSignature{"A", 64, 64, sig_bytes(1)}).has_value());
  BOOST_TEST(!cesr::encode_indexed_signature(cesr::IndexedSignature{"A", 1, 2, sig_bytes(1)}).has_value());
  BOOST_TEST(!cesr::encode_indexed_signature(cesr::IndexedSignature{"B", 1, 1, sig_bytes(1)}).has_value());
  BOOST_TEST(!cesr::encode_indexed_signature(cesr::IndexedSignature{"", 1, 1, au::Bytes(63, 0)}).has_value());
  BOOST_TEST(!cesr::encode_indexed_signature(cesr::IndexedSignature{"0A", 1, 1, sig_bytes(1)}).has_value());
  // Non-zero pad bits: the third character of an 88-char signature carries four of them.
  std::string bad = *a;
  bad[2] = '_';
  BOOST_TEST(!cesr::decode_indexed_signature(bad).has_value());
  BOOST_TEST(!cesr::decode_indexed_signature(a->substr(0, 87)).has_value());
  BOOST_TEST(cesr::requires_p256(cesr::decode_indexed_signature(std::string("E").append(a->substr(1))).value()));
  BOOST_TEST(!cesr::requires_p256(cesr::decode_indexed_signature(*a).value()));
}

BOOST_AUTO_TEST_CASE(signature_groups) {
  const std::vector<cesr::IndexedSignature> sigs = {cesr::IndexedSignature::both(0, sig_bytes(1)),
                                                    cesr::IndexedSignature{"", 100, 2, sig_bytes(2)}};
  const auto text = cesr::encode_signature_group(sigs);
  BOOST_REQUIRE(text.has_value());
  BOOST_TEST(text->substr(0, 4) == "-AAC");
  BOOST_TEST(text->size() == 4u + 88u + 92u);
  const auto back = cesr::decode_signature_group(*text);
  BOOST_REQUIRE(back.has_value());
  BOOST_REQUIRE(back->size() == 2u);
  BOOST_TEST((*back)[1].index == 100u);
  BOOST_TEST((*back)[1].ondex.value() == 2u);
  BOOST_TEST((*back)[1].signature == sig_bytes(2));

  BOOST_TEST(!cesr::decode_signature_group("").has_value());
  BOOST_TEST(!cesr::decode_signature_group("-AAA").has_value());                    // empty group
  BOOST_TEST(!cesr::decode_signature_group("-AAD" + text->substr(4)).has_value());  // count too high
  BOOST_TEST(!cesr::decode_signature_group(*text + "x").has_value());               // trailing data
  const auto other = cesr::decode_signature_group(*text + "-GAB");                  // another group
  BOOST_REQUIRE(!other.has_value());
  BOOST_TEST((other.error().code == auths::ErrorCode::kUnsupported));
  const auto witness = cesr::decode_signature_group("-BAB" + text->substr(4, 88));
  BOOST_REQUIRE(!witness.has_value());
  BOOST_TEST((witness.error().code == auths::ErrorCode::kUnsupported));
  BOOST_TEST(!cesr::encode_signature_group({}).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
