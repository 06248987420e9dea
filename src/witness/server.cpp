// auths/witness/service.h: the witness key file, the HTTP server over the log, and the check of a
// remote log.
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "auths/witness/http.h"
#include "auths/witness/service.h"
#include "crypto/private_key.h"
#include "file_io.h"
#include "keri/canonical_json.h"
#include "log_store.h"
#include "util/bytes.h"
#include "util/strings.h"
#include "util/time.h"
#include "witness/log.h"
#include "witness/receipt.h"

namespace auths::witness {

namespace {

constexpr std::string_view kKeyType = "auths-witness-key";
constexpr size_t kMaxKeyFile = 4096;
/// Entries per GET /v1/log.
constexpr size_t kLogPage = 1000;
/// The largest /v1/log or /v1/health reply read (a page of large entries fits).
constexpr size_t kMaxReply = 16 * 1024 * 1024;

Result<crypto::PrivateKey> load_key(const std::string& path) {
  auto text = client::read_file(path, kMaxKeyFile);
  if (!text) return text.error();
  auto parsed = keri::parse_json_strict(*text, kMaxKeyFile, 2);
  if (!parsed) return Error::invalid_argument("not a witness key file: " + parsed.error().message, path);
  const nlohmann::json& j = *parsed;
  const bool shaped = j.is_object() && j.size() == 4 && j.value("type", "") == kKeyType && j.contains("version") &&
                      j["version"] == 1 && j.contains("did") && j["did"].is_string() && j.contains("seed") &&
                      j["seed"].is_string();
  if (!shaped) return Error::invalid_argument("not a witness key file (auths witness init makes one)", path);
  auto seed = util::hex_decode(j["seed"].get<std::string>());
  if (!seed || seed->size() != 32) return Error::invalid_argument("the seed is not 64 hex digits", path);
  auto key = crypto::PrivateKey::from_raw(crypto::KeyType::kEd25519, *seed);
  std::fill(seed->begin(), seed->end(), 0);
  if (!key) return key.error();
  auto did = key->public_key().to_did_key();
  if (!did || *did != j["did"].get<std::string>())
    return Error::invalid_argument("the did does not match the seed (edited?)", path);
  return key;
}

void reply_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void reply_error(httplib::Response& res, int status, std::string_view error, const std::string& reason) {
  reply_json(res, status, {{"error", error}, {"reason", reason}});
}

/// A decimal query parameter (digits only, at most 18), or nullopt.
std::optional<uint64_t> number_param(const httplib::Request& req, const char* name, uint64_t fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoull(text);
}

/// The witness's routes over `store`.
class Routes {
 public:
  Routes(LogStore& store, const crypto::PrivateKey& key, std::string did, std::function<void(const std::string&)> log)
      : m_store(store), m_key(key), m_did(std::move(did)), m_log(std::move(log)) {}

  void receipts(const httplib::Request& req, httplib::Response& res) {
    auto request = parse_request(req.body);
    if (!request) return reply_error(res, 400, "bad-request", request.error().to_string());
    if (auto ok = verify_request(*request); !ok) return reply_error(res, 403, "bad-signature", ok.error().message);
    auto recorded = m_store.record(*request, m_key, util::now_unix());
    if (!recorded) {
      m_log("error: " + recorded.error().to_string());
      return reply_error(res, 500, "internal", "the log could not record the request");
    }
    const Receipt& receipt = recorded->receipt;
    if (recorded->kind == Recorded::Kind::kDuplicity) {
      const std::string why = "duplicity: signer " + util::printable(request->commit.signer, 120) + " asked for tree " +
                              request->commit.tree + " on parents [" + util::join(request->commit.parents, " ") +
                              "], already receipted for tree " + receipt.commit.tree;
      m_log(why + " (log entry " + std::to_string(receipt.seq) + "; refusal logged at entry " +
            std::to_string(recorded->conflict_seq) + ")");
      return reply_json(res, 409,
                        {{"error", "duplicity"},
                         {"reason", why},
                         {"signer", request->commit.signer},
                         {"parents", request->commit.parents},
                         {"tree", request->commit.tree},
                         {"first_tree", receipt.commit.tree},
                         {"first_seq", receipt.seq},
                         {"conflict_seq", recorded->conflict_seq}});
    }
    auto text = receipt_json(receipt);
    if (!text) return reply_error(res, 500, "internal", text.error().message);
    res.status = 200;
    res.set_content(*text, "application/json");
  }

