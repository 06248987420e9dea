// auths key generate | list | show | unlock | lock: the developer's signing keys in the identity
// home, and a device key in the ssh-agent for a session.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "auths/client/keys.h"
#include "auths/client/sign_tool.h"
#include "auths/exit_codes.h"
#include "commands.h"

namespace auths::cli {

namespace {

nlohmann::ordered_json to_json(const client::StoredKey& key) {
  return {{"alias", key.alias},
          {"curve", key.curve},
          {"public_key", key.public_key_hex},
          {"ssh", key.ssh_public_key},
          {"fingerprint", key.fingerprint},
          {"did", key.did_key},
          {"signing_key", std::string(client::kAuthsKeyPrefix) + key.alias},
          {"path", key.path}};
}

struct GenerateOptions {
  std::string alias;
  std::string curve = "ed25519";
  bool json = false;
};

int run_generate(const GenerateOptions& opts) {
  if (const auto ok = client::check_key_alias(opts.alias); !ok) return report_error(ok.error());
  if (opts.curve != "ed25519" && opts.curve != "p256") {
    return report_error(Error::invalid_argument("unknown curve '" + opts.curve + "' (ed25519 or p256)"));
  }
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  auto passphrase =
      client::read_passphrase("Enter a passphrase for the new key '" + opts.alias + "': ", /*confirm=*/true);
  if (!passphrase) return report_error(passphrase.error());
  const auto key = client::generate_stored_key(*home, opts.alias, opts.curve, *passphrase);
  client::wipe_secret(*passphrase);
  if (!key) return report_error(key.error());
  if (opts.json) {
    print_json(to_json(*key));
    return kExitAccepted;
  }
  std::printf("generated %s key '%s' in %s\n", key->curve.c_str(), key->alias.c_str(), key->path.c_str());
  std::printf("  %s\n  %s\n  %s\n", key->ssh_public_key.c_str(), key->fingerprint.c_str(), key->did_key.c_str());
  std::printf(
      "sign commits with it: git config gpg.format ssh; git config gpg.ssh.program auths-sign; "
      "git config user.signingKey %s%s\n",
      std::string(client::kAuthsKeyPrefix).c_str(), key->alias.c_str());
  return kExitAccepted;
}

int run_list(bool json) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  const auto keys = client::list_stored_keys(*home);
  if (!keys) return report_error(keys.error());
  if (json) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::array();
    for (const auto& key : *keys) doc.push_back(to_json(key));
    std::printf("%s\n", doc.dump(2).c_str());
    return kExitAccepted;
  }
  for (const auto& key : *keys) {
    std::printf("%-20s %-8s %s %s\n", key.alias.c_str(), key.curve.c_str(), key.fingerprint.c_str(),
                key.did_key.c_str());
  }
  return kExitAccepted;
}

struct ShowOptions {
  std::string alias;
  std::string format = "ssh";
  bool json = false;
};

int run_show(const ShowOptions& opts) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  const auto key = client::find_stored_key(*home, opts.alias);
  if (!key) return report_error(key.error());
  if (opts.json || opts.format == "json") {
    print_json(to_json(*key));
  } else if (opts.format == "ssh") {
    std::printf("%s\n", key->ssh_public_key.c_str());
  } else if (opts.format == "did") {
    std::printf("%s\n", key->did_key.c_str());
  }
  return kExitAccepted;
}

struct AgentOptions {
  std::string alias;
  std::string lifetime = "8h";
  bool json = false;
};

/// --alias, or the one device key of the store.
Result<std::string> agent_alias(const std::string& home, const std::string& alias) {
  if (alias.empty()) return client::default_agent_alias(home);
  if (const auto ok = client::check_key_alias(alias); !ok) return ok.error();
  return alias;
}

int run_unlock(const AgentOptions& opts) {
  const auto lifetime = client::parse_lifetime(opts.lifetime);
  if (!lifetime) return report_error(lifetime.error());
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  const auto alias = agent_alias(*home, opts.alias);
  if (!alias) return report_error(alias.error());
  if (const auto key = client::find_stored_key(*home, *alias); !key) return report_error(key.error());
  if (const auto socket = client::agent_socket(); !socket) return report_error(socket.error());
  auto passphrase = client::read_passphrase("Enter passphrase for auths key '" + *alias + "': ");
  if (!passphrase) return report_error(passphrase.error());
  const auto unlocked = client::unlock_key(*home, *alias, *passphrase, *lifetime);
  client::wipe_secret(*passphrase);
  if (!unlocked) return report_error(unlocked.error());
  if (opts.json) {
    print_json({{"key", to_json(unlocked->key)},
                {"agent", unlocked->socket},
                {"lifetime", opts.lifetime},
                {"lifetime_seconds", unlocked->lifetime_seconds}});
    return kExitAccepted;
  }
  std::printf("key '%s' (%s) is in the ssh-agent for %s (%u s): auths-sign signs with it without asking\n",
              unlocked->key.alias.c_str(), unlocked->key.fingerprint.c_str(), opts.lifetime.c_str(),
              static_cast<unsigned>(unlocked->lifetime_seconds));
  std::printf("  agent: %s\n", unlocked->socket.c_str());
  std::printf("  remove it sooner: auths key lock --alias %s\n", unlocked->key.alias.c_str());
  return kExitAccepted;
}

