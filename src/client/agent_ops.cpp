// auths/client/agent_ops.h: provisioning an agent identity. Everything that can be refused is
// refused before a key is generated or a passphrase used; every record is checked the way the
// registry will check it before anything is written; the delegator's home is written first (its
// anchoring event is what makes the agent exist), the agent's home last.
#include "auths/client/agent_ops.h"

#include <algorithm>
#include <filesystem>

#include "agent.h"
#include "auths/client/identity_ops.h"
#include "auths/client/keys.h"
#include "crypto/private_key.h"
#include "file_io.h"
#include "home.h"
#include "keri/attestation.h"
#include "keri/cesr.h"
#include "keri/kel.h"
#include "keystore.h"
#include "registry/registry.h"
#include "signer.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths::client {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kMaxExpirySeconds = int64_t{100} * 366 * 86400;
constexpr mode_t kConfigMode = 0644;

std::string next_alias() { return std::string(kAgentKeyAlias) + ".next"; }

/// TOML basic string: the characters our values can hold need no escape but these two.
std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string toml_list(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const auto& item : items) quoted.push_back(toml_string(item));
  return "[" + util::join(quoted, ", ") + "]";
}

/// auths-agent.toml: what the agent is, for the people and scripts that run it. The registry,
/// not this file, is what the hooks believe.
std::string agent_config(const AgentBundle& bundle) {
  std::string out =
      "# The agent identity of this home (written by auths init --profile agent).\n"
      "# Sign as the agent: AUTHS_HOME=<this directory>, AUTHS_PASSPHRASE=<its passphrase>,\n"
      "# then 'auths init --git --key-alias agent' in the repository the agent commits to.\n";
  out += "version = 1\n";
  out += "did = " + toml_string(bundle.did) + "\n";
  out += "name = " + toml_string(bundle.name) + "\n";
  out += "type = \"ai_agent\"\n";
  out += "signer_type = \"Agent\"\n";
  out += "key_alias = " + toml_string(bundle.key_alias) + "\n";
  out += "delegated_by = " + toml_string(bundle.delegator) + "\n";
  out += "capabilities = " + toml_list(bundle.capabilities) + "\n";
  if (!bundle.expires_at.empty()) out += "expires_at = " + toml_string(bundle.expires_at) + "\n";
  out += "record = " + toml_string(bundle.record) + "\n";
  return out;
}

/// The KEL files of `signer`'s identity and of every delegator above it, from the delegator's
/// registry copy: what the agent's home needs to replay the agent's dip.
Result<std::vector<std::pair<std::string, std::string>>> delegator_kels(const fs::path& delegator_home,
                                                                       const keri::KeyState& delegator) {
  auto files = registry_files(delegator_home);
  if (!files) return files.error();
  std::vector<std::string> prefixes{delegator.prefix};
  for (std::string above = delegator.delegator; !above.empty() && prefixes.size() <= keri::kMaxDelegationDepth + 1;) {
    prefixes.push_back(above);
    auto state = load_key_state(delegator_home, above);
    if (!state) return state.error();
    above = state->delegator;
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [path, content] : *files) {
    for (const auto& prefix : prefixes) {
      if (util::starts_with(path, "v1/identities/" + prefix + "/kel/")) out.emplace_back(path, content);
    }
  }
  return out;
}

/// What can be refused before anything is made.
struct Terms {
  std::vector<std::string> capabilities;
  std::optional<keri::Timestamp> expires_at;
  int64_t now = 0;
  crypto::KeyType type = crypto::KeyType::kEd25519;
};

Result<Terms> agent_terms(const ProvisionAgentOptions& options) {
  Terms terms;
  terms.now = options.now != 0 ? options.now : util::now_unix();
  auto type = parse_curve(options.curve);
  if (!type) return type.error();
  terms.type = *type;
  auto caps = checked_capabilities(options.capabilities);
  if (!caps) return caps.error();
  terms.capabilities = std::move(*caps);
  std::optional<int64_t> lifetime = options.expires_in;
  if (!lifetime && options.ephemeral) lifetime = kDefaultEphemeralSeconds;
  if (lifetime) {
    if (*lifetime <= 0 || *lifetime > kMaxExpirySeconds) {
      return Error::invalid_argument("--expires-in must be 1 to " + std::to_string(kMaxExpirySeconds) + " seconds");
    }
    if (options.ephemeral && *lifetime > kMaxAgentLifetime) {
      return Error::invalid_argument("an ephemeral agent lives in ssh-agent, at most " +
                                     std::to_string(kMaxAgentLifetime) + " seconds: lower --expires-in");
    }
    terms.expires_at = keri::Timestamp::from_unix(terms.now + *lifetime);
  }
  return terms;
}

