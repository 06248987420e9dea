// pre-push: the server's checks, run locally before anything leaves, judged by the policy of
// the remote-tracking refs (what the server has, as far as this clone knows).
#include <unistd.h>

#include "hook_main.h"

int main(int argc, char** argv) {
  return auths::hooks::guarded([&] {
    const auto context = auths::hook_context_from_env();
    if (argc < 2) return auths::hooks::fail_closed("usage: auths-pre-push <remote> [<url>]", context);
    auto input = auths::read_all(STDIN_FILENO, auths::kMaxHookInput);
    if (!input) return auths::hooks::fail_closed(input.error().to_string(), context);
    auto updates = auths::parse_pre_push_input(*input);
    if (!updates) return auths::hooks::fail_closed("bad hook input: " + updates.error().to_string(), context);

    auths::CheckRequest request;
    request.open_from_env = true;
    request.mode = auths::CheckMode::kLocal;
    request.remote = argv[1];
    request.updates = std::move(*updates);
    request.context = context;
    return auths::hooks::decide_and_exit(request);
  });
}
