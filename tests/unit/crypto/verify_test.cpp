#include <boost/test/unit_test.hpp>

#include <botan/auto_rng.h>
#include <botan/ed25519.h>
#include <botan/pubkey.h>

#include <atomic>
#include <thread>
#include <vector>

#include "crypto/ed25519_backends.h"
#include "crypto/public_key.h"
#include "crypto/verify.h"
#include "util/bytes.h"

BOOST_AUTO_TEST_SUITE(crypto_verify)

namespace ac = auths::crypto;
namespace au = auths::util;

namespace {

au::Bytes hex(std::string_view h) { return *au::hex_decode(h); }

struct Ed25519Vector {
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 section 7.1, TEST 1, TEST 2 and TEST 3.
const Ed25519Vector kRfc8032[] = {
    {"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe246"
     "55141438e7a100b"},
    {"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb"
     "00d291612bb0c00"},
    {"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc"
     "027beceea1ec40a"},
};

ac::PublicKey ed25519_key(const char* public_key_hex) {
  return *ac::public_key_from_raw(ac::KeyType::kEd25519, hex(public_key_hex));
}

bool verify_ed25519(const Ed25519Vector& v) {
  return ac::verify_signature(ed25519_key(v.public_key), ac::SignatureAlgorithm::kEd25519, hex(v.message),
                              hex(v.signature));
}

/// The signature with S + L in place of S: the same value mod L, which RFC 8032 refuses.
au::Bytes plus_order(const au::Bytes& signature) {
  const au::Bytes order_le = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  au::Bytes malleable = signature;
  unsigned carry = 0;
  for (size_t i = 0; i < 32; ++i) {
    const unsigned sum = unsigned{malleable[32 + i]} + order_le[i] + carry;
    malleable[32 + i] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
  }
  return malleable;
}

}  // namespace

BOOST_AUTO_TEST_CASE(sha2_known_answers) {
  // FIPS 180-2 appendix examples ("abc") and the empty string.
  BOOST_TEST(au::hex_encode(ac::sha256(au::to_bytes("abc"))) ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(au::hex_encode(ac::sha256(au::Bytes{})) ==
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(au::hex_encode(ac::sha512(au::to_bytes("abc"))) ==
             "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
             "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

BOOST_AUTO_TEST_CASE(ed25519_rfc8032_vectors) {
  for (const auto& v : kRfc8032) {
    BOOST_TEST(verify_ed25519(v), "RFC 8032 vector for key " << v.public_key);
  }
}

BOOST_AUTO_TEST_CASE(ed25519_rejections) {
  const auto& v = kRfc8032[1];
  const auto key = ed25519_key(v.public_key);
  const au::Bytes message = hex(v.message);
  const au::Bytes signature = hex(v.signature);
  // Another message, a flipped signature bit, a wrong signature length, another key.
  BOOST_TEST(!ac::verify_signature(key, ac::SignatureAlgorithm::kEd25519, hex("73"), signature));
  for (size_t i = 0; i < signature.size(); i += 7) {
    au::Bytes flipped = signature;
    flipped[i] ^= 0x10;
    BOOST_TEST(!ac::verify_signature(key, ac::SignatureAlgorithm::kEd25519, message, flipped), "bit flip at " << i);
  }
  BOOST_TEST(!ac::verify_signature(key, ac::SignatureAlgorithm::kEd25519, message,
                                   au::Bytes(signature.begin(), signature.end() - 1)));
  au::Bytes longer = signature;
  longer.push_back(0);
  BOOST_TEST(!ac::verify_signature(key, ac::SignatureAlgorithm::kEd25519, message, longer));
  BOOST_TEST(
      !ac::verify_signature(ed25519_key(kRfc8032[0].public_key), ac::SignatureAlgorithm::kEd25519, message, signature));
  BOOST_TEST(!ac::verify_signature(key, ac::SignatureAlgorithm::kEd25519, message, au::Bytes{}));

  // S + L (the group order) is the same value mod L: RFC 8032 requires S < L, so it must fail.
  BOOST_TEST(!ac::verify_signature(key, ac::SignatureAlgorithm::kEd25519, message, plus_order(signature)));
}

// libsodium (the hot path) against Botan (the reference), signatures made by Botan: both must
// answer alike on good signatures and on every mutation of them: another message, a flipped bit
// anywhere in the signature or the key, S + L, S + k*L with the top bits set, truncation.
BOOST_AUTO_TEST_CASE(ed25519_differential_sodium_botan) {
  Botan::AutoSeeded_RNG rng;
  int compared = 0;
  int good = 0;
  for (int round = 0; round < 64; ++round) {
    const Botan::Ed25519_PrivateKey private_key(rng);
    const au::Bytes key = private_key.get_public_key();
    const auto random = rng.random_vec(static_cast<size_t>(round * 7));
    const au::Bytes message(random.begin(), random.end());
    Botan::PK_Signer signer(private_key, rng, "Pure");
    const au::Bytes signature = signer.sign_message(message, rng);  // std::vector: Botan's own type

    const auto same = [&](const au::Bytes& k, const au::Bytes& m, const au::Bytes& s, const char* what) {
      const bool sodium = ac::ed25519_verify_sodium(k, m, s);
      const bool botan = ac::ed25519_verify_botan(k, m, s);
      BOOST_TEST(sodium == botan, what << " (round " << round << "): sodium " << sodium << ", botan " << botan);
      ++compared;
      return sodium;
    };
    if (same(key, message, signature, "good signature")) ++good;
    au::Bytes other = message;
    other.push_back(0x2a);
    same(key, other, signature, "message extended");
    for (size_t bit = static_cast<size_t>(round) % 8; bit < 512; bit += 37) {
      au::Bytes flipped = signature;
      flipped[bit / 8] ^= static_cast<uint8_t>(1U << (bit % 8));
      same(key, message, flipped, "signature bit flipped");
    }
    for (size_t bit = static_cast<size_t>(round) % 8; bit < 256; bit += 41) {
      au::Bytes flipped = key;
      flipped[bit / 8] ^= static_cast<uint8_t>(1U << (bit % 8));
      same(flipped, message, signature, "key bit flipped");
    }
    // S + L, then the same with S's top bits forced (what Botan and OpenSSH alone would check).
    BOOST_TEST(!same(key, message, plus_order(signature), "S + L"));
    au::Bytes high = signature;
    high[63] |= 0xe0;
    BOOST_TEST(!same(key, message, high, "S with the top bits set"));
    same(key, message, au::Bytes(signature.begin(), signature.end() - 1), "truncated signature");
  }
  BOOST_TEST(good == 64);
  BOOST_TEST(compared > 64 * 20);
}

// Where the backends differ on purpose (crypto/verify.cpp): a small-order public key. With the
// identity as key and as R and S = 0, S*B = R + h*A holds for every message: Botan (like
// OpenSSH) accepts that forgery, libsodium refuses it, and so does verify_signature.
BOOST_AUTO_TEST_CASE(ed25519_small_order_key_forgery_refused) {
  const au::Bytes identity = hex("0100000000000000000000000000000000000000000000000000000000000000");
  au::Bytes forged = identity;
  forged.resize(64, 0);  // R = identity, S = 0
  const au::Bytes message = au::to_bytes("tree 0000\nanything at all\n");
  BOOST_TEST(ac::ed25519_verify_botan(identity, message, forged));  // the forgery is real
  BOOST_TEST(!ac::ed25519_verify_sodium(identity, message, forged));
  const auto key = ac::public_key_from_raw(ac::KeyType::kEd25519, identity);
  BOOST_TEST((!key || !ac::verify_signature(*key, ac::SignatureAlgorithm::kEd25519, message, forged)));
  // The other small-order points as keys, with the same R = identity, S = 0 shape.
  for (const char* point : {"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                            "0000000000000000000000000000000000000000000000000000000000000000",
                            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
                            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"}) {
    BOOST_TEST(!ac::ed25519_verify_sodium(hex(point), message, forged), "small-order key " << point);
  }
}

BOOST_AUTO_TEST_CASE(algorithm_must_fit_the_key) {
  const auto& v = kRfc8032[1];
  const auto key = ed25519_key(v.public_key);
  for (const auto alg : {ac::SignatureAlgorithm::kEcdsaP256Sha256, ac::SignatureAlgorithm::kRsaSha256,
                         ac::SignatureAlgorithm::kRsaSha512}) {
    BOOST_TEST(!ac::verify_signature(key, alg, hex(v.message), hex(v.signature)));
  }
  // A P-256 key with an Ed25519 algorithm, and with garbage of the right length.
  const auto p256 = *ac::parse_did_key("did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv");
  BOOST_TEST(!ac::verify_signature(p256, ac::SignatureAlgorithm::kEd25519, hex(v.message), hex(v.signature)));
  BOOST_TEST(!ac::verify_signature(p256, ac::SignatureAlgorithm::kEcdsaP256Sha256, hex(v.message), hex(v.signature)));
  BOOST_TEST(!ac::verify_signature(p256, ac::SignatureAlgorithm::kEcdsaP256Sha256, hex(v.message), au::Bytes(64, 0)));
  BOOST_TEST(!ac::verify_signature(p256, ac::SignatureAlgorithm::kEcdsaP256Sha256, hex(v.message), au::Bytes(63, 1)));
}

// The engine verifies on several threads at once: results must not depend on interleaving.
BOOST_AUTO_TEST_CASE(concurrent_verification) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&wrong, t] {
      for (int i = 0; i < 100; ++i) {
        const auto& v = kRfc8032[(i + t) % 3];
        if (!verify_ed25519(v)) ++wrong;
        const Ed25519Vector mismatched{v.public_key, "00", v.signature};
        if (verify_ed25519(mismatched)) ++wrong;
        if (au::hex_encode(ac::sha256(au::to_bytes("abc"))).substr(0, 8) != "ba7816bf") ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
