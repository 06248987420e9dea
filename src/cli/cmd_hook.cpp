// auths hook run | install: dry-run a push against a repository; install the server hooks.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "auths/exit_codes.h"
#include "auths/install.h"
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
};

int run_hook_install(const InstallOptions& opts) {
  auto layout = parse_hook_layout(opts.layout);
  if (!layout) {
    std::fprintf(stderr, "error: %s\n", layout.error().to_string().c_str());
    return kExitUsage;
  }
  const std::string bin_dir = opts.bin_dir.empty() ? executable_dir() : opts.bin_dir;
  const std::pair<const char*, const char*> hooks[] = {{"pre-receive", "auths-pre-receive"},
                                                       {"update", "auths-update"}};
  for (const auto& [hook, binary] : hooks) {
    if (std::string(hook) == "update" && !opts.update) continue;
    auto path = install_hook(opts.repo, *layout, hook, (std::filesystem::path(bin_dir) / binary).string());
    if (!path) {
      std::fprintf(stderr, "error: %s\n", path.error().to_string().c_str());
      return kExitRejected;
    }
    std::printf("installed %s hook: %s\n", hook, path->c_str());
  }
  if (*layout == HookLayout::kGitea) {
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::path(opts.repo) / "hooks" / "pre-receive", ec)) {
      std::fprintf(stderr,
                   "warning: hooks/pre-receive is missing: Gitea's delegating hook runs hooks/pre-receive.d/\n");
    }
  }
  return kExitAccepted;
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
      "install", "Install auths-pre-receive (and with --update, auths-update) into a server repository");
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
  registry.push_back({install, [install_opts] { return run_hook_install(*install_opts); }});
}

}  // namespace auths::cli
