#!/usr/bin/env bash
# e2e-transports: file
# `auths hook install`: the plain, Gitea and GitLab layouts, pre-receive and post-receive;
# core.hooksPath honoured; never overwriting a hook it did not install; replacing its own; the
# baseline recorded once. Hooks installed in the Gitea layout work behind a delegator like
# Gitea's (run every hooks/pre-receive.d/* with the same stdin). `auths hook status` tells where
# the hooks are and whether git runs them.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory

plain_layout() {
  r=$E2E_TMP/plain.git
  git init -q --bare "$r"
  run install-plain "$AUTHS" hook install --repo "$r"
  expect_rc 0
  expect_installed_hook "$r/hooks/pre-receive" auths-pre-receive
  expect_installed_hook "$r/hooks/post-receive" auths-post-receive
  if [ ! -e "$r/hooks/update" ]; then ok; else fail "plain install without --update created hooks/update"; fi
  if grep -q '^recorded the baseline' "$RUN_OUT"; then ok; else
    fail "expected the first install to record the baseline" "$(cat "$RUN_OUT")"; fi
}
test_case plain_layout "plain layout: hooks/pre-receive and hooks/post-receive, and the baseline"

reinstall_replaces_own() {
  echo "# stale line" >>"$r/hooks/pre-receive"
  run install-again "$AUTHS" hook install --repo "$r"
  expect_rc 0
  expect_installed_hook "$r/hooks/pre-receive" auths-pre-receive
  if grep -q '^kept the baseline recorded earlier' "$RUN_OUT"; then ok; else
    fail "expected the second install to keep the baseline" "$(cat "$RUN_OUT")"; fi
}
test_case reinstall_replaces_own "installing again replaces its own hook"

foreign_hook_kept() {
  printf '#!/bin/sh\necho foreign\nexit 0\n' >"$r/hooks/pre-receive"
  chmod +x "$r/hooks/pre-receive"
  cp "$r/hooks/pre-receive" "$E2E_TMP/foreign"
  run install-foreign "$AUTHS" hook install --repo "$r"
  expect_rc 1
  if grep -Fxq "error: $r/hooks/pre-receive exists and was not installed by auths (not overwriting)" "$RUN_ERR"; then ok; else
    fail "expected the line 'error: $r/hooks/pre-receive exists and was not installed by auths (not overwriting)'" "stderr: $(cat "$RUN_ERR")"; fi
  if cmp -s "$r/hooks/pre-receive" "$E2E_TMP/foreign"; then ok; else fail "the foreign hook was modified"; fi
}
test_case foreign_hook_kept "a foreign pre-receive hook is never overwritten"

update_hook_install() {
  u=$E2E_TMP/update.git
  git init -q --bare "$u"
  run install-update "$AUTHS" hook install --repo "$u" --update
  expect_rc 0
  expect_installed_hook "$u/hooks/update" auths-update --args
  printf '#!/bin/sh\nexit 0\n' >"$E2E_TMP/foreign-update"
  v=$E2E_TMP/update2.git
  git init -q --bare "$v"
  cp "$E2E_TMP/foreign-update" "$v/hooks/update" && chmod +x "$v/hooks/update"
  run install-update-foreign "$AUTHS" hook install --repo "$v" --update
  expect_rc 1
  if cmp -s "$v/hooks/update" "$E2E_TMP/foreign-update"; then ok; else fail "the foreign update hook was modified"; fi
}
test_case update_hook_install "--update installs the update hook too, and refuses a foreign one"

gitea_layout() {
  g=$E2E_TMP/gitea.git
  git init -q --bare "$g"
  run install-gitea "$AUTHS" hook install --repo "$g" --layout gitea
  expect_rc 0
  expect_installed_hook "$g/hooks/pre-receive.d/auths" auths-pre-receive
  expect_installed_hook "$g/hooks/post-receive.d/auths" auths-post-receive
  if [ ! -e "$g/hooks/pre-receive" ]; then ok; else fail "gitea layout created hooks/pre-receive (Gitea owns it)"; fi
}
test_case gitea_layout "gitea layout: hooks/pre-receive.d/auths, Gitea's own hooks/pre-receive left alone"

gitea_foreign_kept() {
  mkdir -p "$g/hooks/pre-receive.d"
  printf '#!/bin/sh\nexit 0\n' >"$g/hooks/pre-receive.d/auths"
  cp "$g/hooks/pre-receive.d/auths" "$E2E_TMP/foreign-gitea"
  run install-gitea-foreign "$AUTHS" hook install --repo "$g" --layout gitea
  expect_rc 1
  if cmp -s "$g/hooks/pre-receive.d/auths" "$E2E_TMP/foreign-gitea"; then ok; else fail "the foreign gitea hook was modified"; fi
}
test_case gitea_foreign_kept "gitea layout refuses a foreign pre-receive.d/auths"

gitlab_layout() {
  l=$E2E_TMP/gitlab.git
  git init -q --bare "$l"
  run install-gitlab "$AUTHS" hook install --repo "$l" --layout gitlab
  expect_rc 0
  expect_installed_hook "$l/custom_hooks/pre-receive.d/auths" auths-pre-receive
  expect_installed_hook "$l/custom_hooks/post-receive.d/auths" auths-post-receive
  if [ ! -e "$l/hooks/pre-receive" ]; then ok; else fail "gitlab layout created hooks/pre-receive"; fi
}
test_case gitlab_layout "gitlab layout: custom_hooks/pre-receive.d/auths"

