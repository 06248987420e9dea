#!/usr/bin/env bash
# e2e-transports: file
# The case mechanism of lib.sh checked against itself: a child script (written here, run with
# the same lib.sh) whose cases pass, fail a check, fail an unexpected command, make no check,
# and carry a variable over. Its exit status and its summary must say exactly which cases
# failed, so that no e2e script can pass while one of its cases fails.
. "$(dirname "$0")/lib.sh"
test_init

CHILD_DIR=$E2E_TMP/child
mkdir -p "$CHILD_DIR"
cp "$E2E_DIR/lib.sh" "$E2E_DIR/sshd.sh" "$CHILD_DIR/"
cat >"$CHILD_DIR/tchild.sh" <<'CHILD'
#!/usr/bin/env bash
. "$(dirname "$0")/lib.sh"
test_init
sets_x() {
  x=1 list=(a "b c") text=$'two lines\ndeclare -x X=1'
  expect_equal 1 1 one
}
test_case sets_x "passes and sets x"
failed_check() { expect_equal "$x" 2 "x is 2"; : >"$REACHED"; }
test_case failed_check "a failed check"
unexpected_failure() { false; ok; }
test_case unexpected_failure "an unexpected failure"
no_check() { :; }
test_case no_check "no check"
x_carried() {
  expect_equal "$x" 1 "x carried over"
  expect_equal "${list[1]}" "b c" "an array carried over"
  expect_equal "$text" $'two lines\ndeclare -x X=1' "a text of two lines carried over"
  printf '%s\n' "$E2E_TRANSPORT" >"$REACHED.transport"
}
test_case x_carried "x carried over"
test_done
CHILD

# child [VAR=VALUE...]: runs the child script; exit status in RC, output in $RUN_OUT/$RUN_ERR.
child() { run child env REACHED="$CHILD_DIR/reached" "$@" bash "$CHILD_DIR/tchild.sh"; }

failures_are_reported() {
  child
  expect_rc 1
  expect_out "# tchild [file]: FAILED: 2 of 5 cases passed; failed:"
  expect_out "#   2 a failed check"
  expect_out "#   3 an unexpected failure"
  expect_out "#   4 no check"
  expect_text "$RUN_ERR" "x is 2: expected '2', got '1'"
  expect_text "$RUN_ERR" "unexpected exit status 1 of: false"
  expect_text "$RUN_ERR" "the case made no check"
  expect_text "$RUN_ERR" "FAILED case 4: no check"
  expect_no_text "$RUN_ERR" "FAILED case 5"

  if [ -e "$CHILD_DIR/reached" ]; then fail "a case went on after its failed check"; else ok; fi
}
test_case failures_are_reported "failed, erroring and checkless cases fail the script, by number"

selection_runs_only_the_selected_cases() {
  child AUTHS_E2E_RUN=1,x_carried
  expect_rc 0
  expect_out "# tchild [file]: 2 of 2 cases (3 skipped: AUTHS_E2E_RUN=1,x_carried) passed, 4 checks"
  child AUTHS_E2E_RUN=nothing-matches
  expect_rc 1
  expect_text "$RUN_ERR" "selected none of the 5 cases"
}
test_case selection_runs_only_the_selected_cases "AUTHS_E2E_RUN runs the cases it names, and none is an error"

# The line checks every expect_* helper is built on (builtins, in place of grep): each one must
# say no as surely as yes.
line_checks_match_as_grep_does() {
  local f=$E2E_TMP/lines.txt
  printf 'error: refs/heads/main 1234567: unknown-signer (rule '"'"'main'"'"'): x\n  padded  \nlast without newline' >"$f"
  local verdicts="" probe
  for probe in "ere|^error: [^ ]+ [0-9a-f]{7}: unknown-signer \\(rule 'main'\\): " "ere|^unknown-signer" \
    "ere|without newline$" "ere|^padded" "line|  padded  " "line|padded" "text|padded" \
    "text|last without newline" "text|absent"; do
    if count_matches "${probe%%|*}" "$f" "${probe#*|}" first && [ "$COUNT" -gt 0 ]; then verdicts+=1; else verdicts+=0; fi
  done
  expect_equal "$verdicts" 101010110 "verdicts of the nine probes"
  count_matches ere "$f" 'e'
  expect_equal "$COUNT" 3 "lines with an e"
  count_matches text "$E2E_TMP/no-such-file" x
  expect_equal "$COUNT" 0 "matches in a missing file"
  printf 'a\0accepted\n' >"$f"
  if file_has_text "$f" accepted; then ok; else fail "text after a NUL byte was not seen"; fi
}
test_case line_checks_match_as_grep_does "count_matches, file_has, file_has_line, file_has_text: yes and no as grep says"

ssh_cases_run_over_ssh() {
  child AUTHS_E2E_RUN=1,5 AUTHS_E2E_SSH_CASES=x_carried
  expect_rc 0
  expect_out "# tchild [file+ssh]: 2 of 2 cases (3 skipped: AUTHS_E2E_RUN=1,5) passed, 4 checks"
  expect_out "# 1 passes and sets x [file]"
  expect_out "# 5 x carried over [ssh]"
  expect_equal "$(cat "$CHILD_DIR/reached.transport")" ssh "the transport case 5 saw"
}
test_case ssh_cases_run_over_ssh "AUTHS_E2E_SSH_CASES: the cases it names run over ssh, the others over file://"

test_done
