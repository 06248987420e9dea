// Shared by the policy tests: public test keys and small helpers.
//
// The keys were made with `ssh-keygen -t <type> -C <comment>` (private halves discarded).
// Fingerprints come from `ssh-keygen -lf`; the did:key strings were computed separately from
// the same public keys (multicodec ed01 / 8024 + base58btc), not with our own code.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "auths/result.h"
#include "policy/policy.h"

namespace auths::policy::test {

inline const std::string kEd1 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFar40uWbn+fw0Zd9SPz49r/DcdnKpTnlQRM93lY3J7Q t_ed1@test";
inline const std::string kEd2 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIv/ldEUbXGwqXcFz8+QCJvKjq5EKBboVB/vfcv99LvT t_ed2@test";
inline const std::string kEd3 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICJIkXNIRy699env3W4EbAhLiLQ0qqZAPFhWDRR2Mst1 t_ed3@test";
inline const std::string kP256 =
    "ecdsa-sha2-nistp256 "
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBIvwWFTROcUxdblkWVVWPnZM5Py/"
    "vTwb4Xgc3uO5A7M1AQx1zcYl7DpdwUiRubqv3QtaodNu+Mobigd5e3tXC+0= t_p256@test";
inline const std::string kRsa2048 =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQCjXebITDtdRpq8jrALrPtdfyqFznyBPKAyuRMA2t9pIxqe2BJgtvApwWzRaP+"
    "sRaBH3SRdh3fLNWEmQj4ezLt+"
    "XbHejPIL1AzZ7np0ZV4fwYlk8n2FkAGJhwp5F2zf3IvSmO0BkERrFQ3NYEyNG3qqoBFeKTRuJnXcCBzbE9xMlBATn6nUQ/"
    "06BW1d875mdvVQ0dVPLGUbSzs2G+wfhN6AqYBQujrtBZd6Q5pOaHL3zMtPK7AUyUJ6sf/"
    "PdOQboxe3CfNCvE0mUyUtowoBsEn9Tiy+882nJWNpJD3kcqz6isKU49waagbo01CU8FWCnOQtxYxJbZf8tNfF3Sj1tBrD";
// No comment: a signer written this way is named by its fingerprint.
inline const std::string kEdNoComment =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHUys5gua3g2LHtem6D7N+1bzPTcVn37G/QkRskkUdnM";
inline const std::string kEdNoCommentFingerprint = "SHA256:3WrJLsmQY2oFFcDJA1uX3sEjzuJfmabKIm40QJ/jSPU";
// Not supported by the crypto layer: P-384, and RSA under 2048 bits.
inline const std::string kP384 =
    "ecdsa-sha2-nistp384 "
    "AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBPLxlHXXj0yXOMXUGlXEQRmKXspB4astYLaRI+3Ru2o6YJpClVsoHMj+"
    "Us9OeNQSDo65e3naE6K2KE7Id9QCyKlmk9n/575ElcCTdd+8xtuWe5EFChCSXU0rNVUytIN22g== p384";
inline const std::string kRsa1024 =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDGFHJp57aHz9hP2ZtIfWgZegAbYMPhnfkVGxx1/"
    "NNDfWopcbvcigaxM6oSkJo1GyarVSdHyXsOLOhe006HDy+jlGZA3g/HmXND7fwRA5WV2E+C/vUr/y/"
    "L3wm9CKNhfKb3b37BZVmDm8LDdhmP+SOFEKnThTeWHY6yRD5WA3+XFQ==";

// The same keys as kEd1 and kP256, written as did:key.
inline const std::string kEd1DidKey = "did:key:z6MkkHb8G6HoX1AXwDdVH3maRwmwbEGnRrYdpMK5oFykMUjq";
inline const std::string kP256DidKey = "did:key:zDnaes5Yec59HBFQuCvFRudBG3g8e4YCSc5JcdsJniQv6gLMz";

// did:keri identifiers of the right shape ('E' + 43 base64url characters).
inline const std::string kKeriA = "did:keri:ECk3NGTh6pLNEtZb2qsDgFzIzks7nvWlk1VhO-170tKv";
inline const std::string kKeriB = "did:keri:EKCwefcndSR70xy-IBbK6-nQ0BO-pZFIpm6VFkHyUD7_";

/// A FileReader over an in-memory tree; counts the reads so tests can see caching.
struct FakeTree {
  std::map<std::string, std::string> files;
  std::shared_ptr<std::map<std::string, int>> reads_of = std::make_shared<std::map<std::string, int>>();  // by path

  FileReader reader() const {
    return [files = files, reads_of = reads_of](std::string_view path) -> Result<std::optional<std::string>> {
      ++(*reads_of)[std::string(path)];
      const auto it = files.find(std::string(path));
      if (it == files.end()) return std::optional<std::string>{};
      return std::optional<std::string>{it->second};
    };
  }
};

/// "" when `result` is an ErrorCode::kPolicy error whose context is `context`; otherwise a
/// description of what it was instead, so that a failing BOOST_TEST shows it.
template <typename T>
std::string policy_error_at(const Result<T>& result, std::string_view context) {
  if (result.has_value()) return "no error";
  const Error& e = result.error();
  if (e.code != ErrorCode::kPolicy || e.context != context)
    return std::string(to_string(e.code)) + ": " + e.to_string();
  return "";
}

/// "context: message" of the error, or "" when there is none: for BOOST_REQUIRE_MESSAGE, which
/// evaluates its message even when the check passes.
template <typename T>
std::string error_text(const Result<T>& result) {
  return result.has_value() ? std::string() : result.error().to_string();
}

/// The error message, or "" when there is none: for the few tests that check which key an
/// error names.
template <typename T>
std::string message_of(const Result<T>& result) {
  return result.has_value() ? std::string() : result.error().message;
}

}  // namespace auths::policy::test
