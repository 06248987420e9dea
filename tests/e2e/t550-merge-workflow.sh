#!/usr/bin/env bash
# e2e-transports: file ssh:1-2
# Issue 6, item 9: the merge workflow (README.md, "The trust model"). main is signed by the
# maintainer (maint) only, feature/* by maint and the contributor (carol). Commits that join
# main's first-parent line must satisfy main's rule; commits arriving as other parents of a
# merge are contributions: by default signed by a signer the policy knows.
#   - maint's signed --no-ff merge of carol's reviewed branch: accepted, whether the branch was
#     pushed before or arrives in the same push;
#   - an outsider's (olga: in no rule) contribution: unknown-signer; an unsigned one: unsigned;
#   - main fast-forwarded onto carol's commits: they are mainline: unknown-signer;
#   - contributions = "signed" in main's rule: olga's contribution accepted, unsigned still
#     refused; contributions = "any": the unsigned contribution accepted.
. "$(dirname "$0")/lib.sh"
test_init

make_key maint
make_key carol
make_key olga
policy() {  # policy [CONTRIBUTIONS-LINE]
  cat <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub maint)"]
$1

[[policy.commit]]
name = "feature"
refs = ["refs/heads/feature/*"]
signers = ["$(pub maint)", "$(pub carol)"]
allow_force_push = true
allow_delete = true

[governance]
signers = ["$(pub maint)"]
EOF
}
setup_repo maint < <(policy "")

# merge_as NAME BRANCH: on the current branch, NAME's signed --no-ff merge of BRANCH. Prints it.
merge_as() {
  client_git -c user.name="$1" -c user.email="$1@example.org" -c gpg.format=ssh -c user.signingKey="$KEYS/$1" \
    merge -q --no-ff -S -m "merge $2 (by $1)" "$2" >/dev/null || e2e_die "merge of $2 by $1 failed"
  client_git rev-parse HEAD
}
# contribution NAME|- BRANCH FILE: a branch from main with one commit by NAME (- unsigned).
contribution() {
  client_git checkout -q -b "$2" main
  if [ "$1" = - ]; then commit_unsigned "unsigned work on $2" "$3"; else commit_as "$1" "$1's work on $2" "$3"; fi
  client_git checkout -q main
}
main_tip=$SEED

# A case starts by putting back the refs the case before it should have left (reset_server_ref),
# so that a push wrongly let through or refused fails its own case only.
merge_pushed_branch() {
  c1=$(contribution carol feature/x x.txt)
  push origin feature/x
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/feature/x "$c1"
  reset_server_ref refs/heads/feature/x "$c1"
  m1=$(merge_as maint feature/x)
  main_tip=$m1
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$m1"
  expect_hook_run_agrees
}
test_case merge_pushed_branch "item 9: carol's feature/x pushed first, then maint's signed --no-ff merge: accepted"

merge_same_push() {
  reset_server_ref refs/heads/main "$main_tip"
  c2=$(contribution carol feature/y y.txt)
  m2=$(merge_as maint feature/y)
  main_tip=$m2
  push origin main feature/y
  expect_push_ok
  expect_ref refs/heads/main "$m2"
  expect_ref refs/heads/feature/y "$c2"
  expect_hook_run_agrees
}
test_case merge_same_push "item 9: carol's feature/y and maint's merge arrive in the same push: accepted"

outsider_contribution() {
  reset_server_ref refs/heads/main "$main_tip"
  reset_server_ref refs/heads/feature/y "$c2"
  o1=$(contribution olga ext/olga olga.txt)
  mo=$(merge_as maint ext/olga)
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$o1" unknown-signer main
  expect_violation_mentions contribution
  expect_no_line_match "^error: refs/heads/main ${mo:0:7}: "
  expect_ref refs/heads/main "$main_tip"
  expect_hook_run_agrees
}
test_case outsider_contribution "item 9: an outsider's (olga, in no rule) contribution merged by maint: unknown-signer"

unsigned_contribution() {
  reset_server_ref refs/heads/main "$main_tip"
  client_git reset -q --hard "$main_tip"
  u1=$(contribution - ext/unsigned unsigned.txt)
  merge_as maint ext/unsigned >/dev/null
  push origin main
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$u1" unsigned main
  expect_violation_mentions contribution
  expect_ref refs/heads/main "$main_tip"
}
test_case unsigned_contribution "item 9: an unsigned contribution merged by maint: unsigned"

fast_forward_contributor() {
  reset_server_ref refs/heads/main "$main_tip"
  client_git reset -q --hard "$main_tip"
  c3=$(contribution carol feature/z z.txt)
  push origin feature/z
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  reset_server_ref refs/heads/feature/z "$c3"
  push origin feature/z:main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$c3" unknown-signer main
  expect_ref refs/heads/main "$main_tip"
  expect_hook_run_agrees
}
test_case fast_forward_contributor "item 9: main fast-forwarded onto carol's feature/z: her commit is mainline: unknown-signer"

set_contributions_signed() {
  reset_server_ref refs/heads/main "$main_tip"
  policy 'contributions = "signed"' | policy_write
  g1=$(commit_as maint "main: contributions = signed")
  main_tip=$g1
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$g1"
}
test_case set_contributions_signed "item 9: maint (governance) sets contributions = \"signed\" on main: accepted"

# Needs contributions = "signed" (set_contributions_signed) and ext/olga (outsider_contribution).
signed_accepts_outsider() {
  reset_server_ref refs/heads/main "$main_tip"
  merge_as maint ext/olga >/dev/null
  mo2=$(client_git rev-parse HEAD)
  main_tip=$mo2
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$mo2"
}
test_case signed_accepts_outsider "item 9: contributions = \"signed\": olga's contribution merged by maint is accepted"

# Needs ext/unsigned and u1 (unsigned_contribution).
signed_refuses_unsigned() {
  reset_server_ref refs/heads/main "$main_tip"
  merge_as maint ext/unsigned >/dev/null
  push origin main
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$u1" unsigned main
  expect_ref refs/heads/main "$main_tip"
}
test_case signed_refuses_unsigned "item 9: contributions = \"signed\": the unsigned contribution is still refused"

# Merges ext/unsigned (unsigned_contribution) again.
any_accepts_unsigned() {
  reset_server_ref refs/heads/main "$main_tip"
  client_git reset -q --hard "$main_tip"
  policy 'contributions = "any"' | policy_write
  g2=$(commit_as maint "main: contributions = any")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  reset_server_ref refs/heads/main "$g2"
  mu=$(merge_as maint ext/unsigned)
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$mu"
}
test_case any_accepts_unsigned "item 9: contributions = \"any\": the unsigned contribution merged by maint is accepted"

# Needs contributions = "any" and mu on main (any_accepts_unsigned).
any_gates_merger() {
  reset_server_ref refs/heads/main "$mu"
  client_git checkout -q -b ext/more main
  commit_as carol "carol, more" more.txt >/dev/null
  client_git checkout -q main
  client_git -c commit.gpgSign=false merge -q --no-ff --no-gpg-sign -m "unsigned merge" ext/more
  mu2=$(client_git rev-parse HEAD)
  push origin main
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$mu2" unsigned main
  expect_ref refs/heads/main "$mu"
}
test_case any_gates_merger "item 9: contributions = \"any\" still gates who merges: an unsigned merge is refused"

test_done
