// SSHSIG: the signature format of `ssh-keygen -Y sign` and of git's gpg.format=ssh.
// Specification: openssh-portable PROTOCOL.sshsig; sshsig.cpp quotes its field lists above the
// code that reads them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "auths/result.h"
#include "crypto/public_key.h"
#include "crypto/verify.h"

namespace auths::sshsig {

// The format's constants, shared by parsing and signing (PROTOCOL.sshsig):
//   #define MAGIC_PREAMBLE "SSHSIG"
//   #define SIG_VERSION    0x01
inline constexpr std::string_view kMagicPreamble = "SSHSIG";
inline constexpr uint32_t kSigVersion = 1;
// The armour around the base64 of the blob.
inline constexpr std::string_view kArmorBegin = "-----BEGIN SSH SIGNATURE-----";
inline constexpr std::string_view kArmorEnd = "-----END SSH SIGNATURE-----";
// r and s of an ECDSA P-256 signature are at most 32 bytes each (raw r||s is 64).
inline constexpr size_t kP256ScalarSize = 32;

struct Signature {
  crypto::PublicKey public_key;  // the key embedded in the blob (who claims to have signed)
  std::string namespace_;        // "git" for git objects
  std::string hash_algorithm;    // "sha256" or "sha512"
  crypto::SignatureAlgorithm algorithm;
  util::Bytes signature;  // Ed25519: 64 bytes; ECDSA: raw r||s, 64 bytes; RSA: raw
};

/// Removes the "-----BEGIN SSH SIGNATURE-----" armour and decodes the base64 body.
Result<util::Bytes> dearmor(std::string_view armored);
/// Parses a signature blob. Errors: kCorrupt for malformed or truncated input and trailing
/// bytes; kUnsupported for version > 1, unknown key types, ssh-rsa (SHA-1) signatures, hash
/// algorithms other than sha256/sha512.
Result<Signature> parse(std::span<const uint8_t> blob);
/// dearmor + parse.
Result<Signature> parse_armored(std::string_view armored);

/// The bytes a key signs (PROTOCOL.sshsig section 3): MAGIC_PREAMBLE, string namespace,
/// string reserved (empty), string hash_algorithm, string H(message). No version field. Shared
/// by signing and verification so the two cannot drift apart. kInvalidArgument for a hash
/// algorithm other than "sha256" / "sha512".
Result<util::Bytes> signed_data(std::span<const uint8_t> message, std::string_view namespace_,
                                std::string_view hash_algorithm);

enum class VerifyStatus { kGood, kBadSignature, kNamespaceMismatch };

/// Checks the namespace, then the signature over `message` (the signed data of section 4.3 is
/// built here from H(message)).
VerifyStatus verify(const Signature& sig, std::span<const uint8_t> message, std::string_view expected_namespace);

}  // namespace auths::sshsig
