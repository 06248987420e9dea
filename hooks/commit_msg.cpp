// commit-msg: checks the syntax of Auths-* trailers before the commit is made. Advisory only
// (git commit --no-verify skips it); the server decides.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

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
    if (auto ok = auths::check_commit_message(*message); !ok) {
      std::fprintf(stderr, "error: commit message: %s\n", ok.error().to_string().c_str());
      return auths::kExitRejected;
    }
    return auths::kExitAccepted;
  });
}
