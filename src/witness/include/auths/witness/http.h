// HTTP for the witness client side (cpp-httplib, kept inside src/witness/http_client.cpp): one
// request to a witness with a hard deadline. Used by the commit-msg hook (asking for receipts)
// and `auths witness verify-log` (reading a log).
#pragma once

#include <chrono>
#include <string>

#include "auths/result.h"

namespace auths::witness {

struct HttpReply {
  int status = 0;  // the HTTP status
  std::string body;
};

/// `method` ("GET" or "POST", a JSON body) `path` at the witness `url` (http[s]://host[:port],
/// optionally with a path prefix), answered within `timeout` or abandoned: the connection is
/// shut at the deadline whatever it was doing. kIo ("connection refused", "timed out after
/// 3 s", ...) when no reply came; kInvalidArgument for a URL that is not http(s).
[[nodiscard]] Result<HttpReply> http_request(const std::string& method, const std::string& url, const std::string& path,
                                             const std::string& body, std::chrono::milliseconds timeout);

/// "3 s", "1.5 s", "250 ms": a timeout as messages show it.
std::string format_timeout(std::chrono::milliseconds timeout);

}  // namespace auths::witness
