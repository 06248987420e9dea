#!/usr/bin/env bash
# e2e-transports: file ssh:8-9
# Issue 6, item 11: hooks that never run, and lockouts (README.md, "The trust model").
#   (c) HEAD naming a branch the repository does not have: every push undecided (exit 2,
#       default-branch-missing), also with auths.bootstrap = allow;
#   (d) a policy that could never be satisfied or changed, pushed by governance: no
#       [governance], or require_log = "witness" on the default branch with witnesses whose keys
#       cannot sign receipts (P-256): policy-unsatisfiable; `require = 2` in a rule or in
#       [governance] is no lockout (approvals meet it), nor are Ed25519 witnesses (receipts meet
#       it: without them a commit is refused, witness-quorum-not-met);
#   (a) with core.hooksPath set, `auths hook install --repo` installs where git looks
#       (pre-receive and post-receive): an unsigned push is then refused;
#   (b) `auths hook status --repo` shows where each hook is and whether git runs it, the policy
#       in force and its commit, the baseline, the bootstrap mode. Lines are matched loosely
#       (the format is not fixed): "policy in force", "baseline", "bootstrap ... deny|allow".
. "$(dirname "$0")/lib.sh"
test_init

make_key maint
make_key carol
make_key p256 ecdsa
policy() {  # policy [MAIN-EXTRA-LINES] [GOVERNANCE-SECTION]
  cat <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub maint)", "$(pub carol)"]
${1-}

