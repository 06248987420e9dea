// diff_policy_files and diff_policy_revisions (auths/policy_diff.h): the I/O around policy::diff
// (src/core/policy/diff.cpp): two policy files with the files they name, or two revisions'
// trees read as the hooks read them (engine/policy_in_force.h).
#include <optional>
#include <string>

#include "auths/policy_diff.h"
#include "engine/policy_file.h"
#include "engine/policy_in_force.h"
#include "git/repository.h"
#include "policy/diff.h"

namespace auths {

namespace {

std::string full_branch_ref(const std::string& branch) {
  return branch.rfind("refs/", 0) == 0 ? branch : "refs/heads/" + branch;
}

Result<policy::Policy> load_policy_revision(const git::Repository& repo, const std::string& rev, std::string& source) {
  auto commit = repo.resolve_revision(rev);
  if (!commit) return commit.error();
  source = rev + ":" + engine::kPolicyPath;
  auto loaded = engine::load_policy_at(repo, *commit);
  if (!loaded) {
    Error error = loaded.error();  // ".auths/policy.toml:3" -> "<rev>:.auths/policy.toml:3"
    if (!error.context.empty()) error.context = rev + ":" + error.context;
    return error;
  }
  if (!loaded->has_value()) {
    return Error::not_found("revision " + rev + " (" + commit->short_hex() + ") has no " + engine::kPolicyPath);
  }
  return std::move(**loaded);
}

}  // namespace

Result<PolicyDiff> diff_policy_files(const std::string& old_path, const std::string& new_path,
                                     const std::string& default_branch) {
  auto old_policy = engine::load_policy_file(old_path);
  if (!old_policy) return old_policy.error();
  auto new_policy = engine::load_policy_file(new_path);
  if (!new_policy) return new_policy.error();
  PolicyDiff out;
  out.old_source = old_path;
  out.new_source = new_path;
  out.changes = policy::diff(*old_policy, *new_policy, full_branch_ref(default_branch));
  return out;
}

Result<PolicyDiff> diff_policy_revisions(const std::string& repo, const std::string& old_rev,
                                         const std::string& new_rev, const std::string& default_branch) {
  const git::Session session;  // outlives the repository below
  auto opened = git::Repository::open(repo);
  if (!opened) return opened.error();
  PolicyDiff out;
  auto old_policy = load_policy_revision(*opened, old_rev, out.old_source);
  if (!old_policy) return old_policy.error();
  auto new_policy = load_policy_revision(*opened, new_rev, out.new_source);
  if (!new_policy) return new_policy.error();
  std::string branch = default_branch;
  if (branch.empty()) {
    auto head = opened->head_target();
    if (!head) return head.error();
    branch = head->empty() ? "main" : *head;
  }
  out.changes = policy::diff(*old_policy, *new_policy, full_branch_ref(branch));
  return out;
}

}  // namespace auths
