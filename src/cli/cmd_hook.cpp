// auths hook run | install: dry-run a push against a repository; install the server hooks.
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

struct InstallOptions {
  std::string repo = ".";
  std::string layout = "plain";
  bool update = false;
  std::string bin_dir;
  bool rebaseline = false;
};

int run_hook_install(const InstallOptions& opts) {
  auto layout = client::parse_hook_layout(opts.layout);
  if (!layout) {
    std::fprintf(stderr, "error: %s\n", layout.error().to_string().c_str());
    return kExitUsage;
  }
  const std::string bin_dir = opts.bin_dir.empty() ? executable_dir() : opts.bin_dir;
  const std::pair<const char*, const char*> hooks[] = {
      {"pre-receive", "auths-pre-receive"}, {"update", "auths-update"}, {"post-receive", "auths-post-receive"}};
  for (const auto& [hook, binary] : hooks) {
    if (std::string(hook) == "update" && !opts.update) continue;
    auto path = client::install_hook(opts.repo, *layout, hook, (std::filesystem::path(bin_dir) / binary).string());
    if (!path) {
      std::fprintf(stderr, "error: %s\n", path.error().to_string().c_str());
      return kExitRejected;
    }
    std::printf("installed %s hook: %s\n", hook, path->c_str());
  }
  if (*layout == client::HookLayout::kGitea) {
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::path(opts.repo) / "hooks" / "pre-receive", ec)) {
      std::fprintf(stderr,
                   "warning: hooks/pre-receive is missing: Gitea's delegating hook runs hooks/pre-receive.d/\n");
    }
  }
  // The history the repository has now was never judged: it is the baseline that branches may
  // start from and merge, once a policy is in force.
  auto recorded = record_baseline(opts.repo, opts.rebaseline);
  if (!recorded) {
    std::fprintf(stderr, "error: cannot record the baseline: %s\n", recorded.error().to_string().c_str());
    return kExitRejected;
  }
  std::printf("%s\n", *recorded ? "recorded the baseline: the refs the repository has now"
                                : "kept the baseline recorded earlier (--rebaseline replaces it)");
  // The policy in force lives on the branch HEAD names: say so now if that cannot work.
  if (auto status = server_status(opts.repo); status && status->default_branch_missing) {
    std::fprintf(stderr,
                 "warning: HEAD names '%s', which does not exist: every push fails closed until it does "
                 "(git symbolic-ref HEAD refs/heads/<branch>)\n",
                 status->default_branch.c_str());
  }
  return kExitAccepted;
}

struct StatusOptions {
  std::string repo = ".";
  std::string layout = "plain";
};

int run_hook_status(const StatusOptions& opts) {
  auto layout = client::parse_hook_layout(opts.layout);
  if (!layout) {
    std::fprintf(stderr, "error: %s\n", layout.error().to_string().c_str());
    return kExitUsage;
  }
  auto hooks = client::server_hooks(opts.repo, *layout);
  if (!hooks) return report_error(hooks.error());
  auto status = server_status(opts.repo);
  if (!status) return report_error(status.error());
  std::printf("repository:     %s\n", status->git_dir.c_str());
  bool enforced = false;
  for (const auto& h : *hooks) {
    if (!h.exists) {
      std::printf("%-15s %s: missing%s%s\n", (h.hook + ":").c_str(), h.path.c_str(), h.note.empty() ? "" : "; ",
                  h.note.c_str());
      continue;
    }
    std::printf("%-15s %s: %s, %s%s%s\n", (h.hook + ":").c_str(), h.path.c_str(),
                h.ours ? "installed by auths" : "present, not installed by auths",
                h.git_runs ? "git runs it" : "git does NOT run it", h.note.empty() ? "" : "; ", h.note.c_str());
    if (h.hook == "pre-receive" || h.hook == "update") enforced |= h.git_runs && h.ours;
  }
  std::printf("default branch: %s\n", status->default_branch.empty() ? "(none)" : status->default_branch.c_str());
  std::printf("policy in force: %s%s%s\n", status->policy_state.c_str(), status->policy_source.empty() ? "" : " at ",
              status->policy_source.c_str());
  std::printf("bootstrap:      auths.bootstrap = %s\n", status->bootstrap.c_str());
  if (!status->has_records) {
    std::printf("baseline:       none recorded (auths hook install records one)\n");
    std::printf("records:        none yet\n");
  } else {
    std::printf("baseline:       %zu refs, recorded %s\n", status->baseline_refs,
                status->baseline_recorded.empty() ? "never" : status->baseline_recorded.c_str());
    std::printf(
        "records:        %zu accepted updates recorded (%zu accepted tips kept), %zu accepted objects, %zu pending\n",
        status->accepted_updates, status->accepted_tips, status->accepted_objects, status->pending);
  }
  if (!enforced) {
    std::printf("warning: no auths pre-receive or update hook that git runs: pushes are NOT checked\n");
    return kExitRejected;
  }
  return kExitAccepted;
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

  auto install_opts = std::make_shared<InstallOptions>();
  CLI::App* install = hook->add_subcommand(
      "install", "Install the server hooks (pre-receive, post-receive; --update) into a repository");
  install->add_option("--repo", install_opts->repo, "Bare repository (or work tree) to install into")
      ->capture_default_str();
  install
      ->add_option(
          "--layout", install_opts->layout,
          "plain: hooks/pre-receive; gitea: hooks/pre-receive.d/auths; gitlab: custom_hooks/pre-receive.d/auths")
      ->capture_default_str();
  install->add_flag("--update", install_opts->update, "Also install the per-ref update hook");
  install->add_option("--bin-dir", install_opts->bin_dir,
                      "Where the auths-* hook binaries are (default: beside auths)");
  install->add_flag("--rebaseline", install_opts->rebaseline,
                    "Record the refs the repository has now as its baseline, replacing the one recorded earlier");
  install->footer(
      "Installs auths-pre-receive (the check) and auths-post-receive (which records what git really applied), "
      "where git runs them: the plain layout honours core.hooksPath. Never overwrites a hook it did not write. "
      "The first install records the repository's refs as its baseline: history branches may start from and "
      "merge without signatures once a policy is in force.");
  registry.push_back({install, [install_opts] { return run_hook_install(*install_opts); }});

  auto status_opts = std::make_shared<StatusOptions>();
  CLI::App* status =
      hook->add_subcommand("status", "Show where the hooks are, whether git runs them, and the policy in force");
  status->add_option("--repo", status_opts->repo, "Server repository to inspect")->capture_default_str();
  status->add_option("--layout", status_opts->layout, "plain, gitea or gitlab (where to look for the hooks)")
      ->capture_default_str();
  status->footer("Exit status 0 when git runs an auths pre-receive or update hook in the repository, 1 otherwise.");
  registry.push_back({status, [status_opts] { return run_hook_status(*status_opts); }});

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
