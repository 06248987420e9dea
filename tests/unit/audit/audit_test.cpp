// The audit log's hash chain (src/core/audit/): lines appended one by one and concurrently
// chain; `auths audit verify` (audit::verify_chain) names the first line of a file that was
// edited, had lines removed, inserted or reordered, was cut short or had a forged line
// appended; the fields of a decision's lines.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit.h"
#include "support/scoped.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(audit_chain)
namespace {

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

audit::ChainCheck check(const std::string& text) {
  std::istringstream in(text);
  return audit::verify_chain(in);
}

/// A file of `n` chained lines {"seq":..,"prev":..,"x":i}, written by `n` appends.
std::vector<std::string> chain_of(const TempDir& dir, int n) {
  const std::string path = (dir.path() / "audit.jsonl").string();
  for (int i = 1; i <= n; ++i) {
    BOOST_REQUIRE(audit::append_chained(path, {"{\"x\":" + std::to_string(i) + "}"}));
  }
  return read_lines(path);
}

}  // namespace

BOOST_AUTO_TEST_CASE(lines_chain_from_the_first) {
  const TempDir dir;
  const std::string path = (dir.path() / "audit.jsonl").string();
  BOOST_REQUIRE(audit::append_chained(path, {"{\"x\":1}", "{}"}));
  BOOST_REQUIRE(audit::append_chained(path, {"{\"x\":3}"}));
  BOOST_REQUIRE(audit::append_chained(path, {}));  // nothing to write: nothing written
  const auto lines = read_lines(path);
  BOOST_REQUIRE_EQUAL(lines.size(), 3u);
  BOOST_TEST(lines[0] == "{\"seq\":1,\"prev\":\"\",\"x\":1}");
  BOOST_TEST(lines[1] == "{\"seq\":2,\"prev\":\"" + audit::line_hash(lines[0]) + "\"}");
  BOOST_TEST(lines[2] == "{\"seq\":3,\"prev\":\"" + audit::line_hash(lines[1]) + "\",\"x\":3}");
  // The hash is SHA-256 of the bytes without the newline, as sha256sum prints it.
  BOOST_TEST(audit::line_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto verified = audit::verify_file(path);
  BOOST_REQUIRE(verified);
  BOOST_TEST(verified->intact());
  BOOST_TEST(verified->lines == 3u);
  BOOST_TEST(verified->last_hash == audit::line_hash(lines[2]));
  BOOST_TEST(!audit::append_chained(path, {"not json"}));
}

BOOST_AUTO_TEST_CASE(empty_file_is_intact) {
  const auto c = check("");
  BOOST_TEST(c.intact());
  BOOST_TEST(c.lines == 0u);
  BOOST_TEST(c.last_hash.empty());
  BOOST_TEST(!audit::verify_file("/nonexistent/audit.jsonl"));
}

BOOST_AUTO_TEST_CASE(an_edited_line_is_named) {
  const TempDir dir;
  auto lines = chain_of(dir, 5);
  lines[2].replace(lines[2].find("\"x\":3"), 5, "\"x\":9");
  const auto c = check(joined(lines));
  BOOST_TEST(!c.intact());
  BOOST_TEST(c.bad_line == 3u);
  BOOST_TEST(c.problem.find("line 3 was altered") != std::string::npos, c.problem);
  BOOST_TEST(c.lines == 3u);  // lines 1 to 3 read before line 4 showed it
}

BOOST_AUTO_TEST_CASE(a_removed_line_is_named) {
  const TempDir dir;
  const auto lines = chain_of(dir, 5);
  auto middle = lines;
  middle.erase(middle.begin() + 2);
  auto c = check(joined(middle));
  BOOST_TEST(c.bad_line == 3u);
  BOOST_TEST(c.problem.find("1 line was removed before it") != std::string::npos, c.problem);

  auto first = lines;
  first.erase(first.begin());
  c = check(joined(first));
  BOOST_TEST(c.bad_line == 1u);
  BOOST_TEST(c.problem.find("seq 2 where 1 was expected") != std::string::npos, c.problem);
}

BOOST_AUTO_TEST_CASE(reordered_and_inserted_lines_are_named) {
  const TempDir dir;
  const auto lines = chain_of(dir, 5);
  auto swapped = lines;
  std::swap(swapped[1], swapped[2]);
  auto c = check(joined(swapped));
  BOOST_TEST(c.bad_line == 2u);
  BOOST_TEST(c.problem.find("seq 3 where 2 was expected") != std::string::npos, c.problem);

  // A copy of line 2 inserted after it: seq 2 again where 3 was expected.
  auto inserted = lines;
  inserted.insert(inserted.begin() + 2, lines[1]);
  c = check(joined(inserted));
  BOOST_TEST(c.bad_line == 3u);
  BOOST_TEST(c.problem.find("inserted") != std::string::npos, c.problem);

  // Not JSON at all.
  auto garbage = lines;
  garbage.insert(garbage.begin() + 4, "hello");
  c = check(joined(garbage));
  BOOST_TEST(c.bad_line == 5u);
  BOOST_TEST(c.problem.find("not a JSON object") != std::string::npos, c.problem);
}

BOOST_AUTO_TEST_CASE(a_line_cut_short_is_named) {
  const TempDir dir;
  const auto lines = chain_of(dir, 4);
  std::string text = joined(lines);
  text.resize(text.size() - 6);  // the last line loses its newline and its end
  auto c = check(text);
  BOOST_TEST(c.bad_line == 4u);
  BOOST_TEST(c.problem.find("no newline") != std::string::npos, c.problem);
  BOOST_TEST(c.lines == 3u);
  // The same bytes with a newline: not JSON.
  c = check(text + "\n");
  BOOST_TEST(c.bad_line == 4u);
  BOOST_TEST(c.problem.find("not a JSON object") != std::string::npos, c.problem);
}

BOOST_AUTO_TEST_CASE(the_hooks_append_after_a_line_cut_short) {
  const TempDir dir;
  const std::string path = (dir.path() / "audit.jsonl").string();
  chain_of(dir, 2);
  {
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out << "{\"seq\":3,\"pre";  // a write cut short
  }
  BOOST_REQUIRE(audit::append_chained(path, {"{\"x\":4}"}));
  const auto lines = read_lines(path);
  BOOST_REQUIRE_EQUAL(lines.size(), 4u);
  BOOST_TEST(lines[2] == "{\"seq\":3,\"pre");
  // Chained to the fragment, numbered from 1 again (the fragment has no seq to follow).
  BOOST_TEST(lines[3] == "{\"seq\":1,\"prev\":\"" + audit::line_hash(lines[2]) + "\",\"x\":4}");
  auto c = audit::verify_file(path);
  BOOST_REQUIRE(c);
  BOOST_TEST(c->bad_line == 3u);
}

BOOST_AUTO_TEST_CASE(a_forged_line_appended_is_named) {
  const TempDir dir;
  auto lines = chain_of(dir, 3);
  // The right seq, a made-up prev.
  auto c = check(joined(lines) + "{\"seq\":4,\"prev\":\"" + std::string(64, '0') + "\",\"x\":4}\n");
  BOOST_TEST(!c.intact());
  BOOST_TEST(c.bad_line == 3u);
  BOOST_TEST(c.problem.find("the prev of line 4") != std::string::npos, c.problem);
  // A copy of the last line: its seq again.
  c = check(joined(lines) + lines.back() + "\n");
  BOOST_TEST(c.bad_line == 4u);
  // The first line must start the chain.
  c = check("{\"seq\":1,\"prev\":\"" + std::string(64, 'a') + "\"}\n");
  BOOST_TEST(c.bad_line == 1u);
  // Every line must be one of the chain.
  c = check("{\"x\":1}\n");
  BOOST_TEST(c.bad_line == 1u);
  BOOST_TEST(c.problem.find("no seq or prev") != std::string::npos, c.problem);
}

BOOST_AUTO_TEST_CASE(concurrent_appends_never_fork_the_chain) {
  const TempDir dir;
  const std::string path = (dir.path() / "audit.jsonl").string();
  constexpr int kThreads = 8;
  constexpr int kAppends = 25;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        const std::string body = "{\"t\":" + std::to_string(t) + ",\"i\":" + std::to_string(i) + ",\"pad\":\"" +
                                 std::string(static_cast<size_t>(100 * t), 'p') + "\"}";
        if (!audit::append_chained(path, {body, body})) ++failures[static_cast<size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const int f : failures) BOOST_TEST(f == 0);
  auto c = audit::verify_file(path);
  BOOST_REQUIRE(c);
  BOOST_TEST(c->intact(), c->problem);
  BOOST_TEST(c->lines == static_cast<size_t>(kThreads * kAppends * 2));
  // The two lines of one append are next to each other.
  const auto lines = read_lines(path);
  for (size_t i = 0; i + 1 < lines.size(); i += 2) {
    const auto a = nlohmann::json::parse(lines[i]);
    const auto b = nlohmann::json::parse(lines[i + 1]);
    BOOST_TEST((a["t"] == b["t"] && a["i"] == b["i"]));
  }
}

BOOST_AUTO_TEST_CASE(decision_words) {
  Decision d;
  BOOST_TEST(audit::decision_word(d) == std::string("accept"));
  d.outcome = Outcome::kReject;
  BOOST_TEST(audit::decision_word(d) == std::string("refuse"));
  d.outcome = Outcome::kUndecided;
  BOOST_TEST(audit::decision_word(d) == std::string("error"));
  d.outcome = Outcome::kAccept;
  d.enforcement = Enforcement::kWarn;
  BOOST_TEST(audit::decision_word(d) == std::string("accept"));  // warn mode, nothing overruled
  d.overruled = Outcome::kReject;
  BOOST_TEST(audit::decision_word(d) == std::string("warn"));
  d.override_note = "admin: hotfix";
  BOOST_TEST(audit::decision_word(d) == std::string("override"));
  d = Decision{};
  d.enforcement = Enforcement::kOff;
  BOOST_TEST(audit::decision_word(d) == std::string("off"));
  d.outcome = Outcome::kReject;  // enforcement never hides a refusal
  BOOST_TEST(audit::decision_word(d) == std::string("refuse"));
}

BOOST_AUTO_TEST_CASE(a_decision_record_has_every_field) {
  const Oid a = *Oid::from_hex(std::string(40, 'a'));
  const Oid b = *Oid::from_hex(std::string(40, 'b'));
  Decision d;
  d.outcome = Outcome::kAccept;
  d.enforcement = Enforcement::kWarn;
  d.overruled = Outcome::kReject;
  d.override_note = "break glass by root: \x1b[2J outage";
  RefReport ref;
  ref.update = {a, b, "refs/heads/main"};
  ref.ref = "refs/heads/main";
  ref.kind = UpdateKind::kFastForward;
  ref.rule = "main";
  ref.policy_source = "abc:.auths/policy.toml";
  ref.allowed = false;
  ref.codes = {Reason::kUnknownSigner};
  for (int i = 0; i < 7; ++i) {
    ref.objects.push_back({b, "commit", ObjectRole::kMainline, "did:keri:Ealice", "SHA256:key", "main",
                           i == 0 ? Reason::kUnknownSigner : Reason::kOk, "detail"});
  }
  d.refs.push_back(ref);
  d.violations.push_back({"refs/heads/main", b, "main", Reason::kUnknownSigner, "not\nan allowed signer"});
  d.violations.push_back({"refs/heads/other", b, "x", Reason::kUnsigned, "elsewhere"});
  HookContext ctx;
  ctx.pusher = "alice";
  ctx.pusher_source = "AUTHS_PUSHER";
  ctx.protocol = "ssh";
  const auto records = audit::decision_records(d, ctx, "team/app", 1800000000, 5);
  BOOST_REQUIRE_EQUAL(records.size(), 1u);
  BOOST_TEST(records[0].find('\n') == std::string::npos);
  BOOST_TEST(records[0].find('\x1b') == std::string::npos);
  const auto j = nlohmann::json::parse(records[0]);
  BOOST_TEST(j["time"] == "2027-01-15T08:00:00Z");
  BOOST_TEST(j["repo"] == "team/app");
  BOOST_TEST(j["ref"] == "refs/heads/main");
  BOOST_TEST(j["old"] == std::string(40, 'a'));
  BOOST_TEST(j["new"] == std::string(40, 'b'));
  BOOST_TEST(j["kind"] == "fast-forward");
  BOOST_TEST(j["decision"] == "override");
  BOOST_TEST(j["mode"] == "warn");
  BOOST_TEST(j["overruled"] == "refuse");
  BOOST_TEST(j["override"] == "break glass by root: \x1b[2J outage");
  BOOST_TEST(j["ref_allowed"] == false);
  BOOST_TEST(j["codes"] == nlohmann::json::array({"unknown-signer"}));
  BOOST_TEST(j["pusher"] == "alice");
  BOOST_TEST(j["pusher_source"] == "AUTHS_PUSHER");
  BOOST_TEST(j["protocol"] == "ssh");
  BOOST_TEST(j["policy"] == "abc:.auths/policy.toml");
  BOOST_TEST(j["rule"] == "main");
  BOOST_TEST(j["objects"].size() == 5u);  // capped
  BOOST_TEST(j["objects_total"] == 7);
  BOOST_TEST(j["objects"][0]["oid"] == std::string(40, 'b'));
  BOOST_TEST(j["objects"][0]["signer"] == "did:keri:Ealice");
  BOOST_TEST(j["objects"][0]["key"] == "SHA256:key");
  BOOST_TEST(j["objects"][0]["code"] == "unknown-signer");
  BOOST_TEST(j["objects"][1]["code"] == "ok");
  BOOST_TEST(j["violations"].size() == 1u);  // this ref's only
  BOOST_TEST(j["violations"][0]["message"] == "not\nan allowed signer");
  BOOST_TEST(j["violations_total"] == 1);

  // No ref decided, but why: one line with ref "".
  Decision failed;
  failed.outcome = Outcome::kUndecided;
  failed.violations.push_back({"", std::nullopt, "", Reason::kInternalError, "cannot open"});
  const auto one = audit::decision_records(failed, ctx, "r", 0, 5);
  BOOST_REQUIRE_EQUAL(one.size(), 1u);
  const auto k = nlohmann::json::parse(one[0]);
  BOOST_TEST(k["decision"] == "error");
  BOOST_TEST(k["ref"] == "");
  BOOST_TEST(k["codes"] == nlohmann::json::array({"internal-error"}));
  BOOST_TEST(!k.contains("override"));
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
