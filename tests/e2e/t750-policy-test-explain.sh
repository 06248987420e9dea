#!/usr/bin/env bash
# auths policy test and auths policy explain, offline: a passing suite (exit 0), a failing case
# with what it got (exit 1), the JSON form, a YAML suite, broken suites naming the case (exit
# 2), an expression file alone, and explain naming the rule and the step that decides.
. "$(dirname "$0")/lib.sh"
test_init
make_key alice
make_key bob

DIR=$E2E_TMP/policy
mkdir -p "$DIR"
ORG=did:keri:E6Hy0XAWtOJ1YkE6jmDRcJLUPRsFdQS0PZx5mt2YkfTk
CAROL=did:keri:ETCbZB0wn2J7eWScMCsFLceBxsVI5UZ91R0svO6Y0gfU

cat >"$DIR/policy.toml" <<POLICY
version = 1
org = "$ORG"
[governance]
signers = ["$(pub alice)"]

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]

[[policy.commit]]
name = "web"
refs = ["refs/heads/team/web/**"]
roles = ["member"]
teams = ["web"]
paths = ["web/**"]
POLICY

ptest() { run "$1" "$AUTHS" policy test "$DIR/policy.toml" --tests "$DIR/$2" "${@:3}"; }

passing_suite() {
  cat >"$DIR/pass.json" <<SUITE
{"cases": [
  {"name": "alice-main", "context": {"signer": "$(pub alice)", "ref": "refs/heads/main"}, "expect": "allow"},
  {"name": "bob-main", "context": {"signer": "$(pub bob)", "ref": "refs/heads/main"}, "expect": "unknown-signer"},
  {"name": "carol-web", "context": {"signer": "$CAROL", "role": "member", "teams": ["web"], "ref": "refs/heads/team/web/x", "paths": ["web/a.ts"]}, "expect": "allow"},
  {"name": "carol-api", "context": {"signer": "$CAROL", "role": "member", "teams": ["web"], "ref": "refs/heads/team/web/x", "paths": ["api/a.go"]}, "expect": "path-not-allowed"},
  {"name": "notes", "context": {"signer": "$(pub alice)", "ref": "refs/notes/x"}, "expect": "deny"}
]}
SUITE
  ptest pass pass.json
  expect_rc 0
  expect_text "$RUN_OUT" "PASS alice-main"
  expect_text "$RUN_OUT" "PASS carol-api"
  expect_text "$RUN_OUT" "5 passed, 0 failed"
}
test_case passing_suite "a suite whose cases all pass: PASS lines, exit 0"

failing_case() {
  cat >"$DIR/fail.json" <<SUITE
[{"name": "bob-main", "context": {"signer": "$(pub bob)", "ref": "refs/heads/main"}, "expect": "allow"},
 {"name": "alice-main", "context": {"signer": "$(pub alice)", "ref": "refs/heads/main"}, "expect": "allow"}]
SUITE
  ptest fail fail.json
  expect_rc 1
  expect_text "$RUN_OUT" "FAIL bob-main: expected allow, got deny (unknown-signer: "
  expect_text "$RUN_OUT" "PASS alice-main"
  expect_text "$RUN_OUT" "1 passed, 1 failed"
  ptest fail-json fail.json --json
  expect_rc 1
  expect_text "$RUN_OUT" '"failed": 1'
  expect_text "$RUN_OUT" '"reason": "unknown-signer"'
  expect_text "$RUN_OUT" '"rule": "main"'
}
test_case failing_case "a failing case says what it expected and got: exit 1, JSON too"

yaml_suite() {
  cat >"$DIR/suite.yaml" <<SUITE
cases:
  - name: carol-web-team
    context: {signer: "$CAROL", role: member, teams: [api], ref: refs/heads/team/web/x}
    expect: team-not-allowed
SUITE
  ptest yaml suite.yaml
  expect_rc 0
  expect_text "$RUN_OUT" "PASS carol-web-team"
}
test_case yaml_suite "a YAML suite"