Status check_agent_home(const fs::path& home, const fs::path& delegator_home) {
  std::error_code ec;
  if (fs::exists(home, ec) && fs::exists(delegator_home, ec) && fs::equivalent(home, delegator_home, ec)) {
    return Error::invalid_argument("the agent's home is the delegator's home (" + home.string() +
                                   "): set AUTHS_HOME to a new directory for the agent, or --delegator-home");
  }
  auto existing = load_identity_config(home);
  if (!existing) return existing.error();
  if (existing->has_value()) {
    return Error::invalid_argument("an identity already exists in " + home.string() + ": " + (*existing)->did +
                                   " (one agent per home: set AUTHS_HOME to a new directory)");
  }
  for (const auto& alias : {std::string(kAgentKeyAlias), next_alias()}) {
    if (key_exists(home, alias)) return Error::invalid_argument("key '" + alias + "' already exists in " + home.string());
  }
  if (fs::exists(home / kAgentConfigFile, ec)) {
    return Error::invalid_argument(std::string(kAgentConfigFile) + " already exists in " + home.string());
  }
  return {};
}

}  // namespace

Result<std::string> agent_home() {
  if (const char* home = std::getenv("AUTHS_HOME"); home != nullptr && *home != '\0') return std::string(home);
  auto dir = user_home_directory();
  if (!dir) return dir.error();
  return *dir + "/.auths-agent";
}

Result<std::string> default_delegator_home() {
  auto dir = user_home_directory();
  if (!dir) return dir.error();
  return *dir + "/.auths";
}

