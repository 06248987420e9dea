// libgit2 access: the only file set that includes git2.h. Every handle is owned by a
// unique_ptr from the moment libgit2 returns it; every libgit2 failure becomes an Error via
// to_error (git_error_last() may be NULL in libgit2 1.5).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"
#include "auths/types.h"
#include "git/objects.h"
#include "git/repo_view.h"

struct git_repository;
struct git_odb;

namespace auths::git {

/// Pairs git_libgit2_init with git_libgit2_shutdown; create one per process before any other call.
class Session final {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

/// The libgit2 error text for a failed call, as an Error with code kGit.
Error to_error(int rc, std::string_view what);

/// Where a setting may come from. Server hooks read the repository's own configuration only
/// (nothing a client or an environment variable can set); client-side tools also honour what
/// git passes to its children (`git -c`, GIT_CONFIG_COUNT), as git does.
enum class ConfigScope { kRepository, kRepositoryAndEnvironment };

class Repository final : public RepoView {
 public:
  /// Opens the repository at `path` (a bare repo or a work tree), no search upwards.
  static Result<Repository> open(const std::string& path);
  /// Opens the repository the way a hook must: from GIT_DIR and honouring GIT_OBJECT_DIRECTORY
  /// and GIT_ALTERNATE_OBJECT_DIRECTORIES, so that objects of a push still in git's quarantine
  /// directory are readable during pre-receive. `path` is used only when GIT_DIR is not set.
  static Result<Repository> open_from_env(const std::string& path = ".");

  Repository(Repository&&) noexcept;
  Repository& operator=(Repository&&) noexcept;
  ~Repository() override;

  /// The repository's git directory, for messages and the audit log.
  std::string path() const;

  // RepoView
  Result<RawObject> read(const Oid& oid) const override;
  Result<ObjectType> type_of(const Oid& oid) const override;
  bool contains(const Oid& oid) const override;
  Status each_ref(const RefVisitor& visit) const override;
  Result<std::string> head_target() const override;

  /// Reads and parses a commit (git::read_commit over this repository).
  Result<CommitInfo> read_commit(const Oid& oid) const;
  /// The commit a ref name resolves to (peeling tags); nullopt when the ref does not exist or
  /// does not lead to a commit.
  Result<std::optional<Oid>> resolve_commit(const std::string& ref_name) const;
  /// A revision (as git rev-parse reads it) peeled to a commit.
  Result<Oid> resolve_revision(const std::string& rev) const;
  /// A revision as git rev-parse reads it, not peeled (a tag name gives the tag object).
  Result<Oid> resolve_object(const std::string& rev) const;

  /// The tree of the index (GIT_INDEX_FILE's when set, as git hands it to a commit hook), its
  /// trees written to the object store: the tree `git commit` is about to commit.
  Result<Oid> write_index_tree();
  /// Writes a blob; returns its id.
  Result<Oid> write_blob(std::string_view content);
  /// A tree: `base` (nullopt = empty) plus `files` (path, content), written to the object store.
  Result<Oid> write_tree(const std::optional<Oid>& base, const std::vector<std::pair<std::string, std::string>>& files);
  /// A commit object (the ref is not touched); author and committer from the arguments.
  Result<Oid> write_commit(const Oid& tree, const std::vector<Oid>& parents, const std::string& message,
                           const std::string& name, const std::string& email);
  /// Moves `ref_name` to `target` if it still points at `expected` (nullopt = must not exist).
  Status update_ref(const std::string& ref_name, const Oid& target, const std::optional<Oid>& expected,
                    const std::string& log_message);

  /// A string from the configuration; nullopt when unset. With kRepositoryAndEnvironment,
  /// settings git passes to its children (`git -c`, GIT_CONFIG_COUNT) take precedence, as in git.
  Result<std::optional<std::string>> config_string(const std::string& key,
                                                   ConfigScope scope = ConfigScope::kRepository) const;

 private:
  struct Handles;
  explicit Repository(std::unique_ptr<Handles> handles);
  static Result<Repository> wrap_opened(git_repository* raw, int rc, const std::string& path);
  std::unique_ptr<Handles> m_h;
};

}  // namespace auths::git
