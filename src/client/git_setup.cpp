// auths/client/identity_ops.h, setup_git: configures git to sign through auths-sign with a device key
// and installs the local hooks. Settings are written by running `git config`, so that
// --global means exactly what it means to git (HOME, XDG_CONFIG_HOME, include files).
#include <filesystem>

#include "auths/client/identity_ops.h"
#include "auths/client/install.h"
#include "auths/client/sign_tool.h"
#include "file_io.h"
#include "git/repository.h"
#include "home.h"
#include "keystore.h"
#include "process.h"
#include "util/strings.h"

namespace auths::client {

namespace fs = std::filesystem;

namespace {

/// Runs `git <args>`; `what` names the command in the error message.
Status run_git(const std::vector<std::string>& args, const std::string& what) {
  std::vector<std::string> argv{"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  if (auto ran = run_program(argv, what); !ran) return ran.error();
  return {};
}

/// The device key to sign with when none was named: the only active linked device whose key
/// is in this home's store; in a home without an identity (a device's own machine, `auths device
/// request`), its only key.
Result<std::string> default_device_alias(const std::string& home) {
  auto config = load_identity_config(home);
  if (!config) return config.error();
  if (!config->has_value()) {
    auto keys = list_keys(home);
    if (!keys) return keys.error();
    if (keys->size() == 1) return keys->front().alias;
    return Error::invalid_argument(keys->empty() ? "no key in " + home +
                                                       ": run 'auths device request' (or 'auths id init' and "
                                                       "'auths device link')"
                                                 : "several keys in " + home + ": choose one with --key-alias");
  }
  auto devices = list_devices(home, /*include_revoked=*/false);
  if (!devices) return devices.error();
  std::vector<std::string> usable;
  for (const auto& device : *devices) {
    if (device.status == "active" && !device.alias.empty()) usable.push_back(device.alias);
  }
  if (usable.empty()) {
    return Error::invalid_argument("no active device key in " + home +
                                   ": run 'auths device link' (or pass --key-alias)");
  }
  if (usable.size() > 1) {
    std::string names;
    for (const auto& alias : usable) names += (names.empty() ? "" : ", ") + alias;
    return Error::invalid_argument("several device keys (" + names + "): choose one with --key-alias");
  }
  return usable.front();
}

}  // namespace

Result<GitSetupResult> setup_git(const std::string& home, const GitSetupOptions& options) {
  GitSetupResult result;
  if (options.key_alias.empty()) {
    auto alias = default_device_alias(home);
    if (!alias) return alias.error();
    result.key_alias = *alias;
  } else {
    if (auto ok = check_key_alias(options.key_alias); !ok) return ok.error();
    if (!key_exists(home, options.key_alias)) {
      return Error::not_found("no key '" + options.key_alias + "' in " + home + " (see 'auths key list')");
    }
    result.key_alias = options.key_alias;
  }
  const fs::path bin_dir(options.bin_dir);
  const fs::path sign_program = fs::absolute(bin_dir / "auths-sign");
  std::error_code ec;
  if (!fs::exists(sign_program, ec))
    return Error::not_found("auths-sign not found beside auths", sign_program.string());

  const bool touch_repo = !options.global || options.install_hooks;
  std::string repo_path = options.repo;
  if (touch_repo) {
    const git::Session session;
    auto repo = git::Repository::open(repo_path);
    if (!repo) return Error::not_found("not a git repository", repo_path);
  }

  result.scope = options.global ? "global" : repo_path;
  result.settings = {{"gpg.format", "ssh"},
                     {"gpg.ssh.program", sign_program.string()},
                     {"user.signingKey", std::string(kAuthsKeyPrefix) + result.key_alias},
                     {"commit.gpgSign", "true"},
                     {"tag.gpgSign", "true"}};
  for (const auto& [key, value] : result.settings) {
    std::vector<std::string> args;
    if (options.global) {
      args = {"config", "--global", key, value};
    } else {
      args = {"-C", repo_path, "config", "--local", key, value};
    }
    if (auto ok = run_git(args, "git config " + key); !ok) return ok.error();
  }

  if (options.install_hooks) {
    const std::pair<const char*, const char*> hooks[] = {{"commit-msg", "auths-commit-msg"},
                                                         {"pre-push", "auths-pre-push"}};
    for (const auto& [hook, binary] : hooks) {
      auto path = install_hook(repo_path, HookLayout::kPlain, hook, (bin_dir / binary).string());
      if (!path) {
        if (path.error().code != ErrorCode::kInvalidArgument) return path.error();
        result.kept.push_back(std::string(hook) + ": " + path.error().message);
        continue;
      }
      result.installed.push_back(*path);  // where git runs it: core.hooksPath is honoured
    }
  }

  return result;
}

}  // namespace auths::client
