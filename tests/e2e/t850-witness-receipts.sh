#!/usr/bin/env bash
# e2e-transports: file ssh:1
# e2e-cost: 60
# Witness receipts (issue 11; README.md, "Witness receipts") with three real witness servers
# (`auths witness serve` on 127.0.0.1, free ports), the commit-msg hook and the server hook:
# branches ci/* require receipts from 2 of the 3 witnesses (require_log = "witness").
#   - a commit gets 3 receipts (folded trailers; bytes checked by a second implementation,
#     tests/support/witness_tool.py, with openssl) and is accepted; verify-commit says 3/3;
#   - one witness stopped: the commit is still made, with 2, and accepted;
#   - two stopped: the hook fails the commit (who did not answer, and why); two hung (SIGSTOP):
#     it fails within its timeout (measured); the same commit again, all back: accepted;
#   - git commit --no-verify: the server refuses (witness-quorum-not-met); receipts copied from
#     another commit: refused (witness-receipt-mismatch); a rebase leaves stale receipts
#     (refused) that an amend replaces (accepted); a reworded amend keeps its receipts;
#   - duplicity: an amend that changes the content on the same parents gets HTTP 409 with both
#     trees from every witness, logged in their logs and on their output;
#   - a witness restarted: its log is intact, `auths witness verify-log` passes, it goes on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
. "$(dirname "$0")/witness.sh"
test_init

TOOL=$(cd "$E2E_DIR/../support" && pwd)/witness_tool.py
make_key alice
make_key bob
witness_init 3
for n in 1 2 3; do witness_start "$n"; done
setup_repo alice <<POLICY
version = 1

[witness]
keys = ["${WITNESS_DID[1]}", "${WITNESS_DID[2]}", "${WITNESS_DID[3]}"]
threshold = 2
urls = ["${WITNESS_URL[1]}", "${WITNESS_URL[2]}", "${WITNESS_URL[3]}"]

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]

[[policy.ci]]
name = "ci"
refs = ["refs/heads/ci/*"]
signers = ["$(pub alice)", "$(pub bob)"]
require_log = "witness"

[governance]
signers = ["$(pub alice)"]
POLICY
ln -s "$AUTHS_BIN_DIR/auths-commit-msg" "$CLIENT/.git/hooks/commit-msg"
client_git config auths.witnessTimeout 2
client_git checkout -q -b ci/build
ALICE_KEY=$(awk '{print $1" "$2}' "$KEYS/alice.pub")

# try_commit NAME MESSAGE [git commit options]: appends MESSAGE to log.txt and commits every
# change through the hooks (lib.sh's run: RC, RUN_ERR); COMMIT_MS: how long git commit took.
try_commit() {
  local name=$1 msg=$2 start
  shift 2
  printf '%s\n' "$msg" >>"$CLIENT/log.txt"
  client_git add -A
  start=${EPOCHREALTIME/./}
  run "$name" client_git commit -q "$@" -m "$msg"
  COMMIT_MS=$(((${EPOCHREALTIME/./} - start) / 1000))
}

# receipts REV: how many Auths-Witness-Receipt trailers REV carries (as git reads them).
receipts() {
  client_git log -1 --format='%(trailers:key=Auths-Witness-Receipt,valueonly,unfold)' "$1" | sed '/^$/d' | wc -l
}

expect_receipts() {
  local got
  got=$(receipts "$1")
  if [ "$got" -eq "$2" ]; then ok; else fail "expected $2 receipts on $1, got $got" "$(client_git log -1 --format=%B "$1")"; fi
}

three_receipts() {
  try_commit c1 "ci: first witnessed commit"
  expect_rc 0
  c1=$(client_git rev-parse HEAD)
  expect_receipts "$c1" 3
  # Folded like other long trailers: continuation lines start with a space.
  if client_git log -1 --format=%B "$c1" | grep -q '^ '; then ok; else fail "the receipts are not folded"; fi
  push origin ci/build
  expect_push_ok
  expect_ref refs/heads/ci/build "$c1"
  run verify "$AUTHS" verify-commit --repo "$CLIENT" "$c1"
  expect_out "  Witnesses:   3/3 receipts verified (threshold 2)"
}
test_case three_receipts "a commit gets receipts from the 3 witnesses and is accepted; verify-commit: 3/3"

