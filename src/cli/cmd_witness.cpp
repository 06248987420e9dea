// auths witness init | serve | verify-log: running a witness (README.md, "Witness receipts").
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "auths/exit_codes.h"
#include "auths/witness/service.h"
#include "commands.h"

namespace auths::cli {

namespace {

struct WitnessInitOptions {
  std::string key;
  bool json = false;
};

struct WitnessServeOptions {
  std::string key;
  std::string db;
  std::string listen = "127.0.0.1:7420";
};

struct WitnessVerifyOptions {
  std::string url;
  double timeout = 10;
  bool json = false;
};

int run_witness_init(const WitnessInitOptions& opts) {
  auto did = witness::init_key_file(opts.key);
  if (!did) return report_error(did.error());
  if (opts.json) {
    print_json({{"did", *did}, {"key", opts.key}});
    return kExitAccepted;
  }
  std::printf("%s\n", did->c_str());
  std::fprintf(stderr, "witness key written to %s (mode 0600); list %s in [witness] keys\n", opts.key.c_str(),
               did->c_str());
  return kExitAccepted;
}

int run_witness_serve(const WitnessServeOptions& opts) {
  const size_t colon = opts.listen.rfind(':');
  witness::ServeOptions serve;
  serve.key_file = opts.key;
  serve.db_file = opts.db;
  bool port_ok = colon != std::string::npos && colon > 0 && colon + 1 < opts.listen.size() &&
                 opts.listen.find_first_not_of("0123456789", colon + 1) == std::string::npos &&
                 opts.listen.size() - colon - 1 <= 5;
  if (port_ok) {
    serve.host = opts.listen.substr(0, colon);
    serve.port = std::stoi(opts.listen.substr(colon + 1));
    port_ok = serve.port <= 65535;
  }
  if (!port_ok) return report_error(Error::invalid_argument("--listen is HOST:PORT (PORT 0: any free port)"));
  if (auto ok = witness::serve(serve); !ok) return report_error(ok.error());
  return kExitAccepted;
}

int run_witness_verify_log(const WitnessVerifyOptions& opts) {
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(opts.timeout * 1000));
  auto verdict = witness::verify_remote_log(opts.url, timeout);
  if (!verdict) {
    if (verdict.error().code == ErrorCode::kCorrupt) {
      if (opts.json) {
        std::printf("%s\n", nlohmann::ordered_json{{"url", opts.url}, {"ok", false}, {"error", verdict.error().message}}
                                .dump(2)
                                .c_str());
      }
      std::fprintf(stderr, "error: the log does not verify: %s\n", verdict.error().to_string().c_str());
      return kExitRejected;
    }
    std::fprintf(stderr, "error: %s\n", verdict.error().to_string().c_str());
    return kExitUndecided;
  }
  if (opts.json) {
    const nlohmann::ordered_json doc = {{"url", opts.url},
                                        {"ok", true},
                                        {"witness", verdict->witness},
                                        {"size", verdict->size},
                                        {"head", verdict->head},
                                        {"receipts", verdict->receipts},
                                        {"duplicities", verdict->duplicities}};
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    std::printf("log of %s at %s verifies: %llu entries (%llu receipts, %llu duplicities), head %s\n",
                verdict->witness.c_str(), opts.url.c_str(), static_cast<unsigned long long>(verdict->size),
                static_cast<unsigned long long>(verdict->receipts),
                static_cast<unsigned long long>(verdict->duplicities), verdict->head.c_str());
  }
  return kExitAccepted;
}

}  // namespace

void register_witness(CLI::App& app, Registry& registry) {
  CLI::App* group = app.add_subcommand("witness", "Run a witness: receipts for commits, an append-only log");
  group->require_subcommand(1);

  auto init_opts = std::make_shared<WitnessInitOptions>();
  CLI::App* init = group->add_subcommand("init", "Make a witness key (Ed25519) and print its did:key");
  init->footer("The key file is unencrypted (mode 0600): a witness signs unattended. Never replaces a file.");
  init->add_option("--key", init_opts->key, "Where to write the key file")->required();
  init->add_flag("--json", init_opts->json,
                 "Print {\"did\": the witness did:key, \"key\": the key file} instead of text");
  registry.push_back({init, [init_opts] { return run_witness_init(*init_opts); }});

  auto serve_opts = std::make_shared<WitnessServeOptions>();
  CLI::App* serve = group->add_subcommand("serve", "Serve receipts over HTTP until SIGINT or SIGTERM");
  serve->footer(
      "POST /v1/receipts (a signed request for a commit's tree and parents: a receipt, or 409 on duplicity), "
      "GET /v1/log?from=N (the hash-chained log), GET /v1/health (witness did:key, log size, signed head). The log "
      "is an SQLite file (WAL); every receipt is on disk before it is answered.\n"
      "A server, so no --json: nothing goes to stdout; its log lines, the first 'listening on http://HOST:PORT as "
      "DID', are text on stderr (GET /v1/health answers in JSON).");
  serve->add_option("--key", serve_opts->key, "The witness key file (auths witness init)")->required();
  serve->add_option("--db", serve_opts->db, "The log (SQLite file, created when absent)")->required();
  serve->add_option("--listen", serve_opts->listen, "HOST:PORT to listen on")->capture_default_str();
  registry.push_back({serve, [serve_opts] { return run_witness_serve(*serve_opts); }});

  auto verify_opts = std::make_shared<WitnessVerifyOptions>();
  CLI::App* verify = group->add_subcommand("verify-log", "Download a witness's log and check it");
  verify->footer(
      "Checks every entry (sequence, hash chain, receipt signatures, no two receipts for one signer and parents, "
      "duplicity evidence) and the head /v1/health signs. Exit status: 0 verifies, 1 does not, 2 could not read it.");
  verify->add_option("url", verify_opts->url, "The witness (http://host:port)")->required();
  verify->add_option("--timeout", verify_opts->timeout, "Seconds per request")->capture_default_str();
  verify->add_flag("--json", verify_opts->json, "Print JSON instead of text");
  registry.push_back({verify, [verify_opts] { return run_witness_verify_log(*verify_opts); }});
}

}  // namespace auths::cli
