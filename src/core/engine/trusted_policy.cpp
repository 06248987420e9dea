#include "engine/trusted_policy.h"

namespace auths::engine {

namespace {

/// How far back a malformed policy's history is searched for the last valid one.
constexpr int kRecoveryDepth = 1000;

}  // namespace

Result<std::optional<policy::Policy>> load_policy_at(const git::Repository& repo, const Oid& commit) {
  auto text = repo.read_file(commit, kPolicyPath);
  if (!text) {
    if (text.error().code == ErrorCode::kInvalidArgument) {  // a directory, or too large
      return Error::policy(text.error().message, kPolicyPath);
    }
    return text.error();
  }
  if (!text->has_value()) return std::optional<policy::Policy>{};
  const policy::FileReader read_file = [&repo, &commit](std::string_view path) { return repo.read_file(commit, path); };
  auto parsed = policy::parse_policy(**text, kPolicyPath, read_file);
  if (!parsed) return parsed.error();
  return std::optional<policy::Policy>(std::move(*parsed));
}

Result<const TrustedPolicy*> PolicyCache::get(const std::optional<Oid>& base) {
  if (!base) return &m_absent;
  const auto it = m_cache.find(*base);
  if (it != m_cache.end()) return &it->second;
  auto loaded = load(*base);
  if (!loaded) return loaded.error();
  return &m_cache.emplace(*base, std::move(*loaded)).first->second;
}

Result<TrustedPolicy> PolicyCache::load(const Oid& base) const {
  TrustedPolicy out;
  out.source = base.short_hex() + ":" + kPolicyPath;
  auto loaded = load_policy_at(m_repo, base);
  if (loaded) {
    if (!loaded->has_value()) {
      out.state = TrustedPolicy::State::kAbsent;
      return out;
    }
    out.state = TrustedPolicy::State::kLoaded;
    out.policy = std::move(**loaded);
    return out;
  }
  if (loaded.error().code != ErrorCode::kPolicy) return loaded.error();  // git failure: undecidable

  out.state = TrustedPolicy::State::kInvalid;
  out.error = loaded.error();
  // Walk the first-parent history for the newest policy that parses: its governance signers
  // are the only ones who may repair the file.
  auto commit = m_repo.read_commit(base);
  for (int depth = 0; commit && !commit->parents.empty() && depth < kRecoveryDepth; ++depth) {
    const Oid parent = commit->parents.front();
    auto earlier = load_policy_at(m_repo, parent);
    if (earlier && earlier->has_value()) {
      out.recovery = std::move(**earlier);
      break;
    }
    if (earlier && !earlier->has_value()) break;  // before the policy existed: nobody to ask
    commit = m_repo.read_commit(parent);
  }
  return out;
}

}  // namespace auths::engine