  void log(const httplib::Request& req, httplib::Response& res) {
    const auto from = number_param(req, "from", 0);
    const auto limit = number_param(req, "limit", kLogPage);
    if (!from || !limit) return reply_error(res, 400, "bad-request", "'from' and 'limit' are decimal numbers");
    auto head = m_store.head();
    auto entries = m_store.entries(*from, std::min<uint64_t>(*limit, kLogPage));
    if (!head || !entries) return reply_error(res, 500, "internal", "the log could not be read");
    // The entries as stored (RFC 8785 texts), verbatim.
    std::string body = R"({"entries":[)" + util::join(*entries, ",") + R"(],"from":)" + std::to_string(*from) +
                       R"(,"size":)" + std::to_string(head->first) + R"(,"witness":")" + m_did + R"("})";
    res.status = 200;
    res.set_content(body, "application/json");
  }

  void health(const httplib::Request&, httplib::Response& res) {
    auto head = m_store.head();
    if (!head) return reply_error(res, 500, "internal", "the log could not be read");
    auto signature = sign_head(m_key, head->first, head->second);
    if (!signature) return reply_error(res, 500, "internal", signature.error().message);
    reply_json(res, 200,
               {{"status", "ok"},
                {"version", 1},
                {"witness", m_did},
                {"log_size", head->first},
                {"head", head->second},
                {"head_signature", *signature}});
  }

 private:
  LogStore& m_store;
  const crypto::PrivateKey& m_key;
  std::string m_did;
  std::function<void(const std::string&)> m_log;
};

/// GET `path` of the witness as JSON.
Result<nlohmann::json> get_json(const std::string& url, const std::string& path, std::chrono::milliseconds timeout) {
  auto reply = http_request("GET", url, path, "", timeout);
  if (!reply) return reply.error();
  if (reply->status != 200)
    return Error::io("GET " + path + " answered HTTP " + std::to_string(reply->status), util::printable(url, 80));
  auto parsed = keri::parse_json_strict(reply->body, kMaxReply, 8);
  if (!parsed || !parsed->is_object())
    return Error::corrupt("GET " + path + " answered something that is not a JSON object", util::printable(url, 80));
  return std::move(*parsed);
}

}  // namespace

Result<std::string> init_key_file(const std::string& path) {
  auto key = crypto::PrivateKey::generate(crypto::KeyType::kEd25519);
  if (!key) return key.error();
  auto did = key->public_key().to_did_key();
  if (!did) return did.error();
  util::Bytes seed = key->raw();
  const nlohmann::ordered_json j = {
      {"type", kKeyType}, {"version", 1}, {"did", *did}, {"seed", util::hex_encode(seed)}};
  std::fill(seed.begin(), seed.end(), 0);
  const std::filesystem::path file = std::filesystem::absolute(path);
  if (auto ok = client::write_file(file, j.dump(2) + "\n", 0600, /*replace=*/false); !ok) return ok.error();
  return *did;
}

Result<std::string> key_file_did(const std::string& path) {
  auto key = load_key(path);
  if (!key) return key.error();
  return key->public_key().to_did_key();
}

Status serve(const ServeOptions& options) {
  const auto log = options.log ? options.log : [](const std::string& line) {
    std::fprintf(stderr, "auths witness: %s\n", line.c_str());
    std::fflush(stderr);
  };
  auto key = load_key(options.key_file);
  if (!key) return key.error();
  auto did = key->public_key().to_did_key();
  if (!did) return did.error();
  auto store = LogStore::open(options.db_file, key->public_key());
  if (!store) return store.error();

  httplib::Server server;
  server.set_payload_max_length(kMaxRequestBytes);  // larger bodies: 413, unread
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_keep_alive_timeout(5);
  server.set_tcp_nodelay(true);
  Routes routes(*store, *key, *did, log);
  server.Post("/v1/receipts",
              [&routes](const httplib::Request& req, httplib::Response& res) { routes.receipts(req, res); });
  server.Get("/v1/log", [&routes](const httplib::Request& req, httplib::Response& res) { routes.log(req, res); });
  server.Get("/v1/health", [&routes](const httplib::Request& req, httplib::Response& res) { routes.health(req, res); });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string error = res.status == 404   ? "not-found"
                              : res.status == 413 ? "too-large"
                                                  : "http-" + std::to_string(res.status);
    reply_error(res, res.status, error,
                res.status == 413 ? "a request is at most " + std::to_string(kMaxRequestBytes) + " bytes"
                                  : "no such route (POST /v1/receipts, GET /v1/log, GET /v1/health)");
  });
  server.set_exception_handler([&log](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      log(std::string("error: ") + e.what());
    } catch (...) {
      log("error: unknown exception");
    }
    reply_error(res, 500, "internal", "the witness failed on this request");
  });

  // SIGINT and SIGTERM end the server: blocked in every thread (the server's pool inherits the
  // mask), taken by one that stops it.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);
  int port = options.port;
  const bool bound =
      port == 0 ? (port = server.bind_to_any_port(options.host)) > 0 : server.bind_to_port(options.host, port);
  if (!bound) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return Error::io("cannot listen on " + options.host + ":" + std::to_string(options.port));
  }
  auto head = store->head();
  log("listening on http://" + options.host + ":" + std::to_string(port) + " as " + *did +
      " (log: " + std::to_string(head ? head->first : 0) + " entries)");
  std::thread stopper([&server, &stop_signals] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    server.stop();
  });
  const bool listened = server.listen_after_bind();
  pthread_kill(stopper.native_handle(), SIGTERM);  // wakes the stopper when listening ended otherwise
  stopper.join();
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (!listened) return Error::io("the server stopped listening on " + options.host + ":" + std::to_string(port));
  log("stopped");
  return {};
}

