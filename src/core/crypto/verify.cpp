// Backends of the verification interface. Every call builds what it needs on its own stack, so
// any number of threads may verify at once; the only shared objects are the P-256 EC_Group
// (immutable after construction) and libsodium's one-time initialisation.
//
// Ed25519 is the hot path (most git signatures): libsodium's crypto_sign_verify_detached, about
// four times as fast here as Botan 2.19's. P-256 and RSA stay on Botan. Botan's Ed25519 is kept
// as the reference the differential test (tests/unit/crypto/verify_test.cpp) holds libsodium to
// (crypto/ed25519_backends.h).
//
// Where the two differ, on purpose: libsodium also refuses a public key or an R of small order
// (the eight points of order 1, 2, 4 or 8) and a public key not in canonical encoding. OpenSSH
// and Botan accept them; no honest signer produces them (R = r*B and A = a*B have prime order),
// and a small-order key lets anyone forge its signatures (A = R = identity, S = 0 verifies for
// every message), so refusing them is the safe side.
#include "crypto/verify.h"

#include <sodium.h>

#include <array>
#include <exception>

#include <botan/bigint.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/pk_ops.h>
#include <botan/point_gfp.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>

#include "crypto/ed25519_backends.h"
#include "crypto/p256.h"
#include "ssh/wire.h"

