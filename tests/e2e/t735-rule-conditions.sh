#!/usr/bin/env bash
# Rule conditions beyond the signer set, against the server hook with real pushes: olivia's org
# has mia as a member; mia provisions agents. `paths` keeps an agent's commits under src/
# (path-not-allowed for .github/), an expression lets only agents push bot/* (expression-denied
# for a human), `max_ttl = "1h"` refuses a CI credential that lives 24 h even though it has not
# expired (ttl-exceeded) and accepts a 1 h one, `require_log = "witness"` refuses every commit
# until receipts are verified (witness-quorum-not-met), and open rules let scratch branches take
# anything (open = "any") or any valid signature (open = "signed"). The usual workflow still
# works: mia merges the agent's branch into main.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
identity_env
make_key admin
make_key stranger
export AUTHS_DELEGATOR_PASSPHRASE=$AUTHS_PASSPHRASE

step "setup: the org (olivia admin, mia a member), agents of mia, the policy"
org_fixture
setup_repo admin <<POLICY
version = 1
org = "$ORG"

[witness]
keys = ["$(pub stranger)"]
threshold = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub admin)"]
roles = ["admin", "member"]
signer_types = ["Human"]

[[policy.commit]]
name = "bots"
refs = ["refs/heads/bot/*"]
roles = ["admin", "member"]
paths = ["src/**", "log.txt"]

[[policy.ci]]
name = "ci"
refs = ["refs/heads/ci/*"]
roles = ["admin", "member"]
max_ttl = "1h"

[[policy.commit]]
name = "audited"
refs = ["refs/heads/audited/*"]
roles = ["admin", "member"]
require_log = "witness"

[[policy.commit]]
name = "scratch"
refs = ["refs/heads/scratch/*"]
open = "any"

[[policy.commit]]
name = "wip"
refs = ["refs/heads/wip/*"]
open = "signed"

[governance]
signers = ["$(pub admin)"]
POLICY
# A policy change signed by [governance]: the bots rule gets an expression (agents only, on
# bot/*, not revoked, delegated at most once; both spellings).
cat >"$CLIENT/.auths/bots.json" <<'JSON'
{"And": [{"op": "IsAgent"}, "NotRevoked", {"RefMatches": "refs/heads/bot/*"}, {"op": "MaxChainDepth", "args": 1}]}
JSON
sed -i 's|^paths = \["src/\*\*", "log.txt"\]$|&\nexpression = ".auths/bots.json"|' "$CLIENT/.auths/policy.toml"
grep -q '^expression = ".auths/bots.json"$' "$CLIENT/.auths/policy.toml" || e2e_die "the expression line was not added"
commit_as admin "policy: the bots expression" >/dev/null
push origin main
expect_push_ok

agent_init() {
  local home=$1
  shift
  dev_run "$home" init --profile agent --delegator-home "$(dev_home mia)" --non-interactive "$@"
  expect_rc 0
}

# agent_commit HOME FILE MESSAGE: writes FILE (creating its directory) and commits it, with
# log.txt, signed by HOME's agent key. Prints the commit id.
agent_commit() {
  mkdir -p "$(dirname "$CLIENT/$2")"
  printf '%s\n' "$3" >>"$CLIENT/$2"
  dev_commit "$1" agent "$3"
}

publish() {
  agent_init bot --name ci-bot --expires-in 1d
  agent_init job1h --name job-1h --expires-in 1h
  agent_init job24h --name job-24h --expires-in 24h
  dev_clone mia
  dev_sign_with mia laptop
  dev_link mia laptop >/dev/null
  for who in olivia mia; do dev_publish "$who" >/dev/null; done
  push origin refs/auths/registry
  expect_push_ok
}
test_case publish "mia provisions three agents (1 day, 1 hour, 24 hours) and publishes them"

paths_rule() {
  client_git checkout -q -b bot/deps
  p1=$(agent_commit bot src/deps.txt "ci-bot: bump a dependency under src/")
  push origin bot/deps
  expect_push_ok
  expect_ref refs/heads/bot/deps "$p1"
  # The same agent, a commit that also touches .github/: outside the rule's paths.
  local p2
  p2=$(agent_commit bot .github/workflows/ci.yml "ci-bot: change the CI workflow")
  push origin bot/deps
  expect_push_rejected path-not-allowed
  expect_violation refs/heads/bot/deps "$p2" path-not-allowed bots
  expect_violation_mentions ".github/workflows/ci.yml"
  expect_hook_run_agrees
  client_git reset -q --hard HEAD~1
  client_git checkout -q main
}
test_case paths_rule "paths = [\"src/**\", ...]: an agent's commit under src/ accepted, one touching .github/ refused (path-not-allowed)"

