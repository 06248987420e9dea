// post-receive: git runs it after it has updated the refs, with the updates it really applied
// on stdin ("<old> <new> <ref>" per line). The pending records pre-receive (or update) wrote
// for those updates become the server's record of what it accepted (state/store.h). git
// ignores this hook's exit status; a failure is printed as a warning and only makes later
// checks stricter.
#include <unistd.h>

#include <cstdio>

#include "hook_main.h"

int main() {
  return auths::hooks::guarded([] {
    auto input = auths::read_all(STDIN_FILENO, auths::kMaxHookInput);
    if (!input) {
      std::fprintf(stderr, "auths: warning: cannot record the accepted push: %s\n", input.error().to_string().c_str());
      return 0;
    }
    auto updates = auths::parse_pre_receive_input(*input);
    if (!updates) {
      std::fprintf(stderr, "auths: warning: cannot record the accepted push: %s\n",
                   updates.error().to_string().c_str());
      return 0;
    }
    auto recorded = auths::record_applied_updates(".", /*open_from_env=*/true, *updates);
    if (!recorded) {
      std::fprintf(stderr, "auths: warning: cannot record the accepted push: %s\n",
                   recorded.error().to_string().c_str());
    }
    return 0;
  });
}
