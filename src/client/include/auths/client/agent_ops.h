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
  std::string name = "agent";             // metadata name, 1-64 printable
  std::vector<std::string> capabilities;  // empty = sign_commit
  std::optional<int64_t> expires_in;      // seconds > 0; nullopt = never (ephemeral: one hour)
  std::string delegated_by;               // "" = the delegator home's identity; else must be it
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

// Provisioning by request, when the agent runs on a machine that must not hold the delegator's
// keys (a CI runner): there, `auths init --profile agent --request FILE --delegated-by DID`
// makes the agent's home (keys, identity.json, auths-agent.toml) and FILE, an agent request:
//   {"type": "auths-agent-request", "version": 1,
//    "dip": "<the dip, compact JSON as signed>", "dip_signatures": "-AAB...",
//    "link": {<the delegation record, signed by the agent's key as its device>}}
// The delegator checks it and grants it with `auths device link --request FILE` (the command
// that completes a device's link request), which anchors dip and record in one ixn event, as
// provision_agent does, and stores them in the delegator's home for `auths registry publish`.
// Nothing in the request can change without being refused: the record is signed by the agent's
// key over every field, and the dip by the same key over its own.

inline constexpr std::string_view kAgentRequestType = "auths-agent-request";

/// The agent's side: `options` as for provision_agent (delegated_by required; not ephemeral);
/// the request is written to `out_path` (mode 0644; an existing file is an Error).
[[nodiscard]] Result<AgentBundle> request_agent(const std::string& agent_home, const ProvisionAgentOptions& options,
                                                const std::string& out_path, std::string_view agent_passphrase);

/// Whether the file at `path` is an agent request (rather than a device's link request).
bool is_agent_request_file(const std::string& path);

struct AgentRequestReview {
  std::string text;    // the request as read: what link_requested_agent is given
  AgentBundle agent;   // what would be granted
  std::string issuer;  // this home's identity
};
/// The delegator's side, without the passphrase: reads the request at `path` and checks it for
/// this home's identity at `now` as review_link_request does a device's (every refusal starts
/// "link request refused: "; kCorrupt for a request changed after the agent signed it), and
/// that its dip names this identity, incepts the key the record links, and is new here.
[[nodiscard]] Result<AgentRequestReview> review_agent_request(const std::string& home, const std::string& path,
                                                              int64_t now = 0);
/// `auths device link --request FILE` for an agent request: checks `text` again, then anchors,
/// signs and stores as provision_agent does in the delegator's home. Returns the agent.
[[nodiscard]] Result<AgentBundle> link_requested_agent(const std::string& home, std::string_view text,
                                                       std::string_view passphrase, int64_t now = 0);

/// Where the agent's home is: $AUTHS_HOME when set and not empty, else ~/.auths-agent.
[[nodiscard]] Result<std::string> agent_home();
/// Where the delegator's home is by default: ~/.auths (whatever $AUTHS_HOME says, which names
/// the agent's home for this command).
[[nodiscard]] Result<std::string> default_delegator_home();

}  // namespace auths::client
