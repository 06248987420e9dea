// `auths artifact sign FILE`: adds a signature of FILE's name and SHA-256 to FILE.auths-sig
// (format: src/core/engine/artifact.h; README.md, "Signing release artifacts"), made with the
// key the signer signs git objects with, exactly as `auths release approve` signs (namespace
// "auths-artifact"). Nothing here prints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "auths/result.h"

namespace auths::client {

struct ArtifactSignRequest {
  std::string file;
  std::string repo = ".";  // whose git configuration names the key (user.signingKey, gpg.ssh.program)
  int64_t now = 0;         // 0: the clock
};

struct ArtifactSignResult {
  std::string signatures;  // FILE.auths-sig
  std::string sha256;
  std::string signer_key;   // "ssh-ed25519 AAAA..."
  std::string fingerprint;  // "SHA256:..."
  std::string timestamp;
  size_t count = 0;  // signatures in the file now
};

/// Creates FILE.auths-sig or adds one signature to it (written atomically). Refused
/// (kInvalidArgument) when the file's signatures are for another name or digest, or when this
/// key already signed; checked before the signing program runs and again before writing.
[[nodiscard]] Result<ArtifactSignResult> sign_artifact(const ArtifactSignRequest& request);

}  // namespace auths::client
