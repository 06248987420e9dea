// RepoView: everything the engine reads from a repository, as one small interface: raw
// objects, reachability, refs. git::Repository implements it over libgit2 (honouring git's
// quarantine during pre-receive); tests/support/fake_repo.h implements it in memory, so the
// engine's decisions are table-tested without a repository on disk.
//
// Objects are read raw and parsed by our own parsers (git/objects.h), the same bytes git
// reads; trees are read through git/trees.h on top of read().
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auths/result.h"
#include "auths/types.h"
#include "git/objects.h"

namespace auths::git {

/// Asked now and then during long work (a walk over many commits, a registry load): true stops
/// it early, and the work then returns an Error (the caller asked it to stop, so it knows why:
/// the server's time budget, engine/budget.h). Empty: never stops.
using Stop = std::function<bool()>;

struct RawObject {
  ObjectType type = ObjectType::kUnknown;
  std::string data;  // the object's content, without git's "<type> <size>\0" header
};

/// A ref as stored, as each_ref shows it (the views last as long as the call): a direct ref
/// has a target, a symbolic ref names another ref.
struct RefEntry {
  std::string_view name;
  std::optional<Oid> target;         // direct refs
  std::string_view symbolic_target;  // symbolic refs ("refs/heads/main"); empty for direct refs
};
using RefVisitor = std::function<void(const RefEntry&)>;

/// read, type_of and contains may be called from several threads at once (the engine reads and
/// verifies objects on every core: engine/judge.cpp); the rest is called from one thread.
/// git::Repository reads through libgit2's git_odb, which is thread-safe since libgit2 1.4.
class RepoView {
 public:
  virtual ~RepoView() = default;
  /// The object's type and content; ErrorCode::kNotFound when the object is missing.
  virtual Result<RawObject> read(const Oid& oid) const = 0;
  /// The object's type without reading its content; kNotFound when missing.
  virtual Result<ObjectType> type_of(const Oid& oid) const = 0;
  virtual bool contains(const Oid& oid) const = 0;

  /// Shows every ref (not HEAD) to `visit`, one at a time, symbolic ones with their target
  /// name. Nothing is kept here: the caller keeps what it needs (a list of all the refs in
  /// between was half the peak memory of a push to a repository with 10,000 refs).
  virtual Status each_ref(const RefVisitor& visit) const = 0;
  /// What HEAD names: "refs/heads/main"; empty when HEAD is detached or missing.
  virtual Result<std::string> head_target() const = 0;
};

}  // namespace auths::git
