// A policy file on disk, read as the hooks read `.auths/policy.toml` from a tree: shared by
// `auths policy lint` (policy_lint.cpp), `auths policy diff` (policy_diff.cpp) and the server's
// default policy (engine/facade.cpp).
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

/// The policy file at `path` with the files it names (policy_dir_reader; `root` "" = the
/// current directory): `auths policy diff`, and hooks.yaml's `bootstrap: <file>` (the server's
/// default policy, whose other paths are read from its own directory).
Result<policy::Policy> load_policy_file(const std::string& path, const std::string& root = ".");

}  // namespace auths::engine
