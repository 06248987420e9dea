// auths hook run | override | ssh-shell: dry-run a push against a repository; the admin's
// break-glass override of one push; the forced command of a plain ssh server's authorized_keys
// lines (install, uninstall, status: cmd_hook_install.cpp).
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "auths/client/install.h"
#include "auths/client/org_ops.h"
#include "auths/exit_codes.h"
#include "auths/hooks_config.h"
#include "auths/system.h"
#include "auths/verify.h"
#include "commands.h"

namespace auths::cli {

namespace {

struct RunOptions {
  std::string repo = ".";
  bool json = false;
  bool explain = false;
  unsigned threads = 0;
  int64_t now = 0;
  std::string config;
};

int run_hook_run(const RunOptions& opts) {
  auto input = read_all(STDIN_FILENO, kMaxHookInput);
  if (!input) {
    std::fprintf(stderr, "error: %s\n", input.error().to_string().c_str());
    return kExitUndecided;
  }
  auto updates = parse_pre_receive_input(*input);
  if (!updates) {
    std::fprintf(stderr, "error: bad input: %s\n", updates.error().to_string().c_str());
    return kExitUndecided;
  }
  CheckRequest request;
  request.repo_path = opts.repo;
  request.updates = std::move(*updates);
  request.threads = opts.threads;
  request.now = opts.now;
  request.context = hook_context_from_env();
  request.config_path = opts.config;
  const Decision decision = decide(request);
  // stdout carries the report (text or JSON); stderr the hook's own lines, as a push shows them.
  if (!opts.json) {
    // What the server configuration makes of this repository, when there is one.
    auto loaded = config::locate_and_load(opts.config);
    auto settings = loaded ? config::settings_for_repository(*loaded, opts.repo) : loaded.error();
    if (loaded && !loaded->file.empty() && settings) {
      std::printf("configuration: %s: mode %s, bootstrap %s, time_budget_ms %llu, max_push_commits %llu\n",
                  loaded->file.c_str(), to_string(settings->mode), settings->bootstrap.c_str(),
                  static_cast<unsigned long long>(settings->time_budget_ms),
                  static_cast<unsigned long long>(settings->max_push_commits));
    }
  }
  std::fputs((opts.json ? render_json(decision) : render_explain(decision, opts.explain)).c_str(), stdout);
  for (const auto& line : render_messages(decision, request.context)) std::fprintf(stderr, "%s\n", line.c_str());
  return exit_code(decision.outcome);
}

/// `command="auths hook ssh-shell NAME",restrict <key>` in authorized_keys: the key that
/// authenticated names the pusher. AUTHS_PUSHER is set to NAME whatever the client sent, the
/// variables of the forges (GL_*, GITEA_*) and of CGI (REMOTE_USER, GATEWAY_INTERFACE), which
/// would name a pusher before it (hook_context_from_env), and every AUTHS_* (AUTHS_HOOKS_CONFIG
/// would choose the server's configuration: only --config sets it) are removed, and git-shell runs the
/// client's command: git-receive-pack, git-upload-pack or git-upload-archive, nothing else.
constexpr std::string_view kGitShellCommands[] = {"git-receive-pack ", "git-upload-pack ", "git-upload-archive ",
                                                  "git receive-pack ", "git upload-pack ", "git upload-archive "};

int run_hook_ssh_shell(const std::string& name, const std::string& config) {
  const bool valid =
      !name.empty() && name.size() <= 64 && name.front() != '-' && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-' || c == '@';
      });
  if (!valid) {
    std::fprintf(stderr, "auths: ssh-shell: the pusher's name takes 1 to 64 letters, digits, '.', '_', '-', '@'\n");
    return kExitUsage;
  }
  const char* original = std::getenv("SSH_ORIGINAL_COMMAND");
  const std::string command = original != nullptr ? original : "";
  if (command.empty()) {
    std::fprintf(stderr, "auths: this key only pushes and fetches with git: no shell\n");
    return kExitRejected;
  }
  const bool git = std::any_of(std::begin(kGitShellCommands), std::end(kGitShellCommands),
                               [&](std::string_view verb) { return std::string_view(command).starts_with(verb); });
  if (!git) {
    std::fprintf(stderr, "auths: this key runs git-receive-pack, git-upload-pack and git-upload-archive only\n");
    return kExitRejected;
  }
  std::vector<std::string> scrub;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view var(*entry);
    const std::string_view var_name = var.substr(0, var.find('='));
    if (var_name.starts_with("GL_") || var_name.starts_with("GITEA_") || var_name.starts_with("AUTHS_") ||
        var_name == "REMOTE_USER" || var_name == "GATEWAY_INTERFACE") {
      scrub.emplace_back(var_name);
    }
  }
  for (const auto& var_name : scrub) ::unsetenv(var_name.c_str());
  // The server configuration is the admin's (--config), never one a client's environment names.
  if (!config.empty() && ::setenv("AUTHS_HOOKS_CONFIG", config.c_str(), 1) != 0) {
    std::fprintf(stderr, "auths: cannot set AUTHS_HOOKS_CONFIG: %s\n", std::strerror(errno));
    return kExitUndecided;
  }
  if (::setenv("AUTHS_PUSHER", name.c_str(), 1) != 0) {
    std::fprintf(stderr, "auths: cannot set AUTHS_PUSHER: %s\n", std::strerror(errno));
    return kExitUndecided;
  }
  ::execlp("git-shell", "git-shell", "-c", command.c_str(), static_cast<char*>(nullptr));
  std::fprintf(stderr, "auths: cannot run git-shell: %s\n", std::strerror(errno));
  return 127;
}

