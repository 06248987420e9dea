#!/usr/bin/env bash
# e2e-transports: file
# `auths hook run --repo PATH [--json] [--explain]`: the dry run an admin uses. Fed
# pre-receive lines, it decides like the hook, reports per ref and per object, and changes
# nothing in the repository.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
setup_repo alice <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]
EOF

# A repository with the objects of a push but no ref to them, as pre-receive sees it.
good=$(commit_as alice "good")
bad=$(commit_as mallory "bad")
R=$E2E_TMP/dry.git
cp -a "$SERVER" "$R"
rm -rf "$R/hooks" && mkdir "$R/hooks"
printf '%s\n' "$bad" "^$SEED" | client_git pack-objects --revs --stdout -q | git -C "$R" unpack-objects -q
git -C "$R" cat-file -e "$bad" || e2e_die "setup: objects not copied"

# run_hook_run NAME ARGS...: auths hook run --repo $R ARGS with stdin $E2E_TMP/NAME.in;
# output in NAME.out / NAME.err, status in RUN_STATUS.
run_hook_run() {
  local name=$1; shift
  RUN_STATUS=0
  "$AUTHS" hook run --repo "$R" "$@" <"$E2E_TMP/$name.in" >"$E2E_TMP/$name.out" 2>"$E2E_TMP/$name.err" || RUN_STATUS=$?
  check_no_sanitizer_report "$E2E_TMP/$name.err"
}
expect_run_status() {
  if [ "$RUN_STATUS" -eq "$1" ]; then ok; else
    fail "expected auths hook run to exit $1, got $RUN_STATUS" "stderr: $(cat "$E2E_TMP/$2.err")"
  fi
}

step "accepted: exit 0, JSON with the signer's key per commit"
echo "$SEED $good refs/heads/main" >"$E2E_TMP/ok.in"
run_hook_run ok --json
expect_run_status 0 ok
json_check "$E2E_TMP/ok.out" "doc['decision'] == 'accept' and doc['exit_code'] == 0 and doc['violations'] == []"
json_check "$E2E_TMP/ok.out" "len(doc['refs']) == 1 and doc['refs'][0]['ref'] == 'refs/heads/main' and doc['refs'][0]['old'] == '$SEED' and doc['refs'][0]['new'] == '$good'"
json_check "$E2E_TMP/ok.out" "doc['refs'][0]['allowed'] is True and doc['refs'][0]['codes'] == [] and doc['refs'][0]['rule'] == 'main'"
json_check "$E2E_TMP/ok.out" "doc['refs'][0]['kind'] in ('fast-forward', 'fast_forward', 'ff') and '.auths/policy.toml' in doc['refs'][0]['policy']"
json_check "$E2E_TMP/ok.out" "[o['oid'] for o in doc['refs'][0]['objects']] == ['$good']"
json_check "$E2E_TMP/ok.out" "doc['refs'][0]['objects'][0]['kind'] == 'commit' and doc['refs'][0]['objects'][0]['code'] == 'ok' and doc['refs'][0]['objects'][0]['key'] == '$(fpr alice)'"
json_check "$E2E_TMP/ok.out" "doc['refs'][0]['objects'][0]['rule'] == 'main' and doc['refs'][0]['objects'][0]['signer'] != ''"
if grep -Fxq "auths: push accepted: 1 commit and 0 tags verified in 1 ref" "$E2E_TMP/ok.err"; then ok; else
  fail "expected the accepted summary on stderr" "$(cat "$E2E_TMP/ok.err")"; fi

