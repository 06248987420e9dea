// Public keys as the policy, SSH and did:key name them, in one value type.
//
// A key is identified by its SSH wire encoding (RFC 4253 section 6.6; for ECDSA RFC 5656
// section 3.1 with the uncompressed point), so an SSH key line, an SSHSIG's embedded key and a
// did:key for the same key compare equal. Fingerprints are "SHA256:" + unpadded base64 of
// SHA-256 over that encoding, exactly as `ssh-keygen -l` prints them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "auths/result.h"
#include "util/bytes.h"

namespace auths::crypto {

enum class KeyType { kEd25519, kEcdsaP256, kRsa };

/// An Ed25519 public key is 32 bytes (RFC 8032 section 5.1.5).
inline constexpr size_t kEd25519KeySize = 32;

class PublicKey {
 public:
  KeyType type() const { return m_type; }
  /// "ssh-ed25519", "ecdsa-sha2-nistp256" or "ssh-rsa".
  std::string ssh_type_name() const;
  /// The SSH wire encoding: the key's identity.
  const util::Bytes& ssh_blob() const { return m_ssh_blob; }
  /// Ed25519: the 32-byte key. P-256: the 33-byte compressed SEC1 point. RSA: empty.
  const util::Bytes& raw() const { return m_raw; }
  /// RSA only: modulus size in bits (0 for other types).
  size_t rsa_bits() const { return m_rsa_bits; }
  /// "SHA256:<base64 without padding>", as ssh-keygen -l prints.
  std::string fingerprint() const;
  /// The SHA-256 of ssh_blob(): the 32 bytes fingerprint() shows in base64. Computed once,
  /// with the key (a push asks it of every signature, on one thread: engine/judge.cpp).
  const std::array<uint8_t, 32>& fingerprint_digest() const { return m_digest; }
  /// "<type> <base64 blob>" plus " <comment>" when comment is not empty.
  std::string to_ssh_line(std::string_view comment = {}) const;
  /// "did:key:z6Mk..." (Ed25519) or "did:key:zDn..." (P-256); an Error for RSA.
  Result<std::string> to_did_key() const;

  friend bool operator==(const PublicKey& a, const PublicKey& b) { return a.m_ssh_blob == b.m_ssh_blob; }

  // Constructors are the parse_* functions below.
  PublicKey(KeyType type, util::Bytes ssh_blob, util::Bytes raw, size_t rsa_bits = 0);

 private:
  KeyType m_type;
  util::Bytes m_ssh_blob;
  util::Bytes m_raw;
  size_t m_rsa_bits = 0;
  std::array<uint8_t, 32> m_digest{};
};

/// Parses an SSH wire-format public key blob. Rejects trailing bytes, unknown types, P-256
/// points not on the curve, RSA keys under 2048 bits.
Result<PublicKey> parse_ssh_wire_key(std::span<const uint8_t> blob);
/// Parses "<type> <base64> [comment]" (an authorized_keys / .pub line without options).
Result<PublicKey> parse_ssh_public_key_line(std::string_view line);
/// Parses "did:key:z..." for Ed25519 (multicodec 0xed01) and P-256 (0x8024, compressed point).
Result<PublicKey> parse_did_key(std::string_view did);
/// Builds a key from raw bytes: Ed25519 32 bytes; P-256 33 (compressed) or 65 (uncompressed).
Result<PublicKey> public_key_from_raw(KeyType type, std::span<const uint8_t> raw);

}  // namespace auths::crypto