struct OverrideOptions {
  std::string repo = ".";
  std::string ref;
  std::string new_oid;
  std::string reason;
  std::string expires = "1h";
  bool list = false;
  std::string cancel;
  bool json = false;
};

nlohmann::ordered_json override_json(const config::Override& o) {
  return {{"id", o.id},
          {"ref", o.ref},
          {"new", o.new_oid.hex()},
          {"reason", o.reason},
          {"created_by", o.created_by},
          {"created_at", o.created_at},
          {"expires_at", o.expires_at},
          {"file", o.file}};
}

int run_hook_override(const OverrideOptions& opts) {
  const int64_t now = static_cast<int64_t>(::time(nullptr));
  if (opts.list) {
    auto all = config::list_overrides(opts.repo);
    if (!all) return report_error(all.error());
    if (opts.json) {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const auto& o : *all) out.push_back(override_json(o));
      std::printf("%s\n", out.dump(2).c_str());
      return kExitAccepted;
    }
    if (all->empty()) std::printf("no override waiting\n");
    for (const auto& o : *all) {
      std::printf("%s %s -> %s by %s at %s, %s %s: %s\n", o.id.c_str(), o.ref.c_str(), o.new_oid.short_hex().c_str(),
                  o.created_by.c_str(), format_utc(o.created_at).c_str(), o.expires_at > now ? "expires" : "expired",
                  format_utc(o.expires_at).c_str(), o.reason.c_str());
    }
    return kExitAccepted;
  }
  if (!opts.cancel.empty()) {
    if (Status s = config::cancel_override(opts.repo, opts.cancel); !s) return report_error(s.error());
    std::printf("cancelled override %s\n", opts.cancel.c_str());
    return kExitAccepted;
  }
  if (opts.ref.empty() || opts.new_oid.empty() || opts.reason.empty()) {
    std::fprintf(stderr, "error: --ref, --new and --reason are required (or --list, --cancel ID)\n");
    return kExitUsage;
  }
  auto oid = Oid::from_hex(opts.new_oid);
  if (!oid) {
    std::fprintf(stderr, "error: --new must be a full object id (40 hex digits), not '%s'\n", opts.new_oid.c_str());
    return kExitUsage;
  }
  auto lifetime = client::parse_duration(opts.expires);
  if (!lifetime) return report_error(lifetime.error());
  auto created = config::create_override(opts.repo, opts.ref, *oid, opts.reason, *lifetime,
                                         os_user_name().value_or("uid " + std::to_string(::geteuid())), now);
  if (!created) return report_error(created.error());
  if (opts.json) {
    std::printf("%s\n", override_json(*created).dump(2).c_str());
  } else {
    std::printf("override %s: the next push of %s to %s that the policy refuses is accepted, once, until %s\n",
                created->id.c_str(), created->ref.c_str(), created->new_oid.hex().c_str(),
                format_utc(created->expires_at).c_str());
  }
  return kExitAccepted;
}

}  // namespace

void register_hook_install(CLI::App& hook, Registry& registry);

