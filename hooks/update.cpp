// update: the same checks for one ref, called by git once per ref as
// `update <ref-name> <old-oid> <new-oid>`; a refusal rejects only that ref.
#include <string>

#include "hook_main.h"

int main(int argc, char** argv) {
  return auths::hooks::guarded([&] {
    const auto context = auths::hook_context_from_env();
    if (argc != 4) return auths::hooks::fail_closed("usage: auths-update <ref-name> <old-oid> <new-oid>", context);
    auto update = auths::parse_update_args(argv[1], argv[2], argv[3]);
    if (!update) return auths::hooks::fail_closed("bad hook input: " + update.error().to_string(), context);

    auths::CheckRequest request;
    request.open_from_env = true;
    request.updates = {*update};
    request.write_audit = true;
    request.context = context;
    return auths::hooks::decide_and_exit(request);
  });
}
