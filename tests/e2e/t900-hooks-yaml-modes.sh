#!/usr/bin/env bash
# e2e-transports: file
# The server configuration (hooks.yaml, named by AUTHS_HOOKS_CONFIG as the server's environment
# would): per-repository globs choose the mode. enforce refuses a violating push; warn accepts
# it, shows the pusher every violation as "auths: warn mode: this push would be refused: ...",
# and logs it; off judges nothing and still writes one audit line. `auths config check|show`
# and `auths hook run --config` read the same file.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
setup_main_repo alice

CFG=$E2E_TMP/hooks.yaml
AUDIT=$E2E_TMP/audit.jsonl
export AUTHS_HOOKS_CONFIG=$CFG
audit_lines() { if [ -f "$AUDIT" ]; then wc -l <"$AUDIT"; else echo 0; fi; }

# config MODE: hooks.yaml whose entry for this server's path sets MODE; other repositories
# (the glob of another directory) are in enforce mode.
config() {
  cat >"$CFG" <<EOF
version: 1
defaults:
  mode: enforce
  audit: $AUDIT
repositories:
  - match: "$E2E_TMP/other/*.git"
    mode: off
  - match: "$E2E_TMP/*.git"
    mode: $1
EOF
}

bad=$(commit_as mallory "mallory's commit")

enforce_refuses() {
  config enforce
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$bad" unknown-signer main
  expect_ref refs/heads/main "$SEED"
  if [ "$(audit_lines)" -eq 1 ]; then ok; else fail "expected 1 audit line, got $(audit_lines)"; fi
  json_check "$AUDIT" "lines[-1]['ref'] == 'refs/heads/main' and lines[-1]['codes'] == ['unknown-signer'] and lines[-1]['decision'] in ('reject', 'refuse')"
  expect_hook_run_agrees
}
test_case enforce_refuses "mode enforce (the entry matching the repository): a violating push is refused"

warn_accepts_and_says_so() {
  config warn
  push origin main
  expect_equal "$PUSH_STATUS" 0 "git push status in warn mode"
  expect_equal "$(hook_exit)" 0 "hook exit status in warn mode"
  expect_line_match "^auths: warn mode: this push would be refused: refs/heads/main ${bad:0:7}: unknown-signer \\(rule 'main'\\): "
  expect_line "auths: push accepted in warn mode; in enforce mode it would be refused: 1 violation in 1 ref"
  expect_no_line_match '^error: '
  expect_ref refs/heads/main "$bad"
  if [ "$(audit_lines)" -eq 2 ]; then ok; else fail "expected 2 audit lines, got $(audit_lines)"; fi
  json_check "$AUDIT" "lines[-1]['new'] == '$bad' and lines[-1]['codes'] == ['unknown-signer'] and lines[-1]['decision'] == 'warn' and lines[-1]['mode'] == 'warn' and lines[-1]['overruled'] == 'refuse'"
}
test_case warn_accepts_and_says_so "mode warn: the violating push is accepted, every violation shown to the pusher and logged"

warn_dry_run_agrees() {
  replay_repo "$E2E_TMP/replay.git"
  cat >"$E2E_TMP/replay.yaml" <<EOF
version: 1
repositories:
  - match: "$E2E_TMP/replay.git"
    mode: warn
EOF
  RUN_STDIN=$E2E_TMP/hook.stdin run dry "$AUTHS" hook run --repo "$E2E_TMP/replay.git" --config "$E2E_TMP/replay.yaml"
  expect_rc 0
  expect_out "configuration: $E2E_TMP/replay.yaml: mode warn, bootstrap deny, time_budget_ms 0, max_push_commits 0"
  expect_text "$RUN_OUT" "decision: accept (exit 0), mode warn, overruling reject"
  decision_text "$E2E_TMP/remote.out"
  local hook_text=$DECISION_TEXT
  decision_text "$RUN_ERR"
  expect_equal "$DECISION_TEXT" "$hook_text" "the dry run's lines against the hook's"
  RUN_STDIN=$E2E_TMP/hook.stdin run dryjson "$AUTHS" hook run --repo "$E2E_TMP/replay.git" \
    --config "$E2E_TMP/replay.yaml" --json
  json_check "$RUN_OUT" "doc['decision'] == 'accept' and doc['mode'] == 'warn' and doc['overruled'] == 'reject' and [v['code'] for v in doc['violations']] == ['unknown-signer']"
}
test_case warn_dry_run_agrees "auths hook run --config: the same warn-mode lines as the hook, mode and overruled in JSON"

