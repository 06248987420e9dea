// What the commit-msg hook does about witness receipts (README.md, "Witness receipts"): when
// the policy at HEAD requires them on the branch being committed to, ask the witnesses in
// parallel for receipts of the commit being made (its tree and parents), each within a
// timeout, and put the receipts in the message in place of any stale ones.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auths/result.h"

namespace auths::client {

/// POSTs `body` to POST /v1/receipts of the witness at `url`, answered within `timeout`: the
/// HTTP status and body, or an Error saying why no answer came (the hook passes
/// witness::http_request of src/witness/).
using ReceiptPost = std::function<Result<std::pair<int, std::string>>(const std::string& url, const std::string& body,
                                                                      std::chrono::milliseconds timeout)>;

struct WitnessedMessage {
  std::string message;  // the commit message with the receipts (folded trailers)
  int threshold = 1;
  int receipts = 0;                // distinct witnesses whose receipts the message carries
  std::vector<std::string> notes;  // one line per witness that gave no receipt, and why
};

/// The commit message `message` of the commit being made in the repository at `repo_path`
/// (opened as hooks are: GIT_DIR, GIT_INDEX_FILE) with receipts, or nullopt when none are asked:
/// no [witness] in the policy of HEAD's tree, or the branch's rule does not set
/// require_log = "witness" (unless `git config auths.witnessMode always`). Witnesses are asked
/// at the URLs of `git config auths.witnesses` (space- or comma-separated), else [witness]
/// urls; each within `git config auths.witnessTimeout` (seconds, default 3). The request is
/// signed through git's signing program with user.signingKey (src/client/git_signer.h). An
/// Error when fewer than the threshold gave a valid receipt: its message names each witness
/// that did not, and why.
[[nodiscard]] Result<std::optional<WitnessedMessage>> witness_commit_message(const std::string& repo_path,
                                                                             std::string_view message,
                                                                             const ReceiptPost& post);

}  // namespace auths::client
