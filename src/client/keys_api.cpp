// auths/client/keys.h: the key store as the CLI sees it, in plain strings.
#include "auths/client/keys.h"

#include <botan/mem_ops.h>

#include <algorithm>
#include <optional>

#include "agent.h"
#include "auths/client/sign_tool.h"
#include "crypto/private_key.h"
#include "home.h"
#include "keystore.h"
#include "util/bytes.h"
#include "util/strings.h"

namespace auths::client {

namespace {

Result<StoredKey> describe(const std::filesystem::path& home, std::string_view alias, const crypto::PublicKey& key) {
  auto did = key.to_did_key();
  if (!did) return did.error();
  const std::string alias_text(alias);
  return StoredKey{alias_text,
                   curve_name(key.type()),
                   util::hex_encode(key.raw()),
                   key.to_ssh_line(std::string(kAuthsKeyPrefix) + alias_text),
                   key.fingerprint(),
                   std::move(*did),
                   key_path(home, alias).string()};
}

/// The identity's own keys in the store (current, next, pending): never handed to an agent.
Result<std::vector<std::string>> identity_aliases(const std::string& home) {
  auto config = load_identity_config(home);
  if (!config) return config.error();
  if (!config->has_value()) return std::vector<std::string>{};
  const std::string& alias = (*config)->key_alias;
  return std::vector<std::string>{alias, alias + ".next", alias + ".pending"};
}

}  // namespace

Result<uint32_t> parse_lifetime(std::string_view text) {
  const auto invalid = [&] {
    return Error::invalid_argument("invalid lifetime '" + util::printable(text, 40) +
                                   "': seconds, or numbers with s, m, h, d, w (e.g. 8h, 1h30m)");
  };
  if (text.empty()) return invalid();
  uint64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    uint64_t number = 0;
    const size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      number = number * 10 + static_cast<uint64_t>(text[i] - '0');
      if (number > kMaxAgentLifetime) return invalid();
      ++i;
    }
    if (i == start) return invalid();
    uint64_t unit = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 's':
        case 'S': unit = 1; break;
        case 'm':
        case 'M': unit = 60; break;
        case 'h':
        case 'H': unit = 3600; break;
        case 'd':
        case 'D': unit = 86400; break;
        case 'w':
        case 'W': unit = 7 * 86400; break;
        default: return invalid();
      }
      ++i;
    } else if (start != 0) {
      return invalid();  // "1h30": a bare number only alone, as seconds
    }
    total += number * unit;
    if (total > kMaxAgentLifetime) {
      return Error::invalid_argument("lifetime '" + util::printable(text, 40) + "' is longer than " +
                                     std::to_string(kMaxAgentLifetime / 86400) + " days");
    }
  }
  if (total == 0) return invalid();
  return static_cast<uint32_t>(total);
}

Result<std::string> agent_socket() {
  auto connection = agent::connect();
  if (!connection) return connection.error();
  return *agent::socket_path();
}

Result<std::string> default_agent_alias(const std::string& home) {
  auto keys = list_keys(home);
  if (!keys) return keys.error();
  auto identity = identity_aliases(home);
  if (!identity) return identity.error();
  std::vector<std::string> candidates;
  for (const auto& info : *keys) {
    if (std::find(identity->begin(), identity->end(), info.alias) == identity->end()) {
      candidates.push_back(info.alias);
    }
  }
  if (candidates.empty()) {
    return Error::invalid_argument("no device key in " + home + " (see 'auths key list'): pass --alias");
  }
  if (candidates.size() > 1) {
    std::string names;
    for (const auto& alias : candidates) names += (names.empty() ? "" : ", ") + alias;
    return Error::invalid_argument("several keys (" + names + "): choose one with --alias");
  }
  return candidates.front();
}

Result<AgentKey> unlock_key(const std::string& home, std::string_view alias, std::string_view passphrase,
                            uint32_t lifetime_seconds) {
  if (auto ok = check_key_alias(alias); !ok) return ok.error();
  if (lifetime_seconds == 0 || lifetime_seconds > kMaxAgentLifetime) {
    return Error::invalid_argument("the lifetime must be 1 second to " + std::to_string(kMaxAgentLifetime / 86400) +
                                   " days");
  }
  auto identity = identity_aliases(home);
  if (!identity) return identity.error();
  if (std::find(identity->begin(), identity->end(), alias) != identity->end()) {
    return Error::invalid_argument("key '" + std::string(alias) +
                                   "' is the identity's own key: only device keys go to the agent");
  }
  auto shown = find_stored_key(home, alias);
  if (!shown) return shown.error();
  // The agent is there before the passphrase is used in vain.
  if (auto socket = agent_socket(); !socket) return socket.error();
  const auto key = load_key(home, alias, passphrase);
  if (!key) return key.error();
  auto socket = agent::add_key(*key, std::string(kAuthsKeyPrefix) + std::string(alias), lifetime_seconds);
  if (!socket) return socket.error();
  return AgentKey{std::move(*shown), *socket, lifetime_seconds};
}

Result<AgentKey> lock_key(const std::string& home, std::string_view alias) {
  if (auto ok = check_key_alias(alias); !ok) return ok.error();
  auto shown = find_stored_key(home, alias);
  if (!shown) return shown.error();
  auto public_key = load_public_key(home, alias);
  if (!public_key) return public_key.error();
  auto connection = agent::connect();
  if (!connection) return connection.error();
  const auto reply = connection->call(agent::remove_identity_message(*public_key));
  if (!reply) return reply.error();
  const auto removed = agent::is_success(*reply);
  if (!removed) return removed.error();
  if (!*removed) {
    return Error::not_found("the ssh-agent does not hold key '" + std::string(alias) +
                            "' (never unlocked, or its lifetime is over)");
  }
  return AgentKey{std::move(*shown), *agent::socket_path(), 0};
}

Result<StoredKey> generate_stored_key(const std::string& home, std::string_view alias, std::string_view curve,
                                      std::string_view passphrase) {
  if (const auto ok = check_key_alias(alias); !ok) return ok.error();
  const auto type = parse_curve(curve);
  if (!type) return type.error();
  if (key_exists(home, alias)) {
    return Error::invalid_argument("key '" + std::string(alias) + "' already exists", key_path(home, alias).string());
  }
  const auto key = crypto::PrivateKey::generate(*type);
  if (!key) return key.error();
  if (const auto saved = save_key(home, alias, *key, passphrase); !saved) return saved.error();
  return describe(home, alias, key->public_key());
}

Result<std::vector<StoredKey>> list_stored_keys(const std::string& home) {
  const auto keys = list_keys(home);
  if (!keys) return keys.error();
  std::vector<StoredKey> out;
  for (const auto& info : *keys) {
    auto shown = describe(home, info.alias, info.public_key);
    if (!shown) return shown.error();
    out.push_back(std::move(*shown));
  }
  return out;
}

Result<StoredKey> find_stored_key(const std::string& home, std::string_view alias) {
  const auto key = load_public_key(home, alias);
  if (!key) return key.error();
  return describe(home, alias, *key);
}

}  // namespace auths::client