broken_suites() {
  printf '{"cases": [' >"$DIR/syntax.json"
  ptest syntax syntax.json
  expect_rc 2
  expect_text "$RUN_ERR" "not valid JSON"
  printf '[{"name": "x", "context": {"ref": "refs/heads/main"}, "expect": "allow"}, {"name": "typo", "context": {"signr": "a", "ref": "refs/heads/main"}, "expect": "allow"}]' >"$DIR/key.json"
  ptest key key.json
  expect_rc 2
  expect_text "$RUN_ERR" "case 2 'typo': unknown key 'signr' in context"
  printf '[{"name": "odd", "context": {"ref": "refs/heads/main"}, "expect": "maybe"}]' >"$DIR/expect.json"
  ptest expect expect.json
  expect_rc 2
  expect_text "$RUN_ERR" "case 1 'odd': 'expect' must be allow, deny, indeterminate or a reason code"
  printf '[{"name": "badkey", "context": {"signer": "ssh-ed25519 AAAA", "ref": "refs/heads/main"}, "expect": "allow"}]' >"$DIR/signer.json"
  ptest signer signer.json
  expect_rc 2
  expect_text "$RUN_ERR" "case 1 'badkey': signer 'ssh-ed25519 AAAA' is not a did:keri, a did:key or an SSH public key line"
  ptest missing absent.json
  expect_rc 2
  expect_text "$RUN_ERR" "cannot read"
}
test_case broken_suites "broken suites: exit 2 with one line naming the case"

expression_alone() {
  printf '{"op": "And", "args": [{"op": "IsAgent"}, {"op": "RefMatches", "args": "refs/heads/bot/*"}]}' >"$DIR/bots.json"
  cat >"$DIR/bots-suite.json" <<SUITE
[{"name": "agent-bot", "context": {"signer": "$CAROL", "signer_type": "Agent", "ref": "refs/heads/bot/a"}, "expect": "allow"},
 {"name": "human-bot", "context": {"signer": "$CAROL", "ref": "refs/heads/bot/a"}, "expect": "deny"},
 {"name": "agent-main", "context": {"signer": "$CAROL", "signer_type": "Agent", "ref": "refs/heads/main"}, "expect": "deny"}]
SUITE
  run expr "$AUTHS" policy test "$DIR/bots.json" --tests "$DIR/bots-suite.json"
  expect_rc 0
  expect_text "$RUN_OUT" "3 passed, 0 failed"
}
test_case expression_alone "an expression file tested alone"

explain() {
  run explain-allow "$AUTHS" policy explain --policy "$DIR/policy.toml" --ref refs/heads/team/web/nav --signer "$CAROL" \
    --role member --teams web --paths web/nav.ts
  expect_rc 0
  expect_text "$RUN_OUT" "rule 'web' (commit, line 11) matches refs/heads/team/web/nav (the only rule matching)"
  expect_text "$RUN_OUT" "conditions of rule 'web' hold: paths = [web/**]"
  expect_text "$RUN_OUT" "allow: "
  run explain-deny "$AUTHS" policy explain --policy "$DIR/policy.toml" --ref refs/heads/team/web/nav --signer "$CAROL" \
    --role member --teams web --paths web/nav.ts,api/x.go
  expect_rc 1
  expect_text "$RUN_OUT" "deny: path-not-allowed: changes api/x.go, outside the paths rule 'web' allows (web/**)"
  run explain-json "$AUTHS" policy explain --policy "$DIR/policy.toml" --ref refs/heads/main --signer "$(pub bob)" --json
  expect_rc 1
  expect_text "$RUN_OUT" '"reason": "unknown-signer"'
  expect_text "$RUN_OUT" '"rule": "main"'
  run explain-missing "$AUTHS" policy explain --policy "$DIR/absent.toml" --ref refs/heads/main --signer "$(pub bob)"
  expect_rc 2
}
test_case explain "explain names the rule and the deciding step; exit 0 allow, 1 deny, 2 error"

test_done
