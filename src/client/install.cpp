#include "auths/client/install.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "file_io.h"
#include "git/repository.h"
#include "process.h"

namespace auths::client {

namespace fs = std::filesystem;

Result<HookLayout> parse_hook_layout(const std::string& name) {
  if (name == "plain") return HookLayout::kPlain;
  if (name == "gitea" || name == "forgejo") return HookLayout::kGitea;
  if (name == "gitlab") return HookLayout::kGitLab;
  if (name == "gitolite" || name == "gitolite3") return HookLayout::kGitolite;
  return Error::invalid_argument("unknown layout '" + name + "' (plain, gitea, gitlab, gitolite)");
}

namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

bool is_server_hook(const std::string& hook) {
  return hook == "pre-receive" || hook == "update" || hook == "post-receive";
}

struct Places {
  fs::path git_dir;
  fs::path work_tree;  // empty for a bare repository
  std::optional<std::string> hooks_path;
};

Result<Places> places(const std::string& repo) {
  const git::Session session;
  auto opened = git::Repository::open(repo);
  if (!opened) return Error::not_found("not a git repository", repo);
  Places out;
  out.git_dir = fs::path(opened->path());
  std::error_code ec;
  if (fs::path(repo) / ".git" == out.git_dir || fs::equivalent(fs::path(repo) / ".git", out.git_dir, ec)) {
    out.work_tree = fs::path(repo);
  }
  auto configured = opened->config_string("core.hooksPath");
  if (!configured) return configured.error();
  out.hooks_path = *configured;
  return out;
}

bool has_marker(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str().find(kInstallMarker) != std::string::npos;
}

bool is_executable(const fs::path& file) {
  std::error_code ec;
  const auto perms = fs::status(file, ec).permissions();
  return !ec && (perms & fs::perms::owner_exec) != fs::perms::none;
}

fs::path plain_dir(const Places& p, const std::string& hook) {
  if (!p.hooks_path) return p.git_dir / "hooks";
  fs::path dir(*p.hooks_path);
  if (dir.is_relative()) dir = (is_server_hook(hook) || p.work_tree.empty() ? p.git_dir : p.work_tree) / dir;
  return dir;
}

fs::path target_of(const Places& p, HookLayout layout, const std::string& hook) {
  switch (layout) {
    case HookLayout::kPlain: return plain_dir(p, hook) / hook;
    case HookLayout::kGitea: return p.git_dir / "hooks" / (hook + ".d") / "auths";
    case HookLayout::kGitLab: return p.git_dir / "custom_hooks" / (hook + ".d") / "auths";
    case HookLayout::kGitolite: return p.git_dir / "hooks" / hook;
  }
  return p.git_dir / "hooks" / hook;
}

}  // namespace

Result<std::string> install_hook(const std::string& repo, HookLayout layout, const std::string& hook,
                                 const std::string& binary) {
  auto p = places(repo);
  if (!p) return p.error();
  std::error_code ec;
  if (!fs::exists(binary, ec)) {
    return Error::not_found("hook binary not found", binary);
  }
  const fs::path target = target_of(*p, layout, hook).lexically_normal();
  const HookChange change = install_hook_file(hook, target.string(), hook_script(binary));
  if (change.kind == HookChange::Kind::kSkippedForeign) {
    return Error::invalid_argument(target.string() + " exists and was not installed by auths (not overwriting)");
  }
  if (change.kind == HookChange::Kind::kFailed) return Error::io(change.note, target.string());
  return target.string();
}

std::string hook_script(const std::string& binary) {
  return "#!/bin/sh\n" + std::string(kInstallMarker) + "\nexec " + shell_quote(fs::absolute(binary).string()) +
         " \"$@\"\n";
}

std::string gitolite_hook_script(const std::string& binary) {
  return "#!/bin/sh\n" + std::string(kInstallMarker) +
         "\n# gitolite's own configuration repository is pushed by its admin, through gitolite's checks.\n"
         "[ \"${GL_REPO:-}\" = gitolite-admin ] && exit 0\nexec " +
         shell_quote(fs::absolute(binary).string()) + " \"$@\"\n";
}

