// auths/client/witness_ops.h and witness_client.h: receipts for the commit being made.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "auths/client/trailers.h"
#include "engine/policy_in_force.h"
#include "git/repository.h"
#include "git_signer.h"
#include "keri/canonical_json.h"
#include "util/strings.h"
#include "witness/receipt.h"
#include "witness_client.h"

namespace auths::client {

namespace {

constexpr std::chrono::milliseconds kDefaultTimeout{3000};
constexpr size_t kMaxAnswer = 64 * 1024;

/// What a witness said, as one line.
std::string refusal(int status, const std::string& body) {
  auto parsed = keri::parse_json_strict(body, kMaxAnswer, 4);
  const nlohmann::json* j = parsed && parsed->is_object() ? &*parsed : nullptr;
  if (status == 409 && j != nullptr && j->value("error", "") == "duplicity") {
    return "duplicity: this witness already receipted tree " + util::printable(j->value("first_tree", "?"), 40) +
           " on these parents for your key (this commit's tree is " + util::printable(j->value("tree", "?"), 40) +
           "); a witnessed commit's content cannot change on the same parents: commit on top of it instead";
  }
  std::string why = j != nullptr ? j->value("reason", "") : "";
  if (why.empty()) why = util::printable(body, 120);
  return "HTTP " + std::to_string(status) + ": " + util::printable(why, 300);
}

/// The answer of one witness to `request`.
WitnessAnswer answer_of(const std::string& url, const Result<std::pair<int, std::string>>& reply,
                        const witness::Request& request, const policy::WitnessSet& set) {
  WitnessAnswer answer{url, std::nullopt, ""};
  if (!reply) {
    answer.error = reply.error().message;
    return answer;
  }
  if (reply->first != 200) {
    answer.error = refusal(reply->first, reply->second);
    return answer;
  }
  auto receipt = witness::parse_receipt(reply->second);
  if (!receipt) {
    answer.error = "answered something that is not a receipt: " + receipt.error().to_string();
    return answer;
  }
  const std::vector<std::string> value{witness::encode_trailer_value(*receipt).value()};
  const witness::Tally tally = witness::tally_receipts(value, request.commit, set);
  if (tally.verified != 1) {
    answer.error = "its receipt does not count: " + tally.not_counted();
    return answer;
  }
  answer.receipt = std::move(*receipt);
  return answer;
}

std::vector<std::string> split_nul(const std::string& bytes) {
  std::vector<std::string> out;
  std::string current;
  for (const char c : bytes) {
    if (c == '\0') {
      out.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

std::string read_small(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string out(64 * 1024, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

/// Is the `git commit` that runs this hook amending? The nearest git among the hook's ancestors
/// (Linux: /proc) says, by its command line: git hands a hook nothing else that tells.
bool git_commit_amends() {
  pid_t pid = ::getppid();
  for (int depth = 0; depth < 8 && pid > 1; ++depth) {
    const std::string dir = "/proc/" + std::to_string(pid);
    const std::vector<std::string> argv = split_nul(read_small(dir + "/cmdline"));
    if (!argv.empty() && std::filesystem::path(argv.front()).filename() == "git") return amends(argv);
    const std::string stat = read_small(dir + "/stat");
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream fields(stat.substr(close + 1));
    std::string state;
    long parent = 0;
    if (!(fields >> state >> parent)) return false;
    pid = static_cast<pid_t>(parent);
  }
  return false;
}

/// The parents of the commit being made: HEAD's own when amending, else HEAD and MERGE_HEAD's.
Result<std::vector<std::string>> commit_parents(const git::Repository& repo, const Oid& head) {
  std::vector<std::string> out;
  if (git_commit_amends()) {
    auto commit = repo.read_commit(head);
    if (!commit) return commit.error();
    for (const Oid& parent : commit->parents) out.push_back(parent.hex());
    return out;
  }
  out.push_back(head.hex());
  std::istringstream merge_heads(read_small(std::filesystem::path(repo.path()) / "MERGE_HEAD"));
  for (std::string line; std::getline(merge_heads, line);) {
    auto oid = Oid::from_hex(util::trim(line));
    if (oid) out.push_back(oid->hex());
  }
  return out;
}

/// The branch being committed to: HEAD's, or during a rebase the branch being rebased.
std::string current_branch(const git::Repository& repo) {
  auto head = repo.head_target();
  if (head && !head->empty()) return *head;
  for (const char* dir : {"rebase-merge", "rebase-apply"}) {
    const std::string name(util::trim(read_small(std::filesystem::path(repo.path()) / dir / "head-name")));
    if (util::starts_with(name, "refs/")) return name;
  }
  return "";
}

Result<std::optional<std::string>> config(const git::Repository& repo, const std::string& key) {
  return repo.config_string(key, git::ConfigScope::kRepositoryAndEnvironment);
}

}  // namespace

std::vector<std::string> split_urls(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (const char c : std::string(text) + " ") {
    if (c == ' ' || c == ',' || c == '\t' || c == '\n') {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  return out;
}

Result<std::chrono::milliseconds> parse_timeout(std::string_view text) {
  std::string t(util::trim(text));
  double scale = 1000;
  if (util::ends_with(t, "ms")) {
    scale = 1;
    t.resize(t.size() - 2);
  } else if (util::ends_with(t, "s")) {
    t.resize(t.size() - 1);
  }
  const bool digits = !t.empty() && t.find_first_not_of("0123456789.") == std::string::npos &&
                      std::count(t.begin(), t.end(), '.') <= 1 && t.front() != '.' && t.size() <= 12;
  const double value = digits ? std::stod(t) * scale : 0;
  if (!digits || value < 1 || value > 600000) {
    return Error::invalid_argument(
        "auths.witnessTimeout must be seconds (3, 0.5, 2s) or milliseconds (1500ms), at "
        "most 600 s, not '" +
        util::printable(text, 40) + "'");
  }
  return std::chrono::milliseconds(static_cast<int64_t>(value));
}

bool amends(const std::vector<std::string>& argv) {
  // git's own options before the command; -C, -c and the long ones without '=' take a value.
  size_t i = 1;
  const auto takes_value = [](const std::string& option, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), option) != names.end();
  };
  while (i < argv.size() && util::starts_with(argv[i], "-")) {
    if (takes_value(argv[i], {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"}))
      ++i;
    ++i;
  }
  if (i >= argv.size() || argv[i] != "commit") return false;
  bool amend = false;
  for (++i; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") break;
    if (util::starts_with(a, "--")) {
      if (a.size() >= 4 && std::string_view("--amend").substr(0, a.size()) == a) amend = true;
      if (a.size() >= 7 && std::string_view("--no-amend").substr(0, a.size()) == a) amend = false;
      if (takes_value(a, {"--author", "--date", "--message", "--file", "--template", "--reuse-message",
                          "--reedit-message", "--fixup", "--squash", "--cleanup", "--trailer", "--pathspec-from-file"}))
        ++i;
    } else if (util::starts_with(a, "-") && a.size() > 1) {
      // A cluster of short options: one taking a value takes the rest, or the next argument.
      for (size_t k = 1; k < a.size(); ++k) {
        if (std::string_view("mFCct").find(a[k]) == std::string_view::npos) continue;
        if (k + 1 == a.size()) ++i;
        break;
      }
    }
  }
  return amend;
}

std::vector<WitnessAnswer> ask_witnesses(const std::vector<std::string>& urls, const witness::Request& request,
                                         const policy::WitnessSet& set, std::chrono::milliseconds timeout,
                                         const ReceiptPost& post) {
  std::vector<WitnessAnswer> answers(urls.size());
  auto body = witness::request_json(request);
  if (!body) {
    for (size_t i = 0; i < urls.size(); ++i) answers[i] = {urls[i], std::nullopt, body.error().to_string()};
    return answers;
  }
  {
    std::vector<std::jthread> askers;
    askers.reserve(urls.size());
    for (size_t i = 0; i < urls.size(); ++i) {
      askers.emplace_back([&, i] {
        try {
          answers[i] = answer_of(urls[i], post(urls[i], *body, timeout), request, set);
        } catch (const std::exception& e) {
          answers[i] = {urls[i], std::nullopt, std::string("failed: ") + e.what()};
        }
      });
    }
  }  // every asker joined: each is bounded by `timeout`
  return answers;
}

Result<std::optional<WitnessedMessage>> witness_commit_message(const std::string& repo_path, std::string_view message,
                                                               const ReceiptPost& post) {
  const git::Session session;
  auto repo = git::Repository::open_from_env(repo_path);
  if (!repo) return repo.error();
  auto head = repo->resolve_commit("HEAD");
  if (!head) return head.error();
  if (!head->has_value()) return std::optional<WitnessedMessage>{};  // the first commit: no policy yet
  auto loaded = engine::load_policy_at(*repo, **head);
  if (!loaded || !loaded->has_value() || !(*loaded)->witness) return std::optional<WitnessedMessage>{};
  const policy::Policy& policy = **loaded;
  const policy::WitnessSet& set = *policy.witness;

  auto mode = config(*repo, "auths.witnessMode");
  if (!mode) return mode.error();
  const std::string how = mode->value_or("auto");
  if (how != "auto" && how != "always")
    return Error::invalid_argument("auths.witnessMode must be 'auto' or 'always', not '" + util::printable(how, 40) +
                                   "'");
  const std::string branch = current_branch(*repo);
  const policy::Rule* rule = branch.empty() ? nullptr : policy.match(branch);
  const bool required = rule != nullptr && rule->require_log == policy::LogRequirement::kWitness;
  if (!required && how != "always") return std::optional<WitnessedMessage>{};

  auto listed = config(*repo, "auths.witnesses");
  if (!listed) return listed.error();
  const std::vector<std::string> urls = listed->has_value() ? split_urls(**listed) : set.urls;
  if (urls.empty()) {
    return Error::invalid_argument(
        "the policy requires witness receipts, but no witness URL is known: set 'git config auths.witnesses "
        "\"http://host:port ...\"' or [witness] urls in .auths/policy.toml");
  }
  auto timeout_text = config(*repo, "auths.witnessTimeout");
  if (!timeout_text) return timeout_text.error();
  auto timeout = timeout_text->has_value() ? parse_timeout(**timeout_text) : Result(kDefaultTimeout);
  if (!timeout) return timeout.error();

  // The commit being made: the index's tree, its parents, the key git signs it with.
  auto tree = repo->write_index_tree();
  if (!tree) return tree.error();
  auto parents = commit_parents(*repo, **head);
  if (!parents) return parents.error();
  auto signer = GitSigner::open(*repo, "ask the witnesses for receipts");
  if (!signer) return signer.error();
  witness::Request request;
  request.commit = {tree->hex(), std::move(*parents), signer->key().to_ssh_line(), ""};
  if (auto claims = signing_claims(repo_path); claims && claims->has_value()) {
    request.commit.identity = (*claims)->identity;
  }

  // Receipts the message already carries for exactly this commit stay (a reworded amend);
  // stale ones (another tree or parents: an amend, a rebase) go.
  std::map<std::string, witness::Receipt> by_witness;
  const std::vector<std::string> values = witness::receipt_values(message);
  const witness::Tally carried = witness::tally_receipts(values, request.commit, set);
  for (size_t i = 0; i < values.size(); ++i) {
    if (carried.receipts[i].fault == witness::ReceiptFault::kNone) {
      by_witness.emplace(carried.receipts[i].witness, witness::decode_trailer_value(values[i]).value());
    }
  }
  WitnessedMessage out;
  out.threshold = set.threshold;
  if (by_witness.size() < set.keys.size()) {
    auto bytes = witness::request_signed_bytes(request.commit);
    if (!bytes) return bytes.error();
    auto signature = signer->sign(*bytes, witness::kRequestNamespace, /*quiet=*/true);
    if (!signature) return signature.error();
    request.signature = std::move(*signature);
    for (auto& answer : ask_witnesses(urls, request, set, *timeout, post)) {
      if (!answer.receipt) {
        out.notes.push_back(answer.url + ": " + answer.error);
        continue;
      }
      by_witness.emplace(answer.receipt->witness, std::move(*answer.receipt));
    }
  }
  // In the order of [witness] keys, one trailer each.
  std::vector<std::string> lines;
  for (const crypto::PublicKey& key : set.keys) {
    auto did = key.to_did_key();
    const auto it = did ? by_witness.find(*did) : by_witness.end();
    if (it == by_witness.end()) continue;
    auto value = witness::encode_trailer_value(it->second);
    if (!value) return value.error();
    for (auto& line : witness::folded_trailer(*value)) lines.push_back(std::move(line));
  }
  out.receipts = static_cast<int>(by_witness.size());
  out.message = replace_trailers(message, witness::kTrailerKey, lines);
  return std::optional<WitnessedMessage>(std::move(out));
}

}  // namespace auths::client
