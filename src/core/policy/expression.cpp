// Auths expression policies (policy/expression.h): the compiler (every spelling into one tree,
// every error collected with its path), the canonical form and its hash, the three-valued
// evaluation, and the segment glob of RefMatches and PathAllowed.
#include "policy/expression.h"

#include <algorithm>
#include <array>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <utility>

#include "crypto/blake3.h"
#include "keri/attestation.h"
#include "keri/canonical_json.h"
#include "util/bytes.h"
#include "util/strings.h"

namespace auths::policy {

// A named namespace, not an anonymous one: the core is one unity unit (src/core/CMakeLists.txt)
// and load.cpp's and lint.cpp's anonymous helpers share this namespace.
namespace expression_detail {

enum class Op : uint8_t {
  kAnd,
  kOr,
  kNot,
  kTrue,
  kFalse,
  kNotRevoked,
  kNotExpired,
  kIsHuman,
  kIsAgent,
  kIsWorkload,
  kHasCapability,
  kHasAllCapabilities,
  kHasAnyCapability,
  kIssuerIs,
  kIssuerIn,
  kSubjectIs,
  kDelegatedBy,
  kRoleIs,
  kRoleIn,
  kRefMatches,
  kRepoIs,
  kRepoIn,
  kPathAllowed,
  kMaxChainDepth,
  kExpiresAfter,
  kIssuedWithin,
};

// What a node's args are. The string kinds differ only in how each string is checked.
enum class Args : uint8_t {
  kNone,
  kExpressions,  // a non-empty list of expressions
  kExpression,   // one expression
  kCapability,
  kCapabilities,
  kDid,
  kDids,
  kName,
  kNames,
  kGlob,
  kGlobs,
  kChainDepth,  // 0..ExpressionLimits::kMaxChainDepth
  kSeconds,     // 0..2^53
};

struct OpInfo {
  Op op;
  std::string_view name;
  Args args;
};

constexpr std::array<OpInfo, 26> kOps{{
    {Op::kAnd, "And", Args::kExpressions},
    {Op::kOr, "Or", Args::kExpressions},
    {Op::kNot, "Not", Args::kExpression},
    {Op::kTrue, "True", Args::kNone},
    {Op::kFalse, "False", Args::kNone},
    {Op::kNotRevoked, "NotRevoked", Args::kNone},
    {Op::kNotExpired, "NotExpired", Args::kNone},
    {Op::kIsHuman, "IsHuman", Args::kNone},
    {Op::kIsAgent, "IsAgent", Args::kNone},
    {Op::kIsWorkload, "IsWorkload", Args::kNone},
    {Op::kHasCapability, "HasCapability", Args::kCapability},
    {Op::kHasAllCapabilities, "HasAllCapabilities", Args::kCapabilities},
    {Op::kHasAnyCapability, "HasAnyCapability", Args::kCapabilities},
    {Op::kIssuerIs, "IssuerIs", Args::kDid},
    {Op::kIssuerIn, "IssuerIn", Args::kDids},
    {Op::kSubjectIs, "SubjectIs", Args::kDid},
    {Op::kDelegatedBy, "DelegatedBy", Args::kDid},
    {Op::kRoleIs, "RoleIs", Args::kName},
    {Op::kRoleIn, "RoleIn", Args::kNames},
    {Op::kRefMatches, "RefMatches", Args::kGlob},
    {Op::kRepoIs, "RepoIs", Args::kName},
    {Op::kRepoIn, "RepoIn", Args::kNames},
    {Op::kPathAllowed, "PathAllowed", Args::kGlobs},
    {Op::kMaxChainDepth, "MaxChainDepth", Args::kChainDepth},
    {Op::kExpiresAfter, "ExpiresAfter", Args::kSeconds},
    {Op::kIssuedWithin, "IssuedWithin", Args::kSeconds},
}};

// The seed's (and Auths' legacy docs') name of RefMatches.
constexpr std::string_view kBranchMatches = "BranchMatches";

const OpInfo& info(Op op) { return kOps[static_cast<size_t>(op)]; }

const OpInfo* find_op(std::string_view name) {
  if (name == kBranchMatches) return &info(Op::kRefMatches);
  for (const OpInfo& op : kOps) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

std::string_view closest_op(std::string_view name) {
  std::array<std::string_view, kOps.size() + 1> names{};
  for (size_t i = 0; i < kOps.size(); ++i) names[i] = kOps[i].name;
  names[kOps.size()] = kBranchMatches;
  return util::closest(name, names);
}

bool is_list(Args args) {
  return args == Args::kCapabilities || args == Args::kDids || args == Args::kNames || args == Args::kGlobs;
}

bool printable_ascii(std::string_view s, bool allow_space) {
  return std::all_of(s.begin(), s.end(), [&](char c) { return (c > ' ' && c < 0x7f) || (allow_space && c == ' '); });
}

constexpr size_t kMaxNameChars = 256;

// Capability names as the registry's records write them and the policy loader accepts them.
std::optional<std::string> capability_error(std::string_view s) {
  if (keri::is_capability_name(s)) return std::nullopt;
  return "capability \"" + util::printable(s, 80) + "\" is not 1-64 characters of a-z 0-9 : _ -";
}

std::optional<std::string> did_error(std::string_view s) {
  if (util::starts_with(s, "did:") && s.size() > 4 && s.size() <= kMaxNameChars && printable_ascii(s, false)) {
    return std::nullopt;
  }
  return "\"" + util::printable(s, 80) + "\" is not a did (did:..., at most 256 printable ASCII characters)";
}

std::optional<std::string> name_error(std::string_view s) {
  if (!s.empty() && s.size() <= kMaxNameChars && printable_ascii(s, true)) return std::nullopt;
  return "\"" + util::printable(s, 80) + "\" is not a name (1-256 printable ASCII characters)";
}

std::optional<std::string> string_error(Args args, std::string_view s) {
  switch (args) {
    case Args::kCapability:
    case Args::kCapabilities: return capability_error(s);
    case Args::kDid:
    case Args::kDids: return did_error(s);
    case Args::kGlob:
    case Args::kGlobs:
      if (auto error = segment_glob_error(s)) return "pattern \"" + util::printable(s, 80) + "\": " + *error;
      return std::nullopt;
    default: return name_error(s);
  }
}

const char* args_description(Args args) {
  switch (args) {
    case Args::kExpressions: return "a list of expressions";
    case Args::kExpression: return "one expression";
    case Args::kCapability: return "a capability name";
    case Args::kCapabilities: return "a list of capability names";
    case Args::kDid: return "a did";
    case Args::kDids: return "a list of dids";
    case Args::kName: return "a name";
    case Args::kNames: return "a list of names";
    case Args::kGlob: return "a glob pattern";
    case Args::kGlobs: return "a list of glob patterns";
    case Args::kChainDepth: return "an integer 0-16";
    case Args::kSeconds: return "a number of seconds (an integer >= 0)";
    case Args::kNone: break;
  }
  return "nothing";
}

const char* json_type(const nlohmann::json& j) {
  if (j.is_array()) return "a list";
  if (j.is_object()) return "an object";
  if (j.is_string()) return "a string";
  if (j.is_boolean()) return "a boolean";
  if (j.is_null()) return "null";
  return "a number";
}

std::string index_path(const std::string& path, size_t i) { return path + ".args[" + std::to_string(i) + "]"; }

}  // namespace expression_detail

struct Expression::Node {
  expression_detail::Op op = expression_detail::Op::kTrue;
  std::vector<Node> children;        // And, Or: the list; Not: one
  std::vector<std::string> strings;  // string args; one item for the single-string nodes
  int64_t number = 0;                // MaxChainDepth, ExpiresAfter, IssuedWithin
};

namespace expression_detail {

using Node = Expression::Node;

// One compile: the errors so far and the statistics.
class Compiler {
 public:
  std::vector<std::string> errors;
  size_t nodes = 0;
  size_t max_depth = 0;

