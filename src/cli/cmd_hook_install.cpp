// auths hook install | uninstall | status: the server hooks of one repository, of every repository
// under a directory, or of a whole server (a shared hooks directory, GitLab's global hooks
// directory, gitolite's common hooks), and where they are.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "auths/client/install.h"
#include "auths/exit_codes.h"
#include "auths/verify.h"
#include "commands.h"

namespace auths::cli {

namespace {

namespace fs = std::filesystem;
using client::HookChange;
using client::HookLayout;
using Kind = HookChange::Kind;

struct InstallOptions {
  std::string repo;
  std::string all;
  std::string layout = "plain";
  std::string shared_hooks_path;
  std::string gitlab_global_dir;
  std::string gitolite_home;
  bool gitolite_repo_specific = false;
  bool update = false;
  std::string bin_dir;
  bool rebaseline = false;
  bool json = false;
};

/// One repository: what happened to each of its hooks, its baseline, what to tell the admin.
struct RepoReport {
  std::string path;
  std::vector<HookChange> changes;
  std::string baseline;  // "recorded", "kept", or empty (not touched)
  std::vector<std::string> warnings;
  std::string error;
};

/// The outcome of a repository from its hooks: the first foreign or failed one wins.
std::pair<std::string, std::string> outcome(const RepoReport& r, bool uninstall) {
  if (!r.error.empty()) return {"failed", r.error};
  bool changed = false;
  bool any_ours = false;
  std::string foreign;
  for (const auto& c : r.changes) {
    if (c.kind == Kind::kFailed) return {"failed", c.note};
    if (c.kind == Kind::kSkippedForeign && foreign.empty()) foreign = c.note;
    changed |= c.kind == Kind::kInstalled || c.kind == Kind::kRemoved;
    any_ours |= c.kind != Kind::kAbsent && c.kind != Kind::kSkippedForeign;
  }
  if (uninstall) return {changed ? "removed" : "not installed", foreign};
  if (!foreign.empty()) return {"skipped", foreign};
  return {changed || !any_ours ? "installed" : "already installed", ""};
}

nlohmann::ordered_json change_json(const HookChange& c) {
  return {{"hook", c.hook}, {"path", c.path}, {"result", client::to_string(c.kind)}, {"note", or_null(c.note)}};
}

struct Site {
  HookLayout layout = HookLayout::kPlain;
  std::vector<std::string> hooks;  // pre-receive [update] post-receive
  std::vector<std::string> repos;
  std::string shared_dir;                        // shared hooks path, GitLab global dir, gitolite common dir
  std::optional<client::GitoliteSite> gitolite;  // --layout gitolite
  bool repo_specific = false;                    // gitolite's repo-specific hooks, not its common ones

