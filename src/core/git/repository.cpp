#include "git/repository.h"

#include "git/trees.h"

#include <git2.h>
#include <git2/sys/stream.h>

#include <cstring>

namespace auths::git {

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Ptr = std::unique_ptr<T, Deleter<T, Free>>;

using RepositoryPtr = Ptr<git_repository, git_repository_free>;
using OdbPtr = Ptr<git_odb, git_odb_free>;
using OdbObjectPtr = Ptr<git_odb_object, git_odb_object_free>;
using ObjectPtr = Ptr<git_object, git_object_free>;
using ReferencePtr = Ptr<git_reference, git_reference_free>;
using ReferenceIteratorPtr = Ptr<git_reference_iterator, git_reference_iterator_free>;
using TreePtr = Ptr<git_tree, git_tree_free>;
using ConfigPtr = Ptr<git_config, git_config_free>;
using IndexPtr = Ptr<git_index, git_index_free>;
using SignaturePtr = Ptr<git_signature, git_signature_free>;

git_oid to_git(const Oid& oid) {
  git_oid out;
  std::memcpy(out.id, oid.bytes().data(), Oid::kSize);
  return out;
}

Oid from_git(const git_oid& oid) {
  std::array<uint8_t, Oid::kSize> bytes{};
  std::memcpy(bytes.data(), oid.id, Oid::kSize);
  return Oid(bytes);
}

ObjectType from_git_type(git_object_t type) {
  switch (type) {
    case GIT_OBJECT_COMMIT: return ObjectType::kCommit;
    case GIT_OBJECT_TREE: return ObjectType::kTree;
    case GIT_OBJECT_BLOB: return ObjectType::kBlob;
    case GIT_OBJECT_TAG: return ObjectType::kTag;
    default: return ObjectType::kUnknown;
  }
}

/// Splits git's GIT_CONFIG_PARAMETERS (what `git -c key=value` exports to hooks and other
/// children): space-separated words of shell single-quoted pieces, each word "key=value" once
/// unquoted (newer git quotes key and value separately: 'key'='value').
std::vector<std::pair<std::string, std::string>> parse_config_parameters(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size()) break;
    std::string word;
    while (i < text.size() && text[i] != ' ') {
      if (text[i] == '\'') {
        const size_t close = text.find('\'', i + 1);
        if (close == std::string_view::npos) return out;  // malformed: use what was complete
        word.append(text.substr(i + 1, close - i - 1));
        i = close + 1;
      } else if (text[i] == '\\' && i + 1 < text.size()) {
        word.push_back(text[i + 1]);
        i += 2;
      } else {
        word.push_back(text[i++]);
      }
    }
    const size_t eq = word.find('=');
    if (eq != std::string::npos) out.emplace_back(word.substr(0, eq), word.substr(eq + 1));
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

/// A value set for `key` in the environment the way git passes configuration to its children
/// (GIT_CONFIG_PARAMETERS, then GIT_CONFIG_COUNT/GIT_CONFIG_KEY_<n>/GIT_CONFIG_VALUE_<n>); the
/// last setting wins, as in git. Keys without a subsection compare case-insensitively.
std::optional<std::string> config_from_env(const std::string& key) {
  std::optional<std::string> found;
  const std::string wanted = lower(key);
  if (const char* params = std::getenv("GIT_CONFIG_PARAMETERS"); params != nullptr) {
    for (const auto& [k, v] : parse_config_parameters(params)) {
      if (lower(k) == wanted) found = v;
    }
  }
  if (const char* count = std::getenv("GIT_CONFIG_COUNT"); count != nullptr) {
    const long n = std::strtol(count, nullptr, 10);
    for (long i = 0; i < n && i < 1000; ++i) {
      const char* k = std::getenv(("GIT_CONFIG_KEY_" + std::to_string(i)).c_str());
      const char* v = std::getenv(("GIT_CONFIG_VALUE_" + std::to_string(i)).c_str());
      if (k != nullptr && v != nullptr && lower(k) == wanted) found = v;
    }
  }
  return found;
}

int refuse_tls(git_stream** /*out*/, const char* host, const char* /*port*/) {
  git_error_set_str(GIT_ERROR_SSL, (std::string("no TLS connection to ") + host +
                                    ": auths programs read local repositories only (git/libgit2_glue.cpp)")
                                       .c_str());
  return -1;
}
int refuse_tls_wrap(git_stream** out, git_stream* /*in*/, const char* host) { return refuse_tls(out, host, ""); }

}  // namespace