  Node compile(const nlohmann::json& j, const std::string& path, size_t depth) {
    Node node;
    ++nodes;
    max_depth = std::max(max_depth, depth);
    if (depth > ExpressionLimits::kMaxDepth) {
      if (!m_depth_reported) {
        error(path, "nested deeper than " + std::to_string(ExpressionLimits::kMaxDepth) + " (the root is at depth 0)");
      }
      m_depth_reported = true;
      return node;
    }

    std::string name;
    const nlohmann::json* args = nullptr;
    bool seed_form = false;
    if (j.is_string()) {
      name = j.get<std::string>();
    } else if (j.is_object() && j.contains("op")) {
      for (const auto& [key, value] : j.items()) {
        if (key != "op" && key != "args")
          error(path, "unknown key \"" + util::printable(key, 80) + "\" (only op and args)");
      }
      if (!j["op"].is_string()) {
        error(path, std::string("op must be a node name (a string), not ") + json_type(j["op"]));
        return node;
      }
      name = j["op"].get<std::string>();
      if (j.contains("args")) args = &j["args"];
    } else if (j.is_object() && j.size() == 1) {
      name = j.begin().key();
      args = &j.begin().value();
      seed_form = true;
    } else {
      error(path,
            std::string("an expression is {\"op\": <node>, \"args\": ...}, {\"<node>\": <args>} or \"<node>\", not ") +
                (j.is_object() ? "an object with " + std::to_string(j.size()) + " members and no op" : json_type(j)));
      return node;
    }

    const OpInfo* op = find_op(name);
    if (op == nullptr) {
      std::string message = "unknown node \"" + util::printable(name, 80) + "\"";
      const std::string_view meant = closest_op(name);
      if (!meant.empty()) message += " (did you mean " + std::string(meant) + "?)";
      error(path, message);
      return node;
    }
    node.op = op->op;
    if (op->args == Args::kNone) {
      if (args != nullptr) {
        error(path, std::string(op->name) + " takes no args (write \"" + std::string(op->name) + "\"" +
                        (seed_form ? "" : " or {\"op\": \"" + std::string(op->name) + "\"}") + ")");
      }
      return node;
    }
    if (args == nullptr) {
      error(path, std::string(op->name) + " needs args: " + args_description(op->args));
      return node;
    }
    compile_args(*op, *args, path, depth, node);
    return node;
  }

