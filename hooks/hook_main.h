// What every hook main does after it has read its input: decide, print, exit. Kept here so
// each main is only about its own input format.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "auths/exit_codes.h"
#include "auths/verify.h"

namespace auths::hooks {

inline int print_and_exit(const Decision& decision, const HookContext& context) {
  for (const auto& line : render_messages(decision, context)) std::fprintf(stderr, "%s\n", line.c_str());
  // Where the time went (README, "Performance"; scripts/bench/startup.sh prints these).
  if (const char* trace = std::getenv("AUTHS_TRACE_PHASES"); trace != nullptr && std::string(trace) == "1") {
    for (const auto& phase : decision.phases) {
      std::fprintf(stderr, "auths-trace: %s %lld\n", phase.name.c_str(), static_cast<long long>(phase.micros));
    }
  }
  return exit_code(decision.outcome);
}

/// Decides `request`, prints the lines (as the server configuration's `messages:` says) and
/// returns the exit status. In warn mode or with a break-glass override a refused push is
/// accepted: the lines say what was overruled, and the status is 0.
inline int decide_and_exit(CheckRequest& request) {
  const Decision decision = decide(request);
  return print_and_exit(decision, request.context);
}

/// For input that could not even be parsed: refuse, say why, exit 2.
inline int fail_closed(const std::string& why, const HookContext& context) {
  const std::string summary = "auths: push rejected: could not decide (fail closed): " + why;
  std::fprintf(stderr, "%s\n", summary.c_str());
  if (context.gitlab) std::fprintf(stderr, "GL-HOOK-ERR: %s\n", summary.c_str());
  return kExitUndecided;
}

/// Runs `body`, turning any escaping exception into a fail-closed exit.
template <typename Body>
int guarded(Body body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return fail_closed(std::string("internal error: ") + e.what(), hook_context_from_env());
  } catch (...) {
    return fail_closed("internal error", hook_context_from_env());
  }
}

}  // namespace auths::hooks
