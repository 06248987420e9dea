// auths hook run | install | status | override: dry-run a push against a repository; install
// the server hooks; the admin's break-glass override of one push.
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "auths/client/install.h"
#include "auths/client/org_ops.h"
#include "auths/exit_codes.h"
#include "auths/hooks_config.h"
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

/// The OS user running this command (its effective uid), never $USER.
std::string os_user() {
  const passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr && pw->pw_name != nullptr ? pw->pw_name : "uid " + std::to_string(::geteuid());
}

/// "2026-12-02T06:00:00Z"
std::string utc_text(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  char buffer[32] = {};
  if (::gmtime_r(&t, &tm) == nullptr || std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
    return std::to_string(unix_seconds);
  }
  return buffer;
}

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
                  o.created_by.c_str(), utc_text(o.created_at).c_str(), o.expires_at > now ? "expires" : "expired",
                  utc_text(o.expires_at).c_str(), o.reason.c_str());
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
  auto created = config::create_override(opts.repo, opts.ref, *oid, opts.reason, *lifetime, os_user(), now);
  if (!created) return report_error(created.error());
  if (opts.json) {
    std::printf("%s\n", override_json(*created).dump(2).c_str());
  } else {
    std::printf("override %s: the next push of %s to %s that the policy refuses is accepted, once, until %s\n",
                created->id.c_str(), created->ref.c_str(), created->new_oid.hex().c_str(),
                utc_text(created->expires_at).c_str());
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
  run->add_option("--config", run_opts->config,
                  "The server configuration to apply (default: $AUTHS_HOOKS_CONFIG, else /etc/auths/hooks.yaml)");
  run->footer(
      "Reads the same server configuration as the hooks, so the dry run applies the repository's mode (enforce, "
      "warn, off), bootstrap, limits and trust roots; a break-glass override is shown, never used up. An invalid "
      "configuration exits 2, as the hooks do.");
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
}

}  // namespace auths::cli
