// `auths policy compile`: an Auths expression policy (the JSON predicate language of
// research/auths-spec.md section 6) compiled offline. The language itself is
// src/core/policy/expression.h; this header is what the CLI sees of it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "auths/result.h"

namespace auths {

/// The compile limits (not configurable; Auths' PolicyLimits).
struct ExpressionLimits {
  static constexpr size_t kMaxBytes = 65536;  // raw text, checked before parsing
  static constexpr size_t kMaxDepth = 64;     // the root is at depth 0
  static constexpr size_t kMaxNodes = 1024;
  static constexpr size_t kMaxListItems = 256;     // in any list: And/Or arguments, names, patterns
  static constexpr int kMaxChainDepth = 16;        // the largest MaxChainDepth argument
  static constexpr size_t kMaxPatternChars = 256;  // a RefMatches/PathAllowed glob
};

/// What compiling one expression file found. `errors` empty = it compiles; then nodes, depth,
/// hash, canonical and predicates describe it (see policy::Expression).
struct ExpressionReport {
  std::string file;
  size_t bytes = 0;
  std::vector<std::string> errors;  // "<path>: <message>", path like root.args[0].args[2]
  size_t nodes = 0;
  size_t depth = 0;
  std::string hash;       // lowercase hex BLAKE3-256 of `canonical`
  std::string canonical;  // the canonical serialization (RFC 8785 of the {"op","args"} form)
  std::vector<std::string> predicates;

  bool ok() const { return errors.empty(); }
};

/// Compiles the expression file at `path`. An Error (kNotFound, kIo) only when the file cannot be
/// read; what is wrong with its content (including its size) is in the report's errors.
Result<ExpressionReport> compile_expression_file(const std::string& path);

/// What compiling a policy.toml found: the loader's verdict, the content hash of the policy as
/// loaded (policy/canonical.h: equal for equal rules, whatever the formatting), and each rule's
/// expression with its size.
struct PolicyCompileReport {
  struct RuleExpression {
    std::string rule;
    std::string path;
    size_t nodes = 0;
    size_t depth = 0;
    std::string hash;
  };
  std::string file;
  std::string error;  // the load error ("" = it loads)
  size_t rules = 0;
  std::string hash;       // lowercase hex BLAKE3-256 of `canonical`
  std::string canonical;  // RFC 8785 JSON of the loaded policy
  std::vector<RuleExpression> expressions;

  bool ok() const { return error.empty(); }
};

/// Loads and compiles the policy file at `path`; the files it names are read as `auths policy
/// lint` reads them (engine/policy_file.h). An Error only when the file cannot be read.
Result<PolicyCompileReport> compile_policy_file(const std::string& path);

}  // namespace auths
