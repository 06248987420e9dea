#!/usr/bin/env bash
# e2e-transports: file
# The passphrase once per session (auths key unlock | lock) with a real ssh-agent: unlocked once,
# git commit -S and a rebase sign through auths-sign with no passphrase anywhere (no
# AUTHS_PASSPHRASE, no terminal), the signatures verify with ssh-keygen -Y verify and in a push
# to a hooked server whose policy names the key; after auths key lock, or once the lifetime is
# over, signing needs the passphrase again (and fails without one). The key file is the only
# place the key is written: unlocking adds nothing to disk.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
identity_env
agent_start
make_key admin
dev_auths dev key generate --alias laptop
dev_auths dev key show --alias laptop --format ssh
LAPTOP_SSH=$(head -n1 "$RUN_OUT")
setup_repo admin <<POLICY
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$LAPTOP_SSH"]

[governance]
signers = ["$(pub admin)"]
POLICY
dev_clone dev
dev_sign_with dev laptop
printf 'dev@example.org namespaces="git" %s\n' "$LAPTOP_SSH" >"$E2E_TMP/allowed_signers"

# no_passphrase CMD...: CMD with dev's identity home, no AUTHS_PASSPHRASE and no controlling
# terminal (setsid: /dev/tty cannot be opened), so that nothing can give auths-sign a
# passphrase. Output in $E2E_TMP/nopass.out and .err; exit status in RC.
no_passphrase() {
  RC=0
  env -u AUTHS_PASSPHRASE AUTHS_HOME="$(dev_home dev)" setsid -w "$@" </dev/null \
    >"$E2E_TMP/nopass.out" 2>"$E2E_TMP/nopass.err" || RC=$?
}

# commit_nopass MESSAGE: a signed commit in $CLIENT with no passphrase available; sets RC and,
# when it worked, COMMIT.
commit_nopass() {
  printf '%s\n' "$1" >>"$CLIENT/log.txt"
  client_git add -A
  no_passphrase git -C "$CLIENT" commit -q -S -m "$1"
  COMMIT=$(client_git rev-parse HEAD)
}

# expect_ssh_keygen_verifies COMMIT: COMMIT's gpgsig verifies over its payload with
# `ssh-keygen -Y verify` against allowed_signers (the laptop key, namespace git).
expect_ssh_keygen_verifies() {
  client_git cat-file commit "$1" | python3 -c '
import sys
lines = sys.stdin.buffer.read().split(b"\n")
payload, sig, in_sig, in_header = [], [], False, True
for line in lines:
    if in_header and line.startswith(b"gpgsig "):
        sig.append(line[7:]); in_sig = True; continue
    if in_sig and line.startswith(b" "):
        sig.append(line[1:]); continue
    in_sig = False
    if line == b"": in_header = False
    payload.append(line)
open(sys.argv[1], "wb").write(b"\n".join(payload))
open(sys.argv[2], "wb").write(b"\n".join(sig) + b"\n")
' "$E2E_TMP/payload" "$E2E_TMP/payload.sig"
  if ssh-keygen -Y verify -f "$E2E_TMP/allowed_signers" -I dev@example.org -n git -s "$E2E_TMP/payload.sig" \
    <"$E2E_TMP/payload" >"$E2E_TMP/verify.out" 2>&1; then ok; else
    fail "ssh-keygen -Y verify refused commit $1" "$(cat "$E2E_TMP/verify.out")"
  fi
}

# agent_lists TEXT: whether `ssh-add -l` lists a key whose line contains TEXT.
agent_lists() { ssh-add -l 2>/dev/null | grep -qF -- "$1"; }

locked_needs_passphrase() {
  commit_nopass "dev: before unlocking"
  if [ "$RC" -ne 0 ]; then ok; else fail "git commit -S signed with no passphrase and no unlocked key"; fi
  expect_text "$E2E_TMP/nopass.err" "no passphrase: set AUTHS_PASSPHRASE or run from a terminal"
  client_git reset -q
}
test_case locked_needs_passphrase "before unlocking, signing without a passphrase fails (no AUTHS_PASSPHRASE, no terminal)"

