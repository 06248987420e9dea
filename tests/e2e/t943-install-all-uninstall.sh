#!/usr/bin/env bash
# e2e-transports: file
# e2e-cost: 60
# Issue 12: `auths hook install --all DIR` and `auths hook uninstall --all DIR` for every kind of
# server layout, with real pushes into each repository: every repository protected (a push signed
# by a key the policy does not list is refused in each), then none (the same push accepted), and
# the hooks auths did not write byte-identical and still run.
#   plain: per-repository hooks in bare repositories and a work tree under nested directories; a
#          repository with a foreign pre-receive skipped and named; a symbolic link out of DIR
#          not followed; installing again changes nothing;
#   plain, --shared-hooks-path: one hooks directory as core.hooksPath, a repository whose
#          core.hooksPath names another directory refused and named, left as it was;
#   gitea: pre-receive.d/, update.d/ and post-receive.d/ beside Gitea's own `gitea` script, run by
#          delegators like the ones Gitea generates (left untouched; a missing one reported);
#   gitlab: Gitaly's global custom_hooks_dir (pre-receive.d/auths), run after the project's own
#          custom_hooks like Gitaly runs them.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
POLICY="version = 1

[[policy.commit]]
name = \"main\"
refs = [\"refs/heads/main\"]
signers = [\"$(pub alice)\"]"

# seed DIR [worktree]: a repository at DIR (bare, or a work tree that accepts pushes to its
# checked-out branch) holding alice's signed policy on main, and a client for it in DIR.client
# (outside the searched directories: $E2E_TMP/clients/...).
seed() {
  local dir=$1 kind=${2:-bare}
  SERVER=$dir
  if [ "$kind" = worktree ]; then
    git init -q --initial-branch=main "$dir"
    git -C "$dir" config receive.denyCurrentBranch ignore
  else
    server_init
  fi
  CLIENT=$E2E_TMP/clients/${dir//\//_}
  mkdir -p "$E2E_TMP/clients"
  client_init alice
  printf '%s\n' "$POLICY" | policy_write
  commit_as alice "seed" >/dev/null
  if [ "$kind" = worktree ]; then
    client_git push -q origin main 2>/dev/null || e2e_die "seeding $dir failed"
  else
    push_bypassing_hooks main
  fi
  client_git fetch -q origin
}

# attempt DIR: mallory's signed commit on top of main, pushed to the repository at DIR. The
# client is reset to the server's main first, so the same attempt can be made again.
attempt() {
  # push (lib.sh) reads SERVER: the git directory (of a work tree too)
  # shellcheck disable=SC2034
  if [ -d "$1/.git" ]; then SERVER=$1/.git; else SERVER=$1; fi
  CLIENT=$E2E_TMP/clients/${1//\//_}
  client_git fetch -q origin
  client_git reset -q --hard origin/main
  M=$(commit_as mallory "mallory's change")
  push origin main
}

# expect_refused DIR: mallory's push to DIR is refused by auths (unknown-signer), nothing written.
expect_refused() {
  attempt "$1"
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$M" unknown-signer main
  expect_ref refs/heads/main "$(git -C "$CLIENT" rev-parse origin/main)"
}

# expect_accepted DIR: the same push goes through (no auths hook runs).
expect_accepted() {
  attempt "$1"
  if [ "$PUSH_STATUS" -eq 0 ]; then ok; else fail "expected the push to $1 to be accepted (no auths hook)"; fi
  expect_no_line_match '^auths: '
  expect_ref refs/heads/main "$M"
}

# expect_push_ok_plain: accepted, and no auths line (no auths hook in that repository).
expect_push_ok_plain() {
  if [ "$PUSH_STATUS" -eq 0 ]; then ok; else fail "expected the push to be accepted"; fi
  expect_no_line_match '^auths: '
}

# A hook auths did not write: it appends a line to $E2E_TMP/foreign.log and accepts.
foreign_hook() {
  mkdir -p "$(dirname "$1")"
  printf '#!/bin/sh\necho "%s ran" >>"%s/foreign.log"\ncat >/dev/null\nexit 0\n' "$2" "$E2E_TMP" >"$1"
  chmod +x "$1"
  cp "$1" "$E2E_TMP/expect-$2"
}

# expect_foreign_kept FILE NAME: FILE is byte-identical to what foreign_hook wrote, and ran since
# the last check (foreign.log has its line, then is emptied).
expect_foreign_kept() {
  if cmp -s "$1" "$E2E_TMP/expect-$2"; then ok; else fail "the foreign hook $1 changed"; fi
  if grep -qx "$2 ran" "$E2E_TMP/foreign.log" 2>/dev/null; then ok; else
    fail "the foreign hook $2 did not run" "foreign.log: $(cat "$E2E_TMP/foreign.log" 2>/dev/null)"
  fi
  : >"$E2E_TMP/foreign.log"
}

SRV=$E2E_TMP/srv
mkdir -p "$SRV/team" "$E2E_TMP/outside"
seed "$SRV/a.git"
seed "$SRV/team/b.git"
seed "$SRV/team/work" worktree
seed "$SRV/foreign.git"
foreign_hook "$SRV/foreign.git/hooks/pre-receive" foreign-plain
seed "$E2E_TMP/outside/o.git"
ln -s "$E2E_TMP/outside" "$SRV/link"

plain_all() {
  run install-all "$AUTHS" hook install --all "$SRV" --json
  expect_rc 1
  json_check "$RUN_OUT" "[r['path'] for r in doc['repositories']] == ['$SRV/a.git', '$SRV/foreign.git', '$SRV/team/b.git', '$SRV/team/work']"
  json_check "$RUN_OUT" "[r['result'] for r in doc['repositories']] == ['installed', 'skipped', 'installed', 'installed']"
  json_check "$RUN_OUT" "doc['repositories'][1]['note'] == 'foreign hook at $SRV/foreign.git/hooks/pre-receive'"
  json_check "$RUN_OUT" "all(r['baseline'] == 'recorded' for r in doc['repositories'] if r['result'] == 'installed')"
  json_check "$RUN_OUT" "doc['ok'] is False"
  expect_installed_hook "$SRV/a.git/hooks/pre-receive" auths-pre-receive
  expect_installed_hook "$SRV/team/work/.git/hooks/post-receive" auths-post-receive
  if [ ! -e "$SRV/foreign.git/hooks/post-receive" ]; then ok; else fail "the skipped repository got a post-receive hook"; fi
  if [ ! -e "$E2E_TMP/outside/o.git/hooks/pre-receive" ]; then ok; else fail "install followed the symbolic link out of $SRV"; fi
  for r in a.git team/b.git team/work; do expect_refused "$SRV/$r"; done
  attempt "$SRV/foreign.git"
  expect_push_ok_plain
  expect_foreign_kept "$SRV/foreign.git/hooks/pre-receive" foreign-plain
  # The text report: one line per repository.
  run install-again "$AUTHS" hook install --all "$SRV"
  expect_rc 1
  expect_out "already installed: $SRV/a.git"
  expect_out "skipped: $SRV/foreign.git: foreign hook at $SRV/foreign.git/hooks/pre-receive"
  expect_out "already installed: $SRV/team/work"
}
test_case plain_all "plain --all: every repository under the directory protected, a foreign hook skipped and named, no symlink followed"

plain_uninstall() {
  run uninstall-all "$AUTHS" hook uninstall --all "$SRV" --json
  expect_rc 0
  json_check "$RUN_OUT" "[r['result'] for r in doc['repositories']] == ['removed', 'not installed', 'removed', 'removed']"
  json_check "$RUN_OUT" "doc['repositories'][1]['hooks'][0]['note'] == 'foreign hook at $SRV/foreign.git/hooks/pre-receive, left alone'"
  for r in a.git team/b.git; do
    if [ ! -e "$SRV/$r/hooks/pre-receive" ] && [ ! -e "$SRV/$r/hooks/post-receive" ]; then ok; else
      fail "uninstall left a hook in $SRV/$r/hooks"; fi
  done
  for r in a.git team/b.git team/work; do expect_accepted "$SRV/$r"; done
  attempt "$SRV/foreign.git"
  expect_push_ok_plain
  expect_foreign_kept "$SRV/foreign.git/hooks/pre-receive" foreign-plain
  run uninstall-again "$AUTHS" hook uninstall --all "$SRV"
  expect_rc 0
  expect_out "not installed: $SRV/a.git"
}
test_case plain_uninstall "plain uninstall --all: none protected, the foreign hook kept and still run; again: nothing to do"

shared_hooks_path() {
  S=$E2E_TMP/shared-root
  mkdir -p "$S"
  seed "$S/s1.git"
  seed "$S/s3.git"
  git -C "$S/s3.git" config core.hooksPath "$E2E_TMP/their-hooks"
  foreign_hook "$E2E_TMP/their-hooks/pre-receive" their-hooks
  run install-shared "$AUTHS" hook install --all "$S" --shared-hooks-path "$E2E_TMP/shared-hooks" --json
  expect_rc 1
  json_check "$RUN_OUT" "[r['result'] for r in doc['repositories']] == ['installed', 'skipped']"
  json_check "$RUN_OUT" "doc['repositories'][1]['note'] == \"core.hooksPath of $S/s3.git is already '$E2E_TMP/their-hooks' (not changing it)\""
  json_check "$RUN_OUT" "[c['path'] for c in doc['shared']] == ['$E2E_TMP/shared-hooks/pre-receive', '$E2E_TMP/shared-hooks/post-receive']"
  expect_installed_hook "$E2E_TMP/shared-hooks/pre-receive" auths-pre-receive
  expect_equal "$(git -C "$S/s1.git" config core.hooksPath)" "$E2E_TMP/shared-hooks" "core.hooksPath of s1.git"
  expect_equal "$(git -C "$S/s3.git" config core.hooksPath)" "$E2E_TMP/their-hooks" "core.hooksPath of s3.git"
  expect_refused "$S/s1.git"
  attempt "$S/s3.git"
  expect_push_ok_plain
  expect_foreign_kept "$E2E_TMP/their-hooks/pre-receive" their-hooks

  run uninstall-shared "$AUTHS" hook uninstall --all "$S" --shared-hooks-path "$E2E_TMP/shared-hooks"
  expect_rc 0
  expect_out "removed: $S/s1.git"
  expect_out "not installed: $S/s3.git"
  if git -C "$S/s1.git" config core.hooksPath >/dev/null; then fail "uninstall left core.hooksPath in s1.git"; else ok; fi
  expect_equal "$(git -C "$S/s3.git" config core.hooksPath)" "$E2E_TMP/their-hooks" "core.hooksPath of s3.git after uninstall"
  if [ ! -e "$E2E_TMP/shared-hooks/pre-receive" ]; then ok; else fail "uninstall left the shared pre-receive"; fi
  expect_accepted "$S/s1.git"
  attempt "$S/s3.git"
  expect_foreign_kept "$E2E_TMP/their-hooks/pre-receive" their-hooks
}
test_case shared_hooks_path "--shared-hooks-path: one hooks directory as core.hooksPath; another core.hooksPath refused, named and kept"

# gitea_delegators REPO: hooks/<hook> as Gitea generates them (run every executable of
# hooks/<hook>.d/, stdin replayed, the update hook's arguments passed on), and Gitea's own
# `gitea` script in each .d directory (it logs, and accepts).
gitea_delegators() {
  local hook
  for hook in pre-receive update post-receive; do
    cat >"$1/hooks/$hook" <<'EOF'
#!/usr/bin/env bash
# AUTO GENERATED BY GITEA, DO NOT MODIFY (a test's copy of its shape)
data=$(cat)
exitcodes=""
hookname=$(basename "$0")
GIT_DIR=${GIT_DIR:-$(dirname "$0")/..}
for hook in "${GIT_DIR}/hooks/${hookname}.d"/*; do
  test -x "${hook}" && test -f "${hook}" || continue
  if [ "$hookname" = update ]; then "${hook}" "$1" "$2" "$3"; else echo "${data}" | "${hook}"; fi
  exitcodes="${exitcodes} $?"
done
for i in ${exitcodes}; do
  [ "${i}" -eq 0 ] || exit "${i}"
done
EOF
    chmod +x "$1/hooks/$hook"
    cp "$1/hooks/$hook" "$E2E_TMP/expect-delegator-$hook"
    foreign_hook "$1/hooks/$hook.d/gitea" "gitea-$hook"
  done
}

gitea_all() {
  G=$E2E_TMP/gitea-repositories
  mkdir -p "$G/owner"
  seed "$G/owner/x.git"
  seed "$G/owner/y.git"
  gitea_delegators "$G/owner/x.git"
  gitea_delegators "$G/owner/y.git"
  seed "$G/owner/nodelegator.git"
  run install-gitea "$AUTHS" hook install --layout gitea --all "$G"
  expect_rc 0
  expect_out "installed: $G/owner/x.git"
  expect_text "$RUN_ERR" "warning: $G/owner/nodelegator.git/hooks/pre-receive is missing: Gitea's delegating hook runs hooks/pre-receive.d/"
  if [ ! -e "$G/owner/nodelegator.git/hooks/pre-receive" ]; then ok; else fail "install wrote a Gitea delegator"; fi
  for h in pre-receive update post-receive; do
    expect_installed_hook "$G/owner/x.git/hooks/$h.d/auths" "auths-$h"
    if cmp -s "$G/owner/y.git/hooks/$h" "$E2E_TMP/expect-delegator-$h"; then ok; else fail "Gitea's hooks/$h changed"; fi
  done
  for r in x.git y.git; do
    expect_refused "$G/owner/$r"
    expect_foreign_kept "$G/owner/$r/hooks/pre-receive.d/gitea" gitea-pre-receive
  done
  run uninstall-gitea "$AUTHS" hook uninstall --layout gitea --all "$G" --json
  expect_rc 0
  json_check "$RUN_OUT" "[r['result'] for r in doc['repositories']] == ['removed', 'removed', 'removed']"
  for r in x.git y.git; do
    expect_accepted "$G/owner/$r"
    if [ ! -e "$G/owner/$r/hooks/pre-receive.d/auths" ]; then ok; else fail "uninstall left pre-receive.d/auths in $r"; fi
    for h in pre-receive update post-receive; do
      if cmp -s "$G/owner/$r/hooks/$h" "$E2E_TMP/expect-delegator-$h"; then ok; else fail "Gitea's hooks/$h changed in $r"; fi
    done
    if grep -qx "gitea-update ran" "$E2E_TMP/foreign.log"; then ok; else fail "Gitea's update.d/gitea did not run in $r"; fi
    expect_foreign_kept "$G/owner/$r/hooks/pre-receive.d/gitea" gitea-pre-receive
  done
}
test_case gitea_all "gitea --all: pre-receive.d, update.d, post-receive.d beside Gitea's script; its delegators untouched; then uninstalled"

gitlab_global() {
  L=$E2E_TMP/gitaly-storage
  GLOBAL=$E2E_TMP/gitaly-custom-hooks
  mkdir -p "$L/@hashed/ab/cd"
  seed "$L/@hashed/ab/cd/h1.git"
  seed "$L/@hashed/ab/cd/h2.git"
  foreign_hook "$GLOBAL/pre-receive.d/00-site-check" site-check
  # As Gitaly runs them: the project's custom_hooks/<hook>.d/*, then the global <hook>.d/*, sorted.
  for r in h1 h2; do
    cat >"$L/@hashed/ab/cd/$r.git/hooks/pre-receive" <<EOF
#!/bin/sh
data=\$(cat)
for hook in custom_hooks/pre-receive.d/* "$GLOBAL"/pre-receive.d/*; do
  [ -f "\$hook" ] && [ -x "\$hook" ] || continue
  printf '%s\n' "\$data" | "\$hook" || exit 1
done
EOF
    chmod +x "$L/@hashed/ab/cd/$r.git/hooks/pre-receive"
  done
  run install-gitlab "$AUTHS" hook install --layout gitlab --gitlab-global-dir "$GLOBAL" --all "$L"
  expect_rc 0
  expect_out "installed pre-receive hook: $GLOBAL/pre-receive.d/auths"
  expect_out "installed post-receive hook: $GLOBAL/post-receive.d/auths"
  expect_installed_hook "$GLOBAL/pre-receive.d/auths" auths-pre-receive
  expect_out "installed: $L/@hashed/ab/cd/h1.git"
  run install-gitlab-again "$AUTHS" hook install --layout gitlab --gitlab-global-dir "$GLOBAL" --all "$L"
  expect_rc 0
  expect_out "already installed: $L/@hashed/ab/cd/h2.git"
  for r in h1 h2; do
    expect_refused "$L/@hashed/ab/cd/$r.git"
    expect_foreign_kept "$GLOBAL/pre-receive.d/00-site-check" site-check
  done
  run uninstall-gitlab "$AUTHS" hook uninstall --layout gitlab --gitlab-global-dir "$GLOBAL"
  expect_rc 0
  expect_out "removed pre-receive hook: $GLOBAL/pre-receive.d/auths"
  for r in h1 h2; do
    expect_accepted "$L/@hashed/ab/cd/$r.git"
    expect_foreign_kept "$GLOBAL/pre-receive.d/00-site-check" site-check
  done
}
test_case gitlab_global "gitlab --gitlab-global-dir: Gitaly's global pre-receive.d/auths protects every project; uninstalled, none"

test_done
