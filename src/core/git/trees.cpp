#include "git/trees.h"

#include <map>

#include "util/strings.h"

namespace auths::git {

namespace {

constexpr int kMaxTagChain = 64;
constexpr int kMaxTreeDepth = 256;

Result<RawObject> read_typed(const RepoView& repo, const Oid& oid, ObjectType want, std::string_view what) {
  auto raw = repo.read(oid);
  if (!raw) return raw.error();
  if (raw->type != want) return Error::corrupt("object is not a " + std::string(what), oid.hex());
  return raw;
}

Result<std::vector<TreeEntry>> read_tree(const RepoView& repo, const Oid& tree) {
  auto raw = read_typed(repo, tree, ObjectType::kTree, "tree");
  if (!raw) return raw.error();
  auto entries = parse_tree(raw->data);
  if (!entries) return Error::corrupt(entries.error().message, tree.hex());
  return entries;
}

Status collect_files(const RepoView& repo, const Oid& tree, const std::string& dir, std::string_view prefix, int depth,
                     std::vector<FileEntry>& out) {
  if (depth > kMaxTreeDepth) return Error::corrupt("trees nested deeper than " + std::to_string(kMaxTreeDepth));
  auto entries = read_tree(repo, tree);
  if (!entries) return entries.error();
  for (auto& entry : *entries) {
    std::string path = dir + entry.name;
    if (entry.is_tree()) {
      const std::string sub = path + "/";
      // Descend only on the way to, or inside, the prefix.
      const bool relevant = util::starts_with(prefix, sub) || util::starts_with(sub, prefix);
      if (!relevant) continue;
      if (Status s = collect_files(repo, entry.id, sub, prefix, depth + 1, out); !s) return s;
    } else if (util::starts_with(path, prefix)) {
      out.push_back({std::move(path), std::move(entry)});
    }
  }
  return {};
}

using EntryMap = std::map<std::string, TreeEntry>;

Result<EntryMap> entry_map(const RepoView& repo, const std::optional<Oid>& tree) {
  EntryMap out;
  if (!tree) return out;
  auto entries = read_tree(repo, *tree);
  if (!entries) return entries.error();
  for (auto& e : *entries) out.emplace(e.name, std::move(e));
  return out;
}

Status diff_into(const RepoView& repo, const std::optional<Oid>& old_tree, const std::optional<Oid>& new_tree,
                 const std::string& dir, int depth, std::vector<FileChange>& out) {
  if (depth > kMaxTreeDepth) return Error::corrupt("trees nested deeper than " + std::to_string(kMaxTreeDepth));
  auto before = entry_map(repo, old_tree);
  if (!before) return before.error();
  auto after = entry_map(repo, new_tree);
  if (!after) return after.error();
  const auto sub_tree = [](const EntryMap& m, const std::string& name) -> std::optional<Oid> {
    const auto it = m.find(name);
    if (it == m.end() || !it->second.is_tree()) return std::nullopt;
    return it->second.id;
  };
  std::map<std::string, int> names;
  for (const auto& [name, e] : *before) names[name] |= 1;
  for (const auto& [name, e] : *after) names[name] |= 2;
  for (const auto& [name, where] : names) {
    const auto old_it = before->find(name);
    const auto new_it = after->find(name);
    const std::string path = dir + name;
    const bool old_file = old_it != before->end() && !old_it->second.is_tree();
    const bool new_file = new_it != after->end() && !new_it->second.is_tree();
    if (old_file && new_file) {
      if (old_it->second.id != new_it->second.id || old_it->second.mode != new_it->second.mode) {
        out.push_back({Change::kModified, path, new_it->second});
      }
    } else {
      if (old_file) out.push_back({Change::kDeleted, path, old_it->second});
      if (new_file) out.push_back({Change::kAdded, path, new_it->second});
    }
    const auto old_sub = sub_tree(*before, name);
    const auto new_sub = sub_tree(*after, name);
    if ((old_sub || new_sub) && old_sub != new_sub) {
      if (Status s = diff_into(repo, old_sub, new_sub, path + "/", depth + 1, out); !s) return s;
    }
  }
  return {};
}

}  // namespace

Result<std::vector<TreeEntry>> parse_tree(std::string_view raw) {
  std::vector<TreeEntry> out;
  size_t pos = 0;
  while (pos < raw.size()) {
    const size_t space = raw.find(' ', pos);
    if (space == std::string_view::npos || space == pos || space - pos > 7)
      return Error::corrupt("malformed tree entry mode");
    uint32_t mode = 0;
    for (size_t i = pos; i < space; ++i) {
      if (raw[i] < '0' || raw[i] > '7') return Error::corrupt("malformed tree entry mode");
      mode = mode * 8 + static_cast<uint32_t>(raw[i] - '0');
    }
    const size_t nul = raw.find('\0', space + 1);
    if (nul == std::string_view::npos || nul == space + 1) return Error::corrupt("malformed tree entry name");
    const std::string_view name = raw.substr(space + 1, nul - space - 1);
    if (name.find('/') != std::string_view::npos || name == "." || name == "..") {
      return Error::corrupt("tree entry name '" + util::printable(name, 80) + "' is not a file name");
    }
    if (raw.size() - (nul + 1) < Oid::kSize) return Error::corrupt("truncated tree entry");
    std::array<uint8_t, Oid::kSize> bytes{};
    for (size_t i = 0; i < Oid::kSize; ++i) bytes[i] = static_cast<uint8_t>(raw[nul + 1 + i]);
    out.push_back({mode, std::string(name), Oid(bytes)});
    pos = nul + 1 + Oid::kSize;
  }
  return out;
}

Result<CommitInfo> read_commit(const RepoView& repo, const Oid& oid) {
  auto raw = read_typed(repo, oid, ObjectType::kCommit, "commit");
  if (!raw) return raw.error();
  auto info = parse_commit(raw->data);
  if (!info) return Error::corrupt(info.error().message, oid.hex());
  return info;
}

Result<TagInfo> read_tag(const RepoView& repo, const Oid& oid) {
  auto raw = read_typed(repo, oid, ObjectType::kTag, "tag");
  if (!raw) return raw.error();
  auto info = parse_tag(raw->data);
  if (!info) return Error::corrupt(info.error().message, oid.hex());
  return info;
}

Result<std::pair<ObjectType, Oid>> peel(const RepoView& repo, const Oid& oid) {
  Oid current = oid;
  std::optional<ObjectType> claimed;  // what the tag pointing at `current` says it is
  Oid claimed_by;
  for (int depth = 0; depth < kMaxTagChain; ++depth) {
    auto type = repo.type_of(current);
    if (!type) return type.error();
    if (claimed) {
      if (auto ok = check_tag_target_type(*claimed, *type); !ok)
        return Error::corrupt(ok.error().message, claimed_by.hex());
    }
    if (*type != ObjectType::kTag) return std::make_pair(*type, current);
    auto tag = read_tag(repo, current);
    if (!tag) return tag.error();
    claimed = tag->target_type;
    claimed_by = current;
    current = tag->target;
  }

  return Error::corrupt("tag chain deeper than " + std::to_string(kMaxTagChain), oid.hex());
}

Result<std::optional<TreeEntry>> tree_entry(const RepoView& repo, const Oid& tree, std::string_view path) {
  Oid current = tree;
  const auto parts = util::split(path, '/');
  for (size_t i = 0; i < parts.size(); ++i) {
    auto entries = read_tree(repo, current);
    if (!entries) return entries.error();
    const TreeEntry* found = nullptr;
    for (const auto& e : *entries) {
      if (e.name == parts[i]) {
        found = &e;
        break;
      }
    }
    if (found == nullptr) return std::optional<TreeEntry>{};
    if (i + 1 == parts.size()) return std::optional<TreeEntry>(*found);
    if (!found->is_tree()) return std::optional<TreeEntry>{};
    current = found->id;
  }
  return std::optional<TreeEntry>{};
}

Result<std::optional<Oid>> path_id(const RepoView& repo, const Oid& commit, std::string_view path) {
  auto info = read_commit(repo, commit);
  if (!info) return info.error();
  auto entry = tree_entry(repo, info->tree, path);
  if (!entry) return entry.error();
  if (!entry->has_value()) return std::optional<Oid>{};
  return std::optional<Oid>((*entry)->id);
}

Result<std::optional<std::string>> read_file(const RepoView& repo, const Oid& commit, std::string_view path,
                                             size_t max_size) {
  auto info = read_commit(repo, commit);
  if (!info) return info.error();
  auto entry = tree_entry(repo, info->tree, path);
  if (!entry) return entry.error();
  if (!entry->has_value()) return std::optional<std::string>{};
  const std::string shown = "'" + util::printable(path, 100) + "'";
  if (!(*entry)->is_regular_file()) return Error::invalid_argument(shown + " is not a file", commit.short_hex());
  auto blob = repo.read((*entry)->id);
  if (!blob) return blob.error();
  if (blob->type != ObjectType::kBlob) return Error::corrupt(shown + " is not a blob", commit.short_hex());
  if (blob->data.size() > max_size) {
    return Error::invalid_argument(shown + " is larger than " + std::to_string(max_size) + " bytes",
                                   commit.short_hex());
  }
  return std::optional<std::string>(std::move(blob->data));
}

Result<std::vector<FileEntry>> list_files(const RepoView& repo, const Oid& tree, std::string_view prefix) {
  std::vector<FileEntry> out;
  if (Status s = collect_files(repo, tree, "", prefix, 0, out); !s) return s.error();
  return out;
}

Result<std::vector<FileChange>> diff_trees(const RepoView& repo, const std::optional<Oid>& old_tree,
                                           const Oid& new_tree) {
  std::vector<FileChange> out;
  if (old_tree && *old_tree == new_tree) return out;
  if (Status s = diff_into(repo, old_tree, new_tree, "", 0, out); !s) return s.error();
  return out;
}

}  // namespace auths::git
