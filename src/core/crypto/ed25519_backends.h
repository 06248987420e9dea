// The two Ed25519 implementations behind crypto/verify.h, side by side for the differential test
// (tests/unit/crypto/verify_test.cpp). Everything else verifies through verify_signature, which
// uses libsodium; see crypto/verify.cpp for where the two answer differently, and why.
#pragma once

#include <cstdint>
#include <span>

namespace auths::crypto {

/// libsodium's crypto_sign_verify_detached (RFC 8032, S < L, small-order R and keys refused).
bool ed25519_verify_sodium(std::span<const uint8_t> public_key, std::span<const uint8_t> message,
                           std::span<const uint8_t> signature);

/// Botan 2's Ed25519 with our S < L check: the reference the sodium backend is held to.
bool ed25519_verify_botan(std::span<const uint8_t> public_key, std::span<const uint8_t> message,
                          std::span<const uint8_t> signature);

}  // namespace auths::crypto
