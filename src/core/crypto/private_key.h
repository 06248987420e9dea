// Signing keys: Ed25519 and ECDSA P-256, as the CLI keeps them for identities and devices.
//
// The raw private key is the Ed25519 32-byte seed (RFC 8032 section 5.1.5) or the P-256
// 32-byte big-endian scalar. Signatures are Ed25519 (pure, RFC 8032) or ECDSA P-256 over
// SHA-256(message) as raw r||s (64 bytes), the forms crypto::verify_signature checks.
// Botan stays behind this header.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "auths/result.h"
#include "crypto/public_key.h"
#include "util/bytes.h"

namespace auths::crypto {

class PrivateKey final {
 public:
  /// A fresh key from the system RNG. RSA is kUnsupported.
  [[nodiscard]] static Result<PrivateKey> generate(KeyType type);
  /// Imports a 32-byte seed (Ed25519) or scalar (P-256, must be in [1, n-1]).
  [[nodiscard]] static Result<PrivateKey> from_raw(KeyType type, std::span<const uint8_t> raw);

  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;
  ~PrivateKey();

  KeyType type() const;
  const PublicKey& public_key() const;
  /// The 32-byte seed or scalar, for storage (the CLI encrypts it at rest). The caller should
  /// wipe its copy when done.
  util::Bytes raw() const;
  /// Ed25519: the 64-byte signature. P-256: 64-byte r||s over SHA-256(message).
  [[nodiscard]] Result<util::Bytes> sign(std::span<const uint8_t> message) const;

  struct Impl;  // opaque: the Botan key, defined in private_key.cpp
  explicit PrivateKey(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> m_impl;
};

}  // namespace auths::crypto
