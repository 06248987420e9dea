// The witness's log in SQLite (README.md, "Witness receipts"): the hash-chained entries of
// src/core/witness/log.h, and the first receipt given for each (signer, parents), which is what
// makes a second tree on the same parents duplicity. One connection behind a mutex, in WAL mode
// with synchronous=FULL, so that a receipt is on disk before it is handed out and a killed server
// loses nothing it answered. Concurrent requests are written by group commit: whoever finds no
// transaction under way writes every request queued meanwhile in one transaction (one fsync)
// and answers each.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auths/result.h"
#include "crypto/private_key.h"
#include "witness/receipt.h"

struct sqlite3;

namespace auths::witness {

/// What the log made of a verified request.
struct Recorded {
  enum class Kind { kReceipt, kDuplicity };
  Kind kind = Kind::kReceipt;
  /// kReceipt: the receipt for the request (new, or the one given before for the same commit).
  /// kDuplicity: the receipt given before for the signer and parents, for another tree.
  Receipt receipt;
  bool fresh = false;         // kReceipt: made now (false: the same request again)
  uint64_t conflict_seq = 0;  // kDuplicity: the log entry that records the refused request
};

class LogStore {
 public:
  /// Opens (or creates) the log at `path` for the witness `key`: a log made by another key is
  /// refused (kInvalidArgument).
  static Result<LogStore> open(const std::string& path, const crypto::PublicKey& key);
  LogStore(LogStore&&) noexcept;
  LogStore& operator=(LogStore&&) noexcept;
  ~LogStore();

  /// The receipt for `request` (already verified, witness/receipt.h verify_request), signed with
  /// `key` and dated `now` when the witness sees (signer, parents) for the first time; the same
  /// receipt for the same tree again; otherwise duplicity, recorded in the log once per tree.
  Result<Recorded> record(const Request& request, const crypto::PrivateKey& key, int64_t now);
  /// Entries `from`.. (at most `limit`), as their texts.
  Result<std::vector<std::string>> entries(uint64_t from, size_t limit) const;
  /// The number of entries and the hash of the last (kGenesisPrev when empty).
  Result<std::pair<uint64_t, std::string>> head() const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };
  /// A request waiting for the batch that writes it.
  struct Waiter {
    const Request* request;
    int64_t now;
    std::optional<Result<Recorded>> result;
  };
  struct Queue {
    std::mutex mutex;
    std::condition_variable done;
    std::vector<Waiter*> waiting;
    bool writing = false;
  };
  explicit LogStore(sqlite3* db);
  Result<std::pair<uint64_t, std::string>> head_locked() const;
  /// One request inside the batch's transaction; `size` and `prev` follow the entries added.
  Result<Recorded> record_locked(const Request& request, const crypto::PrivateKey& key, int64_t now, uint64_t& size,
                                 std::string& prev);
  /// One transaction for `batch`: a result each, or the error for all when it is rolled back.
  std::vector<Result<Recorded>> write_batch(const std::vector<Waiter*>& batch, const crypto::PrivateKey& key);
  std::unique_ptr<sqlite3, Closer> m_db;
  std::unique_ptr<std::mutex> m_mutex = std::make_unique<std::mutex>();  // the connection
  std::unique_ptr<Queue> m_queue = std::make_unique<Queue>();
};

}  // namespace auths::witness
