#!/usr/bin/env bash
# e2e-transports: file ssh:1
# The audit log's hash chain over real pushes (README.md, "Audit log"): an accepted and a
# refused push each add one chained line per ref, with the signer's key fingerprint of every
# commit; `auths audit verify` proves the chain and names the line that was edited or removed
# afterwards; the README's sha256sum one-liner agrees; `auths audit show` filters the lines.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
setup_repo alice <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/*"]
signers = ["$(pub alice)"]
EOF
audit=$E2E_TMP/audit.jsonl
server_git config auths.auditLog "$audit"
README=$E2E_DIR/../../README.md

# line_count: the lines of the audit log.
line_count() { if [ -f "$audit" ]; then wc -l <"$audit" | tr -d ' '; else echo 0; fi; }

accepted_line() {
  a1=$(commit_as alice "alice 1")
  a2=$(commit_as alice "alice 2")
  push origin main
  expect_push_ok "auths: push accepted: 2 commits and 0 tags verified in 1 ref"
  expect_equal "$(line_count)" 1 "audit lines after one push of one ref"
  json_check "$audit" "lines[0]['seq'] == 1 and lines[0]['prev'] == ''"
  json_check "$audit" "lines[0]['ref'] == 'refs/heads/main' and lines[0]['old'] == '$SEED' and lines[0]['new'] == '$a2'"
  json_check "$audit" "lines[0]['decision'] == 'accept' and lines[0]['mode'] == 'enforce' and lines[0]['codes'] == []"
  json_check "$audit" "lines[0]['kind'] == 'fast-forward' and lines[0]['ref_allowed'] is True"
  json_check "$audit" "lines[0]['policy'].endswith(':.auths/policy.toml') and lines[0]['rule'] == 'main'"
  json_check "$audit" "lines[0]['objects_total'] == 2 and sorted(o['oid'] for o in lines[0]['objects']) == sorted(['$a1', '$a2'])"
  json_check "$audit" "all(o['key'] == '$(fpr alice)' and o['code'] == 'ok' and o['kind'] == 'commit' and o['signer'] for o in lines[0]['objects'])"
  json_check "$audit" "lines[0]['violations'] == [] and lines[0]['violations_total'] == 0 and 'override' not in lines[0]"
  if [ "$E2E_TRANSPORT" = ssh ]; then
    json_check "$audit" "lines[0]['protocol'] == 'ssh'"
  else
    json_check "$audit" "lines[0]['protocol'] == 'local'"
  fi
  json_check "$audit" "lines[0]['pusher'] == 'unix:$(id -un)' and lines[0]['pusher_source'] == 'uid'"
}
test_case accepted_line "an accepted push: one line, seq 1, prev \"\", the key fingerprint of each commit"

refused_lines() {
  m=$(commit_as mallory "mallory")
  push origin main main:refs/heads/side
  expect_push_rejected unknown-signer
  expect_equal "$(line_count)" 3 "audit lines after a refused push of two refs"
  json_check "$audit" "[l['seq'] for l in lines] == [1, 2, 3]"
  json_check "$audit" "all(l['decision'] == 'refuse' and l['new'] == '$m' and l['codes'] == ['unknown-signer'] for l in lines[1:])"
  json_check "$audit" "sorted(l['ref'] for l in lines[1:]) == ['refs/heads/main', 'refs/heads/side']"
  json_check "$audit" "all(any(o['oid'] == '$m' and o['key'] == '$(fpr mallory)' and o['code'] == 'unknown-signer' for o in l['objects']) for l in lines[1:])"
  json_check "$audit" "all(len(l['violations']) == 1 and l['violations'][0]['code'] == 'unknown-signer' and l['violations'][0]['object'] == '$m' and l['violations'][0]['message'] for l in lines[1:])"
  # Each line's prev is the SHA-256 of the line before, its bytes without the newline.
  want=$(sed -n 1p "$audit" | tr -d '\n' | sha256sum | cut -d' ' -f1)
  json_check "$audit" "lines[1]['prev'] == '$want'"
  client_git reset -q --hard "$a2"
}
test_case refused_lines "a refused push of two refs: two lines, refuse, unknown-signer, mallory's key; prev is sha256sum of the line before"

verify_intact() {
  run verify "$AUTHS" audit verify "$audit"
  expect_rc 0
  last=$(tail -n1 "$audit" | tr -d '\n' | sha256sum | cut -d' ' -f1)
  expect_out "OK: 3 lines, chain intact, last hash $last"
  run verify-json "$AUTHS" audit verify "$audit" --json
  expect_rc 0
  cp "$RUN_OUT" "$E2E_TMP/verify.json"
  json_check "$E2E_TMP/verify.json" "doc['ok'] is True and doc['lines'] == 3 and doc['last_hash'] == '$last' and doc['bad_line'] is None"
  # The README's one-liner, exactly as printed there, on the same file.
  oneliner=$(grep -m1 '^(n=0 prev=; while' "$README") || true
  if [ -n "$oneliner" ]; then ok; else fail "no sha256sum one-liner in README.md"; fi
  mkdir -p "$E2E_TMP/copy"
  cp "$audit" "$E2E_TMP/copy/audit.jsonl"
  run oneliner bash -c "cd '$E2E_TMP/copy' && $oneliner"
  expect_rc 0
  expect_out "OK: 3 lines, last hash $last"
}
test_case verify_intact "auths audit verify: OK, 3 lines, the last line's sha256sum; the README one-liner agrees"

show_lines() {
  run show "$AUTHS" audit show --file "$audit"
  expect_rc 0
  expect_equal "$(grep -c ' refuse ' "$RUN_OUT")" 2 "refuse rows of audit show"
  expect_equal "$(grep -c ' accept ' "$RUN_OUT")" 1 "accept rows of audit show"
  expect_text "$RUN_OUT" "unix:$(id -un) (uid)"
  expect_text "$RUN_OUT" "${SEED:0:7}..${a2:0:7}"
  run show-refused "$AUTHS" audit show --repo "$SERVER" --decision refuse --ref side --json
  expect_rc 0
  cp "$RUN_OUT" "$E2E_TMP/show.jsonl"
  json_check "$E2E_TMP/show.jsonl" "len(lines) == 1 and lines[0]['ref'] == 'refs/heads/side' and lines[0]['seq'] == 3"
  # --json prints the lines as they are: the chain's own bytes.
  if [ "$(cat "$RUN_OUT")" = "$(sed -n 3p "$audit")" ]; then ok; else fail "audit show --json changed the line"; fi
  run show-since "$AUTHS" audit show --file "$audit" --since 1h --json
  expect_equal "$(wc -l <"$RUN_OUT" | tr -d ' ')" 3 "lines of the last hour"
  run show-future "$AUTHS" audit show --file "$audit" --since 2999-01-01
  expect_rc 0
  expect_out "no lines"
  run show-bad "$AUTHS" audit show --file "$audit" --decision reject
  expect_rc 64
}
test_case show_lines "auths audit show: table, --repo, --decision, --ref, --since, --json"

edited_line() {
  a3=$(commit_as alice "alice 3")
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$a3"
  expect_equal "$(line_count)" 4 "audit lines"
  cp "$audit" "$E2E_TMP/audit.orig"
  sed -i '2s/"decision":"refuse"/"decision":"accept"/' "$audit"
  if cmp -s "$audit" "$E2E_TMP/audit.orig"; then fail "setup: sed changed nothing"; fi
  run verify-edited "$AUTHS" audit verify "$audit"
  expect_rc 1
  expect_text "$RUN_OUT" "FAILED: line 2: line 2 was altered"
  run oneliner-edited bash -c "cd '$(dirname "$audit")' && cp '$audit' copy/audit.jsonl && cd copy && $oneliner"
  expect_rc 1
  expect_out "chain broken at line 3"
  cp "$E2E_TMP/audit.orig" "$audit"
  sed -i '3d' "$audit"
  run verify-deleted "$AUTHS" audit verify "$audit" --json
  expect_rc 1
  cp "$RUN_OUT" "$E2E_TMP/deleted.json"
  json_check "$E2E_TMP/deleted.json" "doc['ok'] is False and doc['bad_line'] == 3 and 'removed' in doc['problem']"
  cp "$E2E_TMP/audit.orig" "$audit"
  run verify-restored "$AUTHS" audit verify "$audit"
  expect_rc 0
}
test_case edited_line "a line edited with sed: verify names it; a line deleted: verify names where"

test_done
