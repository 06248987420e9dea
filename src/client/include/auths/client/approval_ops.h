// `auths release approve`: an approval (or rejection) record of one tag or commit, signed with
// the key the approver signs git objects with and added to the repository's refs/auths/registry
// (registry/approval.h; README.md, "Approvals and quorums"). Nothing here prints.
#pragma once

#include <optional>
#include <string>

#include "auths/result.h"

namespace auths::client {

struct ApproveRequest {
  std::string repo = ".";
  std::string object;  // a revision: a tag name, a commit, an object id
  bool reject = false;
  std::string note;
  std::optional<std::string> ref;  // default for a tag: refs/tags/<its name>; for a commit: none
  int64_t now = 0;                 // 0: the clock
};

struct ApproveResult {
  std::string object;        // hex id
  std::string object_type;   // "tag" or "commit"
  std::string ref;           // "" when the record names none
  std::string verdict;       // "approve" or "reject"
  std::string signer_key;    // "ssh-ed25519 AAAA..."
  std::string record;        // its path in the registry
  std::string registry_tip;  // refs/auths/registry afterwards
};

/// Signs the record with git's signing program (gpg.ssh.program, default ssh-keygen) and the
/// key of user.signingKey (a key file, its .pub with the private key in ssh-agent, "key::" or a
/// literal key line, or "auths:<alias>" through auths-sign), exactly as git signs a commit but
/// in namespace "auths-approval"; checks the signature and publishes the record.
[[nodiscard]] Result<ApproveResult> approve_object(const ApproveRequest& request);

}  // namespace auths::client