receipt_bytes() {
  local value tree parent
  value=$(client_git log -1 --format='%(trailers:key=Auths-Witness-Receipt,valueonly,unfold)' "$c1" | sed -n 1p)
  mkdir -p "$E2E_TMP/check"
  run check python3 "$TOOL" check-receipt "$value" "$E2E_TMP/check"
  expect_rc 0
  tree=$(client_git rev-parse "$c1^{tree}")
  parent=$(client_git rev-parse "$c1^")
  json_check "$RUN_OUT" "doc['tree'] == '$tree' and doc['parents'] == ['$parent'] and doc['signer'] == '$ALICE_KEY'"
  json_check "$RUN_OUT" "doc['version'] == 1 and doc['witness'] in ['${WITNESS_DID[1]}', '${WITNESS_DID[2]}', '${WITNESS_DID[3]}']"
  json_check "$RUN_OUT" "isinstance(doc['seen_at'], int) and isinstance(doc['seq'], int) and 'identity' not in doc"
}
test_case receipt_bytes "a receipt, checked from its documented bytes by python and openssl (Ed25519 over RFC 8785 JSON)"

one_stopped() {
  witness_stop 3
  try_commit c2 "ci: with one witness down"
  expect_rc 0
  c2=$(client_git rev-parse HEAD)
  expect_receipts "$c2" 2
  expect_text "$RUN_ERR" "warning: no receipt from ${WITNESS_URL[3]}"
  push origin ci/build
  expect_push_ok
  expect_ref refs/heads/ci/build "$c2"
}
test_case one_stopped "one witness stopped: the commit is made with 2 receipts and accepted"

# A refused attempt still leaves receipts at the witnesses that answered (each records the
# first tree it sees on a signer's parents): the retry is the same commit (same tree), which
# they receipt again; other content on these parents would be duplicity to them.
two_stopped() {
  witness_stop 2
  try_commit c3 "ci: with two witnesses down"
  expect_rc nonzero
  expect_equal "$(client_git rev-parse HEAD)" "$c2" "HEAD after the refused commit"
  expect_text "$RUN_ERR" "error: witness receipts: 1 of the 2 the policy requires; the commit was not made"
  expect_text "$RUN_ERR" "no receipt from ${WITNESS_URL[2]}: cannot connect"
  expect_text "$RUN_ERR" "no receipt from ${WITNESS_URL[3]}: cannot connect"
}
test_case two_stopped "two witnesses stopped: the hook fails the commit, naming who did not answer"

two_hung() {
  witness_start 2
  witness_start 3
  witness_pause 2
  witness_pause 3
  local start=${EPOCHREALTIME/./}
  run c3-hung client_git commit -q -m "ci: with two witnesses down"
  COMMIT_MS=$(((${EPOCHREALTIME/./} - start) / 1000))
  witness_resume 2
  witness_resume 3
  expect_rc nonzero
  expect_equal "$(client_git rev-parse HEAD)" "$c2" "HEAD after the refused commit"
  expect_text "$RUN_ERR" "no receipt from ${WITNESS_URL[2]}: no answer within 2 s"
  expect_text "$RUN_ERR" "no receipt from ${WITNESS_URL[3]}: no answer within 2 s"
  # Bounded by the 2 s timeout (the witnesses are asked in parallel), with a loose margin for
  # git, the signing and a loaded machine.
  if [ "$COMMIT_MS" -ge 1900 ] && [ "$COMMIT_MS" -lt 9000 ]; then ok; else
    fail "git commit took $COMMIT_MS ms, expected the 2 s timeout (under 9 s)"; fi
  printf '# git commit with two hung witnesses: %s ms (timeout 2 s)\n' "$COMMIT_MS"
}
test_case two_hung "two witnesses hung (SIGSTOP): the hook fails the commit within its timeout"

retried() {
  run c3-retry client_git commit -q -m "ci: with two witnesses down"
  expect_rc 0
  c3=$(client_git rev-parse HEAD)
  expect_equal "$(client_git rev-parse "$c3^")" "$c2" "the parent of the retried commit"
  expect_receipts "$c3" 3
  push origin ci/build
  expect_push_ok
}
test_case retried "the same commit again, every witness back: 3 receipts, accepted"

no_verify() {
  try_commit c5 "ci: hook skipped" --no-verify
  expect_rc 0
  c5=$(client_git rev-parse HEAD)
  expect_receipts "$c5" 0
  push origin ci/build
  expect_push_rejected witness-quorum-not-met
  expect_violation refs/heads/ci/build "$c5" witness-quorum-not-met ci
  client_git reset -q --hard "$c3"
}
test_case no_verify "git commit --no-verify: no receipts, the server refuses (witness-quorum-not-met)"