  /// Where the hook is written in shared_dir.
  fs::path file(const std::string& hook) const {
    if (layout == HookLayout::kGitLab) return fs::path(shared_dir) / (hook + ".d") / "auths";
    if (repo_specific) return fs::path(shared_dir) / ("auths-" + hook);
    return fs::path(shared_dir) / hook;
  }
};

const char* binary_of(const std::string& hook) {
  if (hook == "pre-receive") return "auths-pre-receive";
  if (hook == "update") return "auths-update";
  return "auths-post-receive";
}

/// Reads the selectors into a Site; prints the error and returns the exit code on failure.
std::variant<Site, int> resolve(const InstallOptions& opts, bool uninstall) {
  auto usage = [](const std::string& message) -> std::variant<Site, int> {
    std::fprintf(stderr, "error: %s\n", message.c_str());
    return kExitUsage;
  };
  auto layout = client::parse_hook_layout(opts.layout);
  if (!layout) return usage(layout.error().to_string());
  Site site;
  site.layout = *layout;
  if (!opts.repo.empty() && !opts.all.empty()) return usage("--repo and --all exclude each other");
  if (!opts.shared_hooks_path.empty() && site.layout != HookLayout::kPlain) {
    return usage("--shared-hooks-path is for the plain layout (core.hooksPath)");
  }
  if (!opts.gitlab_global_dir.empty() && site.layout != HookLayout::kGitLab) {
    return usage("--gitlab-global-dir is for --layout gitlab");
  }
  if ((!opts.gitolite_home.empty() || opts.gitolite_repo_specific) && site.layout != HookLayout::kGitolite) {
    return usage("--gitolite-home and --gitolite-repo-specific are for --layout gitolite");
  }
  if (site.layout == HookLayout::kGitolite && opts.update) {
    return usage("gitolite reserves the update hook (its access checks): auths runs as pre-receive");
  }
  site.hooks = {"pre-receive"};
  if (opts.update || site.layout == HookLayout::kGitea) site.hooks.push_back("update");
  // Uninstall removes every hook auths may have written, update too.
  if (uninstall && site.layout != HookLayout::kGitolite && site.hooks.size() == 1) site.hooks.push_back("update");
  site.hooks.push_back("post-receive");

  if (site.layout == HookLayout::kGitolite) {
    auto gl = client::gitolite_site(opts.gitolite_home);
    if (!gl) {
      std::fprintf(stderr, "error: %s\n", gl.error().to_string().c_str());
      return kExitRejected;
    }
    site.shared_dir = gl->hooks_dir;
    if (opts.gitolite_repo_specific) {
      if (!gl->repo_specific) {
        std::fprintf(stderr,
                     "error: gitolite's rc (%s/.gitolite.rc) does not enable repository-specific hooks: set LOCAL_CODE "
                     "and enable 'repo-specific-hooks' in it, or use the common hooks (no --gitolite-repo-specific)\n",
                     gl->home.c_str());
        return kExitRejected;
      }
      site.shared_dir = (fs::path(gl->local_code) / "hooks" / "repo-specific").string();
      site.repo_specific = true;
    }
    site.gitolite = *gl;
  } else if (!opts.shared_hooks_path.empty()) {
    site.shared_dir = fs::absolute(opts.shared_hooks_path).lexically_normal().string();
  } else if (!opts.gitlab_global_dir.empty()) {
    site.shared_dir = fs::absolute(opts.gitlab_global_dir).lexically_normal().string();
  }

  if (!opts.all.empty()) {
    auto found = client::find_repositories(opts.all);
    if (!found) {
      std::fprintf(stderr, "error: %s\n", found.error().to_string().c_str());
      return kExitRejected;
    }
    site.repos = std::move(*found);
  } else if (!opts.repo.empty()) {
    site.repos = {opts.repo};
  } else if (site.gitolite) {
    // gitolite links its common hooks into every repository it has.
    auto found = client::find_repositories(site.gitolite->repo_base);
    if (found) site.repos = std::move(*found);
  } else if (opts.gitlab_global_dir.empty()) {
    site.repos = {"."};
  }
  return site;
}

/// Whether this repository is gitolite's own configuration repository.
bool is_gitolite_admin(const Site& site, const std::string& repo) {
  return site.gitolite && fs::path(repo).filename() == "gitolite-admin.git";
}

void print_report(const std::vector<HookChange>& shared, const std::vector<RepoReport>& reports, const Site& site,
                  const InstallOptions& opts, bool uninstall, bool ok) {
  if (opts.json) {
    nlohmann::ordered_json doc;
    doc["action"] = uninstall ? "uninstall" : "install";
    doc["layout"] = opts.layout;
    doc["shared_dir"] = or_null(site.shared_dir);
    doc["shared"] = nlohmann::ordered_json::array();
    for (const auto& c : shared) doc["shared"].push_back(change_json(c));
    doc["repositories"] = nlohmann::ordered_json::array();
    for (const auto& r : reports) {
      const auto [result, note] = outcome(r, uninstall);
      nlohmann::ordered_json hooks = nlohmann::ordered_json::array();
      for (const auto& c : r.changes) hooks.push_back(change_json(c));
      doc["repositories"].push_back({{"path", r.path},
                                     {"result", result},
                                     {"note", or_null(note)},
                                     {"hooks", hooks},
                                     {"baseline", or_null(r.baseline)},
                                     {"warnings", r.warnings}});
    }
    doc["ok"] = ok;
    std::printf("%s\n", doc.dump(2).c_str());
    return;
  }
  for (const auto& c : shared) {
    if (c.kind == Kind::kSkippedForeign) {
      std::fprintf(stderr, "error: %s exists and was not installed by auths (not %s)\n", c.path.c_str(),
                   uninstall ? "removing" : "overwriting");
    } else if (c.kind == Kind::kFailed) {
      std::fprintf(stderr, "error: %s: %s\n", c.path.c_str(), c.note.c_str());
    } else if (c.kind != Kind::kAbsent) {
      std::printf("%s %s hook: %s\n", client::to_string(c.kind).c_str(), c.hook.c_str(), c.path.c_str());
    }
  }
  // One repository named with --repo: every hook and the baseline, as it always was; several:
  // one line per repository.
  const bool one = opts.all.empty() && reports.size() == 1 && shared.empty();
  for (const auto& r : reports) {
    const auto [result, note] = outcome(r, uninstall);
    for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    if (one) {
      for (const auto& c : r.changes) {
        if (c.kind == Kind::kSkippedForeign && !uninstall) {
          std::fprintf(stderr, "error: %s exists and was not installed by auths (not overwriting)\n", c.path.c_str());
        } else if (c.kind == Kind::kSkippedForeign) {
          std::printf("kept %s hook (not installed by auths): %s\n", c.hook.c_str(), c.path.c_str());
        } else if (c.kind == Kind::kFailed) {
          std::fprintf(stderr, "error: %s\n", c.note.c_str());
        } else if (c.kind != Kind::kAbsent) {
          std::printf("%s %s hook: %s\n", client::to_string(c.kind).c_str(), c.hook.c_str(), c.path.c_str());
        }
      }
      if (!r.error.empty()) std::fprintf(stderr, "error: %s\n", r.error.c_str());
      if (uninstall && result == "not installed") std::printf("no auths hook installed in %s\n", r.path.c_str());
    } else {
      std::printf("%s: %s%s%s\n", result.c_str(), r.path.c_str(), note.empty() ? "" : ": ", note.c_str());
    }
    if (one && r.baseline == "recorded") std::printf("recorded the baseline: the refs the repository has now\n");
    if (one && r.baseline == "kept") std::printf("kept the baseline recorded earlier (--rebaseline replaces it)\n");
  }
}

/// The history the repository has now was never judged: it is the baseline that branches may
/// start from and merge, once a policy is in force.
void baseline(RepoReport& r, bool rebaseline) {
  auto recorded = record_baseline(r.path, rebaseline);
  if (!recorded) {
    r.error = "cannot record the baseline: " + recorded.error().to_string();
    return;
  }
  r.baseline = *recorded ? "recorded" : "kept";
  // The policy in force lives on the branch HEAD names: say so now if that cannot work.
  if (auto status = server_status(r.path); status && status->default_branch_missing) {
    r.warnings.push_back("HEAD names '" + status->default_branch +
                         "', which does not exist: every push fails closed until it does "
                         "(git symbolic-ref HEAD refs/heads/<branch>)");
  }
}

int run_hook_install(const InstallOptions& opts) {
  auto resolved = resolve(opts, /*uninstall=*/false);
  if (const int* rc = std::get_if<int>(&resolved)) return *rc;
  const Site& site = std::get<Site>(resolved);
  const fs::path bin_dir = opts.bin_dir.empty() ? executable_dir() : opts.bin_dir;
  for (const auto& hook : site.hooks) {
    std::error_code ec;
    if (!fs::exists(bin_dir / binary_of(hook), ec)) {
      std::fprintf(stderr, "error: hook binary not found: %s\n", (bin_dir / binary_of(hook)).c_str());
      return kExitRejected;
    }
  }
  bool shared_ok = true;

  // The server-wide place first: a shared hooks directory, GitLab's global hooks, gitolite's common hooks.
  std::vector<HookChange> shared;
  if (!site.shared_dir.empty()) {
    for (const auto& hook : site.hooks) {
      const std::string binary = (bin_dir / binary_of(hook)).string();
      const std::string script = site.gitolite ? client::gitolite_hook_script(binary) : client::hook_script(binary);
      shared.push_back(client::install_hook_file(hook, site.file(hook).string(), script));
      shared_ok &= shared.back().kind != Kind::kSkippedForeign && shared.back().kind != Kind::kFailed;
    }
    if (shared_ok && site.gitolite) {
      if (auto linked = client::gitolite_setup(*site.gitolite, /*hooks_only=*/!site.repo_specific); !linked) {
        shared.push_back({"setup", site.gitolite->home, Kind::kFailed, linked.error().to_string()});
        shared_ok = false;
      }
    }
  }

  bool ok = shared_ok;
  std::vector<RepoReport> reports;
  for (const auto& repo : site.repos) {
    RepoReport r;
    r.path = repo;
    if (!shared_ok) {
      r.error = "not installed: the shared hooks could not be written";
    } else if (site.gitolite) {
      if (is_gitolite_admin(site, repo)) continue;
      for (const auto& hook : site.hooks) {
        auto target = client::hook_target(repo, site.layout, hook);
        if (!target) {
          r.error = target.error().to_string();
          break;
        }
        const bool linked = client::gitolite_linked(repo, site.file(hook).string());
        const bool fresh =
            std::any_of(shared.begin(), shared.end(), [](const HookChange& c) { return c.kind == Kind::kInstalled; });
        const std::string why = site.repo_specific
                                    ? "gitolite.conf gives it no 'option hook." + hook + " = auths-" + hook + "'"
                                    : "foreign hook at " + *target + " (gitolite did not link the common hook)";
        r.changes.push_back({hook, *target,
                             !linked ? Kind::kSkippedForeign
                             : fresh ? Kind::kInstalled
                                     : Kind::kAlreadyInstalled,
                             linked ? "" : why});
      }
    } else if (!opts.shared_hooks_path.empty()) {
      r.changes.push_back(client::use_hooks_path(repo, site.shared_dir));
    } else if (!opts.gitlab_global_dir.empty()) {
      r.changes = shared;  // Gitaly runs the global hooks for every project
    } else {
      // Every target checked first: a repository with one foreign hook gets none of ours.
      std::vector<std::string> targets;
      for (const auto& hook : site.hooks) {
        auto target = client::hook_target(repo, site.layout, hook);
        if (!target) {
          r.error = target.error().to_string();
          break;
        }
        targets.push_back(*target);
      }
      for (size_t i = 0; r.error.empty() && i < targets.size(); ++i) {
        if (client::foreign_hook_at(targets[i])) {
          r.changes.push_back({site.hooks[i], targets[i], Kind::kSkippedForeign, "foreign hook at " + targets[i]});
        }
      }
      if (r.error.empty() && r.changes.empty()) {
        for (size_t i = 0; i < targets.size(); ++i) {
          r.changes.push_back(client::install_hook_file(
              site.hooks[i], targets[i], client::hook_script((bin_dir / binary_of(site.hooks[i])).string())));
        }
      }
      if (site.layout == HookLayout::kGitea) {
        for (const auto& hook : site.hooks) {
          std::error_code ec;
          const fs::path delegator = fs::path(repo) / "hooks" / hook;
          if (!fs::exists(delegator, ec)) {
            r.warnings.push_back(delegator.string() + " is missing: Gitea's delegating hook runs hooks/" + hook +
                                 ".d/ (auths does not write Gitea's; Gitea's admin panel resynchronizes them)");
          }
        }
      }
    }
    if (const std::string result = outcome(r, false).first; result != "skipped" && result != "failed") {
      baseline(r, opts.rebaseline);
    }
    const std::string result = outcome(r, false).first;
    ok &= result != "skipped" && result != "failed";
    reports.push_back(std::move(r));
  }
  print_report(shared, reports, site, opts, /*uninstall=*/false, ok);
  if (site.repo_specific && !opts.json) {
    std::fprintf(stderr,
                 "hint: gitolite links them into the repositories whose gitolite.conf entry has\n"
                 "hint:     option hook.pre-receive = auths-pre-receive\n"
                 "hint:     option hook.post-receive = auths-post-receive\n"
                 "hint: (push gitolite-admin, or run 'gitolite setup', after adding them)\n");
  }
  return ok ? kExitAccepted : kExitRejected;
}

int run_hook_uninstall(const InstallOptions& opts) {
  auto resolved = resolve(opts, /*uninstall=*/true);
  if (const int* rc = std::get_if<int>(&resolved)) return *rc;
  const Site& site = std::get<Site>(resolved);
  bool ok = true;
  // gitolite: its links to the common hooks, in every repository at once, handed to each below.
  std::vector<HookChange> unlinked;
  if (site.gitolite) {
    for (const auto& hook : site.hooks) {
      for (auto& c : client::gitolite_unlink(*site.gitolite, hook, site.file(hook).string())) {
        unlinked.push_back(std::move(c));
      }
    }
  }
  std::vector<RepoReport> reports;
  for (const auto& repo : site.repos) {
    RepoReport r;
    r.path = repo;
    if (site.gitolite) {
      if (is_gitolite_admin(site, repo)) continue;
      for (const auto& c : unlinked) {
        if (c.path.rfind(repo + "/", 0) == 0) r.changes.push_back(c);
      }
    } else if (!opts.shared_hooks_path.empty()) {
      r.changes.push_back(client::drop_hooks_path(repo));
    } else if (opts.gitlab_global_dir.empty()) {
      for (const auto& hook : site.hooks) {
        auto target = client::hook_target(repo, site.layout, hook);
        if (!target) {
          r.error = target.error().to_string();
          break;
        }
        r.changes.push_back(client::remove_hook_file(hook, *target));
      }
    }
    ok &= outcome(r, true).first != "failed";
    reports.push_back(std::move(r));
  }
  std::vector<HookChange> shared;
  if (!site.shared_dir.empty()) {
    for (const auto& hook : site.hooks) {
      shared.push_back(client::remove_hook_file(hook, site.file(hook).string()));
      ok &= shared.back().kind != Kind::kFailed;
    }
  }
  print_report(shared, reports, site, opts, /*uninstall=*/true, ok);
  return ok ? kExitAccepted : kExitRejected;
}

struct StatusOptions {
  std::string repo = ".";
  std::string layout = "plain";
  std::string gitlab_global_dir;
  bool json = false;
};

/// `auths hook status --json`: what the text says, as one document.
nlohmann::ordered_json status_json(const std::vector<client::HookState>& hooks, const ServerStatus& status,
                                   bool enforced) {
  nlohmann::ordered_json hook_list = nlohmann::ordered_json::array();
  for (const auto& h : hooks) {
    hook_list.push_back({{"hook", h.hook},
                         {"path", h.path},
                         {"exists", h.exists},
                         {"executable", h.executable},
                         {"ours", h.ours},
                         {"git_runs", h.git_runs},
                         {"note", or_null(h.note)}});
  }
  nlohmann::ordered_json doc = {{"repository", status.git_dir},
                                {"hooks", hook_list},
                                {"enforced", enforced},
                                {"default_branch", or_null(status.default_branch)},
                                {"default_branch_missing", status.default_branch_missing},
                                {"policy_state", status.policy_state},
                                {"policy_source", or_null(status.policy_source)},
                                {"bootstrap", status.bootstrap}};
  if (status.has_records) {
    doc["baseline"] = {{"refs", status.baseline_refs}, {"recorded", or_null(status.baseline_recorded)}};
    doc["records"] = {{"accepted_updates", status.accepted_updates},
                      {"accepted_tips", status.accepted_tips},
                      {"accepted_objects", status.accepted_objects},
                      {"pending", status.pending}};
  } else {
    doc["baseline"] = nullptr;
    doc["records"] = nullptr;
  }
  return doc;
}

int run_hook_status(const StatusOptions& opts) {
  auto layout = client::parse_hook_layout(opts.layout);
  if (!layout) {
    std::fprintf(stderr, "error: %s\n", layout.error().to_string().c_str());
    return kExitUsage;
  }
  auto hooks = client::server_hooks(opts.repo, *layout, opts.gitlab_global_dir);
  if (!hooks) return report_error(hooks.error());
  auto status = server_status(opts.repo);
  if (!status) return report_error(status.error());
  bool enforced = false;
  for (const auto& h : *hooks) {
    if (h.exists && (h.hook == "pre-receive" || h.hook == "update")) enforced |= h.git_runs && h.ours;
  }
  if (opts.json) {
    std::printf("%s\n", status_json(*hooks, *status, enforced).dump(2).c_str());
    return enforced ? kExitAccepted : kExitRejected;
  }
  std::printf("repository:     %s\n", status->git_dir.c_str());
  for (const auto& h : *hooks) {
    if (!h.exists) {
      std::printf("%-15s %s: missing%s%s\n", (h.hook + ":").c_str(), h.path.c_str(), h.note.empty() ? "" : "; ",
                  h.note.c_str());
      continue;
    }
    std::printf("%-15s %s: %s, %s%s%s\n", (h.hook + ":").c_str(), h.path.c_str(),
                h.ours ? "installed by auths" : "present, not installed by auths",
                h.git_runs ? "git runs it" : "git does NOT run it", h.note.empty() ? "" : "; ", h.note.c_str());
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

/// The selectors install and uninstall share.
void add_selectors(CLI::App* cmd, InstallOptions& opts) {
  cmd->add_option("--repo", opts.repo, "One repository (bare, or a work tree); default: the current directory")
      ->type_name("REPO");
  cmd->add_option(
         "--all", opts.all,
         "Every repository under DIR, bare or not (searched recursively; nothing inside a repository, no "
         "symbolic link followed): hooks in each repository, or with --shared-hooks-path one directory for all")
      ->type_name("DIR");
  cmd->add_option("--layout", opts.layout,
                  "plain: hooks/<hook> (or core.hooksPath); gitea (forgejo): hooks/<hook>.d/auths beside Gitea's own "
                  "script; gitlab: custom_hooks/<hook>.d/auths; gitolite: a common hook of gitolite's")
      ->capture_default_str();
  cmd->add_option("--shared-hooks-path", opts.shared_hooks_path,
                  "plain layout: the hooks go once into PATH, set as core.hooksPath of each repository; a repository "
                  "whose core.hooksPath names another directory, or with hooks of its own in hooks/, is refused and "
                  "named, never changed")
      ->type_name("PATH");
  cmd->add_option("--gitlab-global-dir", opts.gitlab_global_dir,
                  "gitlab layout: Gitaly's custom_hooks_dir (DIR/pre-receive.d/auths, DIR/post-receive.d/auths) for "
                  "every project instead of per project custom_hooks/")
      ->type_name("DIR");
  cmd->add_option("--gitolite-home", opts.gitolite_home, "gitolite layout: HOME of the gitolite user (default: $HOME)")
      ->type_name("DIR");
  cmd->add_flag("--gitolite-repo-specific", opts.gitolite_repo_specific,
                "gitolite layout: repository-specific hooks (LOCAL_CODE/hooks/repo-specific/auths-pre-receive, "
                "auths-post-receive; the rc must enable 'repo-specific-hooks'), for the repositories whose "
                "gitolite.conf entry names them, instead of common hooks for all");
  cmd->add_flag("--json", opts.json, "Print one JSON document: the shared hooks, and per repository what was done");
}

}  // namespace

void register_hook_install(CLI::App& hook, Registry& registry) {
  auto install_opts = std::make_shared<InstallOptions>();
  CLI::App* install = hook.add_subcommand(
      "install", "Install the server hooks (pre-receive, post-receive; --update) into repositories");
  add_selectors(install, *install_opts);
  install->add_flag("--update", install_opts->update,
                    "Also install the per-ref update hook (always in the gitea layout; never in gitolite's, which "
                    "reserves it)");
  install->add_option("--bin-dir", install_opts->bin_dir,
                      "Where the auths-* hook binaries are (default: beside auths)");
  install->add_flag("--rebaseline", install_opts->rebaseline,
                    "Record the refs the repository has now as its baseline, replacing the one recorded earlier");
  install->footer(
      "Installs auths-pre-receive (the check) and auths-post-receive (which records what git really applied), "
      "where git runs them: per repository (hooks/, or where core.hooksPath points), or once for many "
      "(--shared-hooks-path, --gitlab-global-dir, gitolite's common hooks, which `gitolite setup --hooks-only` "
      "links into every repository; gitolite-admin is left to gitolite). Never overwrites a hook it did not "
      "write: such a repository is reported 'skipped: foreign hook at PATH' and gets none of the hooks. Gitea's "
      "own hooks/<hook> delegators are never written: a missing one is reported. The first install records each "
      "repository's refs as its baseline: history branches may start from and merge without signatures once a "
      "policy is in force. Exit status 0 when every repository is protected, 1 otherwise.");
  registry.push_back({install, [install_opts] { return run_hook_install(*install_opts); }});

  auto uninstall_opts = std::make_shared<InstallOptions>();
  CLI::App* uninstall =
      hook.add_subcommand("uninstall", "Remove the server hooks auths installed (the same selectors as install)");
  add_selectors(uninstall, *uninstall_opts);
  uninstall->footer(
      "Removes only the files auths wrote (they carry its marker line), and core.hooksPath only where auths set "
      "it and it still names the same directory. Foreign hooks, Gitea's and GitLab's own scripts and gitolite's "
      "update hook stay. Running it again changes nothing. The records (baseline, accepted updates) stay.");
  registry.push_back({uninstall, [uninstall_opts] { return run_hook_uninstall(*uninstall_opts); }});

  auto status_opts = std::make_shared<StatusOptions>();
  CLI::App* status =
      hook.add_subcommand("status", "Show where the hooks are, whether git runs them, and the policy in force");
  status->add_option("--repo", status_opts->repo, "Server repository to inspect")->capture_default_str();
  status->add_option("--layout", status_opts->layout, "plain, gitea, gitlab or gitolite (where to look for the hooks)")
      ->capture_default_str();
  status->add_option("--gitlab-global-dir", status_opts->gitlab_global_dir,
                     "gitlab layout: also look in Gitaly's custom_hooks_dir");
  status->footer("Exit status 0 when git runs an auths pre-receive or update hook in the repository, 1 otherwise.");
  status->add_flag("--json", status_opts->json, "Print one JSON document instead of text (same exit status)");
  registry.push_back({status, [status_opts] { return run_hook_status(*status_opts); }});
}

}  // namespace auths::cli
