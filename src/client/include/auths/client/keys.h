// The developer's signing keys, for the CLI (`auths key ...`) and auths-sign: the identity home
// (auths_home) holds one passphrase-encrypted file per key (format: src/client/keystore.h).
// Nothing here prints; only read_passphrase talks to the terminal (/dev/tty).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"

namespace auths::client {

/// What can be shown about a stored key without its passphrase.
struct StoredKey {
  std::string alias;
  std::string curve;           // "ed25519" or "p256"
  std::string public_key_hex;  // Ed25519: 32 bytes; P-256: compressed point, 33 bytes
  std::string ssh_public_key;  // "ssh-ed25519 AAAA... auths:<alias>": an authorized_keys / allowed_signers key
  std::string fingerprint;     // "SHA256:...", as ssh-keygen -l prints it
  std::string did_key;         // "did:key:z6Mk..." or "did:key:zDn..."
  std::string path;            // the key file
};

/// Where the identity home is: $AUTHS_HOME when set and not empty, else $HOME/.auths, else
/// .auths in the home directory of the user's passwd entry (where OpenSSH finds ~/.ssh). Never
/// the current directory: a home found there would be whatever the command happened to run in.
/// kNotFound when there is no home directory at all. Not created here.
[[nodiscard]] Result<std::string> auths_home();
/// The user's home directory: $HOME when set and not empty, else the passwd entry's.
[[nodiscard]] Result<std::string> user_home_directory();

/// The passphrase of the home's keys: $AUTHS_PASSPHRASE (or the environment variable
/// `variable`) when set (non-interactive use), else `prompt` on /dev/tty with echo off, read up
/// to the end of the line (asked twice, and the two must match, with `confirm`). No variable and
/// no terminal is an Error saying so.
[[nodiscard]] Result<std::string> read_passphrase(std::string_view prompt, bool confirm = false,
                                                  const char* variable = "AUTHS_PASSPHRASE");
/// One line typed on /dev/tty after `prompt` (echo on). kInvalidArgument without a terminal.
[[nodiscard]] Result<std::string> read_answer(std::string_view prompt);
/// Overwrites a passphrase in place once it is used, in a way the compiler cannot drop.
void wipe_secret(std::string& secret);

/// Checks an alias: [A-Za-z0-9._-]{1,64}, not starting with '.' (aliases name files).
[[nodiscard]] Status check_key_alias(std::string_view alias);

/// Generates a key on `curve` ("ed25519" or "p256"), encrypts it with `passphrase` and stores it
/// as `alias` in `home` (created with mode 0700 when missing). An existing alias is an Error.
[[nodiscard]] Result<StoredKey> generate_stored_key(const std::string& home, std::string_view alias,
                                                    std::string_view curve, std::string_view passphrase);
/// Every stored key, sorted by alias.
[[nodiscard]] Result<std::vector<StoredKey>> list_stored_keys(const std::string& home);
/// One stored key (no passphrase needed).
[[nodiscard]] Result<StoredKey> find_stored_key(const std::string& home, std::string_view alias);

// `auths key unlock | lock`: a device key in the running ssh-agent ($SSH_AUTH_SOCK) for a
// limited time, so that auths-sign signs without asking for the passphrase (sign_tool.h). The
// key goes to the agent over its socket (src/client/agent.h), never to a file.

/// The default and the largest lifetime of an unlocked key.
inline constexpr uint32_t kDefaultAgentLifetime = 8 * 3600;
inline constexpr uint32_t kMaxAgentLifetime = 30 * 86400;

/// A lifetime as ssh-add -t writes one: seconds ("90"), or numbers with units s, m, h, d, w
/// ("8h", "1h30m"); from 1 second to kMaxAgentLifetime.
[[nodiscard]] Result<uint32_t> parse_lifetime(std::string_view text);

/// The key `auths key unlock | lock` act on without --alias: the only key of the store that is
/// not the identity's own (its current, next or pending key). An Error naming the choices when
/// there are several, or none.
[[nodiscard]] Result<std::string> default_agent_alias(const std::string& home);

/// The socket of the running ssh-agent, checked by connecting to it: kNotFound when
/// SSH_AUTH_SOCK is unset or nothing listens there (before asking for a passphrase in vain).
[[nodiscard]] Result<std::string> agent_socket();

struct AgentKey {
  StoredKey key;
  std::string socket;             // the agent's socket
  uint32_t lifetime_seconds = 0;  // unlock only
};
/// `auths key unlock`: decrypts key `alias` with `passphrase` and adds it to the agent at
/// $SSH_AUTH_SOCK with a lifetime constraint, comment "auths:<alias>". The identity's own keys
/// are refused: whoever can reach the agent's socket can have it sign anything, and an identity
/// key signs key events. Errors: no SSH_AUTH_SOCK or no agent there (kNotFound), the agent
/// refusing the key.
[[nodiscard]] Result<AgentKey> unlock_key(const std::string& home, std::string_view alias, std::string_view passphrase,
                                          uint32_t lifetime_seconds);
/// `auths key lock`: removes key `alias` from the agent. kNotFound when the agent does not hold
/// it (never unlocked, or its lifetime is over).
[[nodiscard]] Result<AgentKey> lock_key(const std::string& home, std::string_view alias);

}  // namespace auths::client
