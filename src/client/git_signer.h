// Signing bytes the way git signs a commit with gpg.format=ssh (gpg-interface.c:
// sign_buffer_ssh), but in another SSHSIG namespace: the key of user.signingKey, handed to
// gpg.ssh.program (default ssh-keygen; auths-sign for "auths:<alias>") as
// `<program> -Y sign -n <namespace> -f <key> [-U] [-q] <file>`, the signature read from <file>.sig.
// Shared by `auths release approve` (approval_ops.cpp) and `auths artifact sign`
// (artifact_ops.cpp). Nothing here prints; the program's prompts use the caller's terminal.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "auths/result.h"
#include "crypto/public_key.h"

namespace auths::git {
class Repository;
}

namespace auths::client {

class GitSigner {
 public:
  /// The signer `repo`'s configuration names (user.signingKey, gpg.ssh.program, with the user's
  /// and git's environment settings). `purpose` ("approve", "sign an artifact") completes the
  /// message when user.signingKey is not set.
  static Result<GitSigner> open(const git::Repository& repo, std::string_view purpose);
  GitSigner(GitSigner&&) noexcept;
  GitSigner& operator=(GitSigner&&) = delete;
  ~GitSigner();

  /// The public key user.signingKey names (what the signature will be made with).
  const crypto::PublicKey& key() const;
  /// An armoured SSHSIG of `message` in `namespace_`, made by running the signing program;
  /// `quiet` passes -q (no "Signing file ..." lines: the commit-msg hook's witness request).
  Result<std::string> sign(std::string_view message, std::string_view namespace_, bool quiet = false) const;

 private:
  struct State;
  explicit GitSigner(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

}  // namespace auths::client