unknown_layout() {
  run install-nonsense "$AUTHS" hook install --repo "$l" --layout nonsense
  expect_rc nonzero
}
test_case unknown_layout "an unknown layout is a usage error"

gitea_delegator() {
  server_init
  client_init alice
  policy_write <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]
EOF
  seed=$(commit_as alice "seed")
  push_bypassing_hooks main
  client_git fetch -q origin
  run install-delegated "$AUTHS" hook install --repo "$SERVER" --layout gitea
  expect_rc 0
  # Like Gitea's generated hooks/pre-receive: every executable in pre-receive.d, same stdin.
  cat >"$SERVER/hooks/pre-receive" <<'EOF'
#!/bin/sh
data=$(cat)
status=0
for hook in "${GIT_DIR:-.}"/hooks/pre-receive.d/*; do
  [ -x "$hook" ] || continue
  printf '%s\n' "$data" | "$hook" || status=$?
done
exit $status
EOF
  chmod +x "$SERVER/hooks/pre-receive"
  m=$(commit_as mallory "mallory")
  push origin main
  expect_hook_declined
  expect_violation refs/heads/main "$m" unknown-signer main
  expect_server_unchanged
  client_git reset -q --hard "$seed"
  c=$(commit_as alice "alice")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c"
}
test_case gitea_delegator "a push through a Gitea-style delegator runs the hook from pre-receive.d"

hooks_path() {
  hp=$E2E_TMP/hookspath.git
  git init -q --bare "$hp"
  git -C "$hp" config core.hooksPath "$hp/custom-hooks"
  run install-hookspath "$AUTHS" hook install --repo "$hp"
  expect_rc 0
  expect_installed_hook "$hp/custom-hooks/pre-receive" auths-pre-receive
  expect_installed_hook "$hp/custom-hooks/post-receive" auths-post-receive
  if [ ! -e "$hp/hooks/pre-receive" ]; then ok; else fail "install wrote hooks/pre-receive, where git does not look"; fi
  hook_status "$hp"
  if [ "$STATUS_RC" -eq 0 ]; then ok; else fail "auths hook status exited $STATUS_RC" "$(cat "$E2E_TMP/status.out")"; fi
  if grep -q "^pre-receive: *$hp/custom-hooks/pre-receive: installed by auths, git runs it; core.hooksPath is '$hp/custom-hooks'" "$E2E_TMP/status.out"; then ok; else
    fail "auths hook status does not show the hook in core.hooksPath" "$(cat "$E2E_TMP/status.out")"; fi
  for line in '^policy in force: none' '^bootstrap: *auths.bootstrap = deny' '^baseline: *0 refs, recorded'; do
    if grep -q "$line" "$E2E_TMP/status.out"; then ok; else fail "auths hook status: no line matching $line" "$(cat "$E2E_TMP/status.out")"; fi
  done
  # A real push to that server: the hook in core.hooksPath runs and refuses (no policy: no-policy).
  SERVER=$hp
  client_init alice
  commit_unsigned "unsigned" >/dev/null
  push origin HEAD:refs/heads/main
  expect_push_rejected no-policy
  expect_ref refs/heads/main absent
}
test_case hooks_path "core.hooksPath: install writes where git looks, and an unsigned push is refused"

status_not_run() {
  git -C "$hp" config core.hooksPath "$hp/elsewhere"
  hook_status "$hp"
  if [ "$STATUS_RC" -eq 1 ]; then ok; else fail "auths hook status exited $STATUS_RC, expected 1 (no hook git runs)" "$(cat "$E2E_TMP/status.out")"; fi
  if grep -q "pushes are NOT checked" "$E2E_TMP/status.out"; then ok; else
    fail "auths hook status does not warn that pushes are not checked" "$(cat "$E2E_TMP/status.out")"; fi
}
test_case status_not_run "auths hook status says when git does not run the hook"

install_not_a_repo() {
  run install-missing "$AUTHS" hook install --repo "$E2E_TMP/does-not-exist.git"
  expect_rc nonzero
}
test_case install_not_a_repo "auths hook install on a path that is not a repository fails"

head_names_missing_branch() {
  h=$E2E_TMP/head.git
  git init -q --bare "$h"
  git -C "$h" symbolic-ref HEAD refs/heads/main
  # The repository holds a branch, trunk, but not the one HEAD names: no policy can be in force.
  git -C "$h" update-ref refs/heads/trunk "$(git -C "$h" commit-tree "$(git -C "$h" mktree </dev/null)" -m trunk)"
  run install-head "$AUTHS" hook install --repo "$h"
  expect_rc 0
  expect_text "$RUN_ERR" "warning: HEAD names 'refs/heads/main', which does not exist: every push fails closed"
  # An empty repository (plain_layout) has no branch yet: nothing to warn about.
  expect_no_text "$E2E_TMP/run/install-plain.err" "warning: HEAD"
}
test_case head_names_missing_branch "a HEAD naming a missing branch is warned about at install, an empty repository is not"

test_done