int run_lock(const AgentOptions& opts) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  const auto alias = agent_alias(*home, opts.alias);
  if (!alias) return report_error(alias.error());
  const auto locked = client::lock_key(*home, *alias);
  if (!locked) return report_error(locked.error());
  if (opts.json) {
    print_json({{"key", to_json(locked->key)}, {"agent", locked->socket}});
    return kExitAccepted;
  }
  std::printf("key '%s' (%s) removed from the ssh-agent: signing asks for the passphrase again\n",
              locked->key.alias.c_str(), locked->key.fingerprint.c_str());
  return kExitAccepted;
}

}  // namespace

void register_key(CLI::App& app, Registry& registry) {
  CLI::App* key = app.add_subcommand("key",
                                     "Generate, list and show signing keys, unlock them for a session (identity home: "
                                     "$AUTHS_HOME or ~/.auths)");
  key->require_subcommand(1);
  key->footer(
      "Keys live in <home>/keys/<alias>.json (mode 0600, home 0700), encrypted with a passphrase: Argon2id + "
      "AES-256-GCM. The passphrase comes from $AUTHS_PASSPHRASE when set, else from a prompt on the terminal.\n"
      "Sign git commits with a stored key:\n"
      "  git config gpg.format ssh\n"
      "  git config gpg.ssh.program auths-sign\n"
      "  git config user.signingKey auths:<alias>");

  auto generate_opts = std::make_shared<GenerateOptions>();
  CLI::App* generate = key->add_subcommand("generate", "Generate a signing key and store it encrypted under an alias");
  generate->footer(
      "The passphrase is asked twice on the terminal, or taken from $AUTHS_PASSPHRASE. Argon2id costs 64 MiB and 3 "
      "passes by default; $AUTHS_KDF_MEMORY_KIB and $AUTHS_KDF_ITERATIONS lower it (for tests: e.g. 64), and each key "
      "file records the parameters it was written with.");
  generate->add_option("--alias", generate_opts->alias, "Name of the key: 1-64 of A-Z a-z 0-9 . _ -")->required();
  generate->add_option("--curve", generate_opts->curve, "Key type")
      ->check(CLI::IsMember({"ed25519", "p256"}))
      ->capture_default_str();
  generate->add_flag("--json", generate_opts->json, "Print the key as 'auths key show --json' does instead of text");
  registry.push_back({generate, [generate_opts] { return run_generate(*generate_opts); }});

  auto list_json = std::make_shared<bool>(false);
  CLI::App* list = key->add_subcommand("list", "List the stored keys: alias, curve, SSH fingerprint, did:key");
  list->add_flag("--json", *list_json, "Print a JSON array instead of text");
  registry.push_back({list, [list_json] { return run_list(*list_json); }});

  auto show_opts = std::make_shared<ShowOptions>();
  CLI::App* show = key->add_subcommand("show", "Print a stored key's public half (no passphrase needed)");
  show->add_option("--alias", show_opts->alias, "The key to show")->required();
  CLI::Option* format =
      show->add_option("--format", show_opts->format,
                       "ssh: an SSH public key line (for allowed_signers and policies); did: its did:key; json: "
                       "everything (as --json)")
          ->check(CLI::IsMember({"ssh", "did", "json"}))
          ->capture_default_str();
  show->add_flag("--json", show_opts->json,
                 "Print everything as JSON: alias, curve, public_key, ssh, fingerprint, did, signing_key, path")
      ->excludes(format);
  registry.push_back({show, [show_opts] { return run_show(*show_opts); }});

  auto unlock_opts = std::make_shared<AgentOptions>();
  CLI::App* unlock = key->add_subcommand(
      "unlock", "Put a device key in the running ssh-agent for a while: signing stops asking for the passphrase");
  unlock->footer(
      "Asks for the passphrase once, decrypts the key and hands it to the ssh-agent of $SSH_AUTH_SOCK over its socket "
      "with a lifetime (the agent forgets it after that); nothing is written to disk. auths-sign then asks the agent "
      "to sign, and falls back to the passphrase when the agent does not hold the key. Whoever can use the agent's "
      "socket can sign with the key meanwhile: do not forward this agent (ssh -A) to machines you do not trust. The "
      "identity's own keys are refused (they sign key events).");
  unlock->add_option("--alias", unlock_opts->alias, "The key (default: the only device key in the store)");
  unlock
      ->add_option("--lifetime", unlock_opts->lifetime,
                   "How long the agent keeps it: seconds, or with units s m h d w (8h, 1h30m; at most 30 days)")
      ->capture_default_str();
  unlock->add_flag("--json", unlock_opts->json,
                   "Print {\"key\": as 'auths key show --json', \"agent\": the socket, \"lifetime\", "
                   "\"lifetime_seconds\"} instead of text");
  registry.push_back({unlock, [unlock_opts] { return run_unlock(*unlock_opts); }});

  auto lock_opts = std::make_shared<AgentOptions>();
  CLI::App* lock = key->add_subcommand("lock", "Remove a key that 'auths key unlock' put in the ssh-agent");
  lock->footer("After this (or once the lifetime is over) auths-sign asks for the passphrase again.");
  lock->add_option("--alias", lock_opts->alias, "The key (default: the only device key in the store)");
  lock->add_flag("--json", lock_opts->json,
                 "Print {\"key\": as 'auths key show --json', \"agent\": the socket} instead of text");
  registry.push_back({lock, [lock_opts] { return run_lock(*lock_opts); }});
}

}  // namespace auths::cli
