// auths hook run: dry-run a push against a repository (install, uninstall, status: cmd_hook_install.cpp).
// auths hook ssh-shell: the forced command of a plain ssh server's authorized_keys lines.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>

#include "auths/client/install.h"
#include "auths/exit_codes.h"
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
  const Decision decision = decide(request);
  // stdout carries the report (text or JSON); stderr the hook's own lines, as a push shows them.
  std::fputs((opts.json ? render_json(decision) : render_explain(decision, opts.explain)).c_str(), stdout);
  for (const auto& line : render_messages(decision, request.context)) std::fprintf(stderr, "%s\n", line.c_str());
  return exit_code(decision.outcome);
}

/// `command="auths hook ssh-shell NAME",restrict <key>` in authorized_keys: the key that
/// authenticated names the pusher. AUTHS_PUSHER is set to NAME whatever the client sent, the
/// variables of the forges (GL_*, GITEA_*) and of CGI (REMOTE_USER, GATEWAY_INTERFACE), which
/// would name a pusher before it (hook_context_from_env), are removed, and git-shell runs the
/// client's command: git-receive-pack, git-upload-pack or git-upload-archive, nothing else.
constexpr std::string_view kGitShellCommands[] = {"git-receive-pack ", "git-upload-pack ", "git-upload-archive ",
                                                  "git receive-pack ", "git upload-pack ", "git upload-archive "};

int run_hook_ssh_shell(const std::string& name) {
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
    if (var_name.starts_with("GL_") || var_name.starts_with("GITEA_") || var_name == "REMOTE_USER" ||
        var_name == "GATEWAY_INTERFACE") {
      scrub.emplace_back(var_name);
    }
  }
  for (const auto& var_name : scrub) ::unsetenv(var_name.c_str());
  if (::setenv("AUTHS_PUSHER", name.c_str(), 1) != 0) {
    std::fprintf(stderr, "auths: cannot set AUTHS_PUSHER: %s\n", std::strerror(errno));
    return kExitUndecided;
  }
  ::execlp("git-shell", "git-shell", "-c", command.c_str(), static_cast<char*>(nullptr));
  std::fprintf(stderr, "auths: cannot run git-shell: %s\n", std::strerror(errno));
  return 127;
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
  registry.push_back({run, [run_opts] { return run_hook_run(*run_opts); }});

  register_hook_install(*hook, registry);  // install, uninstall, status: cmd_hook_install.cpp

  auto ssh_name = std::make_shared<std::string>();
  CLI::App* ssh_shell = hook->add_subcommand(
      "ssh-shell", "The forced command of a plain ssh server: names the pusher by the key that authenticated");
  ssh_shell->add_option("name", *ssh_name, "The pusher this key belongs to (letters, digits, '.', '_', '-', '@')")
      ->required();
  ssh_shell->footer(
      "In the git user's authorized_keys, one line per key:\n"
      "  command=\"/usr/bin/auths hook ssh-shell alice\",restrict ssh-ed25519 AAAA... alice@laptop\n"
      "Sets AUTHS_PUSHER=NAME (whatever the client sent), removes GL_*, GITEA_*, REMOTE_USER and "
      "GATEWAY_INTERFACE, and runs git-shell -c \"$SSH_ORIGINAL_COMMAND\" for git-receive-pack, git-upload-pack and "
      "git-upload-archive only. The hooks record NAME as the pusher (pusher_source AUTHS_PUSHER). Exit 1 for any other "
      "command or a login, 64 for an invalid NAME, 127 when git-shell cannot run.");
  registry.push_back({ssh_shell, [ssh_name] { return run_hook_ssh_shell(*ssh_name); }});
}

}  // namespace auths::cli
