#!/usr/bin/env bash
# e2e-transports: file
# `auths hook install`: the plain, Gitea and GitLab layouts; never overwriting a hook it did not
# install; replacing its own. Hooks installed in the Gitea layout work behind a delegator like
# Gitea's (run every hooks/pre-receive.d/* with the same stdin).
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory

# install_out REPO ARGS...: runs auths hook install, sets INSTALL_STATUS, output in install.out/.err
install_run() {
  INSTALL_STATUS=0
  "$AUTHS" hook install --repo "$@" >"$E2E_TMP/install.out" 2>"$E2E_TMP/install.err" || INSTALL_STATUS=$?
  check_no_sanitizer_report "$E2E_TMP/install.err"
}
expect_install_status() {
  if [ "$INSTALL_STATUS" -eq "$1" ]; then ok; else
    fail "expected auths hook install to exit $1, got $INSTALL_STATUS" "stderr: $(cat "$E2E_TMP/install.err")"
  fi
}

step "plain layout: hooks/pre-receive"
r=$E2E_TMP/plain.git
git init -q --bare "$r"
install_run "$r"
expect_install_status 0
expect_installed_hook "$r/hooks/pre-receive" auths-pre-receive
if [ ! -e "$r/hooks/update" ]; then ok; else fail "plain install without --update created hooks/update"; fi

step "installing again replaces its own hook"
echo "# stale line" >>"$r/hooks/pre-receive"
install_run "$r"
expect_install_status 0
expect_installed_hook "$r/hooks/pre-receive" auths-pre-receive

step "a foreign pre-receive hook is never overwritten"
printf '#!/bin/sh\necho foreign\nexit 0\n' >"$r/hooks/pre-receive"
chmod +x "$r/hooks/pre-receive"
cp "$r/hooks/pre-receive" "$E2E_TMP/foreign"
install_run "$r"
expect_install_status 1
if grep -Fxq 'error: hooks/pre-receive exists and was not installed by auths (not overwriting)' "$E2E_TMP/install.err"; then ok; else
  fail "expected the line 'error: hooks/pre-receive exists and was not installed by auths (not overwriting)'" "stderr: $(cat "$E2E_TMP/install.err")"; fi
if cmp -s "$r/hooks/pre-receive" "$E2E_TMP/foreign"; then ok; else fail "the foreign hook was modified"; fi

step "--update installs the update hook too, and refuses a foreign one"
u=$E2E_TMP/update.git
git init -q --bare "$u"
install_run "$u" --update
expect_install_status 0
expect_installed_hook "$u/hooks/update" auths-update --args
printf '#!/bin/sh\nexit 0\n' >"$E2E_TMP/foreign-update"
v=$E2E_TMP/update2.git
git init -q --bare "$v"
cp "$E2E_TMP/foreign-update" "$v/hooks/update" && chmod +x "$v/hooks/update"
install_run "$v" --update
expect_install_status 1
if cmp -s "$v/hooks/update" "$E2E_TMP/foreign-update"; then ok; else fail "the foreign update hook was modified"; fi

step "gitea layout: hooks/pre-receive.d/auths, Gitea's own hooks/pre-receive left alone"
g=$E2E_TMP/gitea.git
git init -q --bare "$g"
install_run "$g" --layout gitea
expect_install_status 0
expect_installed_hook "$g/hooks/pre-receive.d/auths" auths-pre-receive
if [ ! -e "$g/hooks/pre-receive" ]; then ok; else fail "gitea layout created hooks/pre-receive (Gitea owns it)"; fi

step "gitea layout refuses a foreign pre-receive.d/auths"
mkdir -p "$g/hooks/pre-receive.d"
printf '#!/bin/sh\nexit 0\n' >"$g/hooks/pre-receive.d/auths"
cp "$g/hooks/pre-receive.d/auths" "$E2E_TMP/foreign-gitea"
install_run "$g" --layout gitea
expect_install_status 1
if cmp -s "$g/hooks/pre-receive.d/auths" "$E2E_TMP/foreign-gitea"; then ok; else fail "the foreign gitea hook was modified"; fi

step "gitlab layout: custom_hooks/pre-receive.d/auths"
l=$E2E_TMP/gitlab.git
git init -q --bare "$l"
install_run "$l" --layout gitlab
expect_install_status 0
expect_installed_hook "$l/custom_hooks/pre-receive.d/auths" auths-pre-receive
if [ ! -e "$l/hooks/pre-receive" ]; then ok; else fail "gitlab layout created hooks/pre-receive"; fi

step "an unknown layout is a usage error"
install_run "$l" --layout nonsense
if [ "$INSTALL_STATUS" -ne 0 ]; then ok; else fail "expected --layout nonsense to fail"; fi

step "a push through a Gitea-style delegator runs the hook from pre-receive.d"
server_init
client_init alice
policy_write <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]
EOF
SEED=$(commit_as alice "seed")
push_bypassing_hooks main
client_git fetch -q origin
install_run "$SERVER" --layout gitea
expect_install_status 0
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
client_git reset -q --hard "$SEED"
c=$(commit_as alice "alice")
push origin main
expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
expect_ref refs/heads/main "$c"

step "auths hook install on a path that is not a repository fails"
install_run "$E2E_TMP/does-not-exist.git"
if [ "$INSTALL_STATUS" -ne 0 ]; then ok; else fail "expected a failure for a missing repository"; fi

test_done
