// `auths artifact verify FILE`: are FILE's signatures (FILE.auths-sig) enough for a release rule
// of a policy? The format and the counting are described in src/core/engine/artifact.h and
// README.md, "Signing release artifacts"; the CLI only prints the report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auths/reason.h"
#include "auths/result.h"

namespace auths {

/// The suffix of the signatures file: FILE.auths-sig.
inline constexpr const char* kArtifactSignaturesSuffix = ".auths-sig";

/// One signature of the file, as checked.
struct ArtifactSignatureReport {
  std::string signer_key;     // "ssh-ed25519 AAAA..."
  std::string fingerprint;    // "SHA256:..."
  std::string timestamp;      // RFC 3339, as the signer wrote it
  bool good = false;          // the SSHSIG verifies over the file's name and digest
  Reason code = Reason::kOk;  // kOk: a signer of the rule; else why it does not count
  std::string signer;         // the matching signer (identity or key name) when counted
  std::string detail;         // one line
};

struct ArtifactReport {
  std::string file;           // as given
  std::string signatures;     // FILE.auths-sig
  std::string sha256;         // of FILE's bytes
  std::string rule;           // the rule judged against
  Reason code = Reason::kOk;  // kOk, kUnsigned, kMalformedObject, kBadSignature, kQuorumNotMet
  std::string detail;         // one line: who counted, or why not
  std::vector<ArtifactSignatureReport> entries;
  bool accepted() const { return code == Reason::kOk; }
};

struct ArtifactVerifyRequest {
  std::string file;
  std::string policy = ".auths/policy.toml";  // read as `auths policy lint` reads it
  std::string repo = ".";                     // its refs/auths/registry, when the rule names identities or roles
  std::string rule;                           // "" = the first [[policy.release]] rule
  int64_t now = 0;                            // 0: the clock
};

/// Reads FILE and FILE.auths-sig and judges them. A refusal is a report (accepted() false); an
/// error is what could not be read or used: FILE, the policy (kPolicy), the rule (kNotFound; a
/// rule with conditions artifacts cannot meet: kUnsupported), the registry.
Result<ArtifactReport> verify_artifact(const ArtifactVerifyRequest& request);

}  // namespace auths
