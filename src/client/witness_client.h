// The parts of auths/client/witness_ops.h that unit tests drive on their own: asking witnesses
// in parallel, reading what they answer, and which parents the commit being made has.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "auths/client/witness_ops.h"
#include "policy/policy.h"
#include "witness/receipt.h"

namespace auths::client {

struct WitnessAnswer {
  std::string url;
  std::optional<witness::Receipt> receipt;  // a valid receipt for the request, by a witness of the set
  std::string error;                        // why not (when no receipt)
};

/// Asks every URL at once (a thread each) for a receipt of `request`, each bounded by `timeout`
/// (through `post`), and checks each answer: a receipt for exactly the request's commit, by a
/// witness `set` lists, whose signature verifies. One answer per URL, in order.
std::vector<WitnessAnswer> ask_witnesses(const std::vector<std::string>& urls, const witness::Request& request,
                                         const policy::WitnessSet& set, std::chrono::milliseconds timeout,
                                         const ReceiptPost& post);

/// A witness URL list as `git config auths.witnesses` writes it: separated by spaces or commas.
std::vector<std::string> split_urls(std::string_view text);

/// A timeout as `git config auths.witnessTimeout` writes it: seconds ("3", "0.5", "2s") or
/// milliseconds ("1500ms"), more than 0 and at most 600 s.
Result<std::chrono::milliseconds> parse_timeout(std::string_view text);

/// Whether the command line of git (argv, as /proc/<pid>/cmdline holds it) is a `git commit`
/// that amends HEAD (--amend, or an unambiguous prefix of it; the last of --amend and
/// --no-amend wins).
bool amends(const std::vector<std::string>& argv);

}  // namespace auths::client
