// The Auths-Id / Auths-Device trailers that the commit-msg hook adds: which identity the
// signing device claims to belong to. They are claims: verification looks the signing key up in
// the registry and never trusts a trailer alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"

namespace auths::client {

struct SigningClaims {
  std::string identity;  // did:keri:E...
  std::string device;    // did:key:z...
};

/// The claims for commits made in the repository at `repo_path` (opened as a hook opens it:
/// GIT_DIR wins when set): when git's user.signingKey is "auths:<alias>" and <alias> is a
/// device key of the identity in the identity home ($AUTHS_HOME or ~/.auths), linked and not
/// revoked. nullopt when git is not configured for auths or the home has no identity. An Error
/// when it is configured but the claim cannot be made (no such key, a key that is not a linked
/// device, an unreadable home).
[[nodiscard]] Result<std::optional<SigningClaims>> signing_claims(const std::string& repo_path);

/// `message` with "Auths-Id: <identity>" and "Auths-Device: <device>" added where absent, the
/// way `git interpret-trailers` adds trailers: to the message's trailer block (its last
/// paragraph when every line is "Token: value"), or as a new block after a blank line. Comment
/// lines and a scissors line at the end stay after the trailers. An empty message (only
/// comments and blank lines) is returned unchanged, so that git still aborts the commit.
std::string add_claim_trailers(std::string_view message, const SigningClaims& claims);

/// `message` with every trailer `key` of its trailer block (with its continuation lines)
/// removed and `lines` (trailers, folded or not) added at the end of the block, or as a new block
/// after a blank line. A block left empty goes with the blank lines before it. An empty message
/// is returned unchanged.
std::string replace_trailers(std::string_view message, std::string_view key, const std::vector<std::string>& lines);

/// Replaces the contents of the file at `path` (the hook's commit message file).
[[nodiscard]] Status rewrite_file(const std::string& path, std::string_view content);

}  // namespace auths::client
