// The policy model: `.auths/policy.toml` parsed into immutable values, and the pure functions
// that read it (rule matching, allowed_signers checks). No I/O here: files the policy refers to
// (allowed_signers) are read through the FileReader the caller supplies, from the same tree.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"
#include "crypto/public_key.h"

namespace auths::policy {

/// One key allowed to sign, however the policy wrote it: an SSH key line, a did:key, or an
/// entry of an allowed_signers file (then with that file's restrictions).
struct Signer {
  std::string name;  // for messages: the allowed_signers principal, the key comment, or the did:key
  crypto::PublicKey key;
  std::string origin;  // where it was written: ".auths/policy.toml:12", ".auths/allowed_signers:3"
  // allowed_signers options (ssh-keygen(1) ALLOWED SIGNERS); absent = no restriction.
  std::vector<std::string> namespaces;  // namespaces="git,file" pattern list; empty = any
  std::optional<int64_t> valid_after;   // unix seconds
  std::optional<int64_t> valid_before;  // unix seconds
};

/// Why a known key may still not sign at a given time or in a given namespace.
enum class SignerCheck { kOk, kNamespaceNotAllowed, kNotYetValid, kExpired };
/// Checks namespaces= against `namespace_` and valid-after/valid-before against `time`
/// (committer or tagger time, as `ssh-keygen -Y verify -Overify-time` does).
SignerCheck check_signer(const Signer& signer, std::string_view namespace_, int64_t time);

/// The signers of a rule or of [governance].
struct SignerSet {
  std::vector<Signer> keys;             // inline keys and allowed_signers entries, resolved
  std::vector<std::string> identities;  // did:keri:... entries; resolved through the registry
  std::string allowed_signers_path;     // "" when the rule names no allowed_signers file
  int require = 1;                      // distinct signers needed

  /// Every entry whose key equals `key` (one key may be listed more than once, with different
  /// restrictions); empty when the key is not a signer.
  std::vector<const Signer*> find(const crypto::PublicKey& key) const;

  /// True when every signer this set admits is also a signer of `other` (every key, every
  /// identity): what this set accepted, `other` would have accepted too (validity windows and
  /// namespaces aside, which only make a set narrower).
  bool admits_only_signers_of(const SignerSet& other) const;
};

enum class RuleKind { kCommit, kRelease };
const char* to_string(RuleKind kind);

struct Rule {
  RuleKind kind = RuleKind::kCommit;
  std::string name;               // from `name`, or "commit[0]" / "release[1]" when absent
  std::vector<std::string> refs;  // glob patterns, see glob_match
  SignerSet signers;
  bool allow_force_push = false;
  bool allow_delete = false;
  int line = 0;  // where the rule starts in the policy file
};

struct Policy {
  int version = 1;
  bool default_allow = false;           // `default = "allow"`; absent or "deny" -> false
  std::vector<Rule> rules;              // [[policy.commit]] and [[policy.release]] in file order
  std::optional<SignerSet> governance;  // [governance]: who may change .auths/
  std::string source;                   // e.g. ".auths/policy.toml"

  /// The first rule in file order whose `refs` match `ref_name`, or nullptr.
  const Rule* match(std::string_view ref_name) const;
};

/// Reads another file of the same tree (for allowed_signers). nullopt when the file is absent.
using FileReader = std::function<Result<std::optional<std::string>>(std::string_view path)>;

/// Parses policy.toml. Every error is ErrorCode::kPolicy with context "<source>:<line>" and a
/// one-line message. Unknown keys are errors (a typo must not silently disable a rule); keys
/// this version understands but cannot enforce yet are errors too, saying so.
/// Two exceptions, which are not the policy's fault: a `read_file` failure other than
/// kInvalidArgument/kNotFound/kPolicy keeps its code (kGit, kIo, ...), and an unexpected
/// exception becomes kInternal. Nothing throws.
Result<Policy> parse_policy(std::string_view toml_text, std::string_view source, const FileReader& read_file);

/// Parses an allowed_signers file (ssh-keygen(1) "ALLOWED SIGNERS"). `source` names it in errors.
Result<std::vector<Signer>> parse_allowed_signers(std::string_view text, std::string_view source);

/// Ref pattern matching: `*` matches any characters except '/', `**` matches any characters
/// including '/', `?` one character except '/'; everything else matches itself. A pattern
/// without wildcards matches exactly.
bool glob_match(std::string_view pattern, std::string_view ref_name);

}  // namespace auths::policy
