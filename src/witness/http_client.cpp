// auths/witness/http.h over cpp-httplib, with a watchdog that shuts the connection at the
// deadline (httplib's own timeouts bound each phase, not the request).
#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "auths/witness/http.h"
#include "util/strings.h"

namespace auths::witness {

namespace {

/// "scheme://host[:port]" and the path prefix of a witness URL ("" or "/prefix").
struct UrlParts {
  std::string base;
  std::string prefix;
};

Result<UrlParts> split_url(const std::string& url) {
  const bool http = util::starts_with(url, "http://");
  if (!http && !util::starts_with(url, "https://"))
    return Error::invalid_argument("a witness URL is http:// or https://", util::printable(url, 80));
  const size_t host = url.find("://") + 3;
  const size_t slash = url.find('/', host);
  UrlParts parts{url.substr(0, slash), slash == std::string::npos ? "" : url.substr(slash)};
  while (!parts.prefix.empty() && parts.prefix.back() == '/') parts.prefix.pop_back();
  if (parts.base.size() == host) return Error::invalid_argument("a witness URL names a host", util::printable(url, 80));
  return parts;
}

}  // namespace

std::string format_timeout(std::chrono::milliseconds timeout) {
  const auto ms = timeout.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  if (ms > 1000) return std::to_string(ms / 1000) + "." + std::to_string((ms % 1000) / 100) + " s";
  return std::to_string(ms) + " ms";
}

Result<HttpReply> http_request(const std::string& method, const std::string& url, const std::string& path,
                               const std::string& body, std::chrono::milliseconds timeout) {
  auto parts = split_url(url);
  if (!parts) return parts.error();
  httplib::Client client(parts->base);
  if (!client.is_valid()) return Error::invalid_argument("not a usable witness URL", util::printable(url, 80));
  // httplib's own timeouts a little later than the deadline: the watchdog decides.
  const auto phase = timeout + std::chrono::milliseconds(500);
  client.set_connection_timeout(phase);
  client.set_read_timeout(phase);
  client.set_write_timeout(phase);
  client.set_keep_alive(false);
  client.set_tcp_nodelay(true);  // headers and body are two writes: no wait for the ACK between

  // The watchdog: at the deadline it shuts the connection, again every 20 ms until the request
  // returns (a connection opened after the first stop is shut by the next).
  std::mutex mutex;
  std::condition_variable changed;
  bool done = false;
  bool expired = false;
  std::thread watchdog([&] {
    std::unique_lock<std::mutex> lock(mutex);
    if (changed.wait_for(lock, timeout, [&] { return done; })) return;
    expired = true;
    while (!done) {
      client.stop();
      changed.wait_for(lock, std::chrono::milliseconds(20), [&] { return done; });
    }
  });
  const std::string target = parts->prefix + path;
  httplib::Result reply = method == "POST" ? client.Post(target, body, "application/json") : client.Get(target);
  {
    const std::lock_guard<std::mutex> lock(mutex);
    done = true;
  }
  changed.notify_all();
  watchdog.join();

  if (expired && (!reply || reply->status <= 0)) {
    return Error::io("no answer within " + format_timeout(timeout), util::printable(url, 80));
  }
  if (!reply) {
    const httplib::Error error = reply.error();
    std::string why = "request failed (" + httplib::to_string(error) + ")";
    if (error == httplib::Error::Connection) why = "cannot connect (down, or nothing listens there)";
    if (error == httplib::Error::ConnectionTimeout) why = "no connection within " + format_timeout(timeout);
    if (error == httplib::Error::Read) why = "the connection broke before an answer";
    return Error::io(why, util::printable(url, 80));
  }
  return HttpReply{reply->status, reply->body};
}

}  // namespace auths::witness