std::string to_string(HookChange::Kind kind) {
  switch (kind) {
    case HookChange::Kind::kInstalled: return "installed";
    case HookChange::Kind::kAlreadyInstalled: return "already installed";
    case HookChange::Kind::kSkippedForeign: return "skipped";
    case HookChange::Kind::kRemoved: return "removed";
    case HookChange::Kind::kAbsent: return "absent";
    case HookChange::Kind::kFailed: return "failed";
  }
  return "failed";
}

HookChange install_hook_file(const std::string& hook, const std::string& path, const std::string& script) {
  HookChange out{hook, path, HookChange::Kind::kInstalled, ""};
  std::error_code ec;
  const fs::path target(path);
  if (fs::exists(fs::symlink_status(target, ec))) {
    if (!has_marker(target)) {
      out.kind = HookChange::Kind::kSkippedForeign;
      out.note = "foreign hook at " + path;
      return out;
    }
    auto text = read_file(target, 1 << 20);
    if (text && *text == script && is_executable(target) && !fs::is_symlink(fs::symlink_status(target, ec))) {
      out.kind = HookChange::Kind::kAlreadyInstalled;
      return out;
    }
  }
  if (auto written = write_file(target, script, 0755, /*replace=*/true); !written) {
    out.kind = HookChange::Kind::kFailed;
    out.note = written.error().to_string();
  }
  return out;
}

bool foreign_hook_at(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec)) && !has_marker(path);
}

HookChange remove_hook_file(const std::string& hook, const std::string& path) {
  HookChange out{hook, path, HookChange::Kind::kAbsent, ""};
  std::error_code ec;
  const fs::path target(path);
  const auto st = fs::symlink_status(target, ec);
  if (!fs::exists(st)) return out;
  if (fs::is_symlink(st) || !has_marker(target)) {
    // A link (gitolite's, to its common hooks) is not a file auths wrote here.
    out.kind = HookChange::Kind::kSkippedForeign;
    out.note = "foreign hook at " + path + ", left alone";
    return out;
  }
  if (!fs::remove(target, ec) || ec) {
    out.kind = HookChange::Kind::kFailed;
    out.note = "cannot remove " + path + ": " + ec.message();
    return out;
  }
  out.kind = HookChange::Kind::kRemoved;
  return out;
}

Result<std::string> hook_target(const std::string& repo, HookLayout layout, const std::string& hook) {
  auto p = places(repo);
  if (!p) return p.error();
  return target_of(*p, layout, hook).lexically_normal().string();
}

namespace {

bool is_bare_repository(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::symlink_status(dir / "HEAD", ec)) && fs::is_directory(dir / "objects", ec) &&
         fs::is_directory(dir / "refs", ec);
}

void collect_repositories(const fs::path& dir, int depth, std::vector<std::string>& out) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir / ".git", ec)) || is_bare_repository(dir)) {
    out.push_back(dir.string());
    return;
  }
  if (depth > 32) return;
  fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return;
  for (const auto& entry : it) {
    // symlink_status: a link to a directory, perhaps outside `dir`, is never followed.
    if (fs::is_directory(entry.symlink_status(ec))) collect_repositories(entry.path(), depth + 1, out);
  }
}

/// Executable hooks in `hooks_dir` that git would run and that auths did not write.
std::vector<std::string> own_hooks(const fs::path& hooks_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  fs::directory_iterator it(hooks_dir, ec);
  if (ec) return out;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".sample") || name.find('.') != std::string::npos) continue;
    if (!fs::is_regular_file(entry.status(ec)) || !is_executable(entry.path()) || has_marker(entry.path())) continue;
    out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

constexpr const char* kAuthsHooksPathKey = "auths.hooksPath";

Result<std::optional<std::string>> repository_config(const std::string& repo, const std::string& key) {
  const git::Session session;
  auto opened = git::Repository::open(repo);
  if (!opened) return Error::not_found("not a git repository", repo);
  return opened->config_string(key);
}

Status git_config(const std::string& git_dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"git", "--git-dir=" + git_dir, "config", "--local"};
  argv.insert(argv.end(), args.begin(), args.end());
  if (auto ran = run_program(argv, "git config " + args.front()); !ran) return ran.error();
  return {};
}

}  // namespace

Result<std::vector<std::string>> find_repositories(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error::not_found("not a directory", dir);
  std::vector<std::string> out;
  collect_repositories(fs::absolute(dir).lexically_normal(), 0, out);
  for (auto& path : out) {
    if (path.size() > 1 && path.back() == '/') path.pop_back();
  }
  std::sort(out.begin(), out.end());
  return out;
}

