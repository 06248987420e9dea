// auths-sign: a drop-in for git's gpg.ssh.program. Git runs
//   <program> -Y sign -n git -f <user.signingKey> [-U] <file>
// and reads <file>.sig. When the key is "auths:<alias>" (user.signingKey=auths:<alias>, which
// git passes through literally) the key comes from the identity home and the signature is made
// here (by the ssh-agent when `auths key unlock` put the key there, else with the key store's
// passphrase); every other invocation is ssh-keygen's business and is handed to it unchanged.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"

namespace auths::client {

/// The prefix that names a stored key in `-f`.
inline constexpr std::string_view kAuthsKeyPrefix = "auths:";

struct AuthsSignRequest {
  std::string alias;                      // from -f auths:<alias>
  std::string namespace_;                 // -n
  std::string hash_algorithm = "sha512";  // -O hashalg=sha256|sha512
  std::vector<std::string> files;         // empty, or the single "-": stdin to stdout
};

/// Reads ssh-keygen's command line (without argv[0]), with ssh-keygen's option letters and
/// BSD getopt rules (options first; "--" or the first operand ends them).
/// Returns nullopt unless this is `-Y sign` with `-f auths:<alias>`: the caller runs ssh-keygen
/// with the same arguments. An Error is an auths: signing request that cannot be honoured (no
/// -n, an option that makes no sense for a stored key, a bad alias, stdin mixed with files).
[[nodiscard]] Result<std::optional<AuthsSignRequest>> parse_auths_sign_args(const std::vector<std::string>& args);

/// Signs each file to "<file>.sig" (mode 0644), or `in_fd` to `out_fd` when there is no file or
/// just "-". The running ssh-agent ($SSH_AUTH_SOCK) signs when it holds the key (`auths key
/// unlock`; its signature is checked before it is written); otherwise the key is loaded from the
/// store with the passphrase from AUTHS_PASSPHRASE or the terminal.
[[nodiscard]] Status run_auths_sign(const AuthsSignRequest& request, int in_fd, int out_fd);

}  // namespace auths::client
