// How keri functions report why a record is refused: an Error with the message, and the Reason
// in an optional out-parameter (kOk when there is none), never folded into the message.
#pragma once

#include "auths/reason.h"
#include "auths/result.h"

namespace auths::keri {

/// Sets `*out` (when given) to `reason` and returns `error` (for a Status or a Result<T>).
inline Error refuse(Reason reason, Reason* out, Error error) {
  if (out != nullptr) *out = reason;
  return error;
}

/// Sets `*out` (when given) to kOk and returns success.
inline Status accept(Reason* out) {
  if (out != nullptr) *out = Reason::kOk;
  return {};
}

}  // namespace auths::keri
