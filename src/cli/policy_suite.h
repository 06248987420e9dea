// The test suites of `auths policy test` (README.md, "Testing a policy"): JSON or YAML files
// of named cases, each a test context (auths/policy_test.h) and the verdict expected.
#pragma once

#include <string>
#include <vector>

#include "auths/policy_test.h"
#include "auths/result.h"

namespace auths::cli {

struct PolicyTestCase {
  std::string name;
  PolicyTestContext context;
  std::string expect;  // "allow", "deny", "indeterminate" or a reason code
};

/// Reads the suite at `path`: YAML when it ends in .yaml or .yml, else JSON; either
/// {"cases": [...]} or the array of cases itself. kNotFound / kIo when it cannot be read,
/// kInvalidArgument with one line naming the case ("case 3 'bot-main': unknown key 'signr'")
/// when it is not a valid suite.
Result<std::vector<PolicyTestCase>> read_policy_suite(const std::string& path);

}  // namespace auths::cli
