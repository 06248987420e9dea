#include "auths/client/install.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "file_io.h"
#include "git/repository.h"

namespace auths::client {

namespace fs = std::filesystem;

Result<HookLayout> parse_hook_layout(const std::string& name) {
  if (name == "plain") return HookLayout::kPlain;
  if (name == "gitea" || name == "forgejo") return HookLayout::kGitea;
  if (name == "gitlab") return HookLayout::kGitLab;
  return Error::invalid_argument("unknown layout '" + name + "' (plain, gitea, gitlab)");
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
  if (fs::exists(target, ec) && !has_marker(target)) {
    return Error::invalid_argument(target.string() + " exists and was not installed by auths (not overwriting)");
  }
  const std::string script = "#!/bin/sh\n" + std::string(kInstallMarker) + "\nexec " +
                             shell_quote(fs::absolute(binary).string()) + " \"$@\"\n";
  if (auto written = write_file(target, script, 0755, /*replace=*/true); !written) return written.error();
  return target.string();
}

Result<std::vector<HookState>> server_hooks(const std::string& repo, HookLayout layout) {
  auto p = places(repo);
  if (!p) return p.error();
  std::vector<HookState> out;
  std::error_code ec;
  for (const std::string hook : {"pre-receive", "update", "post-receive"}) {
    HookState s;
    s.hook = hook;
    const fs::path target = target_of(*p, layout, hook).lexically_normal();
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
        s.note = "run by Gitaly from custom_hooks/" + hook + ".d/";
        break;
    }
    if (s.exists && !s.executable) s.note += (s.note.empty() ? "" : "; ") + std::string("not executable");
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace auths::client
