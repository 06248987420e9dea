// Agent identities: `auths init --profile agent` (README.md, "Agents"). Plain strings in and
// out; nothing here prints.
//
// An agent is a KERI delegated identifier of its delegator (a human, or another agent): its
// inception is a `dip` naming the delegator, valid only once the delegator's KEL anchors it (an
// interaction event holding the seal {"i": agent, "s": "0", "d": dip SAID}), which is how KERI
// implementations (keripy, signify-ts) represent delegation, so any of them can follow the chain.
// The same interaction event anchors the delegation record (attestation.h): issuer = the
// delegator, subject = the agent's did:keri, device_public_key = the agent's key,
// signer_type Agent, delegated_by = the delegator, the capabilities granted, an expiry, and
// metadata {"type": "ai_agent", "name", "setup_profile": "agent"[, "ephemeral": true]}. The
// registry accepts the record only for an agent whose dip names its issuer (registry.h); at
// verification the agent holds C(delegator) ∩ C(granted) at every depth, and a broken link
// above it (revoked, expired) breaks it too.
//
// Two homes take part, each with its own passphrase:
//   the agent's home ($AUTHS_HOME, else ~/.auths-agent): identity.json (the agent), the key
//     store (the agent's key "agent" and its pre-rotation key "agent.next"), auths-agent.toml,
//     and a registry copy holding the dip, the delegator's KEL (so the dip replays there) and
//     the delegation record;
//   the delegator's home (--delegator-home, else ~/.auths): its KEL gains the anchoring event,
//     and its registry copy the dip and the record, so that the delegator's `auths registry
//     publish` carries the agent to the repository.
// An ephemeral agent (--ephemeral) has no home: its key is generated in memory and handed to
// the running ssh-agent with the record's lifetime, never written anywhere; git signs through
// ssh-agent with user.signingKey "key::<public key>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"

namespace auths::client {

inline constexpr std::string_view kAgentKeyAlias = "agent";
inline constexpr std::string_view kAgentConfigFile = "auths-agent.toml";
/// Expiry of an ephemeral agent when --expires-in is not given.
inline constexpr int64_t kDefaultEphemeralSeconds = 3600;

struct ProvisionAgentOptions {
  std::string name = "agent";              // metadata name, 1-64 printable
  std::vector<std::string> capabilities;   // empty = sign_commit
  std::optional<int64_t> expires_in;       // seconds > 0; nullopt = never (ephemeral: one hour)
  std::string delegated_by;                // "" = the delegator home's identity; else must be it
  bool ephemeral = false;
  bool dry_run = false;  // check everything, create nothing (no passphrase needed)
  std::string curve = "ed25519";
  int64_t now = 0;  // 0 = the current time
};

struct AgentBundle {
  std::string did;        // "" in a dry run
  std::string delegator;  // did:keri
  std::string name;
  std::string key_alias;  // "agent" ("" when ephemeral)
  std::string home;       // the agent's home ("" when ephemeral)
  std::string config;     // auths-agent.toml's path ("" when ephemeral)
  std::vector<std::string> capabilities;
  std::string expires_at;      // RFC 3339, "" = never
  std::string ssh_public_key;  // "ssh-ed25519 AAAA... auths-agent:<name>" ("" in a dry run)
  std::string record;          // the delegation record's path in the registry
  std::string ssh_agent;       // ephemeral: the ssh-agent socket holding the key
  std::string delegator_home;
  bool ephemeral = false;
  bool dry_run = false;
};

/// `auths init --profile agent`: see the header comment. `agent_passphrase` encrypts the
/// agent's keys (unused when ephemeral), `delegator_passphrase` opens the delegator's key;
/// neither is used in a dry run. kInvalidArgument when the agent home already has an identity or
/// is the delegator's home, when --delegated-by names another identity than the delegator
/// home's, or for a bad option; kNotFound when the delegator home has no identity or (ephemeral)
/// there is no ssh-agent.
[[nodiscard]] Result<AgentBundle> provision_agent(const std::string& agent_home, const std::string& delegator_home,
                                                  const ProvisionAgentOptions& options,
                                                  std::string_view agent_passphrase,
                                                  std::string_view delegator_passphrase);

/// Where the agent's home is: $AUTHS_HOME when set and not empty, else ~/.auths-agent.
[[nodiscard]] Result<std::string> agent_home();
/// Where the delegator's home is by default: ~/.auths (whatever $AUTHS_HOME says, which names
/// the agent's home for this command).
[[nodiscard]] Result<std::string> default_delegator_home();

}  // namespace auths::client
