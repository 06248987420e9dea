// Value types shared by the core, the hooks and the CLI.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/reason.h"
#include "auths/result.h"

namespace auths {

/// A SHA-1 object id (the object format libgit2 1.5 reads). SHA-256 repositories are refused
/// with ErrorCode::kUnsupported where their 64-hex ids appear.
class Oid {
 public:
  static constexpr size_t kSize = 20;
  Oid() = default;
  explicit Oid(const std::array<uint8_t, kSize>& bytes) : m_bytes(bytes) {}
  /// Parses 40 lowercase or uppercase hex digits.
  static Result<Oid> from_hex(std::string_view hex);

  const std::array<uint8_t, kSize>& bytes() const { return m_bytes; }
  bool is_zero() const;
  std::string hex() const;
  std::string short_hex() const { return hex().substr(0, 7); }

  friend bool operator==(const Oid&, const Oid&) = default;
  friend auto operator<=>(const Oid&, const Oid&) = default;

 private:
  std::array<uint8_t, kSize> m_bytes{};
};

struct OidHash {
  size_t operator()(const Oid& oid) const;
};

/// One line of pre-receive input, or the arguments of the update hook.
struct RefUpdate {
  Oid old_oid;
  Oid new_oid;
  std::string ref_name;

  bool is_create() const { return old_oid.is_zero() && !new_oid.is_zero(); }
  bool is_delete() const { return !old_oid.is_zero() && new_oid.is_zero(); }
};

/// What a ref update does, once the repository has been consulted.
enum class UpdateKind { kCreate, kFastForward, kForce, kDelete, kNoop };
const char* to_string(UpdateKind kind);

/// Which family a ref belongs to.
enum class RefClass { kBranch, kTag, kRegistry, kOther };
RefClass classify_ref(std::string_view ref_name);
const char* to_string(RefClass cls);

/// One reason a push is refused. `code` is stable and documented (README, "Reason codes").
struct Violation {
  std::string ref_name;
  std::optional<Oid> object;  // the commit or tag object at fault, if one
  std::string rule;           // the policy rule name, or "" when no rule applies
  Reason code = Reason::kInternalError;
  std::string message;  // one line, git style (escaped when rendered)
};

/// Why an object of a ref update was judged, and against what.
enum class ObjectRole {
  kMainline,      // on the ref's first-parent line: the rule's signers
  kContribution,  // arrived as another parent of a merge: a signer the policy knows (or as the rule relaxes it)
  kGovernance,    // joins the default branch's first-parent line and changes the policy: [governance]
  kTag,           // the tag object the ref points at: the rule's signers
  kOpen,          // a ref no rule governs (default = "allow"): nothing required
};
const char* to_string(ObjectRole role);

/// What was decided about one object (commit or tag) of a ref update: for `--explain` and JSON.
struct ObjectReport {
  Oid oid;
  std::string kind;  // "commit" or "tag"
  ObjectRole role = ObjectRole::kMainline;
  std::string signer;  // who signed, as the policy names them; "" if nobody valid
  std::string key;     // the key's fingerprint (SHA256:...), "" if unsigned
  std::string rule;    // the rule that judged it
  Reason code = Reason::kOk;
  std::string detail;  // one line of explanation
};

/// What was decided about one ref update.
struct RefReport {
  RefUpdate update;
  std::string ref;  // the ref git really updates (update.ref_name with server symbolic refs resolved)
  UpdateKind kind = UpdateKind::kNoop;
  std::string rule;           // the matching rule, "" if none
  std::string policy_source;  // where the policy in force came from: "<oid>:.auths/policy.toml", "bootstrap", ...
  bool allowed = true;
  std::vector<Reason> codes;          // the violation codes for this ref (empty when allowed)
  std::vector<ObjectReport> objects;  // every object judged
  /// What the server records once git applied the update (state/store.h): the rule's
  /// strictness when this is a branch under a rule ("" otherwise), and whether the tip joins
  /// the baseline (accepted while no policy was in force).
  std::string strictness;
  bool baseline = false;
};

/// accept: every check passed. reject: the policy refuses. undecided: the checks could not run
/// to the end (malformed trusted policy, unreadable object): the push is refused, fail closed.
enum class Outcome { kAccept, kReject, kUndecided };
const char* to_string(Outcome outcome);
int exit_code(Outcome outcome);  // kExitAccepted, kExitRejected, kExitUndecided

/// How the server's hooks.yaml says a repository's pushes are enforced: `enforce` refuses,
/// `warn` accepts and says (and logs) what would have been refused, `off` judges nothing.
enum class Enforcement { kEnforce, kWarn, kOff };
const char* to_string(Enforcement enforcement);

/// The verdict for a whole push: the checks ran, and this is the answer.
struct Decision {
  Outcome outcome = Outcome::kAccept;
  std::vector<Violation> violations;
  std::vector<RefReport> refs;
  std::vector<std::string> warnings;  // did not change the outcome, but someone should know

  /// The mode the push was judged under; and, only when warn mode or a break-glass override
  /// turned a refusal into kAccept, what the policy had decided.
  Enforcement enforcement = Enforcement::kEnforce;
  std::optional<Outcome> overruled;
  /// Non-empty when an admin's break-glass override let this push through: who set it, when,
  /// and why (the audit log records it as "override").
  std::string override_note;

  /// The SSH signatures this check verified, and those it took as good from the server's
  /// records of signatures it verified before (`<git dir>/auths/state.sqlite`), without
  /// verifying them again. Only the cryptographic check is ever taken from there: who signed,
  /// and whether that key may sign, is decided every time.
  size_t signatures_verified = 0;
  size_t signatures_cached = 0;

  /// Where the check spent its time, step by step (libgit2 set-up, repository open, server
  /// configuration, state store, judging, records): printed by the hooks when
  /// AUTHS_TRACE_PHASES=1 (README, "Performance").
  struct Phase {
    std::string name;
    int64_t micros = 0;
  };
  std::vector<Phase> phases;

  bool accepted() const { return outcome == Outcome::kAccept; }
};

}  // namespace auths
