// auths init --git: configure git to sign with a device key through auths-sign, and install the
// local commit-msg and pre-push hooks. auths init --profile agent: an agent identity delegated
// by the developer's (auths/client/agent_ops.h).
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "auths/client/agent_ops.h"
#include "auths/client/identity_ops.h"
#include "auths/client/keys.h"
#include "auths/client/org_ops.h"
#include "auths/exit_codes.h"
#include "commands.h"

namespace auths::cli {

nlohmann::ordered_json agent_bundle_json(const client::AgentBundle& b) {
  return {{"did", b.did},
          {"dry_run", b.dry_run},
          {"delegated_by", b.delegator},
          {"name", b.name},
          {"signer_type", "Agent"},
          {"capabilities", b.capabilities},
          {"expires_at", b.expires_at},
          {"ephemeral", b.ephemeral},
          {"home", b.home},
          {"key_alias", b.key_alias},
          {"config", b.config},
          {"ssh_public_key", b.ssh_public_key},
          {"ssh_agent", b.ssh_agent},
          {"record", b.record},
          {"delegator_home", b.delegator_home}};
}

namespace {

struct GitInitOptions {
  std::string profile;
  bool git = false;
  std::string repo = ".";
  bool repo_given = false;
  bool global = false;
  std::string key_alias;
};

struct AgentInitOptions {
  bool non_interactive = false;
  bool dry_run = false;
  bool ephemeral = false;
  bool json = false;
  std::string name = "agent";
  std::vector<std::string> capabilities;
  std::string expires_in;
  std::string delegated_by;
  std::string delegator_home;
  std::string request;  // --request FILE: on a machine without the delegator's keys
  std::string curve = "ed25519";
};

constexpr const char* kDelegatorPassphraseVariable = "AUTHS_DELEGATOR_PASSPHRASE";

void print_agent(const client::AgentBundle& b) {
  const std::string caps = join(b.capabilities, ", ");
  if (b.dry_run) {
    std::printf("dry run: nothing was created. auths init --profile agent would create:\n");
  } else if (b.ephemeral) {
    std::printf("ephemeral agent %s created: its key exists only in the ssh-agent at %s, until %s\n", b.did.c_str(),
                b.ssh_agent.c_str(), b.expires_at.c_str());
  } else {
    std::printf("agent %s created in %s\n", b.did.c_str(), b.home.c_str());
  }
  std::printf("  name:         %s (ai_agent%s)\n", b.name.c_str(), b.ephemeral ? ", ephemeral" : "");
  std::printf("  delegated by: %s (home %s)\n", b.delegator.c_str(), b.delegator_home.c_str());
  std::printf("  capabilities: %s\n", caps.c_str());
  std::printf("  expires:      %s\n", b.expires_at.empty() ? "never" : b.expires_at.c_str());
  if (!b.home.empty()) {
    std::printf("  home:         %s (key '%s', config %s)\n", b.home.c_str(), b.key_alias.c_str(), b.config.c_str());
  }
  if (b.dry_run) return;
  std::printf("  key:          %s\n", b.ssh_public_key.c_str());
  std::printf("  record:       %s\n", b.record.c_str());
  std::printf("next:\n");
  std::printf("  1. from the delegator's home, publish the agent and push it:\n");
  std::printf("       auths registry publish --repo REPO && git -C REPO push origin refs/auths/registry\n");
  if (b.ephemeral) {
    std::printf("  2. in the job (git signs through this ssh-agent; SSH_AUTH_SOCK=%s):\n", b.ssh_agent.c_str());
    std::printf("       AUTHS_AGENT_DID=%s\n", b.did.c_str());
    std::printf("       git config gpg.format ssh\n");
    std::printf("       git config user.signingKey 'key::%s'\n", b.ssh_public_key.c_str());
    std::printf("       git config commit.gpgSign true\n");
  } else {
    std::printf("  2. sign as the agent (AUTHS_PASSPHRASE: the agent's passphrase):\n");
    std::printf("       export AUTHS_HOME=%s\n", b.home.c_str());
    std::printf("       auths init --git --key-alias %s --repo REPO\n", b.key_alias.c_str());
  }
}

/// `--request FILE`: the agent's home and a request for the delegator (agent_ops.h).
int run_request_agent(const AgentInitOptions& opts, const std::string& home, client::ProvisionAgentOptions options) {
  if (options.capabilities.empty() && !opts.non_interactive && !opts.dry_run) {
    std::fprintf(stderr, "note: no --capabilities: the request asks for sign_commit only\n");
  }
  client::ProvisionAgentOptions preview = options;
  preview.dry_run = true;
  const auto checked = client::request_agent(home, preview, opts.request, "");
  if (!checked) return report_error(checked.error());
  if (opts.dry_run) {
    print_agent(*checked);
    return kExitAccepted;
  }
  auto passphrase = client::read_passphrase("Enter a passphrase for the agent's keys: ", /*confirm=*/true);
  if (!passphrase) return report_error(passphrase.error());
  const auto bundle = client::request_agent(home, options, opts.request, *passphrase);
  client::wipe_secret(*passphrase);
  if (!bundle) return report_error(bundle.error());
  if (opts.json) {
    print_json(agent_bundle_json(*bundle));
    return kExitAccepted;
  }
  std::printf("agent %s created in %s, waiting for its delegator\n", bundle->did.c_str(), bundle->home.c_str());
  std::printf("wrote the agent request for %s to %s (the agent's key stays here)\n", bundle->delegator.c_str(),
              opts.request.c_str());
  std::printf("  capabilities: %s\n", join(bundle->capabilities, ", ").c_str());
  std::printf("  expires:      %s\n", bundle->expires_at.empty() ? "never" : bundle->expires_at.c_str());
  std::printf("next:\n");
  std::printf("  1. on the delegator's machine: auths device link --request %s\n", opts.request.c_str());
  std::printf("  2. there: auths registry publish --repo REPO, and push refs/auths/registry\n");
  std::printf("  3. here: AUTHS_HOME=%s auths init --git --key-alias %s --repo REPO\n", bundle->home.c_str(),
              bundle->key_alias.c_str());
  return kExitAccepted;
}

int run_init_agent(const AgentInitOptions& opts) {
  const auto home = client::agent_home();
  if (!home) return report_error(home.error());
  std::string delegator_home = opts.delegator_home;
  if (delegator_home.empty()) {
    auto fallback = client::default_delegator_home();
    if (!fallback) return report_error(fallback.error());
    delegator_home = *fallback;
  }
  client::ProvisionAgentOptions options;
  options.name = opts.name;
  options.capabilities = opts.capabilities;
  options.delegated_by = opts.delegated_by;
  options.ephemeral = opts.ephemeral;
  options.dry_run = opts.dry_run;
  options.curve = opts.curve;
  if (!opts.expires_in.empty()) {
    const bool digits = opts.expires_in.find_first_not_of("0123456789") == std::string::npos;
    if (digits && opts.expires_in.size() <= 12) {
      options.expires_in = std::stoll(opts.expires_in);
    } else {
      auto seconds = client::parse_duration(opts.expires_in);
      if (!seconds) return report_error(Error::invalid_argument("--expires-in: " + seconds.error().message));
      options.expires_in = *seconds;
    }
  }
  if (!opts.request.empty()) return run_request_agent(opts, *home, std::move(options));
  const bool interactive = !opts.non_interactive && !opts.dry_run;
  if (opts.non_interactive && !opts.dry_run) {
    // Nothing may wait for a terminal: every secret comes from the environment.
    for (const char* variable : {opts.ephemeral ? nullptr : "AUTHS_PASSPHRASE", kDelegatorPassphraseVariable}) {
      if (variable != nullptr && std::getenv(variable) == nullptr) {
        return report_error(Error::invalid_argument(std::string("--non-interactive needs ") + variable + " (" +
                                                    (variable == kDelegatorPassphraseVariable
                                                         ? "the passphrase of the delegator's keys"
                                                         : "the passphrase for the agent's new keys") +
                                                    ")"));
      }
    }
  }
  if (interactive && options.capabilities.empty()) {
    auto answer = client::read_answer(
        "Capabilities for the agent (comma-separated: sign_commit, sign_release, manage_members, rotate_keys) "
        "[sign_commit]: ");
    if (!answer) return report_error(answer.error());
    std::string item;
    for (const char c : *answer + ",") {
      if (c != ',') {
        item += c;
      } else if (item.find_first_not_of(" \t") != std::string::npos) {
        options.capabilities.push_back(item);
        item.clear();
      } else {
        item.clear();
      }
    }
  }
  // Everything checked before a passphrase is asked.
  client::ProvisionAgentOptions preview = options;
  preview.dry_run = true;
  const auto checked = client::provision_agent(*home, delegator_home, preview, "", "");
  if (!checked) return report_error(checked.error());
  if (opts.dry_run) {
    if (opts.json) {
      print_json(agent_bundle_json(*checked));
    } else {
      print_agent(*checked);
    }
    return kExitAccepted;
  }
  std::string agent_passphrase;
  if (!opts.ephemeral) {
    auto read = client::read_passphrase("Enter a passphrase for the agent's keys: ", /*confirm=*/true);
    if (!read) return report_error(read.error());
    agent_passphrase = std::move(*read);
  }
  auto delegator_passphrase = client::read_passphrase(
      "Enter the passphrase of the delegator's keys (" + delegator_home + "): ", false, kDelegatorPassphraseVariable);
  if (!delegator_passphrase) {
    client::wipe_secret(agent_passphrase);
    return report_error(delegator_passphrase.error());
  }
  const auto bundle = client::provision_agent(*home, delegator_home, options, agent_passphrase, *delegator_passphrase);
  client::wipe_secret(agent_passphrase);
  client::wipe_secret(*delegator_passphrase);
  if (!bundle) return report_error(bundle.error());
  if (opts.json) {
    print_json(agent_bundle_json(*bundle));
  } else {
    print_agent(*bundle);
  }
  return kExitAccepted;
}

int run_init_git(const GitInitOptions& opts) {
  if (!opts.git) {
    return report_error(
        Error::invalid_argument("nothing to set up: 'auths init --git' configures git (see 'auths init --help')"));
  }
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  client::GitSetupOptions options;
  options.repo = opts.repo;
  options.global = opts.global;
  options.install_hooks = !opts.global || opts.repo_given;  // --global alone touches no repository
  options.key_alias = opts.key_alias;
  options.bin_dir = executable_dir();
  const auto result = client::setup_git(*home, options);
  if (!result) return report_error(result.error());
  std::printf("configured %s to sign with auths:%s:\n",
              opts.global ? "your global git config" : ("the repository " + result->scope).c_str(),
              result->key_alias.c_str());
  for (const auto& [key, value] : result->settings) std::printf("  %s=%s\n", key.c_str(), value.c_str());
  for (const auto& path : result->installed) std::printf("installed hook: %s\n", path.c_str());
  for (const auto& why : result->kept) std::printf("kept existing hook: %s\n", why.c_str());
  if (!result->kept.empty()) {
    std::printf(
        "hint: call the auths hooks from your own hooks to keep both (auths-commit-msg \"$1\", auths-pre-push "
        "\"$@\")\n");
  }
  if (!options.install_hooks) {
    std::printf(
        "no hooks installed: run 'auths init --git --repo PATH' in a repository for the commit-msg and pre-push "
        "hooks\n");
  }
  return kExitAccepted;
}

}  // namespace

void register_init(CLI::App& app, Registry& registry) {
  auto opts = std::make_shared<GitInitOptions>();
  auto agent = std::make_shared<AgentInitOptions>();
  CLI::App* init = app.add_subcommand(
      "init", "Set up git to sign with your device key (--git), or create an agent (--profile agent)");
  init->footer(
      "--git sets gpg.format=ssh, gpg.ssh.program=<auths-sign beside auths>, user.signingKey=auths:<alias>, "
      "commit.gpgSign=true and tag.gpgSign=true, and installs the commit-msg hook (adds the Auths-Id and Auths-Device "
      "trailers) and the pre-push hook (the server's checks, before anything leaves). Hooks that auths did not install "
      "are kept.\n\n"
      "--profile agent creates an agent identity (a KERI delegated identifier) in $AUTHS_HOME, else ~/.auths-agent, "
      "delegated by the identity of --delegator-home (default ~/.auths): the delegator's KEL anchors the agent's "
      "inception and a delegation record (signer_type Agent, the capabilities, the expiry), and the agent's home gets "
      "its keys and auths-agent.toml. Passphrases: AUTHS_PASSPHRASE for the agent's new keys, "
      "AUTHS_DELEGATOR_PASSPHRASE for the delegator's, else asked on the terminal. At verification the agent holds "
      "only what its delegator holds too, and revoking the delegator (or its membership) ends the agent.");
  CLI::Option* profile =
      init->add_option("--profile", opts->profile, "'agent': create an agent identity instead of configuring git")
          ->check(CLI::IsMember({"agent"}));
  init->add_flag("--non-interactive", agent->non_interactive,
                 "Agent: ask nothing (capabilities default to sign_commit; passphrases from the environment)")
      ->needs(profile);
  init->add_flag("--dry-run", agent->dry_run, "Agent: check everything and show what would be created; create nothing")
      ->needs(profile);
  init->add_option("--capabilities", agent->capabilities, "Agent: capabilities granted (default sign_commit)")
      ->delimiter(',')
      ->needs(profile);
  init->add_option("--expires-in", agent->expires_in,
                   "Agent: lifetime of the delegation, in seconds or as 30m, 24h, 7d (default: none; --ephemeral: 1h)")
      ->needs(profile);
  init->add_option("--delegated-by", agent->delegated_by,
                   "Agent: the delegating identity (must be the delegator home's; checked, default: that one)")
      ->needs(profile);
  init->add_option("--delegator-home", agent->delegator_home,
                   "Agent: the identity home of the delegator (default ~/.auths)")
      ->needs(profile);
  init->add_option("--request", agent->request,
                   "Agent: on a machine without the delegator's keys, write an agent request to FILE for 'auths "
                   "device link --request' on the delegator's machine (needs --delegated-by)")
      ->needs(profile);
  init->add_option("--name", agent->name, "Agent: its name in the record's metadata")
      ->capture_default_str()
      ->needs(profile);
  init->add_option("--curve", agent->curve, "Agent: key type, ed25519 or p256")->capture_default_str()->needs(profile);
  init->add_flag("--ephemeral", agent->ephemeral,
                 "Agent: keep the key only in the running ssh-agent (SSH_AUTH_SOCK) for the lifetime; write no home")
      ->needs(profile);
  init->add_flag("--json", agent->json, "Agent: print the result as JSON")->needs(profile);
  init->add_flag("--git", opts->git, "Configure git to sign through auths-sign");
  init->add_option("--repo", opts->repo, "The repository to configure and to install the hooks into")
      ->capture_default_str()
      ->each([opts](const std::string&) { opts->repo_given = true; });
  init->add_flag("--global", opts->global, "Write the settings to your global git config (hooks only with --repo)");
  init->add_option("--key-alias", opts->key_alias,
                   "The device key to sign with (default: the only active linked device key in the key store; in a "
                   "home without an identity, its only key)");
  registry.push_back({init, [opts, agent] {
                        if (opts->profile == "agent") {
                          if (opts->git) {
                            return report_error(Error::invalid_argument(
                                "--git and --profile agent are separate steps: create the agent, then run 'auths "
                                "init --git' with AUTHS_HOME set to its home"));
                          }
                          return run_init_agent(*agent);
                        }
                        return run_init_git(*opts);
                      }});
}

}  // namespace auths::cli
