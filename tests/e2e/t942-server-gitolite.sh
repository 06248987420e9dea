#!/usr/bin/env bash
# e2e-transports: file
# (the run is labelled file: the test pushes over ssh to the test sshd, through gitolite-shell itself, whatever the label)
# e2e-cost: 30
# Issue 12, gitolite3 (the Debian package) over its own ssh setup: `gitolite setup -pk` in its own
# HOME, its forced command in the test sshd's authorized_keys (tests/e2e/servers.sh). auths is
# installed as a gitolite common hook with `auths hook install --layout gitolite` (the files in
# gitolite's hooks/common, then `gitolite setup --hooks-only`), pre-receive and post-receive:
# gitolite keeps its own update hook (its access rules). Pushes through gitolite: an allowed one
# accepted; a refused one refused with the reason line on the pusher's terminal, the ref as it
# was, no new object; `auths hook uninstall --layout gitolite` removes the common hooks and
# gitolite's links to them, and the same push goes through; gitolite's update hook stays.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/servers.sh
. "$E2E_DIR/servers.sh"
test_init

make_key alice
make_key mallory
gitolite_start
gitolite_conf "repo proj
    RW+ = gladmin"
SERVER=$GL_HOME/repositories/proj.git
[ -d "$SERVER" ] || e2e_die "gitolite did not create $SERVER"
server_git symbolic-ref HEAD refs/heads/main
client_init alice
cat >"$E2E_TMP/policy.toml" <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]
EOF
policy_write <"$E2E_TMP/policy.toml"
commit_as alice "seed: policy" >/dev/null
push_bypassing_hooks main
client_git fetch -q origin
client_git remote set-url origin "$GL_URL_BASE/proj"
GL_UPDATE_HOOK=$(readlink "$SERVER/hooks/update")

installed() {
  run install "$AUTHS" hook install --layout gitolite --gitolite-home "$GL_HOME" --json
  expect_rc 0
  common=$GL_HOME/.gitolite/hooks/common
  json_check "$RUN_OUT" "[c['path'] for c in doc['shared']] == ['$common/pre-receive', '$common/post-receive']"
  # gitolite's own testing repository is there too; gitolite-admin is left to gitolite.
  json_check "$RUN_OUT" "[(r['path'], r['result']) for r in doc['repositories']] == [('$SERVER', 'installed'), ('$GL_HOME/repositories/testing.git', 'installed')]"
  for h in pre-receive post-receive; do
    if grep -qx '# installed by auths hook install' "$common/$h" && [ -x "$common/$h" ]; then ok; else
      fail "$common/$h is not auths's hook" "$(cat "$common/$h" 2>/dev/null)"; fi
    expect_equal "$(readlink "$SERVER/hooks/$h")" "$common/$h" "gitolite's link hooks/$h"
  done
  expect_equal "$(readlink "$SERVER/hooks/update")" "$GL_UPDATE_HOOK" "gitolite's own update hook"
  STATUS_RC=0
  # shellcheck disable=SC2034  # expect_status_match (lib.sh) reports it
  "$AUTHS" hook status --repo "$SERVER" --layout gitolite >"$E2E_TMP/status.out" 2>&1 || STATUS_RC=$?
  expect_status_match "^pre-receive: .*installed by auths, git runs it; linked by gitolite to "
}
test_case installed "auths hook install --layout gitolite: common hooks, linked by gitolite into the repository"

allowed() {
  c=$(commit_as alice "alice's change")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c"
  # The push went through gitolite: its log names the user and the repository.
  if grep -rq "gladmin.*proj" "$GL_HOME/.gitolite/logs/"; then ok; else fail "gitolite's log does not show the push"; fi
}
test_case allowed "through gitolite: a push signed by a key the policy lists is accepted"

refused() {
  expect_refused_with_reason mallory
  m=$REFUSED
}
test_case refused "through gitolite: a push signed by another key is refused, the reason on the client, nothing written"

uninstalled() {
  run uninstall "$AUTHS" hook uninstall --layout gitolite --gitolite-home "$GL_HOME"
  expect_rc 0
  expect_out "removed: $SERVER"
  expect_out "removed: $GL_HOME/repositories/testing.git"
  for h in pre-receive post-receive; do
    if [ ! -e "$common/$h" ] && [ ! -L "$SERVER/hooks/$h" ]; then ok; else
      fail "uninstall left $common/$h or the link $SERVER/hooks/$h"; fi
  done
  expect_equal "$(readlink "$SERVER/hooks/update")" "$GL_UPDATE_HOOK" "gitolite's own update hook after uninstall"
  push origin main
  if [ "$PUSH_STATUS" -eq 0 ]; then ok; else fail "after uninstall, the push was refused"; fi
  expect_ref refs/heads/main "$m"
}
test_case uninstalled "auths hook uninstall --layout gitolite: the common hooks and their links gone, the same push accepted"

repo_specific() {
  # The rc as an admin enables them: LOCAL_CODE and 'repo-specific-hooks' (both commented out in
  # the rc gitolite writes), and the directory gitolite's trigger insists on.
  # shellcheck disable=SC2016  # $ENV{HOME} is the rc's (perl), not the shell's
  sed -i -e 's|^\( *\)# \(LOCAL_CODE *=> *"$ENV{HOME}/local",\)|\1\2|' \
    -e "s|^\( *\)# \('repo-specific-hooks',\)|\1\2|" "$GL_HOME/.gitolite.rc"
  mkdir -p "$GL_HOME/local/hooks/repo-specific"
  gitolite_conf "repo proj2
    RW+ = gladmin
    option hook.pre-receive = auths-pre-receive
    option hook.post-receive = auths-post-receive"
  SERVER=$GL_HOME/repositories/proj2.git
  server_git symbolic-ref HEAD refs/heads/main
  # shellcheck disable=SC2034  # client_init and the helpers after it use it
  CLIENT=$E2E_TMP/client2
  client_init alice
  policy_write <"$E2E_TMP/policy.toml"
  commit_as alice "seed: policy" >/dev/null
  push_bypassing_hooks main
  client_git fetch -q origin
  client_git remote set-url origin "$GL_URL_BASE/proj2"
  run install-rs "$AUTHS" hook install --layout gitolite --gitolite-home "$GL_HOME" --gitolite-repo-specific
  # proj and testing have no such option: not protected, and said so (exit 1).
  expect_rc 1
  expect_out "installed: $SERVER"
  expect_out "skipped: $GL_HOME/repositories/proj.git: gitolite.conf gives it no 'option hook.pre-receive = auths-pre-receive'"
  expect_text "$RUN_ERR" "hint:     option hook.pre-receive = auths-pre-receive"
  if grep -qx '# installed by auths hook install' "$GL_HOME/local/hooks/repo-specific/auths-pre-receive"; then ok; else
    fail "no auths hook in $GL_HOME/local/hooks/repo-specific/"; fi
  expect_refused_with_reason mallory
  run uninstall-rs "$AUTHS" hook uninstall --layout gitolite --gitolite-home "$GL_HOME" --gitolite-repo-specific
  expect_rc 0
  expect_out "removed: $SERVER"
  push origin main
  if [ "$PUSH_STATUS" -eq 0 ]; then ok; else fail "after uninstall, the push to proj2 was refused"; fi
  expect_ref refs/heads/main "$REFUSED"
}
test_case repo_specific "--gitolite-repo-specific: gitolite's repository-specific hooks, for the repositories gitolite.conf names"

test_done
