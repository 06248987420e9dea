// auths hook run: dry-run a push against a repository (install, uninstall, status: cmd_hook_install.cpp).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

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
}

}  // namespace auths::cli
