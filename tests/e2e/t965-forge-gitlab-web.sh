#!/usr/bin/env bash
# e2e-transports: file
# Commits made in GitLab's web UI (README.md, "Merges made by the forge"), with GitLab's
# conventions on a real bare repository: auths in custom_hooks/pre-receive.d/ (`auths hook
# install --layout gitlab`), run the way Gitaly runs them (every executable of the directory in
# name order, the first non-zero exit rejects), GL_* in the environment, the refusal shown as a
# `GL-HOOK-ERR:` line. The web edit and the merge are made in a server-side clone signed by the
# instance key (gpg.format ssh, ssh-keygen) and pushed with GL_PROTOCOL=web, as GitLab does.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key bob
make_key gitlab

server_init
client_init alice
policy_write <<EOF
version = 1

[forge]
signers = ["$(pub gitlab)"]

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)", "$(pub bob)"]
forge_commits = ["edit"]

[[policy.commit]]
name = "merge-requests"
refs = ["refs/heads/mr/**"]
open = "any"

[governance]
signers = ["$(pub alice)"]
EOF
commit_as alice "seed: policy" >/dev/null
push_bypassing_hooks main
for hook in pre-receive post-receive; do
  # Gitaly's order: the project's custom_hooks/<hook>.d/ executables by name; the first
  # non-zero exit status rejects. stdin is buffered and replayed to each.
  cat >"$SERVER/hooks/$hook" <<EOF
#!/usr/bin/env bash
data=\$(cat)
printf '%s\n' "\$data" >"$E2E_TMP/hook.stdin"
env >"$E2E_TMP/hook.env"
for h in "\$(dirname "\$0")/../custom_hooks/$hook.d"/*; do
  case "\$h" in *~) continue ;; esac
  test -x "\$h" && test -f "\$h" || continue
  printf '%s\n' "\$data" | "\$h" || exit \$?
done
EOF
  chmod +x "$SERVER/hooks/$hook"
done
"$AUTHS" hook install --repo "$SERVER" --layout gitlab >"$E2E_TMP/install.out" 2>&1 ||
  e2e_die "auths hook install --layout gitlab failed: $(cat "$E2E_TMP/install.out")"
[ -x "$SERVER/custom_hooks/pre-receive.d/auths" ] || e2e_die "no custom_hooks/pre-receive.d/auths after install"
client_git fetch -q origin

# web_clone: $CLIENT becomes GitLab's server-side clone, signing with the instance key.
web_clone() {
  CLIENT=$E2E_TMP/gitlab-tmp
  clone_server "$CLIENT"
  client_git config user.name "Bob (web)"
  client_git config user.email bob@example.org
  client_git config gpg.format ssh
  client_git config user.signingKey "$KEYS/gitlab"
  client_git config commit.gpgSign true
  client_git checkout -q -B main origin/main
}

# The server says which forge runs it (hooks.yaml `forge:`): only then is GL_PROTOCOL=web the
# forge's own push. The hook inherits AUTHS_HOOKS_CONFIG over file://, as from GitLab's Gitaly.
HOOKS_YAML=$E2E_TMP/hooks.yaml
export AUTHS_HOOKS_CONFIG=$HOOKS_YAML
printf 'version: 1\ndefaults:\n  forge: none\n' >"$HOOKS_YAML"

web_edit_needs_forge_configured() {
  web_clone
  e0=$(commit_as gitlab "Update README.md (forge not configured)" README.md)
  GL_PROTOCOL=web GL_ID=user-2 GL_USERNAME=bob GL_PROJECT_PATH=group/project push origin main
  expect_push_rejected forge-commit-not-allowed
  expect_violation refs/heads/main "$e0" forge-commit-not-allowed main
  rm -rf "$CLIENT"
  printf 'version: 1\ndefaults:\n  forge: gitlab\n' >"$HOOKS_YAML"
}
test_case web_edit_needs_forge_configured "GL_PROTOCOL=web on a server whose hooks.yaml names no forge: the marker counts for nothing"

web_edit_accepted() {
  web_clone
  e1=$(commit_as gitlab "Update README.md" README.md)
  GL_PROTOCOL=web GL_ID=user-2 GL_USERNAME=bob GL_PROJECT_PATH=group/project GL_REPOSITORY=project-1 push origin main
  expect_push_ok
  expect_ref refs/heads/main "$e1"
  expect_text "$E2E_TMP/hook.env" "GL_PROTOCOL=web"
}
test_case web_edit_accepted "a web edit signed by the instance key, pushed by GitLab (GL_PROTOCOL=web): accepted"

edit_over_ssh_refused() {
  e2=$(commit_as gitlab "Update README.md again" README.md)
  GL_PROTOCOL=ssh GL_ID=key-7 GL_USERNAME=mallory GL_PROJECT_PATH=group/project push origin main
  expect_push_rejected forge-commit-not-allowed
  expect_violation refs/heads/main "$e2" forge-commit-not-allowed main
  expect_violation_mentions "forge edit by gitlab"
  expect_line "GL-HOOK-ERR: auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/heads/main "$e1"
  client_git reset -q --hard origin/main
}
test_case edit_over_ssh_refused "the instance key's commit pushed over ssh (GL_PROTOCOL=ssh): forge-commit-not-allowed, GL-HOOK-ERR"

web_merge_not_listed() {
  CLIENT=$E2E_TMP/bob
  client_init bob
  client_git checkout -q -b mr/1 origin/main
  commit_as bob "merge request work" mr.txt >/dev/null
  push origin mr/1
  [ "$PUSH_STATUS" -eq 0 ] || e2e_die "bob's push of mr/1 failed: $(cat "$E2E_TMP/push.out")"
  web_clone
  client_git merge -q --no-ff -m "Merge branch 'mr/1' into 'main'" origin/mr/1 || e2e_die "git merge failed"
  m1=$(client_git rev-parse HEAD)
  GL_PROTOCOL=web GL_ID=user-2 GL_USERNAME=bob GL_PROJECT_PATH=group/project push origin main
  expect_push_rejected forge-commit-not-allowed
  expect_violation refs/heads/main "$m1" forge-commit-not-allowed main
  expect_violation_mentions "does not list \"merge\" in forge_commits"
  expect_line "GL-HOOK-ERR: auths: push rejected: 1 violation in 1 ref"
}
test_case web_merge_not_listed "a merge request merged in the web UI under a rule listing only edits: refused, GL-HOOK-ERR"

test_done
