// SSHSIG signing: the blob and armour `ssh-keygen -Y sign` writes, byte for byte.
// Specification: openssh-portable PROTOCOL.sshsig, whose field lists sshsig.cpp quotes.
// The counterpart of sshsig.h (parse, verify); what this file writes, that one reads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "auths/result.h"
#include "crypto/private_key.h"
#include "util/bytes.h"

namespace auths::sshsig {

/// Signs `message` in `namespace_` ("git" for git objects) and returns the signature blob:
/// magic, version 1, the key's SSH wire blob, namespace, empty reserved, hash algorithm and the
/// key type's SSH signature (Ed25519: 64 bytes; ECDSA P-256: mpint r, mpint s).
/// `hash_algorithm` is "sha512" (ssh-keygen's default) or "sha256". Errors: kInvalidArgument for
/// an empty namespace or another hash algorithm, kCrypto when the key cannot sign.
[[nodiscard]] Result<util::Bytes> sign(const crypto::PrivateKey& key, std::span<const uint8_t> message,
                                       std::string_view namespace_, std::string_view hash_algorithm = "sha512");

/// The blob of a signature made elsewhere (by an ssh-agent that holds the key): `key`, the
/// namespace, the hash algorithm and `ssh_signature`, the key type's SSH signature encoding
/// (string algorithm, string blob) over signed_data() of the message. Not checked here: verify
/// the result (sshsig.h) before trusting it. kInvalidArgument for an empty namespace.
[[nodiscard]] Result<util::Bytes> assemble(const crypto::PublicKey& key, std::string_view namespace_,
                                           std::string_view hash_algorithm, std::span<const uint8_t> ssh_signature);

/// The armoured text of a blob, as ssh-keygen writes it: the BEGIN line, base64 wrapped at 70
/// characters, the END line, each ending in "\n".
std::string armor(const util::Bytes& blob);

}  // namespace auths::sshsig
