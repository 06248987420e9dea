// The developer's signing keys, for the CLI (`auths key ...`) and auths-sign: the identity home
// (auths_home) holds one passphrase-encrypted file per key (format: src/client/keystore.h).
// Nothing here prints; only read_passphrase talks to the terminal (/dev/tty).
#pragma once

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

/// The passphrase of the home's keys: $AUTHS_PASSPHRASE when set (non-interactive use), else
/// `prompt` on /dev/tty with echo off, read up to the end of the line (asked twice, and the two
/// must match, with `confirm`). No variable and no terminal is an Error saying so.
[[nodiscard]] Result<std::string> read_passphrase(std::string_view prompt, bool confirm = false);
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

}  // namespace auths::client