copied_receipts() {
  local msg
  try_commit x1 "ci: witnessed"
  expect_rc 0
  x1=$(client_git rev-parse HEAD)
  # Another commit carrying x1's receipts (the hook skipped: nothing replaces them).
  msg=$(client_git log -1 --format=%B "$x1")
  printf 'copy\n' >>"$CLIENT/log.txt"
  client_git add -A
  client_git commit -q --no-verify -m "${msg/ci: witnessed/ci: with copied receipts}"
  y1=$(client_git rev-parse HEAD)
  expect_receipts "$y1" 3
  push origin ci/build
  expect_push_rejected witness-receipt-mismatch
  expect_violation refs/heads/ci/build "$y1" witness-receipt-mismatch ci
  client_git reset -q --hard "$x1"
  push origin ci/build
  expect_push_ok
}
test_case copied_receipts "a commit carrying receipts copied from another commit is refused (witness-receipt-mismatch)"

reworded_amend() {
  local receipts_before
  receipts_before=$(client_git log -1 --format='%(trailers:key=Auths-Witness-Receipt,valueonly,unfold)' "$x1")
  for n in 1 2 3; do witness_stop "$n"; done
  run amend client_git commit -q --amend --no-edit
  for n in 1 2 3; do witness_start "$n"; done
  expect_rc 0
  amended=$(client_git rev-parse HEAD)
  expect_equal "$(client_git log -1 --format='%(trailers:key=Auths-Witness-Receipt,valueonly,unfold)' "$amended")" \
    "$receipts_before" "the receipts after an amend that changes neither tree nor parents"
  run verify "$AUTHS" verify-commit --repo "$CLIENT" "$amended"
  expect_out "  Witnesses:   3/3 receipts verified (threshold 2)"
  client_git reset -q --hard "$x1"
}
test_case reworded_amend "an amend that keeps tree and parents keeps its receipts (every witness down meanwhile)"

duplicity() {
  local tree1 tree2 parent
  tree1=$(client_git rev-parse "$x1^{tree}")
  parent=$(client_git rev-parse "$x1^")
  printf 'changed content\n' >>"$CLIENT/log.txt"
  client_git add -A
  run amend client_git commit -q --amend --no-edit
  expect_rc nonzero
  expect_equal "$(client_git rev-parse HEAD)" "$x1" "HEAD after the refused amend"
  expect_text "$RUN_ERR" "duplicity: this witness already receipted tree $tree1 on these parents for your key"
  tree2=$(client_git write-tree)
  # Every witness logged the refused request once (verify-log checks the evidence it carries),
  # and said so on its output.
  for n in 1 2 3; do
    witness_verify_log "$n"
    expect_rc 0
    json_check "$RUN_OUT" "doc['ok'] and doc['duplicities'] == 1"
    expect_text "$E2E_TMP/witness/$n/serve.log" "duplicity: signer $ALICE_KEY asked for tree $tree2 on parents [$parent], already receipted for tree $tree1"
  done
  # The same request by hand: 409 with both trees; again: the same conflict entry, not another.
  run dup python3 "$TOOL" request "${WITNESS_URL[1]}" "$tree2" "$parent" "$ALICE_KEY" "$KEYS/alice" "$E2E_TMP/check"
  expect_rc 0
  expect_equal "$(head -n1 "$RUN_OUT")" 409 "HTTP status of a conflicting request"
  tail -n +2 "$RUN_OUT" >"$E2E_TMP/dup.json"
  json_check "$E2E_TMP/dup.json" "doc['error'] == 'duplicity' and doc['tree'] == '$tree2' and doc['first_tree'] == '$tree1'"
  witness_verify_log 1
  json_check "$RUN_OUT" "doc['duplicities'] == 1"
  client_git reset -q --hard "$x1"
}
test_case duplicity "duplicity: an amend changing the content on the same parents gets 409 with both trees, logged"

rebased() {
  local m1 m2
  # ci/topic from a new main commit (c1 already holds the receipts on the seed commit).
  client_git checkout -q main
  m1=$(commit_as alice "main moves on" main.txt)
  client_git checkout -q -b ci/topic main
  try_commit t1 "ci: topic"
  expect_rc 0
  t1=$(client_git rev-parse HEAD)
  expect_equal "$(client_git rev-parse "$t1^")" "$m1" "the topic commit's parent"
  expect_receipts "$t1" 3
  client_git checkout -q main
  m2=$(commit_as alice "main moves on again" main.txt)
  push origin main
  expect_push_ok
  client_git checkout -q ci/topic
  client_git rebase -q main 2>/dev/null
  t2=$(client_git rev-parse HEAD)
  expect_equal "$(client_git rev-parse "$t2^")" "$m2" "the rebased commit's parent"
  push origin ci/topic
  expect_push_rejected witness-receipt-mismatch
  run amend client_git commit -q --amend --no-edit
  expect_rc 0
  t3=$(client_git rev-parse HEAD)
  expect_receipts "$t3" 3
  push origin ci/topic
  expect_push_ok
  expect_ref refs/heads/ci/topic "$t3"
  client_git checkout -q ci/build
}
test_case rebased "a rebase leaves stale receipts (refused); an amend replaces them (accepted)"