${2-[governance]
signers = [\"$(pub maint)\"]}
EOF
}
setup_repo maint < <(policy)

# A case starts by putting back the refs the case before it should have left (reset_server_ref),
# so that a push wrongly let through or refused fails its own case only.
head_missing() {
  server_git symbolic-ref HEAD refs/heads/nope
  c1=$(commit_as maint "maint, while HEAD is dangling")
  push origin main "$c1:refs/heads/topic"
  expect_push_undecided default-branch-missing
  expect_ref refs/heads/main "$SEED"
  expect_ref refs/heads/topic absent
  expect_hook_run_agrees
}
test_case head_missing "item 11c: HEAD names a missing branch: a signed push to main and a new branch are undecided (default-branch-missing)"

# Builds on HEAD -> refs/heads/nope and c1 (head_missing).
head_missing_bootstrap() {
  reset_server_ref refs/heads/main "$SEED"
  reset_server_ref refs/heads/topic absent
  server_git config auths.bootstrap allow
  push origin main "$c1:refs/heads/topic"
  expect_push_undecided default-branch-missing
  expect_ref refs/heads/main "$SEED"
  expect_ref refs/heads/topic absent
}
test_case head_missing_bootstrap "item 11c: ... also with auths.bootstrap = allow (not 'no policy, accepted on trust')"

# Pushes c1 (head_missing) once HEAD is back on main (head_missing_bootstrap).
head_restored() {
  reset_server_ref refs/heads/main "$SEED"
  reset_server_ref refs/heads/topic absent
  server_git config --unset auths.bootstrap
  server_git symbolic-ref HEAD refs/heads/main
  main_tip=$c1
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c1"
}
test_case head_restored "item 11c: control: HEAD back on main, the same push is accepted"

# Item 11d starts from main_tip, main's tip after head_restored.
rule_require_2() {
  reset_server_ref refs/heads/main "$main_tip"
  policy 'require = 2' | policy_write
  p1=$(commit_as maint "main: require = 2")
  # Approvals (auths release approve) make a second signer: a quorum is no lockout.
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$p1"
  local q1
  q1=$(commit_as maint "main: one signature under require = 2")
  push origin main
  expect_push_rejected quorum-not-met
  expect_violation refs/heads/main "$q1" quorum-not-met main
  expect_ref refs/heads/main "$p1"
  expect_hook_run_agrees
}
test_case rule_require_2 "item 11d: a rule with require = 2 is satisfiable (approvals): accepted, and then one signature is not enough"

governance_require_2() {
  reset_server_ref refs/heads/main "$main_tip"
  client_git reset -q --hard "$main_tip"
  policy "" "[governance]
signers = [\"$(pub maint)\", \"$(pub carol)\"]
require = 2" | policy_write
  p2=$(commit_as maint "governance: require = 2")
  push origin main
  expect_push_ok
  printf '# one more comment\n' >>"$CLIENT/.auths/policy.toml"
  local q2
  q2=$(commit_as maint "governance: a change with one signature")
  push origin main
  expect_push_rejected quorum-not-met
  expect_violation refs/heads/main "$q2" quorum-not-met governance
  expect_ref refs/heads/main "$p2"
}
test_case governance_require_2 "item 11d: [governance] with require = 2 is satisfiable (approvals): accepted, and then a change needs two"

witness_on_main() {
  reset_server_ref refs/heads/main "$main_tip"
  client_git reset -q --hard "$main_tip"
  # Receipts are Ed25519: a witness with a P-256 key can never give one, so every later commit
  # would be refused, the policy change that would undo it included.
  policy 'require_log = "witness"' "[witness]
keys = [\"$(pub p256)\"]

[governance]
signers = [\"$(pub maint)\"]" | policy_write
  p4=$(commit_as maint "main: witness receipts nobody can give")
  push origin main
  expect_push_rejected policy-unsatisfiable
  expect_violation refs/heads/main "$p4" policy-unsatisfiable '*'
  expect_violation_mentions "require_log"
  expect_ref refs/heads/main "$main_tip"
  # An Ed25519 witness can: no lockout. The next commit without receipts is refused.
  client_git reset -q --hard "$main_tip"
  policy 'require_log = "witness"' "[witness]
keys = [\"$(pub carol)\"]

[governance]
signers = [\"$(pub maint)\"]" | policy_write
  p5=$(commit_as maint "main: witness receipts required")
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$p5"
  local w1
  w1=$(commit_as maint "main: a commit without receipts")
  push origin main
  expect_push_rejected witness-quorum-not-met
  expect_violation refs/heads/main "$w1" witness-quorum-not-met main
  expect_ref refs/heads/main "$p5"
}
test_case witness_on_main "item 11d: require_log = \"witness\" on the default branch: policy-unsatisfiable when no witness key can sign a receipt; with an Ed25519 witness accepted, and then a commit needs receipts"

no_governance() {
  reset_server_ref refs/heads/main "$main_tip"
  client_git reset -q --hard "$main_tip"
  policy "" "" | policy_write
  p3=$(commit_as maint "no more governance")
  push origin main
  expect_push_rejected policy-unsatisfiable
  expect_violation refs/heads/main "$p3" policy-unsatisfiable '*'
  expect_ref refs/heads/main "$main_tip"
  reset_server_ref refs/heads/main "$main_tip"
  client_git reset -q --hard "$main_tip"
}
test_case no_governance "item 11d: governance pushes a policy without [governance]: policy-unsatisfiable"

# (a), (b): a new server whose hooks live where core.hooksPath says.
install_hooks_path() {
  server_init
  client_init maint
  policy | policy_write
  seed2=$(commit_as maint "seed: policy")
  client_git push -q origin main 2>"$E2E_TMP/seed.err" || e2e_die "seeding failed: $(cat "$E2E_TMP/seed.err")"
  hooks_dir=$SERVER/custom-hooks
  server_git config core.hooksPath "$hooks_dir"
  run install "$AUTHS" hook install --repo "$SERVER"
  expect_rc 0
  for hook in pre-receive post-receive; do
    if [ -x "$hooks_dir/$hook" ] && grep -q 'installed by auths hook install' "$hooks_dir/$hook"; then ok; else
      fail "expected auths hook install to write $hooks_dir/$hook (executable, with its marker)" \
        "install output: $(cat "$RUN_OUT" "$RUN_ERR")" "custom-hooks: $(ls -la "$hooks_dir" 2>&1)"
    fi
  done
}
test_case install_hooks_path "item 11a: core.hooksPath set: auths hook install --repo installs pre-receive and post-receive where git looks"

# The cases below use the server install_hooks_path made (seed2, hooks_dir).
hooks_path_runs() {
  u=$(commit_unsigned "unsigned, with core.hooksPath set")
  push origin main
  expect_push_rejected unsigned
  expect_violation refs/heads/main "$u" unsigned main
  expect_ref refs/heads/main "$seed2"
  reset_server_ref refs/heads/main "$seed2"
  client_git reset -q --hard "$seed2"
}
test_case hooks_path_runs "item 11a: ... so git runs it: an unsigned push is refused"

status_shows() {
  hook_status "$SERVER"
  expect_equal "$STATUS_RC" 0 "auths hook status exit status"
  expect_status_match "custom-hooks/pre-receive" "where pre-receive is"
  expect_status_match "custom-hooks/post-receive" "where post-receive is"
  expect_status_match "policy in force" "the policy in force"
  expect_status_match "${seed2:0:7}" "the policy's commit"
  expect_status_match "baseline" "the baseline"
  expect_status_match "bootstrap.*deny" "the bootstrap mode"
  if status_lines | grep -Eiq 'not executable|will not run|won.t run|not run'; then
    fail "auths hook status says a hook does not run, though git runs both" "$(cat "$E2E_TMP/status.out")"
  else ok; fi
}
test_case status_shows "item 11b: auths hook status: where the hooks are, that git runs them, the policy in force, the baseline, bootstrap deny"

status_bootstrap_not_run() {
  server_git config auths.bootstrap allow
  if [ -f "$hooks_dir/pre-receive" ]; then chmod -x "$hooks_dir/pre-receive"; fi
  hook_status "$SERVER"
  expect_status_match "bootstrap.*allow" "the bootstrap mode"
  expect_status_match "not executable|will not run|won.t run|not run" "a pre-receive hook git does not run"
  if [ -f "$hooks_dir/pre-receive" ]; then chmod +x "$hooks_dir/pre-receive"; fi
  server_git config --unset auths.bootstrap
}
test_case status_bootstrap_not_run "item 11b: bootstrap allow shows; a hook git will not run (not executable) shows"

status_hooks_elsewhere() {
  other_repo=$E2E_TMP/other.git
  git init -q --bare --initial-branch=main "$other_repo"
  "$AUTHS" hook install --repo "$other_repo" >/dev/null 2>&1 || e2e_die "auths hook install --repo $other_repo failed"
  git -C "$other_repo" config core.hooksPath "$E2E_TMP/elsewhere"
  hook_status "$other_repo"
  expect_status_match "not executable|will not run|won.t run|not run|core.hookspath" "a hook outside core.hooksPath"
  expect_status_match "will not run|won.t run|not run" "that git will not run it"
}
test_case status_hooks_elsewhere "item 11b: a hook installed in hooks/ while core.hooksPath points elsewhere: status says git will not run it"

test_done
