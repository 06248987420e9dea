// What a pusher controls never reaches the terminal, --explain or JSON unescaped (trust-model
// issue, item 8): a signature namespace, a ref name, a signer comment or a tag name with a
// newline, CR or ESC cannot forge an "accepted" line or rewrite the pusher's terminal.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "auths/verify.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(engine_report)
namespace {

// Text an attacker chooses: a forged summary after a newline, a carriage return that rewinds the
// line, terminal escapes (window title, clear screen), a bell.
const std::string kHostile =
    "ns\nauths: push accepted: 9 commits and 0 tags verified in 1 ref\r\x1b]0;title\x07\x1b[2J";

Decision hostile_decision() {
  const Oid oid = *Oid::from_hex(std::string(40, 'a'));
  Decision d;
  d.outcome = Outcome::kReject;
  d.violations.push_back({"refs/heads/" + kHostile, oid, "rule " + kHostile, Reason::kUnknownSigner,
                          "signature namespace '" + kHostile + "' is not 'git'"});
  RefReport ref;
  ref.update = {Oid{}, oid, "refs/heads/" + kHostile};
  ref.ref = ref.update.ref_name;
  ref.kind = UpdateKind::kCreate;
  ref.rule = "rule " + kHostile;
  ref.policy_source = kHostile;
  ref.allowed = false;
  ref.codes = {Reason::kUnknownSigner};
  ref.objects.push_back({oid, "commit", ObjectRole::kMainline, kHostile, "SHA256:" + kHostile, "rule " + kHostile,
                         Reason::kUnknownSigner, "detail " + kHostile});
  d.refs.push_back(ref);
  d.warnings.push_back("warning " + kHostile);
  return d;
}

// The bytes a terminal acts on: C0 controls but tab and newline (which the callers add between
// lines themselves), and DEL.
bool has_control(const std::string& s, bool newline_allowed) {
  for (const unsigned char c : s) {
    if (c == '\n' && newline_allowed) continue;
    if (c == '\t') continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(hook_lines_carry_no_control_byte_and_no_forged_line) {
  HookContext context;
  context.gitlab = true;
  const auto lines = render_messages(hostile_decision(), context);
  BOOST_TEST_REQUIRE(!lines.empty());
  int summaries = 0;
  for (const auto& line : lines) {
    BOOST_TEST(!has_control(line, false), "control byte in: " << line);
    BOOST_TEST(line.find('\n') == std::string::npos);
    if (line.rfind("auths: push", 0) == 0) ++summaries;
    BOOST_TEST(line.rfind("auths: push accepted", 0) != 0, "forged line: " << line);
  }
  BOOST_TEST(summaries == 1);
  BOOST_TEST(lines.back() == "GL-HOOK-ERR: auths: push rejected: 1 violation in 1 ref");
  // The hostile text is there, escaped: the pusher still sees what was wrong.
  BOOST_TEST(lines.front().find("\\nauths: push accepted") != std::string::npos, lines.front());
  BOOST_TEST(lines.front().find("\\x1b]0;title\\x07") != std::string::npos, lines.front());
}

BOOST_AUTO_TEST_CASE(explain_and_json_carry_no_control_byte) {
  const Decision d = hostile_decision();
  const std::string explain = render_explain(d);
  BOOST_TEST(!has_control(explain, true));
  for (const auto& line : lines_of(explain)) {
    BOOST_TEST(line.find("auths: push accepted") != 0, "forged line: " << line);
  }
  const std::string json = render_json(d);
  BOOST_TEST(!has_control(json, true));
  // JSON escapes the newline inside the string; the forged summary never starts a line.
  for (const auto& line : lines_of(json)) {
    BOOST_TEST(line.find("auths: push accepted") != 0, "forged line: " << line);
  }
  const bool escaped = json.find("\\u001b") != std::string::npos || json.find("\\\\x1b") != std::string::npos;
  BOOST_TEST(escaped, json);
}

BOOST_AUTO_TEST_CASE(summary_counts_each_object_once) {
  // Three refs: a commit two of them bring, a commit judged under two requirements (a row
  // each), a tag; and one commit of its own.
  const Oid shared = *Oid::from_hex(std::string(40, 'a'));
  const Oid twice = *Oid::from_hex(std::string(40, 'b'));
  const Oid own = *Oid::from_hex(std::string(40, '1'));
  const Oid tag = *Oid::from_hex(std::string(40, 'c'));
  Decision d;
  d.outcome = Outcome::kAccept;
  const auto row = [](const Oid& oid, const char* kind, ObjectRole role) {
    return ObjectReport{oid, kind, role, "alice", "", "main", Reason::kOk, ""};
  };
  RefReport main;
  main.objects = {row(twice, "commit", ObjectRole::kMainline), row(twice, "commit", ObjectRole::kGovernance),
                  row(shared, "commit", ObjectRole::kMainline)};
  RefReport topic;
  topic.objects = {row(own, "commit", ObjectRole::kMainline), row(shared, "commit", ObjectRole::kMainline)};
  RefReport release;
  release.objects = {row(tag, "tag", ObjectRole::kMainline), row(shared, "commit", ObjectRole::kMainline)};
  d.refs = {main, topic, release};
  BOOST_TEST(summary_line(d) == "auths: push accepted: 3 commits and 1 tag verified in 3 refs");
  d.refs = {topic};
  BOOST_TEST(summary_line(d) == "auths: push accepted: 2 commits and 0 tags verified in 1 ref");
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
