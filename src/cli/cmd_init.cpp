// auths init --git: configure git to sign with a device key through auths-sign, and install the
// local commit-msg and pre-push hooks.
#include <cstdio>
#include <memory>
#include <string>

#include "auths/client/identity_ops.h"
#include "auths/client/keys.h"
#include "auths/exit_codes.h"
#include "commands.h"

namespace auths::cli {

namespace {

struct GitInitOptions {
  bool git = false;
  std::string repo = ".";
  bool repo_given = false;
  bool global = false;
  std::string key_alias;
};

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
  CLI::App* init = app.add_subcommand("init", "Set up git to sign with your device key (--git)");
  init->footer(
      "--git sets gpg.format=ssh, gpg.ssh.program=<auths-sign beside auths>, user.signingKey=auths:<alias>, "
      "commit.gpgSign=true and tag.gpgSign=true, and installs the commit-msg hook (adds the Auths-Id and Auths-Device "
      "trailers) and the pre-push hook (the server's checks, before anything leaves). Hooks that auths did not install "
      "are kept.");
  init->add_flag("--git", opts->git, "Configure git to sign through auths-sign");
  init->add_option("--repo", opts->repo, "The repository to configure and to install the hooks into")
      ->capture_default_str()
      ->each([opts](const std::string&) { opts->repo_given = true; });
  init->add_flag("--global", opts->global, "Write the settings to your global git config (hooks only with --repo)");
  init->add_option("--key-alias", opts->key_alias,
                   "The device key to sign with (default: the only active linked device key in the key store; in a "
                   "home without an identity, its only key)");
  registry.push_back({init, [opts] { return run_init_git(*opts); }});
}

}  // namespace auths::cli
