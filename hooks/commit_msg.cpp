// commit-msg: adds the Auths-Id / Auths-Device trailers when git signs with an auths device key
// (user.signingKey=auths:<alias>), then checks the syntax of Auths-* trailers. Advisory only
// (git commit --no-verify skips it); the server decides, and never on trailers alone.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "auths/client/trailers.h"
#include "hook_main.h"

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
    if (auto ok = auths::check_commit_message(*message); !ok) {
      std::fprintf(stderr, "error: commit message: %s\n", ok.error().to_string().c_str());
      return auths::kExitRejected;
    }
    return auths::kExitAccepted;
  });
}
