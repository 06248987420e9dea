// auths/client/agent_ops.h: provisioning an agent identity. Everything that can be refused is
// refused before a key is generated or a passphrase used; every record is checked the way the
// registry will check it before anything is written; the delegator's home is written first (its
// anchoring event is what makes the agent exist), the agent's home last.
#include "auths/client/agent_ops.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

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

/// The delegator's half of making an agent: one ixn of `delegator` anchors the agent's `dip`
/// and `link` (signed here by the delegator); the dip is applied on top of that event before
/// anything is written; then the event, the record and the dip go to `home`'s registry copy.
/// Returns the finished record; `dip` gets its -G source seal.
Result<keri::Attestation> delegate_agent(const fs::path& home, const Signer& delegator, std::string_view passphrase,
                                         keri::SignedEvent& dip, const keri::Attestation& link) {
  auto seal = keri::Seal::of_event(dip.event);
  if (!seal) return seal.error();
  Anchored anchored{{link}, {}, {*seal}, {}};
  anchored.before_writing = [&](const keri::KeyState& after, const keri::SignedEvent& anchor) -> Status {
    dip.source_seals = {{anchor.event.sequence, anchor.event.said}};
    std::map<std::string, keri::KeyState, std::less<>> above;
    const keri::KeyStateLookup lookup = [&](std::string_view prefix) -> const keri::KeyState* {
      if (prefix == after.prefix) return &after;
      if (auto it = above.find(prefix); it != above.end()) return &it->second;
      auto state = load_key_state(home, prefix);
      return state ? &above.emplace(std::string(prefix), std::move(*state)).first->second : nullptr;
    };
    std::optional<keri::KeyState> agent;
    Reason fault = Reason::kOk;
    if (auto ok = keri::apply_event(agent, dip, &fault, lookup); !ok) {
      return Error::invalid_argument("the agent's inception does not verify (" + std::string(name(fault)) +
                                     "): " + ok.error().message);
    }
    return {};
  };
  auto anchor = sign_anchor_store(home, delegator, passphrase, anchored);
  if (!anchor) return anchor.error();
  if (auto ok = append_event(home, dip); !ok) return ok.error();
  return anchored.attestations.front();
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
    if (key_exists(home, alias))
      return Error::invalid_argument("key '" + alias + "' already exists in " + home.string());
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

namespace {

/// The record of a new agent before its key exists: checked by the strict parser's rules once
/// signed (names, metadata).
keri::Attestation draft_link(const std::string& delegator, const Terms& terms, const ProvisionAgentOptions& options) {
  keri::Attestation link;
  link.rid = keri::random_rid();
  link.issuer = delegator;
  link.capabilities = terms.capabilities;
  link.signer_type = keri::SignerType::kAgent;
  link.delegated_by = delegator;
  link.expires_at = terms.expires_at;
  link.timestamp = keri::Timestamp::from_unix(terms.now);
  link.metadata = keri::AgentMetadata{"ai_agent", options.name, "agent", options.ephemeral};
  return link;
}

/// A new agent's keys, its dip naming `delegator_prefix` signed by its key, and `link` made
/// its: subject, key, device signature.
struct MadeAgent {
  crypto::PrivateKey key;
  crypto::PrivateKey next;
  keri::SignedEvent dip;
  keri::Attestation link;
};

Result<MadeAgent> make_agent(crypto::KeyType type, const std::string& delegator_prefix, keri::Attestation link) {
  auto key = crypto::PrivateKey::generate(type);
  if (!key) return key.error();
  auto next = crypto::PrivateKey::generate(type);
  if (!next) return next.error();
  auto key_qb64 = keri::cesr::encode_verkey(key->public_key());
  if (!key_qb64) return key_qb64.error();
  auto next_qb64 = keri::cesr::encode_verkey(next->public_key());
  if (!next_qb64) return next_qb64.error();
  auto dip = keri::make_delegated_inception({*key_qb64}, 1, {keri::next_key_digest(*next_qb64)}, 1, delegator_prefix);
  if (!dip) return dip.error();
  auto dip_signature = keri::sign_event(*dip, *key, 0);
  if (!dip_signature) return dip_signature.error();
  link.subject = "did:keri:" + dip->prefix;
  link.device_public_key = key->public_key();
  if (auto ok = keri::sign_as_device(link, *key); !ok) return ok.error();
  auto text = keri::serialize_attestation(link);
  if (!text) return text.error();
  if (auto parsed = keri::parse_attestation(*text); !parsed) return Error::invalid_argument(parsed.error().message);
  keri::SignedEvent signed_dip{std::move(*dip), {std::move(*dip_signature)}};
  return MadeAgent{std::move(*key), std::move(*next), std::move(signed_dip), std::move(link)};
}

AgentBundle describe_agent(const fs::path& home, const ProvisionAgentOptions& options, const Terms& terms,
                           const std::string& delegator) {
  AgentBundle bundle;
  bundle.delegator = delegator;
  bundle.name = options.name;
  bundle.capabilities = terms.capabilities;
  bundle.expires_at = terms.expires_at ? terms.expires_at->text : "";
  bundle.ephemeral = options.ephemeral;
  bundle.dry_run = options.dry_run;
  if (!options.ephemeral) {
    bundle.home = home.string();
    bundle.key_alias = std::string(kAgentKeyAlias);
    bundle.config = (home / kAgentConfigFile).string();
  }
  return bundle;
}

/// The agent's home: its keys, identity.json, auths-agent.toml (the last file written).
Status write_agent_home(const fs::path& home, const MadeAgent& agent, const AgentBundle& bundle,
                        std::string_view passphrase) {
  if (auto ok = ensure_home(home); !ok) return ok;
  if (auto ok = save_key(home, kAgentKeyAlias, agent.key, passphrase); !ok) return ok;
  if (auto ok = save_key(home, next_alias(), agent.next, passphrase); !ok) return ok;
  IdentityConfig config;
  config.did = bundle.did;
  config.key_alias = std::string(kAgentKeyAlias);
  config.curve = curve_name(agent.key.type());
  if (auto ok = save_identity_config(home, config); !ok) return ok;
  return write_file(home / kAgentConfigFile, agent_config(bundle), kConfigMode, /*replace=*/false);
}

}  // namespace

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
  AgentBundle bundle = describe_agent(home, options, *terms, delegator->did);
  bundle.delegator_home = delegator_home.string();
  if (options.ephemeral) {
    if (terms->type != crypto::KeyType::kEd25519 && terms->type != crypto::KeyType::kEcdsaP256) {
      return Error::unsupported("ssh-agent holds Ed25519 and P-256 keys only");
    }
    if (auto socket = agent_socket(); !socket) return socket.error();
  }
  if (options.dry_run) return bundle;

  auto made = make_agent(terms->type, delegator->state.prefix, draft_link(delegator->did, *terms, options));
  if (!made) return made.error();
  keri::SignedEvent& signed_dip = made->dip;
  const crypto::PrivateKey* key = &made->key;
  keri::Attestation link = made->link;

  // The delegator's half: one event anchors the dip and the record; then the dip itself.
  auto finished = delegate_agent(delegator_home, *delegator, delegator_passphrase, signed_dip, link);
  if (!finished) return finished.error();
  link = std::move(*finished);
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

  // The agent's home: the KELs its dip needs, the dip, the record, then keys and configs.
  if (auto ok = ensure_home(home); !ok) return ok.error();
  // The files are read now, the anchoring event among them; prefix and delegator never change.
  auto kels = delegator_kels(delegator_home, delegator->state);
  if (!kels) return kels.error();
  for (const auto& [path, content] : *kels) {
    const fs::path file = registry_copy_dir(home) / path;
    auto existing = read_file(file, content.size() + 1);
    if (existing && *existing == content) continue;
    if (auto ok = write_file(file, content, kConfigMode, /*replace=*/false); !ok) return ok.error();
  }
  if (auto ok = append_event(home, signed_dip); !ok) return ok.error();
  if (auto ok = store_attestation(home, link); !ok) return ok.error();
  if (auto ok = write_agent_home(home, *made, bundle, agent_passphrase); !ok) return ok.error();
  return bundle;
}

