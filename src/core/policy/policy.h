// The policy model: `.auths/policy.toml` parsed into immutable values, and the pure functions
// that read it (rule matching, allowed_signers checks). No I/O here: files the policy refers to
// (allowed_signers) are read through the FileReader the caller supplies, from the same tree.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"
#include "crypto/public_key.h"
#include "policy/expression.h"

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
///
/// Org members and capabilities (README.md, "Organizations, teams and agents"):
///   - `roles` and `teams` select members of the policy's `org` as signers, beside the listed
///     ones; with both, a member needs one of the roles and one of the teams;
///   - `capabilities` are required of every signer reached through an identity (a did:keri
///     signer, a member, an agent): what its membership, its device link and every delegation
///     above it grant. When a rule does not say, members need the rule kind's default
///     (sign_commit for commits, sign_release for releases, manage_members for [governance]);
///     a did:keri listed by name needs none. Keys listed directly (SSH lines, did:key,
///     allowed_signers) are the policy's own grant: no capability or type applies to them;
///   - `signer_types` (Human, Agent, Workload) likewise applies to identity signers.
struct SignerSet {
  std::vector<Signer> keys;             // inline keys and allowed_signers entries, resolved
  std::vector<std::string> identities;  // did:keri:... entries; resolved through the registry
  std::string allowed_signers_path;     // "" when the rule names no allowed_signers file
  int require = 1;                      // distinct signers needed: the signature and approvals
  int min_human = 0;                    // of them Human (README.md, "Approvals and quorums")
  int max_reject = 0;                   // rejections by signers of the set tolerated in a quorum
  std::string org;                      // the policy's `org` ("" = none): whose members roles/teams select
  std::vector<std::string> roles;       // "admin", "member", "readonly"
  std::vector<std::string> teams;
  std::vector<std::string> capabilities;  // required (see above); sorted
  bool capabilities_explicit = false;     // written in the rule, or the kind's default for members
  std::vector<std::string> signer_types;  // "Human", "Agent", "Workload"; empty = any; sorted
  bool any_member = false;                // every member of `org` (Policy::known_set only)

  bool selects_members() const { return any_member || !roles.empty() || !teams.empty(); }
  /// Does an object need votes beyond its own signature (approvals, engine/quorum.h)?
  bool counts_votes() const { return require > 1 || min_human > 0; }
  /// Does judging a signature against this set need the identity registry (identities, or the
  /// approval records a quorum counts)?
  bool needs_registry() const { return !identities.empty() || selects_members() || counts_votes(); }
  /// Does the set ask anything of identity signers beyond being listed (org, capabilities, types)?
  bool has_identity_conditions() const { return selects_members() || capabilities_explicit || !signer_types.empty(); }

  /// Every entry whose key equals `key` (one key may be listed more than once, with different
  /// restrictions); empty when the key is not a signer.
  std::vector<const Signer*> find(const crypto::PublicKey& key) const;
};

/// [[policy.commit]], [[policy.release]], [[policy.ci]]. A ci rule governs branches like a
/// commit rule; it is where CI and agent credentials (allow_ephemeral, max_ttl, require_log)
/// belong, though those keys are accepted on every rule.
enum class RuleKind { kCommit, kRelease, kCi };
const char* to_string(RuleKind kind);

/// What a rule asks of commits that arrive as other parents of a merge (contributions), from
/// the strictest: a signer the policy knows (any rule or [governance]), any valid signature,
/// nothing.
enum class Contributions { kKnown, kSigned, kAny };
const char* to_string(Contributions level);

/// A rule's `[witness]` log requirement (`require_log = "witness"`).
enum class LogRequirement { kNone, kWitness };

/// `[witness]`: the witnesses whose receipts a `require_log = "witness"` rule needs.
struct WitnessSet {
  std::vector<crypto::PublicKey> keys;
  std::vector<std::string> names;  // as written (did:key or SSH line), same order as keys
  int threshold = 1;
  /// `urls`: where the commit-msg hook asks for receipts (http:// or https://), unless
  /// `git config auths.witnesses` says otherwise. Not used by any decision: receipts are judged
  /// by the keys that signed them, wherever they came from.
  std::vector<std::string> urls;
};

