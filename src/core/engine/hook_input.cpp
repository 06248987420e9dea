// Parsing what git hands to hooks (githooks(5)). Strict: a line that is not exactly what git
// writes is an error, and the hook fails closed.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "auths/system.h"
#include "auths/verify.h"
#include "util/strings.h"

namespace auths {

namespace {

Result<Oid> parse_oid(std::string_view hex, std::string_view what, size_t line_no) {
  auto oid = Oid::from_hex(hex);
  if (!oid) {
    Error e = oid.error();
    e.context = "line " + std::to_string(line_no) + ": " + std::string(what);
    return e;
  }
  return oid;
}

bool valid_ref_name(std::string_view ref) {
  if (!util::starts_with(ref, "refs/") || ref.size() > 4096) return false;
  for (const char c : ref) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

}  // namespace

Result<std::vector<RefUpdate>> parse_pre_receive_input(std::string_view text) {
  std::vector<RefUpdate> out;
  size_t line_no = 0;
  for (const auto line : util::split(text, '\n')) {
    ++line_no;
    if (line.empty()) continue;
    const auto fields = util::split(line, ' ');
    if (fields.size() != 3) {
      return Error::invalid_argument("expected '<old-oid> <new-oid> <ref-name>'", "line " + std::to_string(line_no));
    }
    auto old_oid = parse_oid(fields[0], "old object id", line_no);
    if (!old_oid) return old_oid.error();
    auto new_oid = parse_oid(fields[1], "new object id", line_no);
    if (!new_oid) return new_oid.error();
    if (!valid_ref_name(fields[2])) {
      return Error::invalid_argument("invalid ref name '" + util::printable(fields[2]) + "'",
                                     "line " + std::to_string(line_no));
    }
    out.push_back({*old_oid, *new_oid, std::string(fields[2])});
  }
  return out;
}

Result<RefUpdate> parse_update_args(std::string_view ref_name, std::string_view old_hex, std::string_view new_hex) {
  auto old_oid = parse_oid(old_hex, "old object id", 1);
  if (!old_oid) return old_oid.error();
  auto new_oid = parse_oid(new_hex, "new object id", 1);
  if (!new_oid) return new_oid.error();
  if (!valid_ref_name(ref_name)) {
    return Error::invalid_argument("invalid ref name '" + util::printable(ref_name) + "'");
  }
  return RefUpdate{*old_oid, *new_oid, std::string(ref_name)};
}

Result<std::vector<RefUpdate>> parse_pre_push_input(std::string_view text) {
  std::vector<RefUpdate> out;
  size_t line_no = 0;
  for (const auto line : util::split(text, '\n')) {
    ++line_no;
    if (line.empty()) continue;
    const auto fields = util::split(line, ' ');
    if (fields.size() != 4) {
      return Error::invalid_argument("expected '<local-ref> <local-oid> <remote-ref> <remote-oid>'",
                                     "line " + std::to_string(line_no));
    }
    auto local_oid = parse_oid(fields[1], "local object id", line_no);
    if (!local_oid) return local_oid.error();
    auto remote_oid = parse_oid(fields[3], "remote object id", line_no);
    if (!remote_oid) return remote_oid.error();
    if (!valid_ref_name(fields[2])) {
      return Error::invalid_argument("invalid remote ref name '" + util::printable(fields[2]) + "'",
                                     "line " + std::to_string(line_no));
    }
    out.push_back({*remote_oid, *local_oid, std::string(fields[2])});
  }
  return out;
}

HookContext hook_context_from_env() {
  HookContext ctx;
  ctx.gitlab = !env("GL_ID").empty();
  // GitLab sets GL_ID and GL_USERNAME; gitolite sets GL_USER (and never GL_ID).
  const char* const named_by[] = {"GL_USERNAME", ctx.gitlab ? "GL_ID" : "GL_USER", "GITEA_PUSHER_NAME", "AUTHS_PUSHER",
                                  env("GATEWAY_INTERFACE").empty() ? nullptr : "REMOTE_USER"};
  for (const char* name : named_by) {
    if (name == nullptr || env(name).empty()) continue;
    ctx.pusher = env(name);
    ctx.pusher_source = name;
    break;
  }
  if (ctx.pusher.empty()) {
    const auto name = os_user_name();
    ctx.pusher = "unix:" + (name ? *name : std::to_string(::geteuid()));
    ctx.pusher_source = "uid";
  }
  if (!env("GL_PROTOCOL").empty()) {
    ctx.protocol = env("GL_PROTOCOL");
  } else if (env("GITEA_INTERNAL_PUSH") == "true") {
    ctx.protocol = "web";  // Gitea's own merges and edits (with SSH_ORIGINAL_COMMAND=gitea-internal)
  } else if (!env("SSH_CONNECTION").empty() || !env("SSH_CLIENT").empty() || !env("SSH_ORIGINAL_COMMAND").empty()) {
    ctx.protocol = "ssh";
  } else if (!env("GATEWAY_INTERFACE").empty() || !env("GITEA_PUSHER_NAME").empty()) {
    ctx.protocol = "http";  // git http-backend under CGI; Gitea runs the hooks itself for its HTTP pushes
  } else {
    ctx.protocol = "local";
  }
  if (!env("GL_PROJECT_PATH").empty()) {
    ctx.repo = env("GL_PROJECT_PATH");
  } else if (!env("GITEA_REPO_NAME").empty()) {
    ctx.repo = env("GITEA_REPO_USER_NAME") + "/" + env("GITEA_REPO_NAME");
  } else if (!ctx.gitlab && !env("GL_REPO").empty()) {
    ctx.repo = env("GL_REPO");
  }
  // Gitea and Forgejo set GITEA_INTERNAL_PUSH=true for the pushes they make themselves (merges,
  // web edits; then also SSH_ORIGINAL_COMMAND=gitea-internal, and GITEA_PUSH_TRIGGER, e.g.
  // pr-merge-to-base); GitLab sets GL_PROTOCOL=web for everything but http and ssh pushes.
  ctx.gitea_internal_push = env("GITEA_INTERNAL_PUSH") == "true";
  ctx.gitlab_web = env("GL_PROTOCOL") == "web";
  return ctx;
}

}  // namespace auths
