#include "engine/server_refs.h"

#include "util/strings.h"

namespace auths::engine {

namespace {

/// git itself gives up on symbolic ref chains this deep (refs.h: SYMREF_MAXDEPTH).
constexpr int kMaxSymrefDepth = 5;

}  // namespace

Result<ServerRefs> ServerRefs::read(const git::RepoView& repo, const std::string& remote) {
  auto refs = repo.refs();
  if (!refs) return refs.error();
  ServerRefs out;
  if (remote.empty()) {
    for (auto& ref : *refs) {
      if (!ref.symbolic_target.empty()) {
        out.m_symbolic.emplace(ref.name, ref.symbolic_target);
      } else if (ref.target) {
        out.m_direct.emplace(ref.name, *ref.target);
      }
    }
    auto head = repo.head_target();
    if (!head) return head.error();
    out.m_default_branch = out.resolve(*head);
    return out;
  }
  // Pre-push: the remote as this clone last saw it.
  const std::string tracking = "refs/remotes/" + remote + "/";
  const auto remote_name = [&tracking](std::string_view name) {
    return "refs/heads/" + std::string(name.substr(tracking.size()));
  };
  for (auto& ref : *refs) {
    // The identity registry is judged as this clone has it: what it will push, or what it
    // fetched (clones do not track refs/auths/* under refs/remotes/).
    if (ref.name == "refs/auths/registry" && ref.target) out.m_direct.emplace(ref.name, *ref.target);
    if (!util::starts_with(ref.name, tracking)) continue;
    if (ref.name == tracking + "HEAD") {
      if (util::starts_with(ref.symbolic_target, tracking)) out.m_default_branch = remote_name(ref.symbolic_target);
      continue;
    }
    if (ref.target) out.m_direct.emplace(remote_name(ref.name), *ref.target);
  }
  if (out.m_default_branch.empty()) {
    for (const char* guess : {"refs/heads/main", "refs/heads/master"}) {
      if (out.m_direct.count(guess) != 0) {
        out.m_default_branch = guess;
        break;
      }
    }
  }
  out.m_default_branch = out.resolve(out.m_default_branch);
  return out;
}

std::string ServerRefs::resolve(std::string_view name) const {
  std::string current(name);
  for (int depth = 0; depth < kMaxSymrefDepth; ++depth) {
    const auto it = m_symbolic.find(current);
    if (it == m_symbolic.end()) return current;
    current = it->second;
  }
  return current;
}

std::optional<Oid> ServerRefs::target(std::string_view name) const {
  const auto it = m_direct.find(name);
  if (it == m_direct.end()) return std::nullopt;
  return it->second;
}

}  // namespace auths::engine
