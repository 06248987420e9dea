#include "engine/policy_in_force.h"

#include "git/trees.h"

namespace auths::engine {

namespace {

/// How far back a malformed policy's history is searched for the last valid one.
constexpr int kRecoveryDepth = 1000;

}  // namespace

Result<std::optional<policy::Policy>> load_policy_at(const git::RepoView& repo, const Oid& commit) {
  auto text = git::read_file(repo, commit, kPolicyPath);
  if (!text) {
    if (text.error().code == ErrorCode::kInvalidArgument) {  // a directory, a symlink, too large
      return Error::policy(text.error().message, kPolicyPath);
    }
    return text.error();
  }
  if (!text->has_value()) return std::optional<policy::Policy>{};
  const policy::FileReader read_file = [&repo, &commit](std::string_view path) {
    return git::read_file(repo, commit, path);
  };
  auto parsed = policy::parse_policy(**text, kPolicyPath, read_file);
  if (!parsed) return parsed.error();
  return std::optional<policy::Policy>(std::move(*parsed));
}

Result<PolicyInForce> read_policy_in_force(const git::RepoView& repo, const ServerRefs& refs) {
  PolicyInForce out;
  const std::string& branch = refs.default_branch();
  const std::optional<Oid> tip = branch.empty() ? std::nullopt : refs.target(branch);
  if (!tip) {
    out.state = refs.empty() ? PolicyInForce::State::kAbsent : PolicyInForce::State::kDefaultBranchMissing;
    out.source = branch.empty() ? "none (HEAD names no branch)" : "none ('" + branch + "' does not exist)";
    return out;
  }
  auto peeled = git::peel(repo, *tip);
  if (!peeled) return peeled.error();
  if (peeled->first != git::ObjectType::kCommit) {
    return Error::corrupt("the default branch '" + branch + "' does not point at a commit", tip->hex());
  }
  out.commit = peeled->second;
  out.source = peeled->second.short_hex() + ":" + kPolicyPath;
  auto loaded = load_policy_at(repo, peeled->second);
  if (loaded) {
    if (!loaded->has_value()) {
      out.state = PolicyInForce::State::kAbsent;
      out.source = "none (no " + std::string(kPolicyPath) + " on " + branch + ")";
      return out;
    }
    out.state = PolicyInForce::State::kLoaded;
    out.policy = std::move(**loaded);
    return out;
  }
  if (loaded.error().code != ErrorCode::kPolicy) return loaded.error();  // cannot read: undecidable

  out.state = PolicyInForce::State::kInvalid;
  out.error = loaded.error();
  // The newest policy that loads in the first-parent history: its [governance] signers are the
  // only ones who may repair the file.
  auto commit = git::read_commit(repo, peeled->second);
  for (int depth = 0; commit && !commit->parents.empty() && depth < kRecoveryDepth; ++depth) {
    const Oid parent = commit->parents.front();
    auto earlier = load_policy_at(repo, parent);
    if (earlier && earlier->has_value()) {
      out.recovery = std::move(**earlier);
      break;
    }
    if (earlier && !earlier->has_value()) break;  // before the policy existed: nobody to ask
    commit = git::read_commit(repo, parent);
  }
  return out;
}

Result<std::optional<std::pair<Reason, std::string>>> check_pushed_policy(
    const Result<std::optional<policy::Policy>>& loaded, std::string_view default_branch) {
  using Finding = std::optional<std::pair<Reason, std::string>>;
  if (!loaded) {
    if (loaded.error().code != ErrorCode::kPolicy) return loaded.error();
    return Finding(std::pair{Reason::kPolicyInvalid, "the pushed " + std::string(kPolicyPath) +
                                                         " does not load: " + loaded.error().to_string()});
  }
  if (!loaded->has_value()) {
    return Finding(std::pair{Reason::kPolicyInvalid, "removes " + std::string(kPolicyPath) +
                                                         " from the default branch (every later push would be "
                                                         "judged by auths.bootstrap alone)"});
  }
  if (auto why = policy::unsatisfiable(**loaded, default_branch)) {
    return Finding(std::pair{Reason::kPolicyUnsatisfiable, "the pushed policy " + *why});
  }
  return Finding{};
}

}  // namespace auths::engine