Result<AgentBundle> provision_agent(const std::string& agent_home_text, const std::string& delegator_home_text,
                                    const ProvisionAgentOptions& options, std::string_view agent_passphrase,
                                    std::string_view delegator_passphrase) {
  const fs::path home(agent_home_text);
  const fs::path delegator_home(delegator_home_text);
  auto terms = agent_terms(options);
  if (!terms) return terms.error();
  keri::AgentMetadata metadata{"ai_agent", options.name, "agent", options.ephemeral};
  auto delegator = home_signer(delegator_home);
  if (!delegator) {
    if (delegator.error().code != ErrorCode::kNotFound) return delegator.error();
    return Error::not_found("the delegator's home " + delegator_home.string() +
                            " has no identity: an agent is delegated by an identity (run 'auths id init' there, or "
                            "name another home with --delegator-home)");
  }
  if (!options.delegated_by.empty() && options.delegated_by != delegator->did) {
    return Error::invalid_argument("--delegated-by names " + options.delegated_by + ", but the delegator's home " +
                                   delegator_home.string() + " holds " + delegator->did);
  }
  if (delegator->state.abandoned()) {
    return Error::invalid_argument("the delegator's identity was abandoned: it cannot delegate", delegator->did);
  }
  if (!options.ephemeral) {
    if (auto ok = check_agent_home(home, delegator_home); !ok) return ok.error();
  }
  AgentBundle bundle;
  bundle.delegator = delegator->did;
  bundle.name = options.name;
  bundle.capabilities = terms->capabilities;
  bundle.expires_at = terms->expires_at ? terms->expires_at->text : "";
  bundle.ephemeral = options.ephemeral;
  bundle.delegator_home = delegator_home.string();
  if (!options.ephemeral) {
    bundle.home = home.string();
    bundle.key_alias = std::string(kAgentKeyAlias);
    bundle.config = (home / kAgentConfigFile).string();
  }
  if (options.ephemeral) {
    if (terms->type != crypto::KeyType::kEd25519 && terms->type != crypto::KeyType::kEcdsaP256) {
      return Error::unsupported("ssh-agent holds Ed25519 and P-256 keys only");
    }
    if (auto socket = agent_socket(); !socket) return socket.error();
  }
  // The record, checked by the strict parser before any key exists (names, metadata).
  keri::Attestation link;
  link.rid = keri::random_rid();
  link.issuer = delegator->did;
  link.capabilities = terms->capabilities;
  link.signer_type = keri::SignerType::kAgent;
  link.delegated_by = delegator->did;
  link.expires_at = terms->expires_at;
  link.timestamp = keri::Timestamp::from_unix(terms->now);
  link.metadata = metadata;
  if (options.dry_run) {
    bundle.dry_run = true;
    return bundle;
  }

  // The agent's keys and its delegated inception.
  auto key = crypto::PrivateKey::generate(terms->type);
  if (!key) return key.error();
  auto next = crypto::PrivateKey::generate(terms->type);
  if (!next) return next.error();
  auto key_qb64 = keri::cesr::encode_verkey(key->public_key());
  if (!key_qb64) return key_qb64.error();
  auto next_qb64 = keri::cesr::encode_verkey(next->public_key());
  if (!next_qb64) return next_qb64.error();
  auto dip = keri::make_delegated_inception({*key_qb64}, 1, {keri::next_key_digest(*next_qb64)}, 1,
                                            delegator->state.prefix);
  if (!dip) return dip.error();
  auto dip_signature = keri::sign_event(*dip, *key, 0);
  if (!dip_signature) return dip_signature.error();
  keri::SignedEvent signed_dip{*dip, {std::move(*dip_signature)}};
  link.subject = "did:keri:" + dip->prefix;
  link.device_public_key = key->public_key();
  if (auto ok = keri::sign_as_device(link, *key); !ok) return ok.error();
  auto seal = keri::Seal::of_event(*dip);
  if (!seal) return seal.error();

  // The delegator's half: one event anchors the dip and the record; then the dip itself.
  Anchored anchored{{link}, {}, {*seal}};
  auto anchor = sign_anchor_store(delegator_home, *delegator, delegator_passphrase, anchored);
  if (!anchor) return anchor.error();
  link = anchored.attestations.front();
  signed_dip.source_seals = {{anchor->event.sequence, anchor->event.said}};
  if (auto ok = append_event(delegator_home, signed_dip); !ok) return ok.error();
  auto record = registry::attestation_path(link);
  if (!record) return record.error();
  bundle.did = link.subject;
  bundle.record = *record;
  const std::string comment = "auths-agent:" + options.name;
  bundle.ssh_public_key = key->public_key().to_ssh_line(comment);

  if (options.ephemeral) {
    const auto lifetime = static_cast<uint32_t>(terms->expires_at->unix_seconds - terms->now);
    auto socket = agent::add_key(*key, comment, lifetime);
    if (!socket) return socket.error();
    bundle.ssh_agent = *socket;
    return bundle;
  }

  // The agent's home: keys, the KELs its dip needs, the dip, the record, the configs.
  if (auto ok = ensure_home(home); !ok) return ok.error();
  if (auto ok = save_key(home, kAgentKeyAlias, *key, agent_passphrase); !ok) return ok.error();
  if (auto ok = save_key(home, next_alias(), *next, agent_passphrase); !ok) return ok.error();
  auto after = home_signer(delegator_home);
  if (!after) return after.error();
  auto kels = delegator_kels(delegator_home, after->state);
  if (!kels) return kels.error();
  for (const auto& [path, content] : *kels) {
    const fs::path file = registry_copy_dir(home) / path;
    auto existing = read_file(file, content.size() + 1);
    if (existing && *existing == content) continue;
    if (auto ok = write_file(file, content, kConfigMode, /*replace=*/false); !ok) return ok.error();
  }
  if (auto ok = append_event(home, signed_dip); !ok) return ok.error();
  if (auto ok = store_attestation(home, link); !ok) return ok.error();
  IdentityConfig config;
  config.did = bundle.did;
  config.key_alias = std::string(kAgentKeyAlias);
  config.curve = curve_name(terms->type);
  if (auto ok = save_identity_config(home, config); !ok) return ok.error();
  if (auto ok = write_file(home / kAgentConfigFile, agent_config(bundle), kConfigMode, /*replace=*/false); !ok) {
    return ok.error();
  }
  return bundle;
}

}  // namespace auths::client
