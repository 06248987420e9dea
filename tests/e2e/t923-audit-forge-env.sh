#!/usr/bin/env bash
# The pusher, the repository and the protocol in the audit log, from the environment each kind
# of server sets for its hooks (over file:// the client's environment is the hook's, as the
# forge's is on the server): gitolite (GL_USER, GL_REPO, and no GL_ID), GitLab (GL_ID,
# GL_USERNAME, GL_PROJECT_PATH, GL_PROTOCOL; its GL_USER is not gitolite's), Gitea
# (GITEA_PUSHER_NAME, GITEA_REPO_USER_NAME/GITEA_REPO_NAME), and none (the effective user, not
# $USER). The syslog sink writes no file (what syslog receives is not checked here).
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
setup_repo alice <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/*"]
signers = ["$(pub alice)"]
EOF
audit=$E2E_TMP/audit.jsonl
server_git config auths.auditLog "$audit"

# last_line: the last audit line, alone in $E2E_TMP/last.jsonl (for json_check).
last_line() { tail -n1 "$audit" >"$E2E_TMP/last.jsonl"; }

gitolite() {
  c=$(commit_as alice "via gitolite")
  GL_USER=gl-bob GL_REPO=team/widgets GL_BYPASS_ACCESS_CHECKS='' push origin main
  expect_push_ok
  last_line
  json_check "$E2E_TMP/last.jsonl" "lines[0]['pusher'] == 'gl-bob' and lines[0]['pusher_source'] == 'GL_USER'"
  json_check "$E2E_TMP/last.jsonl" "lines[0]['repo'] == 'team/widgets' and lines[0]['protocol'] == 'local' and lines[0]['new'] == '$c'"
}
test_case gitolite "gitolite: GL_USER names the pusher, GL_REPO the repository"

gitlab() {
  c=$(commit_as alice "via gitlab")
  GL_ID=user-42 GL_USERNAME=gl-alice GL_USER=not-gitolite GL_REPO=ignored GL_PROJECT_PATH=group/project \
    GL_PROTOCOL=http GL_REPOSITORY=project-7 push origin main
  expect_push_ok
  last_line
  json_check "$E2E_TMP/last.jsonl" "lines[0]['pusher'] == 'gl-alice' and lines[0]['pusher_source'] == 'GL_USERNAME'"
  json_check "$E2E_TMP/last.jsonl" "lines[0]['repo'] == 'group/project' and lines[0]['protocol'] == 'http' and lines[0]['new'] == '$c'"
  m=$(commit_unsigned "unsigned via gitlab")
  GL_ID=key-9 GL_USER=not-gitolite GL_PROJECT_PATH=group/project GL_PROTOCOL=ssh push origin main
  expect_push_rejected unsigned
  expect_line "GL-HOOK-ERR: auths: push rejected: 1 violation in 1 ref"
  last_line
  json_check "$E2E_TMP/last.jsonl" "lines[0]['pusher'] == 'key-9' and lines[0]['pusher_source'] == 'GL_ID'"
  json_check "$E2E_TMP/last.jsonl" "lines[0]['protocol'] == 'ssh' and lines[0]['decision'] == 'refuse' and lines[0]['new'] == '$m'"
  client_git reset -q --hard "$c"
}
test_case gitlab "GitLab: GL_USERNAME (else GL_ID) names the pusher, GL_PROJECT_PATH the project, GL_PROTOCOL the protocol"

gitea() {
  c=$(commit_as alice "via gitea")
  GITEA_PUSHER_NAME=tea-carol GITEA_PUSHER_ID=3 GITEA_REPO_USER_NAME=acme GITEA_REPO_NAME=api push origin main
  expect_push_ok
  last_line
  json_check "$E2E_TMP/last.jsonl" "lines[0]['pusher'] == 'tea-carol' and lines[0]['pusher_source'] == 'GITEA_PUSHER_NAME'"
  json_check "$E2E_TMP/last.jsonl" "lines[0]['repo'] == 'acme/api' and lines[0]['protocol'] == 'http' and lines[0]['new'] == '$c'"
  c2=$(commit_as alice "gitea's own merge")
  GITEA_PUSHER_NAME=tea-carol GITEA_INTERNAL_PUSH=true SSH_ORIGINAL_COMMAND=gitea-internal GITEA_REPO_USER_NAME=acme \
    GITEA_REPO_NAME=api push origin main
  expect_push_ok
  last_line
  json_check "$E2E_TMP/last.jsonl" "lines[0]['protocol'] == 'web' and lines[0]['new'] == '$c2'"
}
test_case gitea "Gitea: GITEA_PUSHER_NAME names the pusher, GITEA_REPO_USER_NAME/GITEA_REPO_NAME the repository"

no_forge() {
  c=$(commit_as alice "no forge")
  USER=mallory LOGNAME=mallory push origin main
  expect_push_ok
  last_line
  json_check "$E2E_TMP/last.jsonl" "lines[0]['pusher'] == 'unix:$(id -un)' and lines[0]['pusher_source'] == 'uid'"
  json_check "$E2E_TMP/last.jsonl" "lines[0]['repo'].rstrip('/') == '$SERVER' and lines[0]['protocol'] == 'local'"
  run verify "$AUTHS" audit verify "$audit"
  expect_rc 0
  expect_text "$RUN_OUT" "OK: 6 lines, chain intact"
}
test_case no_forge "no forge: the effective user (unix:NAME, source uid), never \$USER; the chain verifies"

syslog_sink() {
  server_git config auths.auditLog syslog
  c=$(commit_as alice "to syslog")
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$c"
  if [ -e "$SERVER/syslog" ] || [ -e "$CLIENT/syslog" ]; then fail "the syslog sink wrote a file named syslog"; else ok; fi
  expect_equal "$(wc -l <"$audit" | tr -d ' ')" 6 "lines of the audit file after a push whose lines went to syslog"
  run show "$AUTHS" audit show --repo "$SERVER"
  expect_rc 2
  expect_text "$RUN_ERR" "journalctl -t auths-hooks"
  server_git config auths.auditLog "$audit"
}
test_case syslog_sink "auths.auditLog syslog: the push goes through, no file written; audit show says where the lines are"

test_done
