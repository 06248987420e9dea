// A policy file on disk, read as the hooks read `.auths/policy.toml` from a tree: shared by
// `auths policy lint` (policy_lint.cpp) and `auths policy diff` (policy_diff.cpp).
#pragma once

#include <string>

#include "auths/result.h"
#include "policy/policy.h"

namespace auths::engine {

/// The text of the file at `path` (at most 1 MiB, as the hooks read the policy from a tree);
/// kNotFound when it does not exist, kIo when it cannot be read. Messages say "cannot read <path>".
Result<std::string> read_policy_text(const std::string& path);

/// The reader of the files a policy at `policy_path` names: `.auths/<x>` from the policy file's
/// own directory (it stands for `.auths/`), other paths from `root`. Absent files are nullopt.
policy::FileReader policy_dir_reader(const std::string& policy_path, const std::string& root);

}  // namespace auths::engine