off_accepts_unjudged() {
  reset_server_ref refs/heads/main "$SEED"
  config off
  push origin main
  expect_equal "$PUSH_STATUS" 0 "git push status in off mode"
  expect_line "auths: push accepted: not checked (hooks.yaml mode: off for this repository)"
  expect_no_line_match 'unknown-signer'
  expect_ref refs/heads/main "$bad"
  if [ "$(audit_lines)" -eq 3 ]; then ok; else fail "expected 3 audit lines, got $(audit_lines)"; fi
  json_check "$AUDIT" "lines[-1]['new'] == '$bad' and lines[-1]['codes'] == [] and lines[-1]['decision'] == 'off' and lines[-1]['mode'] == 'off'"
}
test_case off_accepts_unjudged "mode off: nothing judged, accepted, one audit line still written"

glob_of_another_directory() {
  reset_server_ref refs/heads/main "$SEED"
  # Only the entry for $E2E_TMP/other/*.git says off; this repository is not under it.
  cat >"$CFG" <<EOF
version: 1
repositories:
  - match: "$E2E_TMP/other/*.git"
    mode: off
  - match: "$E2E_TMP/**/server.git"
    mode: warn
  - match: "$E2E_TMP/server.git"
    mode: enforce
EOF
  push origin main
  expect_push_rejected unknown-signer
  run show "$AUTHS" config show --repo "$SERVER"
  expect_rc 0
  expect_text "$RUN_OUT" "mode:             enforce"
  expect_text "$RUN_OUT" "$CFG:7 repositories[2] (match '$E2E_TMP/server.git')"
  run showjson "$AUTHS" config show --repo "$SERVER" --json
  json_check "$RUN_OUT" "doc['settings']['mode'] == {'value': 'enforce', 'source': '$CFG:7 repositories[2] (match \\'$E2E_TMP/server.git\\')'} and doc['settings']['audit']['value'] is None and doc['settings']['audit']['source'] == 'built-in'"
}
test_case glob_of_another_directory "later entries win key by key; a glob of another directory does not apply; config show says why"

invalid_config_fails_closed() {
  printf 'version: 1\ndefaults:\n  mode: warn\n  time_budget_ms: soon\n' >"$CFG"
  push origin main
  expect_push_undecided internal-error
  expect_line_match "could not decide \\(fail closed\\): .*$CFG:4: key 'time_budget_ms': 'soon' is not a whole number of milliseconds"
  expect_ref refs/heads/main "$SEED"
  run check "$AUTHS" config check "$CFG"
  expect_rc 1
  expect_text "$RUN_ERR" "error: $CFG:4: key 'time_budget_ms': 'soon' is not a whole number of milliseconds (0 = none)"
  printf 'version: 1\ndefaults:\n  mdoe: warn\n' >"$CFG"
  run check_env "$AUTHS" config check
  expect_rc 1
  expect_text "$RUN_ERR" "error: $CFG:3: unknown key 'mdoe' in defaults (did you mean 'mode'?)"
  rm -f "$CFG"
  push origin main
  expect_push_undecided internal-error
  expect_line_match "could not decide \\(fail closed\\): $CFG: cannot read the server configuration"
}
test_case invalid_config_fails_closed "an invalid or missing hooks.yaml (named by AUTHS_HOOKS_CONFIG): every push fails closed (exit 2), naming file, line and key"

example_file_is_valid() {
  run example "$AUTHS" config check "$(dirname "$0")/../../examples/hooks.yaml"
  expect_rc 0
  expect_text "$RUN_OUT" "hooks.yaml: valid ("
  run examplejson "$AUTHS" config check "$(dirname "$0")/../../examples/hooks.yaml" --json
  json_check "$RUN_OUT" "doc['valid'] is True and doc['repositories'] >= 2"
}
test_case example_file_is_valid "examples/hooks.yaml passes auths config check"

test_done