namespace {

constexpr size_t kMaxAgentRequestSize = 128 * 1024;

/// An agent request, parsed (not yet checked).
struct ParsedRequest {
  keri::SignedEvent dip;
  keri::Attestation link;
};

Result<ParsedRequest> parse_agent_request(std::string_view text) {
  const auto bad = [](const std::string& why) { return refused(ErrorCode::kInvalidArgument, why); };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const std::exception&) {
    return bad("not an agent request: not JSON");
  }
  if (!doc.is_object() || doc.size() != 5 || doc.value("type", "") != kAgentRequestType || !doc.contains("version") ||
      doc["version"] != 1 || !doc.contains("dip") || !doc["dip"].is_string() || !doc.contains("dip_signatures") ||
      !doc["dip_signatures"].is_string() || !doc.contains("link") || !doc["link"].is_object()) {
    return bad("not an agent request: expected exactly type, version 1, dip, dip_signatures and link");
  }
  auto dip = keri::parse_signed_event(doc["dip"].get<std::string>(), doc["dip_signatures"].get<std::string>());
  if (!dip) return bad("its dip does not parse: " + dip.error().message);
  auto link = keri::parse_attestation(doc["link"].dump());
  if (!link) return bad("its record does not parse: " + link.error().to_string());
  return ParsedRequest{std::move(*dip), std::move(*link)};
}

