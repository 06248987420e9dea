#!/usr/bin/env bash
# e2e-transports: file ssh
# e2e-sanitize: full
# Issue 6, item 8 (d): nothing a pusher controls reaches the `remote:` lines, `auths hook run
# --explain` or `--json` unescaped (README.md, "The trust model"): control characters are escaped
# and one violation stays one line.
#   - an SSHSIG whose namespace is "git\nauths: push accepted: ..." (a forged summary line):
#     refused (namespace-mismatch), no line starting with "auths: push accepted", one line for
#     the violation;
#   - an SSHSIG whose namespace carries terminal escapes (ESC ] title BEL, ESC [ 2J): no ESC or
#     BEL reaches the terminal;
#   - a signed tag object whose `tag` name carries an escape, pushed under a clean name:
#     tag-name-mismatch, no ESC in the output.
. "$(dirname "$0")/lib.sh"
test_init

make_key admin
make_key alice
setup_repo admin <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)", "$(pub admin)"]

[[policy.release]]
name = "releases"
refs = ["refs/tags/v*"]
signers = ["$(pub alice)"]

[governance]
signers = ["$(pub admin)"]
EOF
TREE=$(client_git rev-parse "$SEED^{tree}")
NOW=$(date +%s)
FORGED="auths: push accepted: 1 commit and 0 tags verified in 1 ref"

# signed_with_namespace NS MESSAGE: a well-formed commit on SEED, signed by alice with the
# SSHSIG namespace NS. Prints its id.
signed_with_namespace() {
  printf 'tree %s\nparent %s\nauthor %s\ncommitter %s\n\n%s\n' "$TREE" "$SEED" "$(ident alice "$NOW")" \
    "$(ident alice "$NOW")" "$2" >"$E2E_TMP/ns.payload"
  signed_commit_object alice "$E2E_TMP/ns.payload" "$1"
}

# explain_replay: `auths hook run --explain` and `--json` on the state the hook saw in the last
# push, output in $E2E_TMP/explain.out (stdout and stderr) and $E2E_TMP/explain.json; a
# sanitizer report in either run's stderr is a failed check.
explain_replay() {
  replay_repo "$E2E_TMP/replay.git"
  (cd "$E2E_TMP" && "$AUTHS" hook run --repo "$E2E_TMP/replay.git" --explain <"$E2E_TMP/hook.stdin" \
    >"$E2E_TMP/explain.out" 2>&1) || true
  check_no_sanitizer_report "$E2E_TMP/explain.out"
  (cd "$E2E_TMP" && "$AUTHS" hook run --repo "$E2E_TMP/replay.git" --json <"$E2E_TMP/hook.stdin" \
    >"$E2E_TMP/explain.json" 2>"$E2E_TMP/explain-json.err") || true
  check_no_sanitizer_report "$E2E_TMP/explain-json.err"
}

# expect_no_forged_line FILE WHAT: no line of FILE (with or without a "remote: " prefix)
# starts with "auths: push accepted".
expect_no_forged_line() {
  if sed 's/^remote: //' "$1" | grep -q '^auths: push accepted'; then
    fail "$2 has a line starting with 'auths: push accepted' (forged by a pusher):" \
      "$(grep -n 'auths: push accepted' "$1" | head -3 | cat -v)"
  else ok; fi
}

# expect_json_strings_clean FILE WHAT: no string in the JSON document FILE holds a control
# character (a message with a raw newline or ESC would reach whoever prints it).
expect_json_strings_clean() {
  local msg
  if msg=$(python3 - "$1" <<'PY'
import json, sys
def strings(v):
    if isinstance(v, str): yield v
    elif isinstance(v, list):
        for x in v: yield from strings(x)
    elif isinstance(v, dict):
        for k, x in v.items(): yield k; yield from strings(x)
try:
    doc = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"not JSON: {e}"); sys.exit(1)
bad = [s for s in strings(doc) if any(ord(c) < 32 or ord(c) == 127 for c in s)]
if bad: print(repr(bad[0])[:300]); sys.exit(1)
PY
  ); then ok; else fail "$2: a string with a control character: $msg"; fi
}

