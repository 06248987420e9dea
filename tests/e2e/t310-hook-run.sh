#!/usr/bin/env bash
# e2e-transports: file
# `auths hook run --repo PATH [--json] [--explain]`: the dry run an admin uses. Fed
# pre-receive lines, it decides like the hook, reports per ref and per object, and changes
# nothing in the repository.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
setup_main_repo alice

# A repository with the objects of a push but no ref to them, as pre-receive sees it.
good=$(commit_as alice "good")
bad=$(commit_as mallory "bad")
R=$E2E_TMP/dry.git
cp -a "$SERVER" "$R"
rm -rf "$R/hooks" && mkdir "$R/hooks"
printf '%s\n' "$bad" "^$SEED" | client_git pack-objects --revs --stdout -q | git -C "$R" unpack-objects -q
git -C "$R" cat-file -e "$bad" || e2e_die "setup: objects not copied"

# hook_run NAME ARGS...: auths hook run --repo $R ARGS fed $E2E_TMP/NAME.in, through lib.sh's
# run NAME (output in $RUN_OUT / $RUN_ERR, exit status in RC).
hook_run() {
  local name=$1
  shift
  RUN_STDIN="$E2E_TMP/$name.in" run "$name" "$AUTHS" hook run --repo "$R" "$@"
}

accepted_json() {
  echo "$SEED $good refs/heads/main" >"$E2E_TMP/ok.in"
  hook_run ok --json
  expect_rc 0
  json_check "$RUN_OUT" "doc['decision'] == 'accept' and doc['exit_code'] == 0 and doc['violations'] == []"
  json_check "$RUN_OUT" "len(doc['refs']) == 1 and doc['refs'][0]['ref'] == 'refs/heads/main' and doc['refs'][0]['old'] == '$SEED' and doc['refs'][0]['new'] == '$good'"
  json_check "$RUN_OUT" "doc['refs'][0]['allowed'] is True and doc['refs'][0]['codes'] == [] and doc['refs'][0]['rule'] == 'main'"
  json_check "$RUN_OUT" "doc['refs'][0]['kind'] in ('fast-forward', 'fast_forward', 'ff') and '.auths/policy.toml' in doc['refs'][0]['policy']"
  json_check "$RUN_OUT" "[o['oid'] for o in doc['refs'][0]['objects']] == ['$good']"
  json_check "$RUN_OUT" "doc['refs'][0]['objects'][0]['kind'] == 'commit' and doc['refs'][0]['objects'][0]['code'] == 'ok' and doc['refs'][0]['objects'][0]['key'] == '$(fpr alice)'"
  json_check "$RUN_OUT" "doc['refs'][0]['objects'][0]['rule'] == 'main' and doc['refs'][0]['objects'][0]['signer'] != ''"
  if grep -Fxq "auths: push accepted: 1 commit and 0 tags verified in 1 ref" "$RUN_ERR"; then ok; else
    fail "expected the accepted summary on stderr" "$(cat "$RUN_ERR")"; fi
}
test_case accepted_json "accepted: exit 0, JSON with the signer's key per commit"

rejected_json() {
  echo "$SEED $bad refs/heads/main" >"$E2E_TMP/bad.in"
  hook_run bad --json
  expect_rc 1
  json_check "$RUN_OUT" "doc['decision'] == 'reject' and doc['exit_code'] == 1"
  json_check "$RUN_OUT" "[(v['ref'], v['object'], v['rule'], v['code']) for v in doc['violations']] == [('refs/heads/main', '$bad', 'main', 'unknown-signer')]"
  json_check "$RUN_OUT" "all(k in doc['violations'][0] for k in ('message', 'hint')) and '$(fpr mallory)' in doc['violations'][0]['message']"
  json_check "$RUN_OUT" "doc['refs'][0]['allowed'] is False and doc['refs'][0]['codes'] == ['unknown-signer']"
  json_check "$RUN_OUT" "{o['oid']: o['code'] for o in doc['refs'][0]['objects']} == {'$good': 'ok', '$bad': 'unknown-signer'}"
  json_check "$RUN_OUT" "[o['key'] for o in doc['refs'][0]['objects'] if o['oid'] == '$bad'] == ['$(fpr mallory)']"
  if grep -q "^error: refs/heads/main ${bad:0:7}: unknown-signer (rule 'main'): " "$RUN_ERR" &&
     grep -Fxq "auths: push rejected: 1 violation in 1 ref" "$RUN_ERR"; then ok; else
    fail "expected the hook's violation and summary lines on stderr" "$(cat "$RUN_ERR")"; fi
}
test_case rejected_json "rejected: exit 1, the violation in the JSON document and on stderr"

explain_report() {
  hook_run bad --explain
  expect_rc 1
  for oid in "$good" "$bad"; do
    if grep -q "${oid:0:7}" "$RUN_OUT"; then ok; else
      fail "expected --explain to mention commit ${oid:0:7}" "$(cat "$RUN_OUT")"; fi
  done
  if grep -q 'unknown-signer' "$RUN_OUT" && grep -q 'refs/heads/main' "$RUN_OUT"; then ok; else
    fail "expected --explain to name the ref and the code" "$(cat "$RUN_OUT")"; fi
}
test_case explain_report "--explain: a per-ref, per-commit report on stdout"

plain_report() {
  hook_run bad
  expect_rc 1
  if [ -s "$RUN_OUT" ]; then ok; else fail "expected a per-ref/per-object report on stdout"; fi
}
test_case plain_report "plain run: stdout has a report, stderr the same lines as --json's stderr"

dry_run_read_only() {
  server_state "$E2E_TMP/r-before.state" "$R"
  hook_run ok
  hook_run bad --json
  hook_run bad --explain
  server_state "$E2E_TMP/r-after.state" "$R"
  if cmp -s "$E2E_TMP/r-before.state" "$E2E_TMP/r-after.state"; then ok; else
    fail "auths hook run changed the repository" "$(diff "$E2E_TMP/r-before.state" "$E2E_TMP/r-after.state" | head)"; fi
}
test_case dry_run_read_only "a dry run changes nothing in the repository"

several_refs() {
  git -C "$R" update-ref refs/heads/old "$SEED"
  printf '%s\n' "$ZERO_OID $good refs/heads/new" "$SEED $ZERO_OID refs/heads/old" "$SEED $good refs/heads/main" >"$E2E_TMP/multi.in"
  hook_run multi --json
  json_check "$RUN_OUT" "[r['ref'] for r in doc['refs']] == ['refs/heads/new', 'refs/heads/old', 'refs/heads/main']"
  json_check "$RUN_OUT" "[r['kind'] for r in doc['refs']][1] == 'delete' and [r['kind'] for r in doc['refs']][0] == 'create'"
  json_check "$RUN_OUT" "doc['decision'] == 'reject' and sorted(v['code'] for v in doc['violations']) == ['no-rule', 'no-rule']"
  expect_rc 1
}
test_case several_refs "several refs: a create, a delete, an update"

malformed_input() {
  printf 'not a pre-receive line\n' >"$E2E_TMP/junk.in"
  hook_run junk
  if [ "$RC" -ne 0 ] && [ "$RC" -ne 1 ]; then ok; else
    fail "expected exit 2 (or a usage error) for malformed input, got $RC"; fi
}
test_case malformed_input "malformed input is refused, fail closed"

test_done
