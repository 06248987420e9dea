#!/usr/bin/env bash
# e2e-transports: file
# Committed evidence in the current Auths format ("Gen-2", issue 10): a repository with no
# refs/auths/registry whose default branch carries .auths/roots (the trusted root DIDs) and
# .auths/ci-bundle.json (an IdentityBundle: the root's KEL and attachments, the attestation
# chain, the devices' KELs, bundle_timestamp, max_valid_for_secs), made by
# tests/support/auths_gen2.py from the documented format (tests/e2e/gen2.sh). The policy's
# signers are ["roots"]: the did:keri lines of .auths/roots in the policy's own tree. carol
# (P-256 root) has two delegated devices, cdev in the bundle and cstray not. Accepted: cdev's
# commit. Refused: cstray's commit (the server cannot resolve its key), and cdev's commit in a
# repository whose bundle is older than its max_valid_for_secs (bundle-stale, fail closed).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gen2.sh"
test_init
gen2_init

step "setup: carol (P-256 root), her devices cdev and cstray"
make_key admin
make_key cdev ecdsa
make_key cstray ecdsa
CAROL=$(gen2 identity carol)
CDEV=$(gen2 device carol cdev --ssh-key "$KEYS/cdev")
CSTRAY=$(gen2 device carol cstray --ssh-key "$KEYS/cstray")

# bundle_server NAME BUNDLE-OPTIONS...: a new server $E2E_TMP/NAME.git (made $SERVER) and its
# clone $E2E_TMP/NAME (made $CLIENT), seeded by admin with the hooks bypassed: the policy (rule
# main: signers = ["roots"]), .auths/roots naming carol (after a comment line) and
# .auths/ci-bundle.json of carol with cdev only (`auths_gen2.py bundle` with BUNDLE-OPTIONS,
# checked by its check-bundle); then the hook installed. No refs/auths/registry anywhere.
bundle_server() {
  local name=$1
  shift
  # shellcheck disable=SC2034  # lib.sh's server (server_init, push, expect_ref use it)
  SERVER=$E2E_TMP/$name.git
  CLIENT=$E2E_TMP/$name
  server_init
  client_init admin
  policy_write <<POLICY
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["roots"]

[governance]
signers = ["$(pub admin)"]
POLICY
  gen2 roots "$CLIENT/.auths/roots" carol --comment "trusted roots (auths_gen2.py)"
  gen2 bundle carol "$CLIENT/.auths/ci-bundle.json" --device cdev "$@"
  gen2 check-bundle "$CLIENT/.auths/ci-bundle.json"
  # shellcheck disable=SC2034  # read by the cases
  SEED=$(commit_as admin "seed: policy, roots, ci-bundle")
  push_bypassing_hooks main
  client_git fetch -q origin
  hook_install
  if server_git rev-parse -q --verify refs/auths/registry >/dev/null; then
    e2e_die "bundle_server: the server has a refs/auths/registry"
  fi
}

step "setup: a repository with a fresh bundle (max_valid_for_secs 86400)"
bundle_server fresh --max-valid-for-secs 86400

bundle_device_accepted() {
  json_check "$CLIENT/.auths/ci-bundle.json" \
    "doc['identity_did'] == '$CAROL' and [d['did'] for d in doc['device_kels']] == ['$CDEV'] and doc['curve'] == 'p256'"
  e1=$(gen2_commit cdev "$CAROL" "$CDEV" "carol: from the device in the bundle")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$e1"
  expect_hook_run_agrees
  # auths verify-commit says which way the key reached carol, and from which evidence.
  run vc-bundle "$AUTHS" verify-commit "$e1" --repo "$CLIENT"
  expect_rc 0
  expect_text "$RUN_OUT" "Signed by:   $CAROL"
  expect_text "$RUN_OUT" "Path:        KERI delegated identifier $CDEV of $CAROL"
  expect_text "$RUN_OUT" "Evidence:    HEAD:.auths/ci-bundle.json"
  expect_text "$RUN_OUT" "Claimed:     Auths-Device: $CDEV"
}
test_case bundle_device_accepted "no registry ref; .auths/roots names carol, the bundle holds cdev: cdev's commit accepted"

stray_device_refused() {
  reset_server_ref refs/heads/main "$e1"
  client_git reset -q --hard "$e1"
  e2=$(gen2_commit cstray "$CAROL" "$CSTRAY" "carol: from a device the bundle does not hold")
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$e2" unknown-signer main
  expect_ref refs/heads/main "$e1"
  client_git reset -q --hard "$e1"
}
test_case stray_device_refused "cstray, delegated by carol but not in the bundle: refused (unknown-signer)"

bundle_change_needs_governance() {
  # cdev may sign main, but not add cstray to the committed evidence (nor roll it back):
  # .auths/ is the policy's, changed only with a [governance] signature.
  gen2 bundle carol "$CLIENT/.auths/ci-bundle.json" --device cdev --device cstray --max-valid-for-secs 86400
  e3=$(gen2_commit cdev "$CAROL" "$CDEV" "carol: cdev adds cstray to the bundle")
  push origin main
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$e3" policy-change-unauthorized '*'
  expect_ref refs/heads/main "$e1"
  client_git reset -q --hard "$e1"
}
test_case bundle_change_needs_governance "cdev's commit that adds cstray to .auths/ci-bundle.json: refused (policy-change-unauthorized)"

step "setup: a repository whose bundle is two hours old with max_valid_for_secs 3600"
bundle_server stale --age 7200 --max-valid-for-secs 3600

stale_bundle_refused() {
  s1=$(gen2_commit cdev "$CAROL" "$CDEV" "carol: with a stale bundle")
  push origin main
  expect_undecided_or_rejected bundle-stale
  expect_violation refs/heads/main "$s1" bundle-stale '*'
  expect_ref refs/heads/main "$SEED"
}
test_case stale_bundle_refused "the same commit by cdev under a bundle older than its max_valid_for_secs: refused (bundle-stale)"

test_done