 private:
  bool m_depth_reported = false;

  void error(const std::string& path, const std::string& message) { errors.push_back(path + ": " + message); }

  bool check_list(const OpInfo& op, const nlohmann::json& args, const std::string& path) {
    if (!args.is_array()) {
      error(path, std::string(op.name) + " takes " + args_description(op.args) + ", not " + json_type(args));
      return false;
    }
    if (args.empty()) {
      error(path, std::string(op.name) + " needs at least one item");
      return false;
    }
    if (args.size() > ExpressionLimits::kMaxListItems) {
      error(path, std::string(op.name) + " has " + std::to_string(args.size()) + " items (at most " +
                      std::to_string(ExpressionLimits::kMaxListItems) + ")");
    }
    return true;
  }

  void compile_args(const OpInfo& op, const nlohmann::json& args, const std::string& path, size_t depth, Node& node) {
    if (op.args == Args::kExpressions) {
      if (!check_list(op, args, path)) return;
      for (size_t i = 0; i < args.size(); ++i)
        node.children.push_back(compile(args[i], index_path(path, i), depth + 1));
    } else if (op.args == Args::kExpression) {
      if (args.is_array()) {
        error(path, std::string(op.name) + " takes one expression, not a list");
        return;
      }
      node.children.push_back(compile(args, path + ".args", depth + 1));
    } else if (op.args == Args::kChainDepth || op.args == Args::kSeconds) {
      const int64_t max = op.args == Args::kChainDepth ? ExpressionLimits::kMaxChainDepth
                                                       : static_cast<int64_t>(keri::kMaxExactInteger);
      const bool integer = args.is_number_integer();
      const bool in_range =
          integer && (args.is_number_unsigned() ? args.get<uint64_t>() <= static_cast<uint64_t>(max)
                                                : args.get<int64_t>() >= 0 && args.get<int64_t>() <= max);
      if (!in_range) {
        error(path, std::string(op.name) + " takes " + args_description(op.args) + ", not " +
                        (integer ? args.dump() : std::string(json_type(args))));
        return;
      }
      node.number = args.get<int64_t>();
    } else if (is_list(op.args)) {
      if (!check_list(op, args, path)) return;
      for (size_t i = 0; i < args.size(); ++i) add_string(op, args[i], index_path(path, i), node);
    } else {
      add_string(op, args, path, node);
    }
  }

