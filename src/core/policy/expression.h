// Auths expression policies: the JSON predicate language of research/auths-spec.md section 6,
// compiled into an immutable tree and evaluated three-valued against one signer's context.
// Pure: no I/O (src/core/engine/expression_file.cpp reads files for `auths policy compile`).
//
// Encoding (all spellings give the same tree, so the same hash):
//   {"op":"And","args":[...]}   Auths' adjacent form; {"op":"NotRevoked"} for a node without args
//   {"And":[...]}               the seed's form: a one-member object named after the node
//   "NotRevoked"                a bare string, for nodes without args only
// BranchMatches is another name of RefMatches (canonical name RefMatches).
//
// Nodes and arguments:
//   And([e..]), Or([e..])      non-empty lists of expressions
//   Not(e)                     one expression
//   True, False, NotRevoked, NotExpired, IsHuman, IsAgent, IsWorkload     no args
//   HasCapability(c), HasAllCapabilities([c..]), HasAnyCapability([c..])  capability names
//   IssuerIs(did), IssuerIn([did..]), SubjectIs(did), DelegatedBy(did)    dids
//   RoleIs(r), RoleIn([r..]), RepoIs(s), RepoIn([s..])                    names
//   RefMatches(glob), PathAllowed([glob..])                                segment globs
//   MaxChainDepth(0..16), ExpiresAfter(secs), IssuedWithin(secs)          integers >= 0
// Every list holds 1 to 256 items (an empty list is an error: IssuerIn([]) could only deny,
// HasAllCapabilities([]) only allow; both are mistakes).
//
// Decisions where research/auths-spec.md section 6 says nothing:
//   - dids must start with "did:" and are compared exactly (no case folding); names (roles,
//     repositories) are 1-256 printable ASCII characters;
//   - a glob '*' that is not a whole segment nor a segment's first or last character (a*b, ***)
//     is an error, and so are ? [ ] { }: they would otherwise match only themselves;
//   - IssuedWithin allows a grant issued in the future (now - timestamp is negative);
//     time differences saturate instead of overflowing;
//   - an args key on a node without args is an error even when it is null.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/policy_expression.h"
#include "auths/result.h"

namespace auths::policy {

/// What an expression is evaluated against: one signer of one push.
struct EvalContext {
  int64_t now = 0;                          // unix seconds
  std::optional<std::string> signer_type;   // "Human", "Agent", "Workload"; nullopt = unknown
  std::string issuer;                       // the signer's root identity (did)
  std::string subject;                      // the signing identity or agent (did)
  std::optional<std::string> delegated_by;  // the delegator's did, for an agent
  int chain_depth = 0;                      // delegation depth; 0 = the root identity
  bool revoked = false;
  std::optional<int64_t> expires_at;      // unix seconds; nullopt = no expiry
  std::optional<int64_t> timestamp;       // when the grant was issued (unix seconds)
  std::vector<std::string> capabilities;  // sorted
  bool all_capabilities = false;          // an unrestricted grant (an identity's own key, no membership)
  std::optional<std::string> role;
  std::vector<std::string> teams;
  std::optional<std::string> repo;
  std::optional<std::string> git_ref;
  std::optional<std::vector<std::string>> paths;  // nullopt = unknown; empty = no paths
};

enum class Outcome { kAllow, kDeny, kIndeterminate };
const char* to_string(Outcome outcome);  // "allow", "deny", "indeterminate"

/// The enforcement point: Indeterminate (a fact the expression needs is unknown) denies.
Outcome strict(Outcome outcome);

struct Evaluation {
  Outcome outcome = Outcome::kDeny;
  /// One line naming the deciding node and its path, e.g.
  /// "root.args[1]: HasCapability(sign_release): not held".
  std::string reason;
};

/// A compiled expression: immutable, cheap to copy (the tree is shared).
class Expression {
 public:
  /// Compiles `json_text`. The error is ErrorCode::kPolicy with every error "<path>: <message>"
  /// (paths root, root.args[0], root.args[0].args[2]) joined by "; ", after the third
  /// "(and N more)". With `errors`, every error is also appended there, one per item.
  /// The limits are ExpressionLimits (auths/policy_expression.h).
  static Result<Expression> compile(std::string_view json_text, std::vector<std::string>* errors = nullptr);

  /// Every node, the root included.
  size_t nodes() const { return m_nodes; }
  /// The deepest node's depth; the root is at 0.
  size_t depth() const { return m_depth; }
  /// Lowercase hex BLAKE3-256 of canonical().
  const std::string& hash() const { return m_hash; }
  /// The canonical serialization: the adjacent form ({"op":X} or {"op":X,"args":Y}) in RFC 8785
  /// form (members sorted, so "args" comes first), the same whatever spelling was compiled.
  const std::string& canonical() const { return m_canonical; }
  /// The leaf predicates, sorted and unique, e.g. "HasCapability(sign_commit)",
  /// "RefMatches(refs/heads/bot/*)", "RepoIn([org/a, org/b])", "NotRevoked"; a leaf directly
  /// under Not is written "Not(<leaf>)". And, Or and other Nots are not listed.
  const std::vector<std::string>& predicates() const { return m_predicates; }

  Evaluation evaluate(const EvalContext& ctx) const;

  struct Node;  // defined in expression.cpp

 private:
  Expression() = default;

  std::shared_ptr<const Node> m_root;
  size_t m_nodes = 0;
  size_t m_depth = 0;
  std::string m_hash;
  std::string m_canonical;
  std::vector<std::string> m_predicates;
};

/// The error of an expression text of `bytes` bytes, over ExpressionLimits::kMaxBytes (for a
/// reader that stops before reading it all).
std::string too_large_error(size_t bytes);

/// The glob of RefMatches and PathAllowed, on '/'-separated segments (empty segments dropped):
/// `*` is exactly one segment, `**` zero or more segments, `prefix*`, `*suffix` and
/// `*contains*` match within one segment (the `*` may match nothing); other characters match
/// themselves. Patterns are checked by segment_glob_error first.
bool segment_glob_match(std::string_view pattern, std::string_view text);
/// Why `pattern` is not a valid glob (empty, over 256 characters, not printable ASCII, "..",
/// ? [ ] { }, a '*' in a form other than the ones above), or nullopt.
std::optional<std::string> segment_glob_error(std::string_view pattern);

}  // namespace auths::policy
