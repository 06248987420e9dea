#!/usr/bin/env bash
# e2e-transports: ssh
# Plain ssh (README.md, "Plain ssh"): one OS account for everyone, one authorized_keys line per
# person with `command="auths hook ssh-shell NAME",restrict`. The audit log records the pusher
# the key names (pusher_source AUTHS_PUSHER, protocol ssh), not the OS user, even when the
# client sends AUTHS_PUSHER, GL_USERNAME or GITEA_PUSHER_NAME and this sshd accepts them
# (AcceptEnv). The forced command runs git-receive-pack, git-upload-pack and
# git-upload-archive through git-shell and nothing else: no login, no other command.
export AUTHS_E2E_TRANSPORT=ssh
# shellcheck disable=SC2034  # read by sshd_start (sshd.sh): this sshd accepts them from clients
SSHD_ACCEPT_ENV="AUTHS_* REMOTE_USER GATEWAY_INTERFACE"
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key alice-login
make_key bob-login
setup_repo alice <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/*"]
signers = ["$(pub alice)"]
EOF
audit=$E2E_TMP/audit.jsonl
server_git config auths.auditLog "$audit"
# The key lib.sh's sshd_start made stays a plain login (the admin's); alice and bob get the
# forced command.
{
  cat "$E2E_TMP/sshd/client_key.pub"
  printf 'command="%s hook ssh-shell alice",restrict %s\n' "$AUTHS" "$(pub alice-login)"
  printf 'command="%s hook ssh-shell bob",restrict %s\n' "$AUTHS" "$(pub bob-login)"
} >"$E2E_TMP/sshd/authorized_keys"

# ssh_as NAME [ssh options...]: the ssh command line of NAME's login key.
ssh_as() {
  local who=$1
  shift
  printf 'ssh -F /dev/null -i %s -p %s -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR %s' \
    "$KEYS/$who-login" "$SSHD_PORT" "$*"
}
HOST=$SSHD_USER@127.0.0.1

alice_pushes() {
  a=$(commit_as alice "alice over ssh")
  GIT_SSH_COMMAND=$(ssh_as alice) push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$a"
  json_check "$audit" "len(lines) == 1 and lines[0]['pusher'] == 'alice' and lines[0]['pusher_source'] == 'AUTHS_PUSHER'"
  json_check "$audit" "lines[0]['protocol'] == 'ssh' and lines[0]['decision'] == 'accept' and lines[0]['new'] == '$a'"
  if file_has_line "$E2E_TMP/hook.env" "AUTHS_PUSHER=alice"; then ok; else fail "the hook did not get AUTHS_PUSHER=alice"; fi
}
test_case alice_pushes "alice's key: accepted, the audit line says pusher alice (AUTHS_PUSHER), protocol ssh"

bob_refused() {
  b=$(commit_unsigned "bob, unsigned")
  GIT_SSH_COMMAND=$(ssh_as bob) push origin main
  expect_push_rejected unsigned
  json_check "$audit" "len(lines) == 2 and lines[1]['pusher'] == 'bob' and lines[1]['pusher_source'] == 'AUTHS_PUSHER'"
  json_check "$audit" "lines[1]['decision'] == 'refuse' and lines[1]['codes'] == ['unsigned'] and lines[1]['new'] == '$b'"
  client_git reset -q --hard "$a"
}
test_case bob_refused "bob's key: his unsigned push refused, the audit line says pusher bob"

sendenv_ignored() {
  # This sshd accepts the variables: the admin's plain login sees them...
  # shellcheck disable=SC2016  # expanded by the remote shell
  run control env AUTHS_PUSHER=mallory GL_USERNAME=mallory GITEA_PUSHER_NAME=mallory \
    ssh -F /dev/null -i "$E2E_TMP/sshd/client_key" -p "$SSHD_PORT" -o IdentitiesOnly=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -o SendEnv=AUTHS_PUSHER \
    -o SendEnv=GL_USERNAME -o SendEnv=GITEA_PUSHER_NAME "$HOST" 'echo "$AUTHS_PUSHER/$GL_USERNAME/$GITEA_PUSHER_NAME"'
  expect_rc 0
  expect_out "mallory/mallory/mallory"
  # ... and alice's forced command replaces or removes every one of them.
  a2=$(commit_as alice "alice, sending mallory's name")
  AUTHS_PUSHER=mallory GL_USERNAME=mallory GITEA_PUSHER_NAME=mallory \
    GIT_SSH_COMMAND=$(ssh_as alice -o SendEnv=AUTHS_PUSHER -o SendEnv=GL_USERNAME -o SendEnv=GITEA_PUSHER_NAME) \
    push origin main
  expect_push_ok
  json_check "$audit" "len(lines) == 3 and lines[2]['pusher'] == 'alice' and lines[2]['pusher_source'] == 'AUTHS_PUSHER' and lines[2]['new'] == '$a2'"
  if file_has "$E2E_TMP/hook.env" '^(GL_USERNAME|GITEA_PUSHER_NAME)=|^AUTHS_PUSHER=mallory'; then
    fail "a variable the client sent reached the hook" "$(grep -E '^(GL_|GITEA_|AUTHS_)' "$E2E_TMP/hook.env")"
  else ok; fi
}
test_case sendenv_ignored "SendEnv AUTHS_PUSHER=mallory (and GL_USERNAME, GITEA_PUSHER_NAME), accepted by sshd: still alice"

only_git() {
  # shellcheck disable=SC2046  # ssh_as prints a command line
  run login $(ssh_as alice -T) "$HOST"
  expect_rc 1
  expect_text "$RUN_ERR" "no shell"
  # shellcheck disable=SC2046
  run other $(ssh_as alice) "$HOST" id
  expect_rc 1
  expect_no_text "$RUN_OUT" "uid="
  # shellcheck disable=SC2046
  run chained $(ssh_as alice) "$HOST" "git-upload-pack '$SERVER'; id"
  expect_rc nonzero
  expect_no_text "$RUN_OUT" "uid="
  # shellcheck disable=SC2046
  run quoted $(ssh_as bob) "$HOST" "git-receive-pack '\$(id >$E2E_TMP/pwned)'"
  expect_rc nonzero
  if [ -e "$E2E_TMP/pwned" ]; then fail "a command substitution in the path ran"; else ok; fi
  GIT_SSH_COMMAND=$(ssh_as bob) run fetch git ls-remote "$(sshd_url "$SERVER")" refs/heads/main
  expect_rc 0
  expect_out "$a2	refs/heads/main"
  run bad-name "$AUTHS" hook ssh-shell "al ice"
  expect_rc 64
  run bad-name2 "$AUTHS" hook ssh-shell "x;id"
  expect_rc 64
}
test_case only_git "the forced command: no login, no other command, nothing through the path; fetch works; names validated"

verify_chain() {
  run verify "$AUTHS" audit verify "$audit"
  expect_rc 0
  expect_text "$RUN_OUT" "OK: 3 lines, chain intact"
  run show "$AUTHS" audit show --file "$audit"
  expect_text "$RUN_OUT" "alice (AUTHS_PUSHER)"
  expect_text "$RUN_OUT" "bob (AUTHS_PUSHER)"
}
test_case verify_chain "the chain of the ssh pushes verifies; audit show names alice and bob"

test_done
