// The witness service (README.md, "Witness receipts"): `auths witness init` (a key file),
// `auths witness serve` (the HTTP API over the log of src/witness/log_store.h) and
// `auths witness verify-log` (a log's hash chain and receipts, checked from outside).
//
//   POST /v1/receipts       {"tree", "parents", "signer", "identity", "signature"} -> 200 the
//                           receipt (RFC 8785 JSON); the same request again -> the same receipt;
//                           another tree on the same (signer, parents) -> 409 {"error":
//                           "duplicity", "tree", "first_tree", ...}, logged; 400 {"error",
//                           "reason"} for a malformed request, 403 when its signature does not
//                           verify, 413 over 16 KiB
//   GET  /v1/log?from=N     {"witness", "size", "from", "entries": [...]}, at most 1000 entries
//   GET  /v1/health         {"status": "ok", "witness", "log_size", "head", "head_signature"}
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "auths/result.h"

namespace auths::witness {

/// A new witness key (Ed25519) in a file of mode 0600 at `path`, never over an existing file;
/// returns its did:key (what policies list in [witness] keys).
[[nodiscard]] Result<std::string> init_key_file(const std::string& path);
/// The did:key of the witness key in `path`.
[[nodiscard]] Result<std::string> key_file_did(const std::string& path);

struct ServeOptions {
  std::string key_file;
  std::string db_file;
  std::string host = "127.0.0.1";
  int port = 0;
  /// One line per event (listening, duplicity): to stderr by default.
  std::function<void(const std::string&)> log;
};

/// Serves until SIGINT or SIGTERM (then returns normally). An Error when the key, the log or
/// the address cannot be used.
[[nodiscard]] Status serve(const ServeOptions& options);

struct LogVerdict {
  std::string witness;  // did:key from /v1/health
  uint64_t size = 0;
  std::string head;
  uint64_t receipts = 0;
  uint64_t duplicities = 0;
};

/// Downloads the log of the witness at `url` page by page and checks it (witness/log.h,
/// LogVerifier), then the signed head of /v1/health against it. kCorrupt when the log does not
/// verify (the message says which entry and why); kIo when the witness cannot be read.
[[nodiscard]] Result<LogVerdict> verify_remote_log(const std::string& url, std::chrono::milliseconds timeout);

}  // namespace auths::witness
