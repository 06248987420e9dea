// libgit2 access: the only file set that includes git2.h. Every handle is owned by a
// unique_ptr from the moment libgit2 returns it; every libgit2 failure becomes an Error via
// to_error (git_error_last() may be NULL in libgit2 1.5).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"
#include "auths/types.h"
#include "git/objects.h"

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

class Repository final {
 public:
  /// Opens the repository at `path` (a bare repo or a work tree), no search upwards.
  static Result<Repository> open(const std::string& path);
  /// Opens the repository the way a hook must: from GIT_DIR and honouring GIT_OBJECT_DIRECTORY
  /// and GIT_ALTERNATE_OBJECT_DIRECTORIES, so that objects of a push still in git's quarantine
  /// directory are readable during pre-receive. `path` is used only when GIT_DIR is not set.
  static Result<Repository> open_from_env(const std::string& path = ".");

  Repository(Repository&&) noexcept;
  Repository& operator=(Repository&&) noexcept;
  ~Repository();

  /// The repository's git directory, for messages and the audit log.
  std::string path() const;

  /// Reads an object's raw bytes and type (no parsing).
  Result<std::pair<ObjectType, std::string>> read_raw(const Oid& oid) const;
  Result<CommitInfo> read_commit(const Oid& oid) const;
  Result<TagInfo> read_tag(const Oid& oid) const;
  bool has_object(const Oid& oid) const;

  /// Follows tag objects until a non-tag. Every tag of the chain must parse (parse_tag) and
  /// name the real type of its target in its `type` header (check_tag_target_type); otherwise
  /// an Error with ErrorCode::kCorrupt whose context is the offending tag. A missing object in
  /// the chain is an error too.
  Result<std::pair<ObjectType, Oid>> peel(const Oid& oid) const;

  /// The commit a ref name resolves to (peeling tags); nullopt when the ref does not exist.
  Result<std::optional<Oid>> resolve_commit(const std::string& ref_name) const;
  /// A revision (as git rev-parse reads it) peeled to a commit.
  Result<Oid> resolve_revision(const std::string& rev) const;
  /// The commit HEAD points at (the default branch tip); nullopt when HEAD is unborn.
  Result<std::optional<Oid>> head_commit() const;
  /// Every ref (name, target peeled to a commit), skipping refs that point at non-commits,
  /// limited to refs whose name starts with `prefix` ("" = all refs).
  Result<std::vector<std::pair<std::string, Oid>>> ref_commit_tips(std::string_view prefix = "") const;

  /// Commits reachable from `tip` and from none of `hidden`, newest first (topological).
  Result<std::vector<Oid>> new_commits(const Oid& tip, const std::vector<Oid>& hidden) const;
  /// True when `descendant` has `ancestor` in its history (or equals it).
  Result<bool> is_descendant_or_equal(const Oid& descendant, const Oid& ancestor) const;

  /// The blob at `path` in `commit`'s tree; nullopt when there is no such file. Refuses blobs
  /// over `max_size` bytes.
  Result<std::optional<std::string>> read_file(const Oid& commit, std::string_view path,
                                               size_t max_size = 1 << 20) const;
  /// The id of the tree or blob at `path` in `tree`; nullopt when absent.
  Result<std::optional<Oid>> tree_entry_id(const Oid& tree, std::string_view path) const;

  /// Every blob under `prefix` ("" = the whole tree) of `tree`, as (path, blob id), in tree order.
  Result<std::vector<std::pair<std::string, Oid>>> list_files(const Oid& tree, std::string_view prefix = "") const;

  enum class Change { kAdded, kModified, kDeleted };
  struct FileChange {
    Change change;
    std::string path;
    Oid blob;  // the new blob (the old one for kDeleted)
  };
  /// What changed from `old_tree` (nullopt = empty tree) to `new_tree`, file by file.
  Result<std::vector<FileChange>> diff_trees(const std::optional<Oid>& old_tree, const Oid& new_tree) const;

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

  /// A string from the repository's config; nullopt when unset. Settings git passes to hooks
  /// in the environment (`git -c`, GIT_CONFIG_COUNT) take precedence, as they do in git.
  Result<std::optional<std::string>> config_string(const std::string& key) const;

 private:
  struct Handles;
  explicit Repository(std::unique_ptr<Handles> handles);
  static Result<Repository> wrap_opened(git_repository* raw, int rc, const std::string& path);
  std::unique_ptr<Handles> m_h;
};

}  // namespace auths::git
