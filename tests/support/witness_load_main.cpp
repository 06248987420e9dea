// auths-witness-load: the load of scripts/bench/witness-load.sh against one witness:
//
//   auths-witness-load URL REQUESTS CLIENTS
//
// makes REQUESTS receipt requests for distinct commits (other parents each, signed in-process
// with a fresh Ed25519 key: a run never conflicts with an earlier one on the same log), then
// sends them from CLIENTS threads at once, each a new connection (auths/witness/http.h), and
// checks every answer: HTTP 200, a receipt for exactly that commit, signed by the witness, its
// log entry its own. Prints one line: requests, clients, errors, seconds, requests per second,
// and the witness and the lowest and highest seq it answered; exit 0 only without errors and
// with as many distinct log entries as requests.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "auths/witness/http.h"
#include "crypto/private_key.h"
#include "sshsig/sign.h"
#include "util/bytes.h"
#include "witness/receipt.h"

namespace aw = auths::witness;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: auths-witness-load URL REQUESTS CLIENTS\n");
    return 2;
  }
  const std::string url = argv[1];
  const size_t requests = std::stoul(argv[2]);
  const unsigned clients = static_cast<unsigned>(std::stoul(argv[3]));
  auto key = auths::crypto::PrivateKey::generate(auths::crypto::KeyType::kEd25519);
  if (!key) return 2;

  // The requests, signed before the clock starts (on every client's thread).
  std::vector<std::string> bodies(requests);
  std::vector<aw::CommitClaim> claims(requests);
  {
    std::vector<std::jthread> signers;
    for (unsigned t = 0; t < clients; ++t) {
      signers.emplace_back([&, t] {
        for (size_t i = t; i < requests; i += clients) {
          char parent[41];
          std::snprintf(parent, sizeof parent, "%040zx", i + 1);
          claims[i] = aw::CommitClaim{std::string(40, 'a'), {parent}, key->public_key().to_ssh_line(), ""};
          const std::string bytes = aw::request_signed_bytes(claims[i]).value();
          auto blob = auths::sshsig::sign(*key, auths::util::byte_span(bytes), aw::kRequestNamespace);
          if (blob) bodies[i] = aw::request_json(aw::Request{claims[i], auths::sshsig::armor(*blob)}).value();
        }
      });
    }
  }

  std::atomic<size_t> next{0};
  std::atomic<size_t> errors{0};
  std::mutex mutex;
  std::set<uint64_t> seqs;
  std::string witness;
  const auto start = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> threads;
    for (unsigned t = 0; t < clients; ++t) {
      threads.emplace_back([&] {
        for (size_t i = next++; i < requests; i = next++) {
          auto reply = aw::http_request("POST", url, "/v1/receipts", bodies[i], std::chrono::seconds(30));
          std::string why;
          if (!reply) {
            why = reply.error().to_string();
          } else if (reply->status != 200) {
            why = "HTTP " + std::to_string(reply->status) + ": " + reply->body;
          } else if (auto receipt = aw::parse_receipt(reply->body); !receipt) {
            why = receipt.error().to_string();
          } else if (!(receipt->commit == claims[i]) || !aw::verify_receipt_signature(*receipt)) {
            why = "a receipt for another commit, or not signed by its witness";
          } else {
            const std::lock_guard<std::mutex> lock(mutex);
            seqs.insert(receipt->seq);
            witness = receipt->witness;
            continue;
          }
          if (errors++ < 5) std::fprintf(stderr, "error: request %zu: %s\n", i, why.c_str());
        }
      });
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("requests %zu clients %u errors %zu entries %zu seconds %.2f requests/s %.1f witness %s seq %llu-%llu\n",
              requests, clients, errors.load(), seqs.size(), seconds, static_cast<double>(requests) / seconds,
              witness.c_str(), seqs.empty() ? 0ULL : static_cast<unsigned long long>(*seqs.begin()),
              seqs.empty() ? 0ULL : static_cast<unsigned long long>(*seqs.rbegin()));
  return errors == 0 && seqs.size() == requests ? 0 : 1;
}