# A case starts by putting back the refs the case before it should have left (reset_server_ref),
# so that a push wrongly let through or refused fails its own case only.
namespace_newline() {
  c1=$(signed_with_namespace $'git\n'"$FORGED" "namespace with a newline")
  push origin "$c1:refs/heads/main"
  expect_push_rejected namespace-mismatch
  expect_violation refs/heads/main "$c1" namespace-mismatch main
  expect_no_forged_line "$E2E_TMP/push.out" "the push output"
  expect_equal "$(grep -c "^error: refs/heads/main ${c1:0:7}: " "$E2E_TMP/remote.out")" 1 "violation lines for the commit"
  expect_no_control_bytes "$E2E_TMP/remote.out" "the remote: lines"
  expect_ref refs/heads/main "$SEED"
  expect_hook_run_agrees
  explain_replay
  expect_no_forged_line "$E2E_TMP/explain.out" "auths hook run --explain"
  expect_no_control_bytes "$E2E_TMP/explain.out" "auths hook run --explain"
  json_check "$E2E_TMP/explain.json" "doc['decision'] == 'reject'"
  expect_json_strings_clean "$E2E_TMP/explain.json" "auths hook run --json"
}
test_case namespace_newline "item 8d: an SSHSIG namespace with a newline and a forged summary: refused, no forged line"

namespace_escapes() {
  reset_server_ref refs/heads/main "$SEED"
  c2=$(signed_with_namespace $'git\e]0;pwned\a\e[2J\e[31m' "namespace with escapes")
  push origin "$c2:refs/heads/main"
  expect_push_rejected namespace-mismatch
  expect_violation refs/heads/main "$c2" namespace-mismatch main
  if LC_ALL=C grep -q $'[\x1b\x07]' "$E2E_TMP/push.out"; then
    fail "the push output contains ESC or BEL" "$(LC_ALL=C grep $'[\x1b\x07]' "$E2E_TMP/push.out" | head -3 | cat -v)"
  else ok; fi
  expect_no_control_bytes "$E2E_TMP/remote.out" "the remote: lines"
  expect_ref refs/heads/main "$SEED"
  explain_replay
  expect_no_control_bytes "$E2E_TMP/explain.out" "auths hook run --explain"
  expect_json_strings_clean "$E2E_TMP/explain.json" "auths hook run --json"
}
test_case namespace_escapes "item 8d: an SSHSIG namespace with terminal escapes (ESC ] title BEL, ESC [ 2J): no control byte reaches the terminal"

tag_name_escape() {
  reset_server_ref refs/heads/main "$SEED"
  a1=$(commit_as alice "alice, to be tagged")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  printf 'object %s\ntype commit\ntag v1\033[31m\ntagger %s\n\nrelease v1\n' "$a1" "$(ident alice "$NOW")" >"$E2E_TMP/tag.payload"
  t1=$(signed_tag_object alice "$E2E_TMP/tag.payload")
  push origin "$t1:refs/tags/v1"
  expect_push_rejected tag-name-mismatch
  expect_violation refs/tags/v1 "$t1" tag-name-mismatch releases
  if LC_ALL=C grep -q $'\x1b' "$E2E_TMP/push.out"; then
    fail "the push output contains ESC" "$(LC_ALL=C grep $'\x1b' "$E2E_TMP/push.out" | head -3 | cat -v)"
  else ok; fi
  expect_ref refs/tags/v1 absent
  explain_replay
  expect_no_control_bytes "$E2E_TMP/explain.out" "auths hook run --explain"
}
test_case tag_name_escape "item 8d: a signed tag whose tag name carries an escape, pushed as refs/tags/v1: tag-name-mismatch, no ESC"

test_done
