// Signature verification: the one small interface the hot path goes through, so the backend
// (Botan 2 today) can be swapped for a faster library that passes the same test vectors.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "crypto/public_key.h"

namespace auths::crypto {

enum class SignatureAlgorithm {
  kEd25519,          // RFC 8032 pure Ed25519 over the message
  kEcdsaP256Sha256,  // ECDSA P-256 over SHA-256(message); signature is raw r||s (64 bytes)
  kRsaSha256,        // RSASSA-PKCS1-v1_5 with SHA-256 (ssh "rsa-sha2-256")
  kRsaSha512,        // RSASSA-PKCS1-v1_5 with SHA-512 (ssh "rsa-sha2-512")
};

/// The algorithm PrivateKey::sign uses for a key of this type, which is what KERI events and
/// attestations are signed with: pure Ed25519, or ECDSA P-256 over SHA-256 (raw r||s). RSA keys
/// sign nothing here; for them this is kRsaSha512.
SignatureAlgorithm algorithm_for(const PublicKey& key);

/// True only if `signature` is a valid signature by `key` over `message` with `algorithm`, and
/// the algorithm fits the key type. Never throws; a malformed signature is simply false.
bool verify_signature(const PublicKey& key, SignatureAlgorithm algorithm, std::span<const uint8_t> message,
                      std::span<const uint8_t> signature);

/// SHA-256 and SHA-512 (libsodium), used by SSHSIG and fingerprints.
util::Bytes sha256(std::span<const uint8_t> data);
util::Bytes sha512(std::span<const uint8_t> data);

/// SHA-256 over data handed in pieces (a file read block by block).
class Sha256Stream {
 public:
  Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  ~Sha256Stream();
  void update(std::span<const uint8_t> data);
  /// The digest of everything handed in (32 bytes).
  util::Bytes final();

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

}  // namespace auths::crypto
