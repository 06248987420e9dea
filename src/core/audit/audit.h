// The audit log: one JSON line per ref decision, appended to the file named by
// `git config auths.auditLog`. Lines are written with one append each, so concurrent pushes
// do not interleave within a line.
#pragma once

#include <cstdint>
#include <string>

#include "auths/result.h"
#include "auths/types.h"
#include "auths/verify.h"

namespace auths::audit {

/// One line per ref update: time, repo, ref, old, new, kind, decision (of the whole push),
/// ref_allowed, codes, pusher, commits (how many objects were judged).
Status append(const std::string& path, const Decision& decision, const HookContext& context, const std::string& repo,
              int64_t now);

}  // namespace auths::audit
