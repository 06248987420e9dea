// A client of the running ssh-agent ($SSH_AUTH_SOCK), speaking the SSH agent protocol
// (draft-miller-ssh-agent, OpenSSH's PROTOCOL.agent) directly over its Unix socket: what
// `auths key unlock | lock` and auths-sign need, no more.
//
// Every message, both ways, is
//   uint32    length of what follows
//   byte      message number
//   byte[]    contents
// with the SSH wire types of RFC 4253 section 5 (ssh/wire.h). The messages used here:
//
//   SSH_AGENTC_ADD_ID_CONSTRAINED (25)      add a private key for a limited time
//     string key type, <the key's private fields>, string comment,
//     byte SSH_AGENT_CONSTRAIN_LIFETIME (1), uint32 seconds
//     Ed25519:  string "ssh-ed25519", string ENC(A) (32 bytes), string k || ENC(A) (64 bytes)
//     P-256:    string "ecdsa-sha2-nistp256", string "nistp256", string Q (uncompressed
//               point, 65 bytes), mpint d
//   SSH_AGENTC_REMOVE_IDENTITY (18)         string public key blob
//   SSH_AGENTC_SIGN_REQUEST (13)            string public key blob, string data, uint32 flags
//   replies: SSH_AGENT_SUCCESS (6), SSH_AGENT_FAILURE (5),
//            SSH_AGENT_SIGN_RESPONSE (14): string signature (string algorithm, string blob: the
//            encoding an SSHSIG's `signature` field holds)
//
// The private key travels only in memory and over the socket: the message holding it is wiped
// once written.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "auths/result.h"
#include "crypto/private_key.h"
#include "crypto/public_key.h"
#include "util/bytes.h"

namespace auths::client::agent {

inline constexpr uint8_t kFailure = 5;
inline constexpr uint8_t kSuccess = 6;
inline constexpr uint8_t kSignRequest = 13;
inline constexpr uint8_t kSignResponse = 14;
inline constexpr uint8_t kRemoveIdentity = 18;
inline constexpr uint8_t kAddIdConstrained = 25;
inline constexpr uint8_t kConstrainLifetime = 1;

/// The longest reply read from an agent (a signature reply is a few hundred bytes).
inline constexpr size_t kMaxReplySize = 256 * 1024;

// The messages, without their length prefix (Connection::call adds it).

/// SSH_AGENTC_ADD_ID_CONSTRAINED for `key` (Ed25519 or P-256) with `comment` and a lifetime of
/// `lifetime_seconds` (> 0). Holds the private key: wipe it (util::Bytes) when done.
[[nodiscard]] Result<util::Bytes> add_identity_message(const crypto::PrivateKey& key, std::string_view comment,
                                                       uint32_t lifetime_seconds);
/// SSH_AGENTC_REMOVE_IDENTITY for `key`.
util::Bytes remove_identity_message(const crypto::PublicKey& key);
/// SSH_AGENTC_SIGN_REQUEST: `key` to sign `data`, flags 0 (the flags only choose RSA hashes).
util::Bytes sign_request_message(const crypto::PublicKey& key, std::span<const uint8_t> data);

/// Whether a reply is SSH_AGENT_SUCCESS; kCorrupt for an empty reply.
[[nodiscard]] Result<bool> is_success(std::span<const uint8_t> reply);
/// The signature of an SSH_AGENT_SIGN_RESPONSE: the key type's SSH signature encoding (string
/// algorithm, string blob), checked to name `key`'s algorithm. nullopt for SSH_AGENT_FAILURE (the
/// agent does not hold the key, or refused); kCorrupt for anything else.
[[nodiscard]] Result<std::optional<util::Bytes>> parse_sign_response(std::span<const uint8_t> reply,
                                                                     const crypto::PublicKey& key);

/// The process's SSH_AUTH_SOCK, or nullopt when it is unset or empty.
std::optional<std::string> socket_path();

/// One connection to an agent.
class Connection final {
 public:
  /// Connects to `path`. kNotFound when nothing listens there (no such file, connection
  /// refused), kIo otherwise. Replies are awaited at most `timeout_seconds`.
  [[nodiscard]] static Result<Connection> open(const std::string& path, int timeout_seconds = 60);
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&&) = delete;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  /// Sends `message` (length-prefixed here) and returns the reply without its length.
  [[nodiscard]] Result<util::Bytes> call(std::span<const uint8_t> message);

 private:
  Connection(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
  int m_fd = -1;
  std::string m_path;
};

/// Connects to the agent at $SSH_AUTH_SOCK. kNotFound when it is unset or nothing listens.
[[nodiscard]] Result<Connection> connect();
/// Adds `key` to the agent at $SSH_AUTH_SOCK for `lifetime_seconds` with `comment` (the
/// message holding the key is wiped once sent). Returns the socket's path.
[[nodiscard]] Result<std::string> add_key(const crypto::PrivateKey& key, std::string_view comment,
                                          uint32_t lifetime_seconds);

}  // namespace auths::client::agent