HookChange use_hooks_path(const std::string& repo, const std::string& dir) {
  HookChange out{"core.hooksPath", repo, HookChange::Kind::kInstalled, ""};
  auto p = places(repo);
  if (!p) {
    out.kind = HookChange::Kind::kFailed;
    out.note = p.error().to_string();
    return out;
  }
  const std::string want = fs::absolute(dir).lexically_normal().string();
  if (p->hooks_path) {
    if (fs::path(*p->hooks_path).lexically_normal() == fs::path(want)) {
      out.kind = HookChange::Kind::kAlreadyInstalled;
      return out;
    }
    out.kind = HookChange::Kind::kSkippedForeign;
    out.note = "core.hooksPath of " + repo + " is already '" + *p->hooks_path + "' (not changing it)";
    return out;
  }
  const auto theirs = own_hooks(p->git_dir / "hooks");
  if (!theirs.empty()) {
    out.kind = HookChange::Kind::kSkippedForeign;
    out.note = "foreign hook at " + theirs.front() + ", which git would no longer run with core.hooksPath set";
    return out;
  }
  for (const auto& args :
       {std::vector<std::string>{kAuthsHooksPathKey, want}, std::vector<std::string>{"core.hooksPath", want}}) {
    if (auto set = git_config(p->git_dir.string(), args); !set) {
      out.kind = HookChange::Kind::kFailed;
      out.note = set.error().to_string();
      return out;
    }
  }
  return out;
}

HookChange drop_hooks_path(const std::string& repo) {
  HookChange out{"core.hooksPath", repo, HookChange::Kind::kAbsent, ""};
  auto p = places(repo);
  if (!p) {
    out.kind = HookChange::Kind::kFailed;
    out.note = p.error().to_string();
    return out;
  }
  auto ours = repository_config(repo, kAuthsHooksPathKey);
  if (!ours || !*ours) return out;
  std::vector<std::vector<std::string>> unset{{"--unset", kAuthsHooksPathKey}};
  if (p->hooks_path && *p->hooks_path == **ours) {
    unset.insert(unset.begin(), {"--unset", "core.hooksPath"});
    out.kind = HookChange::Kind::kRemoved;
  } else if (p->hooks_path) {
    out.kind = HookChange::Kind::kSkippedForeign;
    out.note = "core.hooksPath is now '" + *p->hooks_path + "', not what auths set: left alone";
  }
  for (const auto& args : unset) {
    if (auto done = git_config(p->git_dir.string(), args); !done) {
      out.kind = HookChange::Kind::kFailed;
      out.note = done.error().to_string();
      return out;
    }
  }
  return out;
}

Result<GitoliteSite> gitolite_site(const std::string& home) {
  GitoliteSite site;
  site.home = home;
  if (site.home.empty()) {
    const char* env_home = std::getenv("HOME");
    if (env_home == nullptr || *env_home == '\0') return Error::invalid_argument("HOME is not set (--gitolite-home)");
    site.home = env_home;
  }
  const std::vector<std::string> env{"HOME=" + site.home};
  // One variable per call (query-rc reads several as a path into nested settings); an unset one
  // exits 1 and prints nothing.
  auto query = [&](const std::string& name) -> std::string {
    auto value = run_program({"gitolite", "query-rc", name}, "gitolite query-rc " + name, env);
    std::string text = value ? *value : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
  };
  const std::string admin_base = query("GL_ADMIN_BASE");
  site.repo_base = query("GL_REPO_BASE");
  if (admin_base.empty() || site.repo_base.empty()) {
    return Error::invalid_argument(
        "gitolite query-rc gives no GL_ADMIN_BASE or GL_REPO_BASE (is gitolite set up "
        "for HOME " +
        site.home + "? gitolite setup -pk)");
  }
  const std::string local = query("LOCAL_CODE");
  site.local_code = local;
  if (!local.empty()) {
    auto dump = run_program({"gitolite", "query-rc", "-d"}, "gitolite query-rc -d", env);
    site.repo_specific = dump && dump->find("'repo-specific-hooks'") != std::string::npos;
  }
  site.hooks_dir = ((local.empty() ? fs::path(admin_base) : fs::path(local)) / "hooks" / "common").string();
  return site;
}