/// `[forge]`: the keys a forge (Gitea, Forgejo, GitLab) signs the commits it makes itself with
/// (merges and edits in its web UI), and the approvals a merge it makes needs. A forge key is a
/// signer of no rule and of no [governance] unless listed there: a rule lets forge commits in
/// with `forge_commits`, and then they are judged as README.md, "Merges made by the forge",
/// says (src/core/engine/forge.h).
struct ForgeSet {
  SignerSet signers;          // keys only: SSH public key lines and did:key
  int require_approvals = 0;  // distinct signers of the rule who approved a merged-in head
};

/// What a forge may make on a rule's refs (`forge_commits`).
inline constexpr std::string_view kForgeMerge = "merge";  // a merge of another branch (a pull request)
inline constexpr std::string_view kForgeEdit = "edit";    // a one-parent commit (a web-UI edit)

struct Rule {
  RuleKind kind = RuleKind::kCommit;
  std::string name;               // from `name`, or "commit[0]" / "release[1]" when absent
  std::vector<std::string> refs;  // glob patterns, see glob_match
  SignerSet signers;              // empty for an open rule
  /// `open = "signed" | "any"`: a rule without signers. "signed": every new commit (and tag)
  /// needs a valid signature by any key; "any": nothing is asked. nullopt: signers are asked.
  std::optional<Contributions> open;
  /// `paths`: what the rule's signers may change. Every path a mainline commit changes
  /// (against its first parent; every file for a root commit) must match one of these
  /// patterns (glob_match); empty = anything.
  std::vector<std::string> paths;
  /// `max_ttl`: the longest lifetime (expires_at - timestamp, seconds) of the credential a
  /// signature rests on (the device link or the agent's delegation); a credential without
  /// expiry, or a key listed directly, has no bounded lifetime and is refused.
  std::optional<int64_t> max_ttl;
  /// `allow_ephemeral`: may an ephemeral agent (one whose key only ever lived in ssh-agent)
  /// sign under this rule? Off unless the rule says so.
  bool allow_ephemeral = false;
  LogRequirement require_log = LogRequirement::kNone;
  /// `expression`: a tree path to an expression policy (JSON), its text as loaded, and the
  /// expression compiled (evaluated per signer; indeterminate counts as deny).
  std::string expression_path;
  std::string expression_text;
  std::shared_ptr<const Expression> expression;
  bool allow_force_push = false;
  bool allow_delete = false;
  Contributions contributions = Contributions::kKnown;
  /// `from`: branches whose history this rule trusts (refs/heads/ glob patterns); nullopt =
  /// the default branch.
  std::optional<std::vector<std::string>> from;
  /// `forge_commits`: the commits the forge may make on this rule's refs ("edit", "merge";
  /// sorted; empty = none), and the policy's [forge] (null when the policy has none).
  std::vector<std::string> forge_commits;
  std::shared_ptr<const ForgeSet> forge;
  int line = 0;  // where the rule starts in the policy file

  /// Does `forge_commits` list `kind` (kForgeMerge, kForgeEdit)?
  bool allows_forge(std::string_view kind) const;

  /// Does judging a commit under this rule need the paths it changes?
  bool needs_paths() const { return !paths.empty() || !expression_text.empty(); }
  /// Does the rule ask anything of a signature beyond its signer set?
  bool has_conditions() const { return needs_paths() || max_ttl.has_value() || require_log != LogRequirement::kNone; }
};

/// How strict a rule is, as the server records it with a tip it accepted: what every commit of
/// that history satisfied. Compared with a rule to decide whether the history needs judging
/// again (at_least_as_strict_as).
struct Strictness {
  std::vector<std::string> keys;        // key entries: fingerprint and restrictions, sorted, unique
  std::vector<std::string> identities;  // did:keri:..., sorted, unique
  int require = 1;
  int min_human = 0;
  int max_reject = 0;
  Contributions contributions = Contributions::kKnown;
  /// The org conditions (org, roles, teams, capabilities, signer types) as one text; records
  /// vouch only for a rule with exactly the same ones ("" = none).
  std::string org_conditions;

