#!/usr/bin/env bash
# e2e-transports: file ssh:1,3-4
# Issue 6, item 6: acceptance recorded too early. The server's record of accepted tips (what
# lets a device revoked later keep its earlier commits) is written only after git really
# updated the ref: pre-receive writes a pending record, auths-post-receive promotes it
# (README.md, "The trust model").
#   - a push pre-receive accepts but git then fails (a stale refs/heads/main.lock) leaves no
#     record: after alice revokes the device, that commit is refused (device-revoked), and
#     `auths hook status` counts no new accepted update; the same for a push refused because its
#     audit line could not be written (audit-failed);
#   - 8 racing pushes to main: git applies one, and one accepted update is recorded; a losing
#     commit is refused after the revocation;
#   - control: a commit git did store on a branch keeps counting after the revocation.
# The records are counted as `auths hook status` reports them (lib.sh: status_accepted_updates).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
# setup: alice's laptop linked, records and a first commit accepted
# shellcheck disable=SC2016  # registry_fixture writes alice's did:keri for $ALICE
registry_fixture --rules '[[policy.commit]]
name = "feature"
refs = ["refs/heads/feature/*"]
signers = ["$ALICE"]
allow_delete = true'

# expect_count GOT BEFORE DELTA WHAT: GOT (a count from auths hook status) is BEFORE + DELTA.
expect_count() {
  if [[ "$1" =~ ^[0-9]+$ && "$2" =~ ^[0-9]+$ ]] && [ "$1" -eq $(($2 + $3)) ]; then ok; else
    fail "$4: expected ${2} + $3, got $1" "$(head -c 1500 "$E2E_TMP/status.out")"
  fi
}

hook_status "$SERVER"
if [ "$STATUS_RC" -eq 0 ]; then ok; else fail "auths hook status exited $STATUS_RC" "$(head -c 1500 "$E2E_TMP/status.out")"; fi
N0=$(status_accepted_updates)
case "$N0" in none) fail "auths hook status reports no count of accepted updates" "$(head -c 1500 "$E2E_TMP/status.out")" ;; *) ok ;; esac

main_locked() {
  x=$(dev_commit alice laptop "alice: pushed while main is locked")
  touch "$SERVER/refs/heads/main.lock"
  push origin main
  rm -f "$SERVER/refs/heads/main.lock"
  if [ "$PUSH_STATUS" -ne 0 ]; then ok; else fail "expected git push to fail (main.lock held)"; fi
  expect_equal "$(hook_exit)" 0 "pre-receive exit status (it accepted; git failed after it)"
  expect_ref refs/heads/main "$A1"
  expect_count "$(status_accepted_updates)" "$N0" 0 "accepted updates recorded after a push git did not apply"
}
test_case main_locked "item 6: pre-receive accepts, git fails to lock main: the push fails, nothing is recorded"

audit_failed() {
  mkdir -p "$E2E_TMP/audit-is-a-directory"
  server_git config auths.auditLog "$E2E_TMP/audit-is-a-directory"
  client_git reset -q --hard "$A1"
  z=$(dev_commit alice laptop "alice: pushed while the audit log is broken")
  push origin main
  expect_push_undecided audit-failed
  expect_ref refs/heads/main "$A1"
  reset_server_ref refs/heads/main "$A1"
  server_git config --unset auths.auditLog
  expect_count "$(status_accepted_updates)" "$N0" 0 "accepted updates recorded after a push refused for its audit line"
}
test_case audit_failed "item 6: a push whose audit line cannot be written (auths.auditLog names a directory): refused, nothing recorded"

control_feature_y() {
  client_git checkout -q -b feature/y "$A1"
  y=$(dev_commit alice laptop "alice: on feature/y")
  push origin feature/y
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/feature/y "$y"
  n1=$(status_accepted_updates)
  expect_count "$n1" "$N0" 1 "accepted updates recorded after one applied branch update"
}
test_case control_feature_y "control setup: alice's commit y on feature/y, stored by git: one accepted update recorded more"

racing_pushes() {
  race=()
  for i in 1 2 3 4 5 6 7 8; do
    client_git checkout -q --detach "$A1"
    race+=("$(dev_commit alice laptop "alice: racer $i")")
  done
  hook_unwrap  # the recording wrapper keeps one set of files: concurrent pushes would share them
  pids=()
  for i in "${!race[@]}"; do
    client_git push origin "${race[$i]}:refs/heads/main" >"$E2E_TMP/race-$i.out" 2>&1 </dev/null &
    pids+=("$!")
  done
  won=0
  for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then won=$((won + 1)); winner=${race[$i]}; fi
  done
  expect_equal "$won" 1 "racing pushes git applied"
  main_now=$(server_git rev-parse refs/heads/main)
  expect_equal "$main_now" "${winner:-none}" "main after the race"
  expect_count "$(status_accepted_updates)" "$n1" 1 "accepted updates recorded after 8 racing pushes of which git applied 1"
  loser=""
  for r in "${race[@]}"; do [ "$r" = "$main_now" ] || { loser=$r; break; }; done
}
test_case racing_pushes "item 6: 8 racing pushes to main: git applies one, one accepted update is recorded"

revoke_laptop() {
  client_git checkout -q --detach "$main_now"
  dev_auths alice device revoke --device "$LAPTOP"
  dev_link alice desktop >/dev/null
  reg2=$(dev_publish alice)
  push origin refs/auths/registry
  expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
  expect_ref refs/auths/registry "$reg2"
}
test_case revoke_laptop "setup: alice revokes the laptop and links a desktop; records accepted"

# expect_revoked_push OID REF: pushing OID (signed by the laptop, which no accepted update
# of the server records) to the new branch REF after the revocation is refused, device-revoked.
expect_revoked_push() {
  push origin "$1:$2"
  expect_push_rejected device-revoked
  expect_violation "$2" "$1" device-revoked feature
  expect_ref "$2" absent
  reset_server_ref "$2" absent
}

never_stored_refused() { expect_revoked_push "$x" refs/heads/feature/x; }
test_case never_stored_refused "item 6: the commit git never stored (main was locked) is refused after the revocation: device-revoked"

audit_refused_refused() { expect_revoked_push "$z" refs/heads/feature/z; }
test_case audit_refused_refused "item 6: the commit refused for its audit line is refused after the revocation: device-revoked"

racer_refused() { expect_revoked_push "$loser" refs/heads/feature/r; }
test_case racer_refused "item 6: a racer git refused is refused after the revocation: device-revoked"

control_y_counts() {
  push origin :refs/heads/feature/y
  expect_push_ok
  expect_ref refs/heads/feature/y absent
  push origin "$y:refs/heads/feature/y2"
  expect_push_ok
  expect_ref refs/heads/feature/y2 "$y"
}
test_case control_y_counts "control: y, stored by git before the revocation, still counts: feature/y deleted and y pushed again, accepted"

test_done