Status gitolite_setup(const GitoliteSite& site, bool hooks_only) {
  std::vector<std::string> argv{"gitolite", "setup"};
  if (hooks_only) argv.emplace_back("--hooks-only");
  if (auto ran =
          run_program(argv, hooks_only ? "gitolite setup --hooks-only" : "gitolite setup", {"HOME=" + site.home});
      !ran) {
    return ran.error();
  }
  return {};
}

namespace {

/// The links in `repo`/hooks/ to `hook_file`.
std::vector<fs::path> links_to(const std::string& repo, const std::string& hook_file) {
  std::vector<fs::path> out;
  std::error_code ec;
  fs::directory_iterator it(fs::path(repo) / "hooks", ec);
  if (ec) return out;
  const fs::path want = fs::path(hook_file).lexically_normal();
  for (const auto& entry : it) {
    if (!fs::is_symlink(entry.symlink_status(ec))) continue;
    const fs::path to = fs::read_symlink(entry.path(), ec);
    if (!ec && (fs::path(repo) / "hooks" / to).lexically_normal() == want) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

bool gitolite_linked(const std::string& repo, const std::string& hook_file) {
  return !links_to(repo, hook_file).empty();
}

std::vector<HookChange> gitolite_unlink(const GitoliteSite& site, const std::string& hook,
                                        const std::string& hook_file) {
  std::vector<HookChange> out;
  auto repos = find_repositories(site.repo_base);
  if (!repos) return out;
  std::error_code ec;
  for (const auto& repo : *repos) {
    for (const auto& link : links_to(repo, hook_file)) {
      HookChange c{hook, link.string(), HookChange::Kind::kRemoved, ""};
      if (!fs::remove(link, ec) || ec) {
        c.kind = HookChange::Kind::kFailed;
        c.note = "cannot remove " + link.string() + ": " + ec.message();
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

Result<std::vector<HookState>> server_hooks(const std::string& repo, HookLayout layout, const std::string& global_dir) {
  auto p = places(repo);
  if (!p) return p.error();
  std::vector<HookState> out;
  std::error_code ec;
  for (const std::string hook : {"pre-receive", "update", "post-receive"}) {
    HookState s;
    s.hook = hook;
    fs::path target = target_of(*p, layout, hook).lexically_normal();
    if (layout == HookLayout::kGitLab && !global_dir.empty() && !fs::exists(target, ec)) {
      target = (fs::path(global_dir) / (hook + ".d") / "auths").lexically_normal();
    }
    s.path = target.string();
    s.exists = fs::exists(target, ec);
    s.executable = s.exists && is_executable(target);
    s.ours = s.exists && has_marker(target);
    switch (layout) {
      case HookLayout::kPlain: {
        s.git_runs = s.exists && s.executable;
        const fs::path unused = p->git_dir / "hooks" / hook;
        if (p->hooks_path) s.note = "core.hooksPath is '" + *p->hooks_path + "'";
        if (p->hooks_path && fs::exists(unused, ec) && has_marker(unused)) {
          s.note += "; " + unused.string() + " is installed by auths, but git does not run it there";
        }
        break;
      }
      case HookLayout::kGitea: {
        const fs::path delegate = p->git_dir / "hooks" / hook;
        const bool delegating = fs::exists(delegate, ec) && is_executable(delegate);
        s.git_runs = s.exists && s.executable && delegating;
        s.note = delegating ? "run by Gitea's " + delegate.string()
                            : "no executable " + delegate.string() + " to run hooks/" + hook + ".d/";
        break;
      }
      case HookLayout::kGitLab:
        s.git_runs = s.exists && s.executable;
        s.note = "run by Gitaly from " + target.parent_path().string() + "/";
        break;
      case HookLayout::kGitolite:
        s.git_runs = s.exists && s.executable;
        if (fs::is_symlink(fs::symlink_status(target, ec))) {
          s.note = "linked by gitolite to " + fs::read_symlink(target, ec).string();
        } else if (hook == "update") {
          s.note = "gitolite's own update hook checks its access rules";
        }
        break;
    }
    if (s.exists && !s.executable) s.note += (s.note.empty() ? "" : "; ") + std::string("not executable");
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace auths::client
