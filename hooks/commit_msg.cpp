// commit-msg: adds the Auths-Id / Auths-Device trailers when git signs with an auths device key
// (user.signingKey=auths:<alias>), the Auths-Witness-Receipt trailers when the policy requires
// witness receipts on the branch (README.md, "Witness receipts": fewer than the threshold stops
// the commit), then checks the syntax of Auths-* trailers. Advisory only (git commit
// --no-verify skips it); the server decides, and never on trailers alone.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "auths/client/trailers.h"
#include "auths/client/witness_ops.h"
#include "auths/witness/http.h"
#include "hook_main.h"

namespace {

/// Receipts through HTTP (src/witness/http_client.cpp).
auths::Result<std::pair<int, std::string>> post_receipt(const std::string& url, const std::string& body,
                                                        std::chrono::milliseconds timeout) {
  auto reply = auths::witness::http_request("POST", url, "/v1/receipts", body, timeout);
  if (!reply) return reply.error();
  return std::make_pair(reply->status, std::move(reply->body));
}

/// The message with witness receipts when the policy asks for them; false (after saying why)
/// when the commit must not be made.
bool add_receipts(const char* path, std::string& message) {
  auto witnessed = auths::client::witness_commit_message(".", message, &post_receipt);
  if (!witnessed) {
    std::fprintf(stderr, "error: witness receipts: %s\n", witnessed.error().to_string().c_str());
    return false;
  }
  if (!witnessed->has_value()) return true;
  const auths::client::WitnessedMessage& w = **witnessed;
  if (w.receipts < w.threshold) {
    std::fprintf(stderr, "error: witness receipts: %d of the %d the policy requires; the commit was not made\n",
                 w.receipts, w.threshold);
    for (const auto& note : w.notes) std::fprintf(stderr, "  no receipt from %s\n", note.c_str());
    std::fprintf(stderr,
                 "hint: start the witnesses, or point git config auths.witnesses at them; 'git commit --no-verify' "
                 "skips this check, and the server then refuses the commit (witness-quorum-not-met)\n");
    return false;
  }
  for (const auto& note : w.notes) std::fprintf(stderr, "warning: no receipt from %s\n", note.c_str());
  if (w.message == message) return true;
  if (auto written = auths::client::rewrite_file(path, w.message); !written) {
    std::fprintf(stderr, "error: commit message: %s\n", written.error().to_string().c_str());
    return false;
  }
  message = w.message;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  return auths::hooks::guarded([&] {
    if (argc != 2) {
      std::fprintf(stderr, "usage: auths-commit-msg <message-file>\n");
      return auths::kExitUndecided;
    }
    const int fd = ::open(argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::fprintf(stderr, "error: cannot read commit message file '%s'\n", argv[1]);
      return auths::kExitUndecided;
    }
    auto message = auths::read_all(fd, 1u << 20);
    ::close(fd);
    if (!message) {
      std::fprintf(stderr, "error: commit message: %s\n", message.error().to_string().c_str());
      return auths::kExitUndecided;
    }
    // The hook runs in the repository's work tree (or with GIT_DIR set).
    if (const auto claims = auths::client::signing_claims("."); !claims) {
      std::fprintf(stderr, "warning: no Auths trailers added: %s\n", claims.error().to_string().c_str());
    } else if (claims->has_value()) {
      std::string updated = auths::client::add_claim_trailers(*message, **claims);
      if (updated != *message) {
        if (auto written = auths::client::rewrite_file(argv[1], updated); !written) {
          std::fprintf(stderr, "error: commit message: %s\n", written.error().to_string().c_str());
          return auths::kExitUndecided;
        }
        *message = std::move(updated);
      }
    }
    if (!add_receipts(argv[1], *message)) return auths::kExitRejected;
    if (auto ok = auths::check_commit_message(*message); !ok) {
      std::fprintf(stderr, "error: commit message: %s\n", ok.error().to_string().c_str());
      return auths::kExitRejected;
    }
    return auths::kExitAccepted;
  });
}