Session::Session() {
  if (git_libgit2_init() != 1) return;  // set up by an earlier Session of this process
  // No object cache. libgit2 keeps every commit and tree it reads, up to 256 MB by default: for
  // a 100,000-commit push that was half the hook's memory, for objects the engine reads at most
  // twice (engine/commit_index.h). Capped at 32 MB, it was still 41 MB of the push's 177 MB
  // peak, and bought no time: off, the same push on 2 threads took 4.62 s against 4.72 s with
  // it (medians of 8 rounds, alternating which ran first; README, "Performance").
  git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
  // libgit2 hashes every object it reads again to check its id; git does not (only fsck and
  // index-pack do, and index-pack computed the id of every object a push brought from its
  // bytes). On a 100,000-commit push that was an eighth of the serial walk (SHA-1 with
  // collision detection, every commit read twice). What a check reads is what git reads.
  git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  // Its TLS set-up is skipped (git/libgit2_glue.cpp): a connection would fail, not go unchecked.
  static git_stream_registration no_tls = {GIT_STREAM_VERSION, refuse_tls, refuse_tls_wrap};
  git_stream_register(GIT_STREAM_TLS, &no_tls);
}
Session::~Session() { git_libgit2_shutdown(); }

Error to_error(int rc, std::string_view what) {
  const git_error* e = git_error_last();  // may be NULL in libgit2 1.5
  std::string message = std::string(what) + " failed";
  if (e != nullptr && e->message != nullptr) {
    message += ": ";
    message += e->message;
  } else {
    message += " (libgit2 error " + std::to_string(rc) + ")";
  }
  if (rc == GIT_ENOTFOUND) return Error::not_found(message);
  return Error::git(message);
}

struct Repository::Handles {
  RepositoryPtr repo;
  OdbPtr odb;
};

Repository::Repository(std::unique_ptr<Handles> handles) : m_h(std::move(handles)) {}
Repository::Repository(Repository&&) noexcept = default;
Repository& Repository::operator=(Repository&&) noexcept = default;
Repository::~Repository() = default;

Result<Repository> Repository::wrap_opened(git_repository* raw, int rc, const std::string& path) {
  auto h = std::make_unique<Handles>();
  h->repo.reset(raw);  // owned at once, also on failure (libgit2 leaves it NULL then)
  if (rc < 0) return to_error(rc, "opening repository '" + path + "'");
  git_odb* odb = nullptr;
  if (const int orc = git_repository_odb(&odb, raw); orc < 0) return to_error(orc, "opening object database");
  h->odb.reset(odb);
  return Repository(std::move(h));
}

Result<Repository> Repository::open(const std::string& path) {
  git_repository* raw = nullptr;
  const int rc = git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  return wrap_opened(raw, rc, path);
}

Result<Repository> Repository::open_from_env(const std::string& path) {
  git_repository* raw = nullptr;
  // With GIT_REPOSITORY_OPEN_FROM_ENV and a NULL path libgit2 takes GIT_DIR, as git's hooks set it.
  const char* dir = std::getenv("GIT_DIR") != nullptr ? nullptr : path.c_str();
  const int rc = git_repository_open_ext(&raw, dir, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr);
  return wrap_opened(raw, rc, path);
}

std::string Repository::path() const { return git_repository_path(m_h->repo.get()); }

Result<RawObject> Repository::read(const Oid& oid) const {
  const git_oid id = to_git(oid);
  git_odb_object* raw = nullptr;
  if (const int rc = git_odb_read(&raw, m_h->odb.get(), &id); rc < 0) {
    return to_error(rc, "reading object " + oid.hex());
  }
  const OdbObjectPtr obj(raw);
  const auto* data = static_cast<const char*>(git_odb_object_data(obj.get()));
  return RawObject{from_git_type(git_odb_object_type(obj.get())), std::string(data, git_odb_object_size(obj.get()))};
}

Result<ObjectType> Repository::type_of(const Oid& oid) const {
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  const git_oid id = to_git(oid);
  if (const int rc = git_odb_read_header(&size, &type, m_h->odb.get(), &id); rc < 0) {
    return to_error(rc, "reading object " + oid.hex());
  }
  return from_git_type(type);
}