/// What a requested agent's record says, as the delegator's home (`home`) shows it.
AgentBundle requested_agent(const keri::Attestation& link, const fs::path& home) {
  AgentBundle agent;
  agent.did = link.subject;
  agent.delegator = link.issuer;
  agent.name = link.metadata ? link.metadata->name : "";
  agent.capabilities = link.capabilities;
  agent.expires_at = link.expires_at ? link.expires_at->text : "";
  agent.ssh_public_key = link.device_public_key->to_ssh_line();
  agent.delegator_home = home.string();
  return agent;
}

/// The checks of review_agent_request (header).
Result<ParsedRequest> checked_agent_request(const fs::path& home, const Signer& delegator, std::string_view text,
                                            int64_t now) {
  auto request = parse_agent_request(text);
  if (!request) return request.error();
  const keri::KeyEvent& dip = request->dip.event;
  const keri::Attestation& link = request->link;
  const auto bad = [](const std::string& why) { return refused(ErrorCode::kInvalidArgument, why); };
  if (dip.type != keri::EventType::kDelegatedInception) return bad("its event is not a delegated inception (dip)");
  if (dip.delegator != delegator.state.prefix) {
    return bad("its dip names did:keri:" + dip.delegator + " as delegator, not this home's identity " + delegator.did);
  }
  if (link.is_revocation()) return bad("it is a revocation, not a request");
  if (link.issuer != delegator.did || link.delegated_by != std::optional<std::string>(delegator.did)) {
    return bad("its record is for " + link.issuer + ", not for this home's identity " + delegator.did);
  }
  if (!link.is_agent_delegation() || link.signer_type != keri::SignerType::kAgent || link.is_membership()) {
    return bad("its record is not an agent delegation (signer_type Agent, subject a did:keri)");
  }
  if (link.subject != "did:keri:" + dip.prefix) {
    return refused(ErrorCode::kCorrupt, "its record names " + link.subject + ", not the agent its dip incepts");
  }
  const auto linked_key = link.device_public_key ? keri::cesr::encode_verkey(*link.device_public_key)
                                                 : Result<std::string>(Error::invalid_argument("no key"));
  if (dip.keys.size() != 1 || !linked_key || *linked_key != dip.keys.front()) {
    return refused(ErrorCode::kCorrupt, "its record links another key than the one its dip incepts");
  }
  if (auto ok = check_requested_link(link, now); !ok) return ok.error();
  if (load_key_state(home, dip.prefix)) return bad("the agent " + link.subject + " is already known here");
  return request;
}

}  // namespace

