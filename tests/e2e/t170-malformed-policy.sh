#!/usr/bin/env bash
# e2e-transports: file
# A malformed policy at the trusted tip: the hook cannot decide, so every push is refused,
# fail closed (exit 2), with a message naming .auths/policy.toml and the line. Planted by the
# admin directly (hooks bypassed), as a bad edit would be. One case per row of the table below.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice

# valid_policy: the policy every malformed one is an edit of (and the admin's fix).
valid_policy() {
  cat <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]
EOF
}

# The malformed policies, one case per row: NAME | CODE | LINE | ALSO | EDITS | DESCRIPTION
#   NAME         the case's function name
#   CODE         the violation code of the refusal (the push is undecided: exit 2)
#   LINE         an ERE for the line number the message names: .auths/policy.toml:LINE
#   ALSO         an ERE some line of the refusal matches too, or -
#   EDITS        valid_policy with lines replaced: "N:TEXT" sets line N to TEXT (lines past
#                the end are added, blank ones between), edits separated by ";"; ALICE
#                stands for alice's key, quoted
#   DESCRIPTION  the case's description (the rest of the row)
# Only DESCRIPTION may hold a "|", and no TEXT a ";".
MALFORMED='
toml_syntax_error   | policy-invalid | [67] | -      | 6:signers = [ALICE ; 7:require = 1             | TOML syntax error: refused, exit 2, policy-invalid naming the file and line
unknown_key         | policy-invalid | 6    | sigers | 6:sigers = [ALICE]                             | unknown key (a typo must not silently disable a rule): line 6
unknown_table       | policy-invalid | 8    | -      | 8:[govrnance] ; 9:signers = [ALICE]            | unknown top-level table: line 8
wrong_type          | policy-invalid | 7    | -      | 7:allow_force_push = "no"                      | wrong value type: line 7
bad_signer          | policy-invalid | 6    | -      | 6:signers = ["ssh-ed25519 not-base64!! alice"] | a signer that is not a key: line 6
unsupported_version | policy-invalid | 1    | -      | 1:version = 2                                  | an unsupported policy version: line 1
'

# trim TEXT: TEXT without leading and trailing blanks.
trim() {
  local s=$1
  s=${s#"${s%%[![:space:]]*}"}
  printf '%s' "${s%"${s##*[![:space:]]}"}"
}

# policy_with EDITS: valid_policy with EDITS applied (see the table).
policy_with() {
  local -a lines edits numbers
  local edit n i text
  mapfile -t lines < <(valid_policy)
  IFS=';' read -ra edits <<<"$1"
  for edit in "${edits[@]}"; do
    edit=$(trim "$edit")
    n=${edit%%:*}
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || e2e_die "policy_with: bad edit '$edit' (N:TEXT)"
    text=${edit#*:}
    lines[n - 1]=${text//ALICE/\"$(pub alice)\"}
  done
  numbers=("${!lines[@]}")
  for ((i = 0; i <= numbers[-1]; i++)); do printf '%s\n' "${lines[i]:-}"; done
}

# plant MESSAGE: stdin becomes the policy at the server's main, committed by alice and pushed
# with hooks bypassed.
plant() {
  client_git reset -q --hard origin/main
  policy_write
  commit_as alice "$1" >/dev/null
  push_bypassing_hooks main
  client_git fetch -q origin
}

# is_refused_while_malformed: the case of the current row (row_*): with that policy planted, a
# signed push is refused, undecided, naming the file and line; the server keeps its main.
is_refused_while_malformed() {
  plant "plant a malformed policy: $row_name" < <(policy_with "$row_edits")
  tip=$(server_git rev-parse refs/heads/main)
  c=$(commit_as alice "a signed change")
  push origin main
  expect_push_undecided "$row_code"
  expect_line_match "\\.auths/policy\\.toml:$row_line\\b"
  [ "$row_also" = - ] || expect_line_match "$row_also"
  expect_ref refs/heads/main "$tip"
  expect_no_object "$c"
  expect_hook_run_agrees
}

setup_repo alice < <(valid_policy)

mapfile -t rows <<<"$MALFORMED"
for row in "${rows[@]}"; do
  [ -n "$(trim "$row")" ] || continue
  IFS='|' read -r row_name row_code row_line row_also row_edits row_desc <<<"$row"
  row_name=$(trim "$row_name") row_code=$(trim "$row_code") row_line=$(trim "$row_line")
  row_also=$(trim "$row_also") row_edits=$(trim "$row_edits") row_desc=$(trim "$row_desc")
  [[ "$row_name" =~ ^[a-z][a-z0-9_]*$ ]] || e2e_die "malformed-policy table: bad case name '$row_name'"
  eval "$row_name() { is_refused_while_malformed; }"
  test_case "$row_name" "$row_desc"
done

fixed_policy_accepted() {
  plant "fixed policy" < <(valid_policy)
  c=$(commit_as alice "a signed change")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c"
}
test_case fixed_policy_accepted "fixed by the admin: pushes are decided again"

test_done