bool Repository::contains(const Oid& oid) const {
  const git_oid id = to_git(oid);
  return git_odb_exists(m_h->odb.get(), &id) == 1;
}

Result<CommitInfo> Repository::read_commit(const Oid& oid) const { return git::read_commit(*this, oid); }

Result<std::optional<Oid>> Repository::resolve_commit(const std::string& ref_name) const {
  git_oid id;
  const int rc = git_reference_name_to_id(&id, m_h->repo.get(), ref_name.c_str());
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return std::optional<Oid>{};
  if (rc < 0) {
    return to_error(rc, "resolving '" + ref_name + "'");
  }
  auto peeled = peel(*this, from_git(id));
  if (!peeled) return peeled.error();
  if (peeled->first != ObjectType::kCommit) return std::optional<Oid>{};
  return std::optional<Oid>(peeled->second);
}

Result<Oid> Repository::resolve_object(const std::string& rev) const {
  git_object* raw = nullptr;
  if (const int rc = git_revparse_single(&raw, m_h->repo.get(), rev.c_str()); rc < 0) {
    return to_error(rc, "resolving '" + rev + "'");
  }
  const ObjectPtr obj(raw);
  return from_git(*git_object_id(obj.get()));
}

Result<Oid> Repository::resolve_revision(const std::string& rev) const {
  auto object = resolve_object(rev);
  if (!object) return object.error();
  auto peeled = peel(*this, *object);
  if (!peeled) return peeled.error();
  if (peeled->first != ObjectType::kCommit) return Error::invalid_argument("'" + rev + "' is not a commit");
  return peeled->second;
}

Status Repository::each_ref(const RefVisitor& visit) const {
  git_reference_iterator* raw_iter = nullptr;
  if (const int rc = git_reference_iterator_new(&raw_iter, m_h->repo.get()); rc < 0) {
    return to_error(rc, "listing refs");
  }
  const ReferenceIteratorPtr iter(raw_iter);
  git_reference* raw_ref = nullptr;
  int rc = 0;
  while ((rc = git_reference_next(&raw_ref, iter.get())) == 0) {
    const ReferencePtr ref(raw_ref);
    RefEntry entry;
    entry.name = git_reference_name(ref.get());
    if (git_reference_type(ref.get()) == GIT_REFERENCE_SYMBOLIC) {
      entry.symbolic_target = git_reference_symbolic_target(ref.get());
    } else if (const git_oid* id = git_reference_target(ref.get()); id != nullptr) {
      entry.target = from_git(*id);
    }
    visit(entry);
  }
  if (rc != GIT_ITEROVER) {
    return to_error(rc, "listing refs");
  }
  return {};
}

Result<std::string> Repository::head_target() const {
  git_reference* raw = nullptr;
  const int rc = git_reference_lookup(&raw, m_h->repo.get(), "HEAD");
  if (rc == GIT_ENOTFOUND) return std::string();
  if (rc < 0) return to_error(rc, "reading HEAD");
  const ReferencePtr head(raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) return std::string();
  return std::string(git_reference_symbolic_target(head.get()));
}

Result<Oid> Repository::write_index_tree() {
  git_index* raw_index = nullptr;
  if (const int rc = git_repository_index(&raw_index, m_h->repo.get()); rc < 0)
    return to_error(rc, "reading the index");
  const IndexPtr index(raw_index);
  git_oid tree_id;
  if (const int rc = git_index_write_tree_to(&tree_id, index.get(), m_h->repo.get()); rc < 0) {
    return to_error(rc, "writing the index as a tree");
  }
  return from_git(tree_id);
}

Result<Oid> Repository::write_blob(std::string_view content) {
  git_oid id;
  if (const int rc = git_blob_create_from_buffer(&id, m_h->repo.get(), content.data(), content.size()); rc < 0) {
    return to_error(rc, "writing a blob");
  }
  return from_git(id);
}