# call NAME METHOD PATH BODY: an HTTP request to witness 1 (BODY: text, or - for none): the
# status in STATUS, the body in $E2E_TMP/NAME.json.
call() {
  local name=$1 method=$2 path=$3 body=$4 file=-
  if [ "$body" != - ]; then
    file=$E2E_TMP/$name.body
    printf '%s' "$body" >"$file"
  fi
  run "$name" python3 "$TOOL" http "$method" "${WITNESS_URL[1]}$path" "$file"
  STATUS=$(head -n1 "$RUN_OUT")
  tail -n +2 "$RUN_OUT" >"$E2E_TMP/$name.json"
}

api() {
  local big good
  call health GET /v1/health -
  expect_equal "$STATUS" 200 "GET /v1/health"
  json_check "$E2E_TMP/health.json" "doc['status'] == 'ok' and doc['witness'] == '${WITNESS_DID[1]}' and doc['log_size'] > 0 and len(doc['head']) == 64"
  call log GET "/v1/log?from=1&limit=2" -
  expect_equal "$STATUS" 200 "GET /v1/log"
  json_check "$E2E_TMP/log.json" "doc['from'] == 1 and len(doc['entries']) == 2 and doc['entries'][0]['seq'] == 1 and doc['entries'][1]['prev'] != ''"
  call badfrom GET "/v1/log?from=x" -
  expect_equal "$STATUS" 400 "GET /v1/log?from=x"
  call badjson POST /v1/receipts '{"tree": '
  expect_equal "$STATUS" 400 "bad JSON"
  json_check "$E2E_TMP/badjson.json" "doc['error'] == 'bad-request' and 'JSON' in doc['reason']"
  call fields POST /v1/receipts '{"tree": "abc", "parents": [], "signer": "x", "signature": "y"}'
  expect_equal "$STATUS" 400 "a request with a bad tree"
  json_check "$E2E_TMP/fields.json" "doc['error'] == 'bad-request' and doc['reason'].startswith('tree')"
  # A request signed by bob in alice's name: 403.
  run forged python3 "$TOOL" request "${WITNESS_URL[1]}" "$(printf 'e%.0s' $(seq 40))" "$(client_git rev-parse HEAD)" \
    "$ALICE_KEY" "$KEYS/bob" "$E2E_TMP/check"
  expect_equal "$(head -n1 "$RUN_OUT")" 403 "a request signed by another key than its signer"
  # Over 16 KiB: 413, unread.
  big=$(head -c 20000 /dev/zero | tr '\0' 'a')
  call big POST /v1/receipts "$big"
  expect_equal "$STATUS" 413 "a 20 KB request"
  call nowhere GET /v2/anything -
  expect_equal "$STATUS" 404 "an unknown route"
  # The witness still answers (parents no commit of this test has), and its log still verifies.
  good=$(printf '1%.0s' $(seq 40))
  run good python3 "$TOOL" request "${WITNESS_URL[1]}" "$(printf 'f%.0s' $(seq 40))" "$good" "$ALICE_KEY" "$KEYS/alice" "$E2E_TMP/check"
  expect_equal "$(head -n1 "$RUN_OUT")" 200 "a good request after the bad ones"
  witness_verify_log 1
  expect_rc 0
}
test_case api "the HTTP API: health, log pages, 400 with a reason (bad JSON, bad fields), 403 (another signer), 413 (too large), 404"

restart() {
  local size head
  witness_verify_log 1
  expect_rc 0
  size=$(json_get "$RUN_OUT" size)
  head=$(json_get "$RUN_OUT" head)
  witness_stop 1
  witness_start 1
  witness_verify_log 1
  expect_rc 0
  json_check "$RUN_OUT" "doc['size'] == $size and doc['head'] == '$head'"
  try_commit r1 "ci: after the restart"
  expect_rc 0
  expect_receipts HEAD 3
  witness_verify_log 1
  json_check "$RUN_OUT" "doc['size'] == $size + 1"
  run text "$AUTHS" witness verify-log "${WITNESS_URL[1]}"
  expect_rc 0
  expect_text "$RUN_OUT" "log of ${WITNESS_DID[1]} at ${WITNESS_URL[1]} verifies: $((size + 1)) entries"
  push origin ci/build
  expect_push_ok
}
test_case restart "a witness restarted: its log intact, verify-log passes, it goes on appending"

test_done
