// pre-receive: decides the whole push at once (githooks(5)). Objects are still in git's
// quarantine directory; check_push opens the repository from the environment to see them.
#include <unistd.h>

#include "hook_main.h"

int main() {
  return auths::hooks::guarded([] {
    const auto context = auths::hook_context_from_env();
    auto input = auths::read_all(STDIN_FILENO, auths::kMaxHookInput);
    if (!input) return auths::hooks::fail_closed(input.error().to_string(), context);
    auto updates = auths::parse_pre_receive_input(*input);
    if (!updates) return auths::hooks::fail_closed("bad hook input: " + updates.error().to_string(), context);

    auths::CheckRequest request;
    request.open_from_env = true;
    request.updates = std::move(*updates);
    request.write_audit = true;
    request.context = context;
    return auths::hooks::decide_and_exit(request);
  });
}
