#!/usr/bin/env bash
# e2e-transports: file
# Issue 6, item 11: hooks that never run, and lockouts (trust-model.md sections 1, 2, 8).
#   (c) HEAD naming a branch the repository does not have: every push undecided (exit 2,
#       default-branch-missing), also with auths.bootstrap = allow;
#   (d) a policy that could never be satisfied or changed, pushed by governance: `require = 2`
#       in a rule or in [governance], or no [governance]: policy-unsatisfiable;
#   (a) with core.hooksPath set, `auths hook install --repo` installs where git looks
#       (pre-receive and post-receive): an unsigned push is then refused;
#   (b) `auths hook status --repo` shows where each hook is and whether git runs it, the policy
#       in force and its commit, the baseline, the bootstrap mode. Lines are matched loosely
#       (the format is not fixed): "policy in force", "baseline", "bootstrap ... deny|allow".
. "$(dirname "$0")/lib.sh"
test_init

make_key maint
make_key carol
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

step "item 11c: HEAD names a missing branch: a signed push to main and a new branch are undecided (default-branch-missing)"
server_git symbolic-ref HEAD refs/heads/nope
c1=$(commit_as maint "maint, while HEAD is dangling")
push origin main "$c1:refs/heads/topic"
expect_push_undecided default-branch-missing
expect_ref refs/heads/main "$SEED"
expect_ref refs/heads/topic absent
expect_hook_run_agrees
reset_server_ref refs/heads/main "$SEED"
reset_server_ref refs/heads/topic absent

step "item 11c: ... also with auths.bootstrap = allow (not 'no policy, accepted on trust')"
server_git config auths.bootstrap allow
push origin main "$c1:refs/heads/topic"
expect_push_undecided default-branch-missing
expect_ref refs/heads/main "$SEED"
expect_ref refs/heads/topic absent
reset_server_ref refs/heads/main "$SEED"
reset_server_ref refs/heads/topic absent
server_git config --unset auths.bootstrap
server_git symbolic-ref HEAD refs/heads/main

step "item 11c: control: HEAD back on main, the same push is accepted"
push origin main
expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
expect_ref refs/heads/main "$c1"
reset_server_ref refs/heads/main "$c1"
MAIN=$c1

step "item 11d: governance pushes a rule with require = 2: policy-unsatisfiable"
policy 'require = 2' | policy_write
p1=$(commit_as maint "main: require = 2")
push origin main
expect_push_rejected policy-unsatisfiable
expect_violation refs/heads/main "$p1" policy-unsatisfiable '*'
expect_ref refs/heads/main "$MAIN"
expect_hook_run_agrees
reset_server_ref refs/heads/main "$MAIN"
client_git reset -q --hard "$MAIN"

step "item 11d: governance pushes [governance] with require = 2: policy-unsatisfiable"
policy "" "[governance]
signers = [\"$(pub maint)\", \"$(pub carol)\"]
require = 2" | policy_write
p2=$(commit_as maint "governance: require = 2")
push origin main
expect_push_rejected policy-unsatisfiable
expect_violation refs/heads/main "$p2" policy-unsatisfiable '*'
expect_ref refs/heads/main "$MAIN"
reset_server_ref refs/heads/main "$MAIN"
client_git reset -q --hard "$MAIN"

step "item 11d: governance pushes a policy without [governance]: policy-unsatisfiable"
policy "" "" | policy_write
p3=$(commit_as maint "no more governance")
push origin main
expect_push_rejected policy-unsatisfiable
expect_violation refs/heads/main "$p3" policy-unsatisfiable '*'
expect_ref refs/heads/main "$MAIN"
reset_server_ref refs/heads/main "$MAIN"
client_git reset -q --hard "$MAIN"

# (a), (b): a new server whose hooks live where core.hooksPath says.
step "item 11a: core.hooksPath set: auths hook install --repo installs pre-receive and post-receive where git looks"
server_init
client_init maint
policy | policy_write
SEED=$(commit_as maint "seed: policy")
client_git push -q origin main 2>"$E2E_TMP/seed.err" || e2e_die "seeding failed: $(cat "$E2E_TMP/seed.err")"
HOOKS=$SERVER/custom-hooks
server_git config core.hooksPath "$HOOKS"
INSTALL_RC=0
"$AUTHS" hook install --repo "$SERVER" >"$E2E_TMP/install.out" 2>&1 || INSTALL_RC=$?
expect_equal "$INSTALL_RC" 0 "auths hook install exit status"
for hook in pre-receive post-receive; do
  if [ -x "$HOOKS/$hook" ] && grep -q 'installed by auths hook install' "$HOOKS/$hook"; then ok; else
    fail "expected auths hook install to write $HOOKS/$hook (executable, with its marker)" \
      "install output: $(cat "$E2E_TMP/install.out")" "custom-hooks: $(ls -la "$HOOKS" 2>&1)"
  fi
done

step "item 11a: ... so git runs it: an unsigned push is refused"
u=$(commit_unsigned "unsigned, with core.hooksPath set")
push origin main
expect_push_rejected unsigned
expect_violation refs/heads/main "$u" unsigned main
expect_ref refs/heads/main "$SEED"
reset_server_ref refs/heads/main "$SEED"
client_git reset -q --hard "$SEED"

step "item 11b: auths hook status: where the hooks are, that git runs them, the policy in force, the baseline, bootstrap deny"
hook_status "$SERVER"
expect_equal "$STATUS_RC" 0 "auths hook status exit status"
expect_status_match "custom-hooks/pre-receive" "where pre-receive is"
expect_status_match "custom-hooks/post-receive" "where post-receive is"
expect_status_match "policy in force" "the policy in force"
expect_status_match "${SEED:0:7}" "the policy's commit"
expect_status_match "baseline" "the baseline"
expect_status_match "bootstrap.*deny" "the bootstrap mode"
if status_lines | grep -Eiq 'not executable|will not run|won.t run|not run'; then
  fail "auths hook status says a hook does not run, though git runs both" "$(cat "$E2E_TMP/status.out")"
else ok; fi

step "item 11b: bootstrap allow shows; a hook git will not run (not executable) shows"
server_git config auths.bootstrap allow
if [ -f "$HOOKS/pre-receive" ]; then chmod -x "$HOOKS/pre-receive"; fi
hook_status "$SERVER"
expect_status_match "bootstrap.*allow" "the bootstrap mode"
expect_status_match "not executable|will not run|won.t run|not run" "a pre-receive hook git does not run"
if [ -f "$HOOKS/pre-receive" ]; then chmod +x "$HOOKS/pre-receive"; fi
server_git config --unset auths.bootstrap

step "item 11b: a hook installed in hooks/ while core.hooksPath points elsewhere: status says git will not run it"
OTHER=$E2E_TMP/other.git
git init -q --bare --initial-branch=main "$OTHER"
"$AUTHS" hook install --repo "$OTHER" >/dev/null 2>&1 || e2e_die "auths hook install --repo $OTHER failed"
git -C "$OTHER" config core.hooksPath "$E2E_TMP/elsewhere"
hook_status "$OTHER"
expect_status_match "not executable|will not run|won.t run|not run|core.hookspath" "a hook outside core.hooksPath"
expect_status_match "will not run|won.t run|not run" "that git will not run it"

test_done
