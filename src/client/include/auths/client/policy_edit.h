// Editing `.auths/policy.toml` from the command line: `auths policy init`, `add-signer` and
// `set-threshold` (README.md, "Editing a policy").
//
// The edits are text edits: toml++ finds the table and the key, and only the lines concerned
// change, so comments, blank lines and the order of the file stay as they were. When the file
// is written in a way a line edit cannot follow safely (inline tables, dotted keys, a key
// outside its table's lines), or when the edited text would not read back as exactly the
// intended document, the file is rewritten canonically by toml++'s serializer instead, and
// PolicyEdit::canonical says so. Every result is loaded with the hooks' own loader before it
// is returned: an edit never produces a policy that would not load.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"

namespace auths::client {

/// Which signer sets an edit changes: every [[policy.commit]] rule, every [[policy.release]]
/// rule (or the one named), or [governance].
enum class PolicyRole { kCommit, kRelease, kGovernance };
/// "commit", "release", "governance"; nullopt for anything else.
std::optional<PolicyRole> parse_policy_role(std::string_view text);
const char* to_string(PolicyRole role);

/// Reads a file the policy names (allowed_signers), as the loader does: nullopt when absent.
/// The same type as policy::FileReader (src/core/policy/policy.h).
using PolicyFileReader = std::function<Result<std::optional<std::string>>(std::string_view path)>;

/// The outcome of an edit.
struct PolicyEdit {
  std::string text;                 // the whole new file
  bool changed = false;             // false: the file already said so (nothing to write)
  bool canonical = false;           // rewritten by the serializer: comments and order were not kept
  std::vector<std::string> tables;  // what changed: "[[policy.commit]] 'main'", "[governance]"
  /// The policy loads but unsatisfiable() refuses it, as it already did before the edit.
  std::optional<std::string> warning;
};

/// Adds `signer` (an SSH public key line, a did:key or a did:keri) to the `signers` array of
/// the tables `role` selects: every rule of that kind, or only the rule named `rule` (its
/// `name`, or "commit[0]"-style for a rule without one); for kGovernance, [governance], made
/// when absent. A rule without `signers` gets one. Errors:
///   - kInvalidArgument: `rule` names no rule of that kind, `rule` with kGovernance, no rule of
///     that kind at all, an empty signer;
///   - kPolicy: the text is not TOML; the signer is already a signer of a selected table (listed,
///     or in its allowed_signers file); the result would not load (the loader's message: a
///     signer that does not parse, ...); the result would be unsatisfiable (unsatisfiable() in
///     src/core/policy/policy.h) when the original was not.
Result<PolicyEdit> add_policy_signer(std::string_view text, std::string_view source, PolicyRole role,
                                     std::string_view rule, std::string_view signer, const PolicyFileReader& read_file);

/// Sets `require = n` in the tables `role` and `rule` select (as add_policy_signer; [governance]
/// must exist). kPolicy when the result would not load (n below 1, or above the signers a table
/// lists: the loader's message) or would be unsatisfiable when the original was not.
Result<PolicyEdit> set_policy_threshold(std::string_view text, std::string_view source, PolicyRole role,
                                        std::string_view rule, int64_t n, const PolicyFileReader& read_file);

/// What `auths policy init` writes.
struct PolicyScaffold {
  std::string template_name = "minimal";  // one of policy_templates()
  std::vector<std::string> signers;       // written in every rule and in [governance]
  std::string org;                        // did:keri of the org ("" = none); the "org" template needs it
  std::string branch = "main";            // the default branch's name
};
/// The template names, the default first: minimal, branches, release, org.
std::span<const std::string_view> policy_templates();
/// One line per template, for --help.
std::string describe_policy_templates();
/// The scaffold's text, with a comment for every key, loaded with the hooks' loader before it is
/// returned. kInvalidArgument: an unknown template, no signer at all (neither `signers` nor the
/// org template with an org); kPolicy: the loader refuses it (a signer or an org that does not
/// parse: its message).
Result<std::string> policy_scaffold(const PolicyScaffold& scaffold, std::string_view source,
                                    const PolicyFileReader& read_file);

// ---------------------------------------------------------------------------------------------
// Files

/// `.auths/policy.toml` under the top level of the git work tree that holds `dir` (the nearest
/// directory upwards with a `.git`), or under `dir` itself outside any work tree. Absolute.
std::string default_policy_path(const std::string& dir = ".");
/// The default branch for a new policy: the branch HEAD names in the work tree holding `dir`
/// ("main" when there is none, or HEAD is detached).
std::string current_branch(const std::string& dir = ".");
/// Reads allowed_signers files as the policy at `policy_path` names them: `.auths/<x>` from the
/// policy file's own directory, other paths from the directory above it (the work tree's top
/// for `<top>/.auths/policy.toml`).
PolicyFileReader policy_file_reader(const std::string& policy_path);
/// The policy file (at most 1 MiB). kNotFound, kIo, kCorrupt (too large).
Result<std::string> read_policy_file(const std::string& path);
/// Writes the policy file atomically (a temporary file in the same directory, renamed over the
/// old one: a failure leaves the old file as it was). An existing file keeps its mode; a new
/// one gets 0644, with missing directories made. Without `replace`, an existing file is not
/// touched (kIo "already exists (--force replaces it)": the file, not the command line, is wrong).
Status write_policy_file(const std::string& path, std::string_view text, bool replace);

}  // namespace auths::client
