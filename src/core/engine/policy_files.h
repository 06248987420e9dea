// Reading a policy file outside a repository, for the offline commands (`auths policy lint`,
// `auths policy test`, `auths policy explain`): the file itself, and the files it names as
// the hooks would read them from its tree.
#pragma once

#include <string>

#include "auths/result.h"
#include "policy/policy.h"

namespace auths::engine {

/// The text of the policy (or expression) file at `path`: kNotFound, kIo when unreadable.
Result<std::string> read_policy_text(const std::string& path);

/// Reads the files a policy at `policy_path` names: `.auths/<x>` from the policy file's own
/// directory (it stands for `.auths/`), other tree paths from `root`. An absent file is nullopt.
policy::FileReader policy_file_reader(const std::string& policy_path, const std::string& root);

}  // namespace auths::engine