namespace auths::crypto {

namespace {

constexpr size_t kEd25519SignatureSize = 64;
constexpr size_t kP256SignatureSize = 64;  // r || s, 32 bytes each

// Botan's C-style functions take pointers; an empty span may have a null data(), so point empty
// inputs at a real (unused) byte instead.
const uint8_t* data_or_dummy(std::span<const uint8_t> s) {
  static constexpr uint8_t kDummy = 0;
  return s.empty() ? &kDummy : s.data();
}

// The order L of the Ed25519 base point, little-endian (RFC 8032 section 5.1).
constexpr std::array<uint8_t, 32> kEd25519Order = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                                   0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

// RFC 8032 section 5.1.7 step 1: "If any of the decodings fail (including S being out of range),
// the signature is invalid." S is the second half of the signature, little-endian, and must be
// below L. Botan 2.19 only checks the top three bits (as OpenSSH does), which lets anyone turn a
// valid signature (R, S) into a second valid one (R, S + L) for the same message. Git objects
// embed their signature, so that would give a second commit id for the same signed content.
bool ed25519_s_is_canonical(std::span<const uint8_t> signature) {
  for (size_t i = 32; i-- > 0;) {
    const uint8_t s = signature[32 + i];
    if (s != kEd25519Order[i]) return s < kEd25519Order[i];
  }
  return false;  // S == L
}

bool verify_ecdsa_p256(const PublicKey& key, std::span<const uint8_t> message, std::span<const uint8_t> signature) {
  if (signature.size() != kP256SignatureSize) return false;
  // The SSH encoding (string "ecdsa-sha2-nistp256", string "nistp256", string Q) already holds
  // the uncompressed point, which spares the square root that decompressing raw() would cost.
  ssh::wire::Reader r(key.ssh_blob());
  const auto type = r.read_string("key type");
  const auto curve = r.read_string("curve");
  const auto point = r.read_string("point");
  if (!type || !curve || !point) return false;
  const Botan::EC_Group& group = p256_group();
  const Botan::ECDSA_PublicKey public_key(group, group.OS2ECP(point->data(), point->size()));
  // EMSA1 with SHA-256 is plain ECDSA over SHA-256(message); IEEE_1363 means raw r || s.
  Botan::PK_Verifier verifier(public_key, "EMSA1(SHA-256)", Botan::IEEE_1363);
  return verifier.verify_message(data_or_dummy(message), message.size(), signature.data(), signature.size());
}

bool verify_rsa(const PublicKey& key, const char* emsa, std::span<const uint8_t> message,
                std::span<const uint8_t> signature) {
  // The modulus and exponent are read back from the key's SSH encoding (string "ssh-rsa",
  // mpint e, mpint n), which parse_ssh_wire_key has already validated.
  ssh::wire::Reader r(key.ssh_blob());
  const auto type = r.read_string("key type");
  const auto e = r.read_unsigned_mpint("rsa public exponent");
  const auto n = r.read_unsigned_mpint("rsa modulus");
  if (!type || !e || !n || n->empty()) return false;
  // OpenSSH (ssh-rsa.c) accepts a signature shorter than the modulus by left-padding it with
  // zeros, and rejects a longer one. Do the same: Botan wants exactly the modulus length.
  const size_t modulus_size = n->size();
  if (signature.empty() || signature.size() > modulus_size) return false;
  util::Bytes padded(modulus_size - signature.size(), 0);
  padded.insert(padded.end(), signature.begin(), signature.end());

  const Botan::RSA_PublicKey public_key(Botan::BigInt(n->data(), n->size()), Botan::BigInt(e->data(), e->size()));
  Botan::PK_Verifier verifier(public_key, emsa);
  return verifier.verify_message(data_or_dummy(message), message.size(), padded.data(), padded.size());
}

}  // namespace

bool ed25519_verify_botan(std::span<const uint8_t> public_key, std::span<const uint8_t> message,
                          std::span<const uint8_t> signature) {
  if (public_key.size() != kEd25519KeySize || signature.size() != kEd25519SignatureSize) return false;
  if (!ed25519_s_is_canonical(signature)) return false;
  try {
    const Botan::Ed25519_PublicKey key(public_key.data(), public_key.size());
    // "Pure": RFC 8032 Ed25519 over the message itself (no pre-hash, no context). Botan checks
    // that the key decodes to a curve point.
    const auto op = key.create_verification_op("Pure", "base");
    op->update(data_or_dummy(message), message.size());
    return op->is_valid_signature(signature.data(), signature.size());
  } catch (const std::exception&) {
    return false;
  }
}

namespace {

/// sodium_init is thread-safe and idempotent; the static makes it one call per process.
bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

bool ed25519_verify_sodium(std::span<const uint8_t> public_key, std::span<const uint8_t> message,
                           std::span<const uint8_t> signature) {
  if (!sodium_ready()) return false;
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) return false;
  // libsodium 1.0.18 checks S < L itself (sc25519_is_canonical); asked here too so the rule does
  // not depend on how libsodium was configured (ED25519_COMPAT drops the check).
  if (!ed25519_s_is_canonical(signature)) return false;
  return crypto_sign_verify_detached(signature.data(), data_or_dummy(message), message.size(), public_key.data()) == 0;
}

SignatureAlgorithm algorithm_for(const PublicKey& key) {
  switch (key.type()) {
    case KeyType::kEd25519: return SignatureAlgorithm::kEd25519;
    case KeyType::kEcdsaP256: return SignatureAlgorithm::kEcdsaP256Sha256;
    case KeyType::kRsa: return SignatureAlgorithm::kRsaSha512;
  }
  return SignatureAlgorithm::kEd25519;
}

bool verify_signature(const PublicKey& key, SignatureAlgorithm algorithm, std::span<const uint8_t> message,
                      std::span<const uint8_t> signature) {
  try {
    switch (algorithm) {
      case SignatureAlgorithm::kEd25519:
        return key.type() == KeyType::kEd25519 && ed25519_verify_sodium(key.raw(), message, signature);
      case SignatureAlgorithm::kEcdsaP256Sha256:
        return key.type() == KeyType::kEcdsaP256 && verify_ecdsa_p256(key, message, signature);
      case SignatureAlgorithm::kRsaSha256:
        return key.type() == KeyType::kRsa && verify_rsa(key, "EMSA3(SHA-256)", message, signature);
      case SignatureAlgorithm::kRsaSha512:
        return key.type() == KeyType::kRsa && verify_rsa(key, "EMSA3(SHA-512)", message, signature);
    }
    return false;
  } catch (const std::exception&) {
    // A key or signature Botan cannot even decode is not a valid signature.
    return false;
  }
}

// SHA-2 from libsodium: a key fingerprint is the first thing a hook computes, and Botan's first
// hash object sets up its locked-memory pool (an mmap, mlock and memset of it), a tenth of a
// 1-commit push's start-up.
util::Bytes sha256(std::span<const uint8_t> data) {
  (void)sodium_ready();
  util::Bytes out(crypto_hash_sha256_BYTES);
  crypto_hash_sha256(out.data(), data_or_dummy(data), data.size());
  return out;
}

util::Bytes sha512(std::span<const uint8_t> data) {
  (void)sodium_ready();
  util::Bytes out(crypto_hash_sha512_BYTES);
  crypto_hash_sha512(out.data(), data_or_dummy(data), data.size());
  return out;
}

struct Sha256Stream::State {
  crypto_hash_sha256_state hash;
};

Sha256Stream::Sha256Stream() : m_state(std::make_unique<State>()) {
  (void)sodium_ready();
  crypto_hash_sha256_init(&m_state->hash);
}
Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::update(std::span<const uint8_t> data) {
  crypto_hash_sha256_update(&m_state->hash, data_or_dummy(data), data.size());
}

util::Bytes Sha256Stream::final() {
  util::Bytes out(crypto_hash_sha256_BYTES);
  crypto_hash_sha256_final(&m_state->hash, out.data());
  return out;
}

}  // namespace auths::crypto
