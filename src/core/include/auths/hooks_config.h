// The server configuration: /etc/auths/hooks.yaml (or the file $AUTHS_HOOKS_CONFIG names), its
// per-repository settings, and the admin's break-glass overrides. README, "Server configuration
// (hooks.yaml)", documents every key. Loaded by the facade (engine/facade.cpp) for every server
// check and by `auths config check|show`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auths/result.h"
#include "auths/types.h"

namespace auths::config {

inline constexpr const char* kDefaultConfigPath = "/etc/auths/hooks.yaml";
inline constexpr const char* kConfigEnv = "AUTHS_HOOKS_CONFIG";

enum class Messages { kAuto, kGitlab, kPlain };
enum class Project { kAuto, kPath, kConfig, kEnv };
enum class Forge { kNone, kGitea, kGitlab };
const char* to_string(Messages messages);
const char* to_string(Project project);
const char* to_string(Forge forge);

/// One layer of settings (`defaults:` or one `repositories:` entry): a key is set or not.
struct Layer {
  std::optional<Enforcement> mode;
  std::optional<std::string> bootstrap;  // "deny", "allow" or an absolute path to a policy file
  std::optional<std::vector<std::string>> trust_roots;
  std::optional<std::string> audit;  // a file path or "syslog"
  std::optional<std::vector<std::string>> witnesses;
  std::optional<std::string> cache_dir;
  std::optional<uint64_t> time_budget_ms;
  std::optional<uint64_t> max_push_commits;
  std::optional<Messages> messages;
  std::optional<Project> project;
  std::optional<Forge> forge;
  int line = 0;  // where the layer starts in the file (1-based)
};

struct RepositoryEntry {
  std::string match;  // glob on the repository's absolute git directory (policy glob syntax)
  Layer settings;
};

/// A loaded, validated hooks.yaml. Default-constructed: no file (built-in defaults only).
struct ServerConfig {
  std::string file;  // "" when no file was read
  Layer defaults;
  std::vector<RepositoryEntry> repositories;
};

/// Reads and validates `path`. Errors are one line naming the file, the line, the key and what
/// is allowed; unknown keys are errors.
Result<ServerConfig> load(const std::string& path);
/// Parses `text` as the content of the file `path` (for load and the unit tests).
Result<ServerConfig> parse(const std::string& text, const std::string& path);

/// Which file the server reads: `explicit_path` when not empty, else $AUTHS_HOOKS_CONFIG, else
/// /etc/auths/hooks.yaml. A missing /etc/auths/hooks.yaml is no configuration (built-in
/// defaults); a file named explicitly or by the environment must exist.
Result<ServerConfig> locate_and_load(const std::string& explicit_path = {});

/// What the repository's own git config says (server side: the repository's config only).
struct GitSettings {
  std::optional<std::string> bootstrap;  // auths.bootstrap
  std::optional<std::string> audit_log;  // auths.auditLog
  std::optional<std::string> repo;       // auths.repo (the project name)
};

/// The effective settings of one repository; `sources` says, per key, where its value came from.
struct RepoSettings {
  Enforcement mode = Enforcement::kEnforce;
  std::string bootstrap = "deny";
  std::vector<std::string> trust_roots;
  std::string audit;  // "" = no audit log
  std::vector<std::string> witnesses;
  std::string cache_dir;
  uint64_t time_budget_ms = 0;
  uint64_t max_push_commits = 0;
  Messages messages = Messages::kAuto;
  Project project = Project::kAuto;
  std::string project_name;  // auths.repo when `project` lets it count (auto, config)
  Forge forge = Forge::kNone;
  /// key -> "built-in", "git config auths.bootstrap", "<file>:<line> defaults",
  /// "<file>:<line> repositories[<i>] (match '<glob>')".
  std::map<std::string, std::string> sources;
};

/// The settings of the repository whose git directory is `git_dir` (absolute): built-in
/// defaults, then `defaults:`, then the repository's git config, then every matching
/// `repositories:` entry in file order, key by key. Bootstrap values from git config must be
/// "allow" or "deny" (an Error otherwise).
Result<RepoSettings> resolve(const ServerConfig& config, const std::string& git_dir, const GitSettings& git = {});

/// Opens the repository at `repo_path` (a git directory or a work tree), reads its git config
/// and resolves its settings: what the hooks apply to it (`auths config show`).
Result<RepoSettings> settings_for_repository(const ServerConfig& config, const std::string& repo_path);

/// The project name for project-scoped org roles under `settings.project`: auths.repo (config),
/// the forge's environment (`forge_repo`, env), both in that order (auto), or the last two
/// components of the git directory without ".git" (path).
std::string project_name(const RepoSettings& settings, const std::string& git_dir, const std::string& forge_repo);

/// The key names of hooks.yaml in file order (`auths config show`).
std::vector<std::string> setting_keys();
/// A setting's value as text ("enforce", "[a, b]", "0", ...).
std::string value_text(const RepoSettings& settings, const std::string& key);

// --- break glass ---------------------------------------------------------------------------

/// One admin override: the next push that updates `ref` to `new_oid` and that the policy
/// refuses is accepted once. Stored as <git dir>/auths-overrides/<id>.json, mode 0600.
struct Override {
  std::string id;
  std::string ref;
  Oid new_oid;
  std::string reason;
  std::string created_by;  // the OS user who ran `auths hook override`
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::string file;  // where it is stored
};

/// Writes an override into the repository at `repo_path`. `who` is the OS user.
Result<Override> create_override(const std::string& repo_path, const std::string& ref, const Oid& new_oid,
                                 const std::string& reason, int64_t lifetime_seconds, const std::string& who,
                                 int64_t now);
/// The overrides waiting in the repository (expired ones too, with their times).
Result<std::vector<Override>> list_overrides(const std::string& repo_path);
/// Removes the override `id`; kNotFound when there is none.
Status cancel_override(const std::string& repo_path, const std::string& id);

/// A refused `decision` whose every refused ref has an unexpired override (ref and new id
/// match) is accepted: with `consume`, each of those overrides is claimed atomically (renamed
/// away: two concurrent pushes cannot both use one) and removed. Sets decision.overruled,
/// outcome kAccept and override_note. Returns whether it did. Never reads anything a pusher
/// sets (push options, git config, the environment).
Result<bool> apply_overrides(const std::string& git_dir, Decision& decision, int64_t now, bool consume);

}  // namespace auths::config