unlock_once() {
  find "$(dev_home dev)" -type f | LC_ALL=C sort >"$E2E_TMP/home-before"
  sha256sum "$(dev_home dev)/keys/laptop.json" >"$E2E_TMP/key-before"
  dev_run dev key unlock --alias laptop --lifetime 1h
  expect_rc 0
  expect_text "$RUN_OUT" "key 'laptop'"
  expect_text "$RUN_OUT" "for 1h (3600 s)"
  if agent_lists "auths:laptop"; then ok; else fail "ssh-add -l does not list auths:laptop: $(ssh-add -l 2>&1)"; fi
  fpr_line=$(ssh-add -l)
  case "$fpr_line" in *"$(ssh-keygen -lf <(printf '%s\n' "$LAPTOP_SSH") | awk '{print $2}')"*) ok ;;
    *) fail "the agent holds another key than laptop: $fpr_line" ;; esac
  # Nothing new on disk: the key went to the agent over its socket only.
  find "$(dev_home dev)" -type f | LC_ALL=C sort >"$E2E_TMP/home-after"
  if cmp -s "$E2E_TMP/home-before" "$E2E_TMP/home-after"; then ok; else
    fail "unlocking changed the identity home" "$(diff "$E2E_TMP/home-before" "$E2E_TMP/home-after")"; fi
  if sha256sum -c --quiet "$E2E_TMP/key-before"; then ok; else fail "unlocking changed the key file"; fi
}
test_case unlock_once "auths key unlock: the passphrase once, the key in the ssh-agent with a lifetime, nothing on disk"

commits_without_passphrase() {
  for n in 1 2 3; do
    commit_nopass "dev: commit $n with the unlocked key"
    expect_rc 0
    [ "$RC" -eq 0 ] || fail "git commit -S failed: $(cat "$E2E_TMP/nopass.err")"
    expect_ssh_keygen_verifies "$COMMIT"
  done
}
test_case commits_without_passphrase "three git commit -S with no passphrase: the agent signs, ssh-keygen -Y verify accepts each"

rebase_without_passphrase() {
  before=$(client_git rev-parse HEAD)
  # --force-rebase rewrites all three, and commit.gpgSign has each signed again. Ed25519
  # signatures are deterministic: a rebase within the second the commits were made would
  # write the very same commits, so the rebase commits a minute later.
  no_passphrase env GIT_COMMITTER_DATE="$(($(date +%s) + 60)) +0000" \
    git -C "$CLIENT" rebase -q --force-rebase HEAD~3
  expect_rc 0
  [ "$RC" -eq 0 ] || fail "git rebase failed: $(cat "$E2E_TMP/nopass.err")"
  after=$(client_git rev-parse HEAD)
  if [ "$after" != "$before" ]; then ok; else fail "the rebase rewrote nothing"; fi
  for c in $(client_git rev-list "$SEED..HEAD"); do
    if client_git cat-file commit "$c" | grep -q '^gpgsig -----BEGIN SSH SIGNATURE-----$'; then ok; else
      fail "rebased commit $c carries no SSH signature"; fi
    expect_ssh_keygen_verifies "$c"
  done
  push origin main
  expect_push_ok "auths: push accepted: 3 commits and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$after"
}
test_case rebase_without_passphrase "a rebase re-signs through the agent with no passphrase; the push to the hooked server is accepted"

lock_asks_again() {
  dev_run dev key lock --alias laptop
  expect_rc 0
  expect_text "$RUN_OUT" "removed from the ssh-agent"
  if agent_lists "auths:laptop"; then fail "ssh-add -l still lists auths:laptop after auths key lock"; else ok; fi
  commit_nopass "dev: after lock"
  if [ "$RC" -ne 0 ]; then ok; else fail "git commit -S signed with no passphrase after auths key lock"; fi
  expect_text "$E2E_TMP/nopass.err" "no passphrase: set AUTHS_PASSPHRASE or run from a terminal"
  # With the passphrase, the key store signs as before.
  AUTHS_HOME=$(dev_home dev) git -C "$CLIENT" commit -q -S -m "dev: after lock, with the passphrase" </dev/null \
    >"$E2E_TMP/commit.out" 2>&1 || fail "git commit -S with AUTHS_PASSPHRASE failed: $(cat "$E2E_TMP/commit.out")"
  expect_ssh_keygen_verifies "$(client_git rev-parse HEAD)"
  dev_run dev key lock --alias laptop
  expect_rc 1
  expect_text "$RUN_ERR" "the ssh-agent does not hold key 'laptop'"
}
test_case lock_asks_again "auths key lock: the agent forgets the key, signing needs the passphrase again"