step "rejected: exit 1, the violation in the JSON document and on stderr"
echo "$SEED $bad refs/heads/main" >"$E2E_TMP/bad.in"
run_hook_run bad --json
expect_run_status 1 bad
json_check "$E2E_TMP/bad.out" "doc['decision'] == 'reject' and doc['exit_code'] == 1"
json_check "$E2E_TMP/bad.out" "[(v['ref'], v['object'], v['rule'], v['code']) for v in doc['violations']] == [('refs/heads/main', '$bad', 'main', 'unknown-signer')]"
json_check "$E2E_TMP/bad.out" "all(k in doc['violations'][0] for k in ('message', 'hint')) and '$(fpr mallory)' in doc['violations'][0]['message']"
json_check "$E2E_TMP/bad.out" "doc['refs'][0]['allowed'] is False and doc['refs'][0]['codes'] == ['unknown-signer']"
json_check "$E2E_TMP/bad.out" "{o['oid']: o['code'] for o in doc['refs'][0]['objects']} == {'$good': 'ok', '$bad': 'unknown-signer'}"
json_check "$E2E_TMP/bad.out" "[o['key'] for o in doc['refs'][0]['objects'] if o['oid'] == '$bad'] == ['$(fpr mallory)']"
if grep -q "^error: refs/heads/main ${bad:0:7}: unknown-signer (rule 'main'): " "$E2E_TMP/bad.err" &&
   grep -Fxq "auths: push rejected: 1 violation in 1 ref" "$E2E_TMP/bad.err"; then ok; else
  fail "expected the hook's violation and summary lines on stderr" "$(cat "$E2E_TMP/bad.err")"; fi

step "--explain: a per-ref, per-commit report on stdout"
run_hook_run bad --explain
expect_run_status 1 bad
for oid in "$good" "$bad"; do
  if grep -q "${oid:0:7}" "$E2E_TMP/bad.out"; then ok; else
    fail "expected --explain to mention commit ${oid:0:7}" "$(cat "$E2E_TMP/bad.out")"; fi
done
if grep -q 'unknown-signer' "$E2E_TMP/bad.out" && grep -q 'refs/heads/main' "$E2E_TMP/bad.out"; then ok; else
  fail "expected --explain to name the ref and the code" "$(cat "$E2E_TMP/bad.out")"; fi

step "plain run: stdout has a report, stderr the same lines as --json's stderr"
run_hook_run bad
expect_run_status 1 bad
if [ -s "$E2E_TMP/bad.out" ]; then ok; else fail "expected a per-ref/per-object report on stdout"; fi

step "a dry run changes nothing in the repository"
server_state "$E2E_TMP/r-before.state" "$R"
run_hook_run ok
run_hook_run bad --json
run_hook_run bad --explain
server_state "$E2E_TMP/r-after.state" "$R"
if cmp -s "$E2E_TMP/r-before.state" "$E2E_TMP/r-after.state"; then ok; else
  fail "auths hook run changed the repository" "$(diff "$E2E_TMP/r-before.state" "$E2E_TMP/r-after.state" | head)"; fi

step "several refs: a create, a delete, an update"
git -C "$R" update-ref refs/heads/old "$SEED"
printf '%s\n' "$ZERO_OID $good refs/heads/new" "$SEED $ZERO_OID refs/heads/old" "$SEED $good refs/heads/main" >"$E2E_TMP/multi.in"
run_hook_run multi --json
json_check "$E2E_TMP/multi.out" "[r['ref'] for r in doc['refs']] == ['refs/heads/new', 'refs/heads/old', 'refs/heads/main']"
json_check "$E2E_TMP/multi.out" "[r['kind'] for r in doc['refs']][1] == 'delete' and [r['kind'] for r in doc['refs']][0] == 'create'"
json_check "$E2E_TMP/multi.out" "doc['decision'] == 'reject' and sorted(v['code'] for v in doc['violations']) == ['no-rule', 'no-rule']"
expect_run_status 1 multi

step "malformed input is refused, fail closed"
printf 'not a pre-receive line\n' >"$E2E_TMP/junk.in"
run_hook_run junk
if [ "$RUN_STATUS" -ne 0 ] && [ "$RUN_STATUS" -ne 1 ]; then ok; else
  fail "expected exit 2 (or a usage error) for malformed input, got $RUN_STATUS"; fi

test_done
