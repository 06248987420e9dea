#include "engine/server_refs.h"

#include <algorithm>

#include "util/strings.h"

namespace auths::engine {

namespace {

/// git itself gives up on symbolic ref chains this deep (refs.h: SYMREF_MAXDEPTH).
constexpr int kMaxSymrefDepth = 5;

}  // namespace

Result<ServerRefs> ServerRefs::read(const git::RepoView& repo, const std::string& remote) {
  ServerRefs out;
  if (remote.empty()) {
    const Status listed = repo.each_ref([&out](const git::RefEntry& ref) {
      if (!ref.symbolic_target.empty()) {
        out.m_symbolic.emplace(ref.name, ref.symbolic_target);
      } else if (ref.target) {
        out.m_direct.emplace_back(ref.name, *ref.target);
      }
    });
    if (!listed) return listed.error();
    out.sort_direct();
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
  const Status listed = repo.each_ref([&](const git::RefEntry& ref) {
    // The identity registry is judged as this clone has it: what it will push, or what it
    // fetched (clones do not track refs/auths/* under refs/remotes/).
    if (ref.name == "refs/auths/registry" && ref.target) out.m_direct.emplace_back(ref.name, *ref.target);
    if (!util::starts_with(ref.name, tracking)) return;
    if (ref.name == tracking + "HEAD") {
      if (util::starts_with(ref.symbolic_target, tracking)) out.m_default_branch = remote_name(ref.symbolic_target);
      return;
    }
    if (ref.target) out.m_direct.emplace_back(remote_name(ref.name), *ref.target);
  });
  if (!listed) return listed.error();
  out.sort_direct();
  if (out.m_default_branch.empty()) {
    for (const char* guess : {"refs/heads/main", "refs/heads/master"}) {
      if (out.target(guess)) {
        out.m_default_branch = guess;
        break;
      }
    }
  }
  out.m_default_branch = out.resolve(out.m_default_branch);
  return out;
}

void ServerRefs::sort_direct() {
  // In place (a stable sort would take a buffer as large as the list). git lists each name
  // once; were one listed twice, the smaller id is kept, whatever the listing order.
  std::sort(m_direct.begin(), m_direct.end());
  const auto same_name = [](const auto& a, const auto& b) { return a.first == b.first; };
  m_direct.erase(std::unique(m_direct.begin(), m_direct.end(), same_name), m_direct.end());
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
  const auto it = std::lower_bound(m_direct.begin(), m_direct.end(), name,
                                   [](const auto& ref, std::string_view wanted) { return ref.first < wanted; });
  if (it == m_direct.end() || it->first != name) return std::nullopt;
  return it->second;
}

}  // namespace auths::engine
