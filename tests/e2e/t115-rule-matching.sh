#!/usr/bin/env bash
# e2e-transports: file
# Which rule judges a ref: the first rule in file order whose refs match; `*` does not cross
# `/`, `**` does; refs no rule matches follow `default` (deny when absent).
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
setup_repo alice <<EOF
version = 1

[[policy.commit]]
name = "main-first"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]

[[policy.commit]]
name = "main-second"
refs = ["refs/heads/main"]
signers = ["$(pub mallory)"]

[[policy.commit]]
name = "feature"
refs = ["refs/heads/feature/*"]
signers = ["$(pub alice)"]

[[policy.commit]]
name = "deep"
refs = ["refs/heads/deep/**"]
signers = ["$(pub alice)"]
EOF

first_rule_wins() {
  m=$(commit_as mallory "mallory on main")
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$m" unknown-signer main-first
  expect_hook_run_agrees
}
test_case first_rule_wins "first matching rule wins: mallory is listed only in the second rule for main"

star_one_segment() {
  client_git reset -q --hard "$SEED"
  c=$(commit_as alice "feature work")
  push origin HEAD:refs/heads/feature/x
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/feature/x "$c"
}
test_case star_one_segment "'*' matches one path component"

star_not_across_slash() {
  c2=$(commit_as alice "nested feature work")
  push origin HEAD:refs/heads/feature/a/b
  expect_push_rejected no-rule
  expect_violation refs/heads/feature/a/b - no-rule -
  expect_ref refs/heads/feature/a/b absent
  expect_hook_run_agrees
}
test_case star_not_across_slash "'*' does not cross '/': no rule, default deny"

double_star_crosses() {
  push origin HEAD:refs/heads/deep/a/b/c
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/deep/a/b/c "$c2"
  expect_hook_run_agrees
}
test_case double_star_crosses "'**' crosses '/'"

default_allow() {
  setup_repo alice <<EOF
version = 1
default = "allow"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]
EOF
  allow_seed=$SEED  # the new repository's first commit (SEED does not outlive the case)
  u=$(commit_unsigned "unsigned, on an unprotected branch")
  push origin HEAD:refs/heads/scratch
  expect_push_ok
  expect_ref refs/heads/scratch "$u"
  expect_hook_run_agrees
}
test_case default_allow "default = \"allow\": a ref no rule matches takes anything"

allow_keeps_rules() {
  client_git reset -q --hard "$allow_seed"
  u2=$(commit_unsigned "unsigned, for main")
  push origin main
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$u2" unsigned main
  expect_ref refs/heads/main "$allow_seed"
}
test_case allow_keeps_rules "default = \"allow\" does not weaken a matching rule"

test_done
