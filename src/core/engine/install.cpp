#include "auths/install.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace auths {

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

}  // namespace

Result<std::string> install_hook(const std::string& repo, HookLayout layout, const std::string& hook,
                                 const std::string& binary) {
  std::error_code ec;
  fs::path git_dir = fs::path(repo);
  if (fs::is_directory(git_dir / ".git", ec)) git_dir /= ".git";
  if (!fs::exists(git_dir / "HEAD", ec) || !fs::is_directory(git_dir / "objects", ec)) {
    return Error::not_found("not a git repository", repo);
  }
  if (!fs::exists(binary, ec)) {
    return Error::not_found("hook binary not found", binary);
  }
  fs::path target;
  switch (layout) {
    case HookLayout::kPlain: target = git_dir / "hooks" / hook; break;
    case HookLayout::kGitea: target = git_dir / "hooks" / (hook + ".d") / "auths"; break;
    case HookLayout::kGitLab: target = git_dir / "custom_hooks" / (hook + ".d") / "auths"; break;
  }
  const fs::path shown = fs::relative(target, git_dir, ec);
  if (fs::exists(target, ec)) {
    std::ifstream in(target);
    std::stringstream existing;
    existing << in.rdbuf();
    if (existing.str().find(kInstallMarker) == std::string::npos) {
      return Error::invalid_argument(shown.string() + " exists and was not installed by auths (not overwriting)");
    }
  }
  fs::create_directories(target.parent_path(), ec);
  if (ec) return Error::io("cannot create directory: " + ec.message(), target.parent_path().string());
  const fs::path tmp = target.string() + ".auths-tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "#!/bin/sh\n" << kInstallMarker << "\nexec " << shell_quote(fs::absolute(binary).string()) << " \"$@\"\n";
    if (!out) return Error::io("cannot write hook", tmp.string());
  }
  fs::permissions(tmp,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                      fs::perms::others_exec,
                  ec);
  if (ec) return Error::io("cannot make the hook executable: " + ec.message(), tmp.string());
  fs::rename(tmp, target, ec);
  if (ec) return Error::io("cannot install hook: " + ec.message(), target.string());
  return target.string();
}

}  // namespace auths