void register_hook(CLI::App& app, Registry& registry) {
  CLI::App* hook = app.add_subcommand("hook", "Run or install the server hooks");
  hook->require_subcommand(1);

  auto run_opts = std::make_shared<RunOptions>();
  CLI::App* run = hook->add_subcommand(
      "run",
      "Dry-run a push: read pre-receive lines ('<old> <new> <ref>') on stdin and print the decision for every ref "
      "and object, without touching the repository. Exit code as the hook's: 0 accept, 1 reject, 2 undecided.");
  run->add_option("--repo", run_opts->repo, "Repository to judge the push against")->capture_default_str();
  run->add_flag("--json", run_opts->json, "Print one JSON document instead of text");
  run->add_flag("--explain", run_opts->explain, "List every object judged, accepted ones too");
  run->add_option("--threads", run_opts->threads, "Verification threads (default: one per core)");
  run->add_option("--now", run_opts->now, "Judge as if the time were this (unix seconds)");
  run->add_option("--config", run_opts->config,
                  "The server configuration to apply (default: $AUTHS_HOOKS_CONFIG, else /etc/auths/hooks.yaml)");
  run->footer(
      "Reads the same server configuration as the hooks, so the dry run applies the repository's mode (enforce, "
      "warn, off), bootstrap, limits and trust roots; a break-glass override is shown, never used up. An invalid "
      "configuration exits 2, as the hooks do.");
  registry.push_back({run, [run_opts] { return run_hook_run(*run_opts); }});

  register_hook_install(*hook, registry);  // install, uninstall, status: cmd_hook_install.cpp

  auto override_opts = std::make_shared<OverrideOptions>();
  CLI::App* override_cmd = hook->add_subcommand(
      "override", "Break glass: let one named push through that the policy refuses (admin, on the server)");
  override_cmd->add_option("--repo", override_opts->repo, "The server repository")->capture_default_str();
  override_cmd->add_option("--ref", override_opts->ref, "The full ref the push updates (refs/heads/main)");
  override_cmd->add_option("--new", override_opts->new_oid, "The object id the push sets the ref to (40 hex)");
  override_cmd->add_option("--reason", override_opts->reason, "Why (recorded in the audit log)");
  override_cmd->add_option("--expires", override_opts->expires, "Unused after this long: 30m, 1h, 24h, 7d")
      ->capture_default_str();
  override_cmd->add_flag("--list", override_opts->list, "List the overrides waiting in the repository");
  override_cmd->add_option("--cancel", override_opts->cancel, "Remove the override with this id");
  override_cmd->add_flag("--json", override_opts->json, "Print JSON");
  override_cmd->footer(
      "Writes <git dir>/auths-overrides/<id>.json (mode 0600), with who (the OS user) and when. The next push "
      "that updates --ref to --new and that the policy refuses is accepted, once: the hook claims the override "
      "atomically and the audit log records the decision as \"override\" with the violations and the reason. "
      "Pushers cannot set one: push options, git config and the environment are never read for it.");
  registry.push_back({override_cmd, [override_opts] { return run_hook_override(*override_opts); }});

  auto ssh_name = std::make_shared<std::string>();
  auto ssh_config = std::make_shared<std::string>();
  CLI::App* ssh_shell = hook->add_subcommand(
      "ssh-shell", "The forced command of a plain ssh server: names the pusher by the key that authenticated");
  ssh_shell->add_option("name", *ssh_name, "The pusher this key belongs to (letters, digits, '.', '_', '-', '@')")
      ->required();
  ssh_shell->add_option("--config", *ssh_config,
                        "The hooks.yaml the hooks read (AUTHS_HOOKS_CONFIG); default /etc/auths/hooks.yaml");
  ssh_shell->footer(
      "In the git user's authorized_keys, one line per key:\n"
      "  command=\"/usr/bin/auths hook ssh-shell alice\",restrict ssh-ed25519 AAAA... alice@laptop\n"
      "Sets AUTHS_PUSHER=NAME (whatever the client sent), removes GL_*, GITEA_*, AUTHS_*, REMOTE_USER and "
      "GATEWAY_INTERFACE, and runs git-shell -c \"$SSH_ORIGINAL_COMMAND\" for git-receive-pack, git-upload-pack and "
      "git-upload-archive only. The hooks record NAME as the pusher (pusher_source AUTHS_PUSHER). Exit 1 for any other "
      "command or a login, 64 for an invalid NAME, 127 when git-shell cannot run.");
  registry.push_back({ssh_shell, [ssh_name, ssh_config] { return run_hook_ssh_shell(*ssh_name, *ssh_config); }});
}

}  // namespace auths::cli