  static Strictness of(const Rule& rule);
  /// True when every commit that satisfied this also satisfies `rule`: every signer here is a
  /// signer of `rule` with the same restrictions (validity window, namespaces), `require` and
  /// `min_human` at least rule's, `max_reject` at most, contributions at least as strict.
  bool at_least_as_strict_as(const Rule& rule) const;
  /// The same, against `of(rule)` computed once (a push compares many records with one rule).
  bool at_least_as_strict_as(const Strictness& theirs) const;
  /// A one-line text form for the server's records, and back (nullopt when malformed).
  std::string encode() const;
  static std::optional<Strictness> decode(std::string_view text);
};

struct Policy {
  int version = 1;
  std::string org;                        // `org = "did:keri:..."`: whose members rules may name
  bool default_allow = false;             // `default = "allow"`; absent or "deny" -> false
  std::vector<Rule> rules;                // [[policy.commit]] and [[policy.release]] in file order
  std::optional<SignerSet> governance;    // [governance]: who may change .auths/
  std::optional<WitnessSet> witness;      // [witness]
  std::shared_ptr<const ForgeSet> forge;  // [forge]; every rule holds it too (Rule::forge)
  std::string source;                     // e.g. ".auths/policy.toml"
  /// kBundlePath of the policy's tree, as read (nullopt: none); engine/evidence.h judges it.
  std::optional<std::string> bundle;

  /// The first rule in file order whose `refs` match `ref_name`, or nullptr.
  const Rule* match(std::string_view ref_name) const;
  /// Is `key` a signer of some rule or of [governance] (with namespace and validity windows
  /// checked by the caller)? The entries, in policy order.
  std::vector<const Signer*> find_known(const crypto::PublicKey& key) const;
  /// Every did:keri identity some rule or [governance] names.
  std::vector<std::string> known_identities() const;
  /// What a contribution's signer must be under contributions = "known", as far as identities
  /// go: every listed identity and, when some rule or [governance] selects members by role or
  /// team, every member of the org (no role, team, capability or type asked: merging a
  /// contribution is the maintainer's decision). Keys: find_known.
  const SignerSet& known_set() const { return m_known; }
  /// Computes known_set(); the loader calls it once the policy is complete.
  void finish();
  /// Every file outside `.auths/` the policy reads (allowed_signers files, expressions):
  /// changing one changes the policy.
  std::vector<std::string> named_files() const;

 private:
  SignerSet m_known;
};

/// Why a policy that loads could still never be satisfied or changed, or nullopt. Refused when
/// pushed to the default branch (Reason::kPolicyUnsatisfiable); a policy already in force is
/// used as it is. With `default_branch` ("refs/heads/main"), also a rule governing it that
/// refuses every commit (require_log = "witness" with fewer Ed25519 witness keys than the
/// threshold: no receipt of another key type verifies), after which no policy change could land.
std::optional<std::string> unsatisfiable(const Policy& policy, std::string_view default_branch = {});
/// How many of the witnesses can sign receipts (Ed25519 keys: a receipt's signature is Ed25519).
int receipt_witnesses(const WitnessSet& set);

/// The signer entry that stands for the identities listed in kRootsPath (one did:keri per
/// line, '#' comments), the trust roots the Auths CLI commits into repositories.
inline constexpr std::string_view kRootsEntry = "roots";
inline constexpr std::string_view kRootsPath = ".auths/roots";
/// Committed identity evidence (an Auths IdentityBundle: KELs of a root and its devices).
inline constexpr std::string_view kBundlePath = ".auths/ci-bundle.json";

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
/// Does `outer` match every ref name `inner` matches? Exact for patterns without wildcards in
/// `inner`; with them, true only when each wildcard of `inner` falls under a wildcard of `outer`
/// that accepts all it stands for (never true wrongly, may miss unusual coverings).
bool glob_covers(std::string_view outer, std::string_view inner);

}  // namespace auths::policy