Result<Oid> Repository::write_tree(const std::optional<Oid>& base,
                                   const std::vector<std::pair<std::string, std::string>>& files) {
  git_index* raw_index = nullptr;
  if (const int rc = git_index_new(&raw_index); rc < 0) return to_error(rc, "creating an index");
  const IndexPtr index(raw_index);
  if (base) {
    const git_oid id = to_git(*base);
    git_tree* raw_tree = nullptr;
    if (const int rc = git_tree_lookup(&raw_tree, m_h->repo.get(), &id); rc < 0) return to_error(rc, "reading tree");
    const TreePtr tree(raw_tree);
    if (const int rc = git_index_read_tree(index.get(), tree.get()); rc < 0) return to_error(rc, "reading tree");
  }
  for (const auto& [path, content] : files) {
    auto blob = write_blob(content);
    if (!blob) return blob.error();
    git_index_entry entry{};
    entry.mode = GIT_FILEMODE_BLOB;
    entry.path = path.c_str();
    entry.id = to_git(*blob);
    if (const int rc = git_index_add(index.get(), &entry); rc < 0) return to_error(rc, "adding '" + path + "'");
  }
  git_oid tree_id;
  if (const int rc = git_index_write_tree_to(&tree_id, index.get(), m_h->repo.get()); rc < 0) {
    return to_error(rc, "writing a tree");
  }
  return from_git(tree_id);
}

Result<Oid> Repository::write_commit(const Oid& tree, const std::vector<Oid>& parents, const std::string& message,
                                     const std::string& name, const std::string& email) {
  git_signature* raw_sig = nullptr;
  if (const int rc = git_signature_now(&raw_sig, name.c_str(), email.c_str()); rc < 0) {
    return to_error(rc, "making a commit signature");
  }
  const SignaturePtr sig(raw_sig);
  const git_oid tree_id = to_git(tree);
  git_tree* raw_tree = nullptr;
  if (const int rc = git_tree_lookup(&raw_tree, m_h->repo.get(), &tree_id); rc < 0) return to_error(rc, "reading tree");
  const TreePtr t(raw_tree);
  std::vector<git_commit*> parent_ptrs;
  std::vector<Ptr<git_commit, git_commit_free>> owned;
  for (const auto& p : parents) {
    const git_oid pid = to_git(p);
    git_commit* raw_parent = nullptr;
    if (const int rc = git_commit_lookup(&raw_parent, m_h->repo.get(), &pid); rc < 0)
      return to_error(rc, "reading parent");
    owned.emplace_back(raw_parent);
    parent_ptrs.push_back(raw_parent);
  }
  git_oid id;
  const int rc = git_commit_create(&id, m_h->repo.get(), nullptr, sig.get(), sig.get(), nullptr, message.c_str(),
                                   t.get(), parent_ptrs.size(), const_cast<const git_commit**>(parent_ptrs.data()));
  if (rc < 0) return to_error(rc, "writing a commit");
  return from_git(id);
}

Status Repository::update_ref(const std::string& ref_name, const Oid& target, const std::optional<Oid>& expected,
                              const std::string& log_message) {
  const git_oid id = to_git(target);
  git_reference* raw = nullptr;
  int rc = 0;
  if (expected) {
    const git_oid current = to_git(*expected);
    rc = git_reference_create_matching(&raw, m_h->repo.get(), ref_name.c_str(), &id, 1, &current, log_message.c_str());
  } else {
    rc = git_reference_create(&raw, m_h->repo.get(), ref_name.c_str(), &id, 0, log_message.c_str());
  }
  const ReferencePtr ref(raw);
  if (rc < 0) return to_error(rc, "updating '" + ref_name + "'");
  return {};
}

Result<std::optional<std::string>> Repository::config_string(const std::string& key, ConfigScope scope) const {
  if (scope == ConfigScope::kRepositoryAndEnvironment) {
    if (auto from_env = config_from_env(key)) return from_env;  // `git -c` wins, as in git
  }
  git_config* raw = nullptr;
  if (const int rc = git_repository_config_snapshot(&raw, m_h->repo.get()); rc < 0) {
    return to_error(rc, "reading git config");
  }
  const ConfigPtr cfg(raw);
  const char* value = nullptr;
  const int rc = git_config_get_string(&value, cfg.get(), key.c_str());
  if (rc == GIT_ENOTFOUND) return std::optional<std::string>{};
  if (rc < 0) {
    return to_error(rc, "reading git config '" + key + "'");
  }
  return std::optional<std::string>(value);
}

}  // namespace auths::git
