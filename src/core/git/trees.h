// Reading commits, tags and trees through a RepoView: one implementation for libgit2 and for
// the in-memory fake. Trees are parsed from their raw bytes ("<octal mode> <name>\0<20-byte
// id>" per entry, git's tree format); a malformed tree or object is ErrorCode::kCorrupt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auths/result.h"
#include "auths/types.h"
#include "git/objects.h"
#include "git/repo_view.h"

namespace auths::git {

struct TreeEntry {
  uint32_t mode = 0;  // 040000 tree, 0100644/0100755 file, 0120000 symlink, 0160000 submodule
  std::string name;
  Oid id;
  bool is_tree() const { return mode == 040000; }
  bool is_regular_file() const { return mode == 0100644 || mode == 0100755; }
};

/// Parses a raw tree object.
Result<std::vector<TreeEntry>> parse_tree(std::string_view raw);

/// Reads and parses a commit; kCorrupt when the object is not a commit or is malformed.
Result<CommitInfo> read_commit(const RepoView& repo, const Oid& oid);
/// Reads and parses a tag object; kCorrupt when it is not a tag or is malformed.
Result<TagInfo> read_tag(const RepoView& repo, const Oid& oid);
/// Follows tag objects to the first non-tag object: its type and id. Every tag of the chain
/// must parse and name the real type of its target (check_tag_target_type); otherwise
/// kCorrupt with the offending tag as context.

Result<std::pair<ObjectType, Oid>> peel(const RepoView& repo, const Oid& oid);

/// The entry at `path` ("a/b/c") under `tree`; nullopt when there is none.
Result<std::optional<TreeEntry>> tree_entry(const RepoView& repo, const Oid& tree, std::string_view path);
/// The id of the entry at `path` in `commit`'s tree; nullopt when there is none.
Result<std::optional<Oid>> path_id(const RepoView& repo, const Oid& commit, std::string_view path);
/// The content of the regular file at `path` in `commit`'s tree; nullopt when absent.
/// kInvalidArgument when the path names a directory, a symlink or a submodule, or the file is
/// larger than `max_size`.
Result<std::optional<std::string>> read_file(const RepoView& repo, const Oid& commit, std::string_view path,
                                             size_t max_size = 1 << 20);

struct FileEntry {
  std::string path;
  TreeEntry entry;  // entry.name is the last path component
};
/// Every non-tree entry under `prefix` ("" = everything) of `tree`, in path order.
Result<std::vector<FileEntry>> list_files(const RepoView& repo, const Oid& tree, std::string_view prefix = "");

enum class Change { kAdded, kModified, kDeleted };
struct FileChange {
  Change change;
  std::string path;
  TreeEntry entry;  // the new entry (the old one for kDeleted)
};
/// What changed from `old_tree` (nullopt = the empty tree) to `new_tree`, file by file (a
/// directory replaced by a file is a deletion of every file under it plus an addition).
Result<std::vector<FileChange>> diff_trees(const RepoView& repo, const std::optional<Oid>& old_tree,
                                           const Oid& new_tree);

}  // namespace auths::git
