// auths-sign: git's gpg.ssh.program. `-Y sign -f auths:<alias>` signs with a stored key; every
// other command line goes to ssh-keygen unchanged. Exit status as ssh-keygen's: 0 on success,
// 255 when signing failed (the reason is on stderr, which git shows).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "auths/client/sign_tool.h"

namespace {

constexpr int kExitSignFailed = 255;  // ssh-keygen exits with -1 from sig_sign

int exec_ssh_keygen(char** argv) {
  static char ssh_keygen[] = "ssh-keygen";
  argv[0] = ssh_keygen;
  ::execvp(ssh_keygen, argv);
  std::fprintf(stderr, "auths-sign: cannot run ssh-keygen: %s\n", std::strerror(errno));
  return kExitSignFailed;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto request = auths::client::parse_auths_sign_args(args);
    if (!request) {
      std::fprintf(stderr, "auths-sign: %s\n", request.error().to_string().c_str());
      return kExitSignFailed;
    }
    if (!request->has_value()) return exec_ssh_keygen(argv);
    const auto signed_ok = auths::client::run_auths_sign(**request, STDIN_FILENO, STDOUT_FILENO);
    if (!signed_ok) {
      std::fprintf(stderr, "auths-sign: %s\n", signed_ok.error().to_string().c_str());
      return kExitSignFailed;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "auths-sign: internal error: %s\n", e.what());
    return kExitSignFailed;
  }
}