Result<AgentBundle> request_agent(const std::string& agent_home_text, const ProvisionAgentOptions& options,
                                  const std::string& out_path, std::string_view agent_passphrase) {
  const fs::path home(agent_home_text);
  if (options.ephemeral) {
    return Error::invalid_argument(
        "an ephemeral agent cannot wait for a request to be granted: its key lives in "
        "ssh-agent only; provision it on the delegator's machine");
  }
  auto delegator = keri::parse_did_keri(options.delegated_by);
  if (!delegator) return Error::invalid_argument("--request needs --delegated-by with the delegator's did:keri");
  auto terms = agent_terms(options);
  if (!terms) return terms.error();
  if (auto ok = check_agent_home(home, fs::path()); !ok) return ok.error();
  std::error_code ec;
  const fs::path out = fs::absolute(out_path, ec);
  if (ec) return Error::io("cannot resolve the path: " + ec.message(), out_path);
  if (fs::exists(out, ec)) return Error::invalid_argument("already exists: choose another file", out_path);
  AgentBundle bundle = describe_agent(home, options, *terms, options.delegated_by);
  if (options.dry_run) return bundle;

  auto made = make_agent(terms->type, *delegator, draft_link(options.delegated_by, *terms, options));
  if (!made) return made.error();
  auto dip_json = keri::serialize(made->dip.event);
  if (!dip_json) return dip_json.error();
  auto dip_signatures = keri::attachment_text(made->dip);
  if (!dip_signatures) return dip_signatures.error();
  auto link_json = keri::to_json(made->link);
  if (!link_json) return link_json.error();
  const nlohmann::ordered_json doc = {{"type", kAgentRequestType},
                                      {"version", 1},
                                      {"dip", *dip_json},
                                      {"dip_signatures", *dip_signatures},
                                      {"link", *link_json}};
  bundle.did = made->link.subject;
  bundle.ssh_public_key = made->key.public_key().to_ssh_line("auths-agent:" + options.name);
  bundle.record = "(requested: " + out_path + ")";
  if (auto ok = write_file(out, doc.dump(2) + "\n", kConfigMode, /*replace=*/false); !ok) return ok.error();
  if (auto ok = write_agent_home(home, *made, bundle, agent_passphrase); !ok) return ok.error();
  return bundle;
}

bool is_agent_request_file(const std::string& path) {
  auto text = read_file(path, kMaxAgentRequestSize);
  if (!text) return false;
  try {
    const auto doc = nlohmann::json::parse(*text);
    return doc.is_object() && doc.value("type", "") == kAgentRequestType;
  } catch (const std::exception&) {
    return false;
  }
}

Result<AgentRequestReview> review_agent_request(const std::string& home_text, const std::string& path, int64_t now) {
  const fs::path home(home_text);
  auto text = read_file(path, kMaxAgentRequestSize);
  if (!text) return text.error();
  auto delegator = home_signer(home);
  if (!delegator) return delegator.error();
  auto request = checked_agent_request(home, *delegator, *text, now != 0 ? now : util::now_unix());
  if (!request) return Error{request.error().code, request.error().message, path};
  return AgentRequestReview{std::move(*text), requested_agent(request->link, home), delegator->did};
}

Result<AgentBundle> link_requested_agent(const std::string& home_text, std::string_view text,
                                         std::string_view passphrase, int64_t now) {
  const fs::path home(home_text);
  auto delegator = home_signer(home);
  if (!delegator) return delegator.error();
  if (delegator->state.abandoned()) {
    return Error::invalid_argument("the identity was abandoned: it cannot delegate", delegator->did);
  }
  auto request = checked_agent_request(home, *delegator, text, now != 0 ? now : util::now_unix());
  if (!request) return request.error();
  auto finished = delegate_agent(home, *delegator, passphrase, request->dip, request->link);
  if (!finished) return finished.error();
  auto record = registry::attestation_path(*finished);
  if (!record) return record.error();
  AgentBundle agent = requested_agent(*finished, home);
  agent.record = *record;
  return agent;
}

}  // namespace auths::client