lifetime_expires() {
  dev_run dev key unlock --lifetime 2s
  expect_rc 0
  commit_nopass "dev: within the lifetime"
  expect_rc 0
  [ "$RC" -eq 0 ] || fail "git commit -S within the lifetime failed: $(cat "$E2E_TMP/nopass.err")"
  sleep 3
  commit_nopass "dev: after the lifetime"
  if [ "$RC" -ne 0 ]; then ok; else fail "git commit -S signed with no passphrase after the lifetime"; fi
  expect_text "$E2E_TMP/nopass.err" "no passphrase: set AUTHS_PASSPHRASE or run from a terminal"
  client_git reset -q
  push origin main
  expect_push_ok
}
test_case lifetime_expires "unlocked for 2 s (the only device key is the default): after that, signing asks again"

refusals() {
  dev_run dev key unlock --lifetime 0
  expect_rc 64
  expect_text "$RUN_ERR" "invalid lifetime '0'"
  SSH_AUTH_SOCK="" dev_run dev key unlock
  expect_rc 1
  expect_text "$RUN_ERR" "SSH_AUTH_SOCK is not set"
  SSH_AUTH_SOCK=$E2E_TMP/no-agent.sock dev_run dev key unlock
  expect_rc 1
  expect_text "$RUN_ERR" "no ssh-agent listens at SSH_AUTH_SOCK"
  AUTHS_PASSPHRASE=wrong dev_run dev key unlock
  expect_rc 64
  expect_text "$RUN_ERR" "wrong passphrase for key 'laptop'"
  if agent_lists "auths:laptop"; then fail "a wrong passphrase put the key in the agent"; else ok; fi
}
test_case refusals "unlock refuses a zero lifetime, a missing agent and a wrong passphrase, and adds nothing"

p256_key() {
  dev_auths dev key generate --alias desk --curve p256
  dev_auths dev key show --alias desk --format ssh
  printf 'dev@example.org namespaces="git" %s\n' "$(head -n1 "$RUN_OUT")" >"$E2E_TMP/allowed_p256"
  dev_run dev key unlock --alias desk --lifetime 10m
  expect_rc 0
  if agent_lists "auths:desk (ECDSA)"; then ok; else fail "ssh-add -l does not list auths:desk (ECDSA): $(ssh-add -l 2>&1)"; fi
  printf 'a payload\n' >"$E2E_TMP/p256.txt"
  no_passphrase "$AUTHS_BIN_DIR/auths-sign" -Y sign -n git -f auths:desk "$E2E_TMP/p256.txt"
  expect_rc 0
  if ssh-keygen -Y verify -f "$E2E_TMP/allowed_p256" -I dev@example.org -n git -s "$E2E_TMP/p256.txt.sig" \
    <"$E2E_TMP/p256.txt" >"$E2E_TMP/verify.out" 2>&1; then ok; else
    fail "ssh-keygen -Y verify refused the P-256 signature made by the agent" "$(cat "$E2E_TMP/verify.out")"
  fi
  dev_run dev key lock --alias desk
  expect_rc 0
  # Two device keys now: without --alias, unlock names them and asks for a choice.
  dev_run dev key unlock
  expect_rc 64
  expect_text "$RUN_ERR" "several keys (desk, laptop): choose one with --alias"
}
test_case p256_key "a P-256 key: unlocked, the agent signs with it, ssh-keygen -Y verify accepts; two keys need --alias"

test_done
