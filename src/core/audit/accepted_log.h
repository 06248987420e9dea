// The server's own record of when it accepted each commit and tag (`<git dir>/auths/accepted.sqlite`).
// It is what lets a signature by a device revoked *later* stay valid: the server saw the object,
// validly signed, before the revocation, which the signer cannot fake (a committer date can be
// anything). Written by pre-receive/update when a push is accepted; read only for objects
// signed by revoked devices. Objects reachable from the server's refs are never judged again
// anyway; this covers the rest (a branch deleted and pushed again).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auths/result.h"
#include "auths/types.h"

struct sqlite3;

namespace auths::audit {

class AcceptedLog final {
 public:
  /// Opens (creating when `create`) the log of the repository whose git directory is `git_dir`.
  /// nullopt when it does not exist and `create` is false.
  static Result<std::optional<AcceptedLog>> open(const std::string& git_dir, bool create);

  AcceptedLog(AcceptedLog&&) noexcept;
  AcceptedLog& operator=(AcceptedLog&&) noexcept;
  ~AcceptedLog();

  /// When the object was first accepted (unix seconds), or nullopt.
  Result<std::optional<int64_t>> accepted_at(const Oid& object) const;
  /// Records the objects as accepted at `now`; objects already recorded keep their first time.
  Status record(const std::vector<Oid>& objects, int64_t now);

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };
  explicit AcceptedLog(sqlite3* db) : m_db(db) {}
  std::unique_ptr<sqlite3, Closer> m_db;
};

}  // namespace auths::audit