  void add_string(const OpInfo& op, const nlohmann::json& value, const std::string& path, Node& node) {
    if (!value.is_string()) {
      error(path, std::string(op.name) + " takes " + args_description(op.args) + ", not " + json_type(value));
      return;
    }
    const std::string& s = value.get_ref<const std::string&>();
    if (auto problem = string_error(op.args, s)) {
      error(path, *problem);
      return;
    }
    node.strings.push_back(s);
  }
};

nlohmann::json to_json(const Node& node) {
  const OpInfo& op = info(node.op);
  nlohmann::json j = {{"op", op.name}};
  switch (op.args) {
    case Args::kNone: break;
    case Args::kExpressions: {
      nlohmann::json list = nlohmann::json::array();
      for (const Node& child : node.children) list.push_back(to_json(child));
      j["args"] = std::move(list);
      break;
    }
    case Args::kExpression: j["args"] = to_json(node.children.front()); break;
    case Args::kChainDepth:
    case Args::kSeconds: j["args"] = node.number; break;
    default:
      if (is_list(op.args)) {
        j["args"] = node.strings;
      } else {
        j["args"] = node.strings.front();
      }
  }
  return j;
}

// "HasCapability(sign_commit)", "RepoIn([org/a, org/b])", "MaxChainDepth(2)", "NotRevoked".
std::string predicate(const Node& node) {
  const OpInfo& op = info(node.op);
  std::string out(op.name);
  if (op.args == Args::kChainDepth || op.args == Args::kSeconds) return out + "(" + std::to_string(node.number) + ")";
  if (is_list(op.args)) return out + "([" + util::join(node.strings, ", ") + "])";
  if (!node.strings.empty()) return out + "(" + node.strings.front() + ")";
  return out;
}

void collect_predicates(const Node& node, std::vector<std::string>& out) {
  const Args args = info(node.op).args;
  if (args == Args::kExpressions) {
    for (const Node& child : node.children) collect_predicates(child, out);
  } else if (args == Args::kExpression) {
    const Node& child = node.children.front();
    const Args child_args = info(child.op).args;
    if (child_args == Args::kExpressions || child_args == Args::kExpression) {
      collect_predicates(child, out);
    } else {
      out.push_back("Not(" + predicate(child) + ")");
    }
  } else {
    out.push_back(predicate(node));
  }
}

// a - b, clamped to the int64 range (times come from records; they must not overflow).
int64_t saturating_sub(int64_t a, int64_t b) {
  int64_t out = 0;
  if (!__builtin_sub_overflow(a, b, &out)) return out;
  return b < 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

bool contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

bool holds(const EvalContext& ctx, std::string_view capability) {
  return ctx.all_capabilities || contains(ctx.capabilities, capability);
}

std::string shown(std::string_view s) { return util::printable(s, 120); }

Evaluation leaf(const std::string& path, const Node& node, Outcome outcome, const std::string& detail) {
  return {outcome, path + ": " + predicate(node) + ": " + detail};
}

Evaluation evaluate_leaf(const Node& node, const std::string& path, const EvalContext& ctx) {
  const auto result = [&](Outcome outcome, const std::string& detail) { return leaf(path, node, outcome, detail); };
  const auto yes_no = [&](bool yes, const std::string& if_yes, const std::string& if_no) {
    return result(yes ? Outcome::kAllow : Outcome::kDeny, yes ? if_yes : if_no);
  };
  const auto signer_type = [&](std::string_view type) {
    if (!ctx.signer_type) return result(Outcome::kDeny, "signer type unknown");
    return yes_no(*ctx.signer_type == type, "signer is " + std::string(type), "signer is " + shown(*ctx.signer_type));
  };
  const std::vector<std::string>& strings = node.strings;
  switch (node.op) {
    case Op::kTrue: return result(Outcome::kAllow, "always");
    case Op::kFalse: return result(Outcome::kDeny, "always");
    case Op::kNotRevoked: return yes_no(!ctx.revoked, "not revoked", "revoked");
    case Op::kNotExpired:
      if (!ctx.expires_at) return result(Outcome::kAllow, "no expiry");
      return yes_no(*ctx.expires_at > ctx.now, "expires at " + std::to_string(*ctx.expires_at),
                    "expired at " + std::to_string(*ctx.expires_at) + " (now " + std::to_string(ctx.now) + ")");
    case Op::kIsHuman: return signer_type("Human");
    case Op::kIsAgent: return signer_type("Agent");
    case Op::kIsWorkload: return signer_type("Workload");
    case Op::kHasCapability: return yes_no(holds(ctx, strings.front()), "held", "not held");
    case Op::kHasAllCapabilities:
      for (const std::string& cap : strings) {
        if (!holds(ctx, cap)) return result(Outcome::kDeny, cap + " not held");
      }
      return result(Outcome::kAllow, "all held");
    case Op::kHasAnyCapability:
      for (const std::string& cap : strings) {
        if (holds(ctx, cap)) return result(Outcome::kAllow, cap + " held");
      }
      return result(Outcome::kDeny, "none held");
    case Op::kIssuerIs:
    case Op::kIssuerIn:
      return yes_no(contains(strings, ctx.issuer), "issuer matches", "issuer is " + shown(ctx.issuer));
    case Op::kSubjectIs:
      return yes_no(ctx.subject == strings.front(), "subject matches", "subject is " + shown(ctx.subject));
    case Op::kDelegatedBy:
      if (!ctx.delegated_by) return result(Outcome::kDeny, "not delegated");
      return yes_no(*ctx.delegated_by == strings.front(), "delegator matches",
                    "delegated by " + shown(*ctx.delegated_by));
    case Op::kRoleIs:
    case Op::kRoleIn:
      if (!ctx.role) return result(Outcome::kDeny, "no role");
      return yes_no(contains(strings, *ctx.role), "role is " + shown(*ctx.role), "role is " + shown(*ctx.role));
    case Op::kRefMatches:
      if (!ctx.git_ref) return result(Outcome::kIndeterminate, "ref unknown");
      return yes_no(segment_glob_match(strings.front(), *ctx.git_ref), "ref " + shown(*ctx.git_ref) + " matches",
                    "ref " + shown(*ctx.git_ref) + " does not match");
    case Op::kRepoIs:
    case Op::kRepoIn:
      if (!ctx.repo) return result(Outcome::kIndeterminate, "repository unknown");
      return yes_no(contains(strings, *ctx.repo), "repository matches", "repository is " + shown(*ctx.repo));
    case Op::kPathAllowed:
      if (!ctx.paths) return result(Outcome::kIndeterminate, "paths unknown");
      if (ctx.paths->empty()) return result(Outcome::kIndeterminate, "no paths");
      for (const std::string& path_name : *ctx.paths) {
        const bool allowed = std::any_of(strings.begin(), strings.end(), [&](const std::string& pattern) {
          return segment_glob_match(pattern, path_name);
        });
        if (!allowed) return result(Outcome::kDeny, "path " + shown(path_name) + " matches no pattern");
      }
      return result(Outcome::kAllow, "all " + std::to_string(ctx.paths->size()) + " paths match");
    case Op::kMaxChainDepth:
      return yes_no(ctx.chain_depth <= node.number, "chain depth " + std::to_string(ctx.chain_depth),
                    "chain depth " + std::to_string(ctx.chain_depth) + " is deeper");
    case Op::kExpiresAfter: {
      if (!ctx.expires_at) return result(Outcome::kIndeterminate, "no expiry");
      const int64_t left = saturating_sub(*ctx.expires_at, ctx.now);
      return yes_no(left >= node.number, "expires in " + std::to_string(left) + " s",
                    "expires in " + std::to_string(left) + " s");
    }
    case Op::kIssuedWithin: {
      if (!ctx.timestamp) return result(Outcome::kIndeterminate, "issue time unknown");
      const int64_t age = saturating_sub(ctx.now, *ctx.timestamp);
      return yes_no(age <= node.number, "issued " + std::to_string(age) + " s ago",
                    "issued " + std::to_string(age) + " s ago");
    }
    case Op::kAnd:
    case Op::kOr:
    case Op::kNot: break;
  }
  AUTHS_ASSERT(false);
  return {};
}

Outcome swapped(Outcome outcome) {
  if (outcome == Outcome::kAllow) return Outcome::kDeny;
  if (outcome == Outcome::kDeny) return Outcome::kAllow;
  return outcome;
}

Evaluation evaluate_node(const Node& node, const std::string& path, const EvalContext& ctx) {
  if (node.op == Op::kNot) {
    Evaluation inner = evaluate_node(node.children.front(), path + ".args", ctx);
    return {swapped(inner.outcome), path + ": Not: " + inner.reason};
  }
  if (node.op != Op::kAnd && node.op != Op::kOr) return evaluate_leaf(node, path, ctx);

  // And: the first Deny decides, else the first Indeterminate, else all allow. Or: the same with
  // Allow and Deny swapped.
  const bool is_and = node.op == Op::kAnd;
  const Outcome decisive = is_and ? Outcome::kDeny : Outcome::kAllow;
  std::optional<Evaluation> first_indeterminate;
  std::optional<Evaluation> first_other;
  for (size_t i = 0; i < node.children.size(); ++i) {
    Evaluation child = evaluate_node(node.children[i], index_path(path, i), ctx);
    if (child.outcome == decisive) return child;
    std::optional<Evaluation>& slot = child.outcome == Outcome::kIndeterminate ? first_indeterminate : first_other;
    if (!slot) slot = std::move(child);
  }
  if (first_indeterminate) return *std::move(first_indeterminate);
  const std::string count = std::to_string(node.children.size());
  if (is_and) return {Outcome::kAllow, path + ": And: all " + count + " allow"};
  return {Outcome::kDeny, path + ": Or: none of " + count + " allows (first: " + first_other->reason + ")"};
}

std::vector<std::string_view> glob_segments(std::string_view s) {
  std::vector<std::string_view> out;
  for (const std::string_view part : util::split(s, '/')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

bool segment_matches(std::string_view pattern, std::string_view segment) {
  if (pattern == "*") return true;
  const bool leading = pattern.front() == '*';
  const bool trailing = pattern.size() > 1 && pattern.back() == '*';
  if (leading && trailing) return segment.find(pattern.substr(1, pattern.size() - 2)) != std::string_view::npos;
  if (trailing) return util::starts_with(segment, pattern.substr(0, pattern.size() - 1));
  if (leading) return util::ends_with(segment, pattern.substr(1));
  return segment == pattern;
}

}  // namespace expression_detail

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAllow: return "allow";
    case Outcome::kDeny: return "deny";
    case Outcome::kIndeterminate: break;
  }
  return "indeterminate";
}

std::string too_large_error(size_t bytes) {
  return "root: expression is " + std::to_string(bytes) + " bytes (at most " +
         std::to_string(ExpressionLimits::kMaxBytes) + ")";
}

Outcome strict(Outcome outcome) { return outcome == Outcome::kIndeterminate ? Outcome::kDeny : outcome; }

Result<Expression> Expression::compile(std::string_view json_text, std::vector<std::string>* errors) {
  expression_detail::Compiler compiler;
  std::optional<Node> root;
  if (json_text.size() > ExpressionLimits::kMaxBytes) {
    compiler.errors.push_back(too_large_error(json_text.size()));
  } else {
    // Each expression level is at most two JSON levels ({"args": [ ... ]}): deeper JSON could
    // only fail the depth limit, which the compiler then reports with its path.
    const Result<nlohmann::json> parsed =
        keri::parse_json_strict(json_text, ExpressionLimits::kMaxBytes, 2 * ExpressionLimits::kMaxDepth + 8);
    if (!parsed) {
      compiler.errors.push_back("root: not valid JSON: " + parsed.error().message);
    } else {
      root = compiler.compile(*parsed, "root", 0);
    }
  }
  if (compiler.nodes > ExpressionLimits::kMaxNodes) {
    compiler.errors.push_back("root: expression has " + std::to_string(compiler.nodes) + " nodes (at most " +
                              std::to_string(ExpressionLimits::kMaxNodes) + ")");
  }

  Expression out;
  if (compiler.errors.empty()) {
    Result<std::string> canonical = keri::canonicalize(expression_detail::to_json(*root));
    if (!canonical) {
      compiler.errors.push_back("root: " + canonical.error().message);
    } else {
      out.m_canonical = std::move(canonical).value();
    }
  }
  if (!compiler.errors.empty()) {
    const std::vector<std::string>& all = compiler.errors;
    if (errors != nullptr) errors->insert(errors->end(), all.begin(), all.end());
    constexpr size_t kShown = 3;
    std::string message = util::join(
        std::vector<std::string>(all.begin(), all.begin() + static_cast<ptrdiff_t>(std::min(kShown, all.size()))),
        "; ");
    if (all.size() > kShown) message += " (and " + std::to_string(all.size() - kShown) + " more)";
    return Error::policy(std::move(message));
  }

  const crypto::Blake3Digest digest = crypto::blake3_256(out.m_canonical);
  out.m_hash = util::hex_encode(digest.data(), digest.size());
  out.m_nodes = compiler.nodes;
  out.m_depth = compiler.max_depth;
  expression_detail::collect_predicates(*root, out.m_predicates);
  std::sort(out.m_predicates.begin(), out.m_predicates.end());
  out.m_predicates.erase(std::unique(out.m_predicates.begin(), out.m_predicates.end()), out.m_predicates.end());
  out.m_root = std::make_shared<const Node>(std::move(*root));
  return out;
}

Evaluation Expression::evaluate(const EvalContext& ctx) const {
  return expression_detail::evaluate_node(*m_root, "root", ctx);
}

bool segment_glob_match(std::string_view pattern, std::string_view text) {
  const std::vector<std::string_view> pat = expression_detail::glob_segments(pattern);
  const std::vector<std::string_view> txt = expression_detail::glob_segments(text);
  // matches[j]: pat[i..] matches txt[j..], computed for i from the end.
  std::vector<char> matches(txt.size() + 1, 0);
  matches[txt.size()] = 1;
  for (size_t i = pat.size(); i-- > 0;) {
    std::vector<char> next(txt.size() + 1, 0);
    for (size_t j = txt.size() + 1; j-- > 0;) {
      if (pat[i] == "**") {
        next[j] = static_cast<char>(matches[j] || (j < txt.size() && next[j + 1]));
      } else {
        next[j] =
            static_cast<char>(j < txt.size() && expression_detail::segment_matches(pat[i], txt[j]) && matches[j + 1]);
      }
    }
    matches = std::move(next);
  }
  return matches[0] != 0;
}

std::optional<std::string> segment_glob_error(std::string_view pattern) {
  if (pattern.empty()) return "empty";
  if (pattern.size() > ExpressionLimits::kMaxPatternChars) {
    return "longer than " + std::to_string(ExpressionLimits::kMaxPatternChars) + " characters";
  }
  if (!expression_detail::printable_ascii(pattern, true)) return "not printable ASCII";
  if (pattern.find("..") != std::string_view::npos) return "contains \"..\"";
  if (pattern.find_first_of("?[]{}") != std::string_view::npos) return "has ? [ ] { }: the only wildcards are * and **";
  const std::vector<std::string_view> segments = expression_detail::glob_segments(pattern);
  if (segments.empty()) return "has no segments";
  for (const std::string_view segment : segments) {
    const auto stars = static_cast<size_t>(std::count(segment.begin(), segment.end(), '*'));
    const bool ok = stars == 0 || segment == "*" || segment == "**" ||
                    (stars == 1 && (segment.front() == '*' || segment.back() == '*')) ||
                    (stars == 2 && segment.size() > 2 && segment.front() == '*' && segment.back() == '*');
    if (!ok) {
      return "segment \"" + std::string(segment) +
             "\": a * is a whole segment (*, **) or starts or ends one (prefix*, *suffix, *contains*)";
    }
  }
  return std::nullopt;
}

}  // namespace auths::policy