Result<LogVerdict> verify_remote_log(const std::string& url, std::chrono::milliseconds timeout) {
  auto health = get_json(url, "/v1/health", timeout);
  if (!health) return health.error();
  const nlohmann::json& h = *health;
  const bool shaped = h.contains("witness") && h["witness"].is_string() && h.contains("log_size") &&
                      h["log_size"].is_number_unsigned() && h.contains("head") && h["head"].is_string() &&
                      h.contains("head_signature") && h["head_signature"].is_string();
  if (!shaped) return Error::corrupt("/v1/health lacks witness, log_size, head or head_signature", url);
  LogVerdict verdict;
  verdict.witness = h["witness"].get<std::string>();
  const uint64_t announced = h["log_size"].get<uint64_t>();
  const std::string announced_head = h["head"].get<std::string>();
  if (auto ok = verify_head(verdict.witness, announced, announced_head, h["head_signature"].get<std::string>()); !ok)
    return Error::corrupt(ok.error().message, url);

  LogVerifier verifier(verdict.witness);
  std::string head_at_announced = announced == 0 ? std::string(kGenesisPrev) : "";
  for (;;) {
    auto page = get_json(url, "/v1/log?from=" + std::to_string(verifier.size()), timeout);
    if (!page) return page.error();
    const nlohmann::json& p = *page;
    if (!p.contains("entries") || !p["entries"].is_array() || p.value("witness", "") != verdict.witness)
      return Error::corrupt("/v1/log answered no entries of " + verdict.witness, url);
    if (p["entries"].empty()) break;
    for (const auto& entry : p["entries"]) {
      auto text = keri::canonicalize(entry);
      if (!text)
        return Error::corrupt("log entry " + std::to_string(verifier.size()) + ": " + text.error().message, url);
      if (auto ok = verifier.add(*text); !ok) return Error{ok.error().code, ok.error().to_string(), url};
      if (verifier.size() == announced) head_at_announced = verifier.head();
    }
  }
  if (verifier.size() < announced) {
    return Error::corrupt("the log has " + std::to_string(verifier.size()) + " entries, /v1/health announced " +
                              std::to_string(announced) + ": entries were lost",
                          url);
  }
  if (head_at_announced != announced_head) {
    return Error::corrupt("the signed head of /v1/health is not the hash of entry " + std::to_string(announced - 1) +
                              " of the log served: the log was rewritten",
                          url);
  }
  verdict.size = verifier.size();
  verdict.head = verifier.head();
  verdict.receipts = verifier.receipts();
  verdict.duplicities = verifier.duplicities();
  return verdict;
}

}  // namespace auths::witness