expression_rule() {
  client_git checkout -q -b bot/human
  local h1
  h1=$(dev_commit mia laptop "mia: a commit on a bot branch")
  push origin bot/human
  expect_push_rejected expression-denied
  expect_violation refs/heads/bot/human "$h1" expression-denied bots
  expect_violation_mentions "IsAgent"
  client_git checkout -q main
  client_git branch -q -D bot/human
}
test_case expression_rule "expression: a member who is human is refused on bot/* (IsAgent says deny)"

max_ttl() {
  client_git checkout -q -b ci/build
  local c1
  c1=$(agent_commit job24h src/build.txt "job-24h: build")
  push origin ci/build
  expect_push_rejected ttl-exceeded
  expect_violation refs/heads/ci/build "$c1" ttl-exceeded ci
  expect_violation_mentions "lives 1d"
  client_git reset -q --hard HEAD~1
  c2=$(agent_commit job1h src/build.txt "job-1h: build")
  push origin ci/build
  expect_push_ok
  expect_ref refs/heads/ci/build "$c2"
  client_git checkout -q main
}
test_case max_ttl "max_ttl = \"1h\": a 24 h credential refused although unexpired (ttl-exceeded), a 1 h one accepted"

witness_log() {
  client_git checkout -q -b audited/x
  local w1
  w1=$(dev_commit mia laptop "mia: an audited commit")
  push origin audited/x
  expect_push_rejected witness-quorum-not-met
  expect_violation refs/heads/audited/x "$w1" witness-quorum-not-met audited
  client_git checkout -q main
  client_git branch -q -D audited/x
}
test_case witness_log "require_log = \"witness\": refused (witness-quorum-not-met) while receipts are not verified, never silently skipped"

open_rules() {
  client_git checkout -q -b scratch/idea
  s1=$(commit_unsigned "scratch: unsigned")
  push origin scratch/idea
  expect_push_ok
  expect_ref refs/heads/scratch/idea "$s1"
  client_git checkout -q -b wip/idea main
  local u1
  u1=$(commit_unsigned "wip: unsigned")
  push origin wip/idea
  expect_push_rejected unsigned
  expect_violation refs/heads/wip/idea "$u1" unsigned wip
  client_git reset -q --hard HEAD~1
  s2=$(commit_as stranger "wip: signed by a key nobody listed")
  push origin wip/idea
  expect_push_ok
  expect_ref refs/heads/wip/idea "$s2"
  client_git checkout -q main
}
test_case open_rules "open = \"any\" takes an unsigned commit; open = \"signed\" refuses it and takes any valid signature"

merge_workflow() {
  client_git checkout -q main
  client_git -c commit.gpgSign=false merge -q --no-ff --no-commit bot/deps >/dev/null 2>&1 ||
    fail "git merge of bot/deps failed"
  local m1
  m1=$(dev_commit mia laptop "mia: merge the agent's dependency bump")
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$m1"
}
test_case merge_workflow "mia merges the agent's branch into main: the agent's commit is a contribution of a member, accepted"

expression_outside_auths() {
  client_git fetch -q origin
  client_git reset -q --hard origin/main
  # admin moves the expression out of .auths/ (a [governance] change)...
  mkdir -p "$CLIENT/policy"
  client_git mv .auths/bots.json policy/bots.json
  sed -i 's|^expression = ".auths/bots.json"$|expression = "policy/bots.json"|' "$CLIENT/.auths/policy.toml"
  commit_as admin "policy: the bots expression lives in policy/" >/dev/null
  push origin main
  expect_push_ok
  # ...and it is still the policy: mia (a member, no [governance] signer) cannot loosen it.
  printf '"True"\n' >"$CLIENT/policy/bots.json"
  local x1
  x1=$(dev_commit mia laptop "mia: let anyone push bot/*")
  push origin main
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$x1" policy-change-unauthorized governance
  client_git reset -q --hard origin/main
}
test_case expression_outside_auths "an expression file outside .auths/ is part of the policy: a member's change of it is refused"

test_done
