#!/usr/bin/env bash
# e2e-transports: file
# The developer's identity end to end with the real CLI and real git: auths id init / show,
# device link (twice), show-devices, id rotate (devices keep working, the old key is gone),
# device revoke, show-devices --include-revoked, registry publish into a bare repository (the
# records are there as files), auths init --git in a clone (settings, hooks; a foreign hook is
# kept), git commit -S signed through auths-sign with the Auths-Id / Auths-Device trailers the
# commit-msg hook adds, auths verify-commit / auths verify (seed 003 section 6 output, exit
# codes), and a push of the registry and a device-signed commit that the server's hook accepts
# for the did:keri named in its policy (the revoked device's commit refused).
. "$(dirname "$0")/lib.sh"
test_init

export AUTHS_HOME=$E2E_TMP/auths-home
export AUTHS_PASSPHRASE="e2e identity passphrase"
export AUTHS_KDF_MEMORY_KIB=64  # keys of this test need not resist brute force
WORK=$E2E_TMP/work
mkdir -p "$WORK"
REGISTRY_REPO=$E2E_TMP/registry.git

id_init() {
  run init "$AUTHS" id init
  expect_rc 0
  did=$(head -n1 "$RUN_OUT")
  case "$did" in did:keri:E???????????????????????????????????????????) ok ;; *) fail "id init printed '$did', not a did:keri" ;; esac
  prefix=${did#did:keri:}
  if [ -f "$AUTHS_HOME/identity.json" ]; then ok; else fail "no $AUTHS_HOME/identity.json"; fi
  json_check "$AUTHS_HOME/identity.json" "doc == {'version': 1, 'did': '$did', 'key_alias': 'identity', 'curve': 'ed25519'}"
  if [ -f "$AUTHS_HOME/registry/v1/identities/$prefix/kel/00000000.json" ]; then ok; else fail "no inception event in the registry copy"; fi
  if [ -f "$AUTHS_HOME/registry/v1/identities/$prefix/kel/00000000.cesr" ]; then ok; else fail "no inception signatures in the registry copy"; fi
  run keys "$AUTHS" key list
  expect_equal "$(awk '{print $1}' "$RUN_OUT" | tr '\n' ' ')" "identity identity.next " "keys after id init"
  run init-again "$AUTHS" id init
  expect_rc 64
  expect_text "$RUN_ERR" "an identity already exists"
}
test_case id_init "auths id init: a did:keri identity, a current and a pre-rotation key, refused a second time"

id_show() {
  run show "$AUTHS" id show
  expect_rc 0
  expect_text "$RUN_OUT" "Identity:    $did"
  expect_text "$RUN_OUT" "Devices:     0 active"
  run show-json "$AUTHS" id show --json
  expect_rc 0
  cp "$RUN_OUT" "$WORK/show-before.json"
  json_check "$WORK/show-before.json" \
    "doc['did'] == '$did' and doc['sequence'] == 0 and len(doc['keys']) == 1 and doc['keys'][0]['did_key'].startswith('did:key:z6Mk')"
  old_key_did=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"][0]["did_key"])' "$WORK/show-before.json")
}
test_case id_show "auths id show: did, current key, sequence, devices"

device_link() {
  run link1 "$AUTHS" device link
  expect_rc 0
  dev1=$(head -n1 "$RUN_OUT")
  expect_equal "$dev1" "$("$AUTHS" key show --alias device-1 --format did)" "device link printed the did:key of key device-1"
  expect_text "$RUN_OUT" "$("$AUTHS" key show --alias device-1 --format ssh | awk '{print $1" "$2}')"
  expect_text "$RUN_OUT" "git config gpg.format ssh"
  expect_text "$RUN_OUT" "git config gpg.ssh.program auths-sign"
  expect_text "$RUN_OUT" "git config user.signingKey auths:device-1"
  run link2 "$AUTHS" device link --alias ci --expires-in-days 30 --capabilities sign_commit,sign_release \
    --signer-type Agent --note "ci runner"
  expect_rc 0
  dev2=$(head -n1 "$RUN_OUT")
  expect_text "$RUN_OUT" "capabilities: sign_commit, sign_release; signer type Agent; expires 20"
  run link-bad "$AUTHS" device link --capabilities "Not A Capability"
  expect_rc 64
  run link-taken "$AUTHS" device link --alias ci
  expect_rc 64
  expect_text "$RUN_ERR" "key 'ci' already exists"
}
test_case device_link "auths device link, twice: device keys, anchored links, the git settings to use them"

show_devices() {
  run devices "$AUTHS" id show-devices
  expect_rc 0
  expect_equal "$(grep -c '^active ' "$RUN_OUT")" 2 "active devices"
  expect_text "$RUN_OUT" "$dev1  key 'device-1'  Human  [sign_commit]"
  expect_text "$RUN_OUT" "$dev2  key 'ci'  Agent  [sign_commit,sign_release]"
  run devices-json "$AUTHS" id show-devices --json
  json_check "$RUN_OUT" \
    "[d['did'] for d in doc] == ['$dev1', '$dev2'] or sorted(d['did'] for d in doc) == sorted(['$dev1', '$dev2'])"
  json_check "$RUN_OUT" "all(d['status'] == 'active' for d in doc)"
}
test_case show_devices "auths id show-devices: both active"

id_rotate() {
  run rotate "$AUTHS" id rotate
  expect_rc 0
  run show-json "$AUTHS" id show --json
  cp "$RUN_OUT" "$WORK/show-after.json"
  json_check "$WORK/show-after.json" \
    "doc['did'] == '$did' and doc['rotations'] == 1 and doc['keys'][0]['did_key'] != '$old_key_did' and doc['active_devices'] == 2"
  run keys-after "$AUTHS" key list
  expect_no_text "$RUN_OUT" "$old_key_did"
  expect_equal "$(awk '{print $1}' "$RUN_OUT" | tr '\n' ' ')" "ci device-1 identity identity.next " "keys after rotation"
  if [ -f "$AUTHS_HOME/registry/v1/identities/$prefix/kel/00000003.json" ]; then ok; else fail "no rot event (sequence 3)"; fi
  run devices-after "$AUTHS" id show-devices
  expect_equal "$(grep -c '^active ' "$RUN_OUT")" 2 "active devices after the rotation"
}
test_case id_rotate "auths id rotate: the next key becomes current, the old key leaves the key store, devices stay"

device_revoke() {
  run revoke "$AUTHS" device revoke --device "$dev2" --note "runner decommissioned"
  expect_rc 0
  expect_text "$RUN_OUT" "revoked device $dev2 (key 'ci')"
  run revoke-again "$AUTHS" device revoke --device "$dev2"
  expect_rc 64
  expect_text "$RUN_ERR" "already revoked"
  run devices-active "$AUTHS" id show-devices
  expect_equal "$(wc -l <"$RUN_OUT" | tr -d ' ')" 1 "devices listed after the revocation"
  expect_text "$RUN_OUT" "$dev1"
  run devices-all "$AUTHS" id show-devices --include-revoked
  expect_text "$RUN_OUT" "revoked $dev2"
  expect_text "$RUN_OUT" "active  $dev1"
}
test_case device_revoke "auths device revoke: the ci device is revoked, listed only with --include-revoked"

registry_publish() {
  git init -q --bare "$REGISTRY_REPO"
  run publish "$AUTHS" registry publish --repo "$REGISTRY_REPO"
  expect_rc 0
  tip=$(git -C "$REGISTRY_REPO" rev-parse refs/auths/registry)
  expect_text "$RUN_OUT" "$tip"
  expect_text "$RUN_OUT" "push <remote> refs/auths/registry"
  git -C "$REGISTRY_REPO" show --stat=200 --format=%s refs/auths/registry >"$WORK/stat.out"
  for seq in 00000000 00000001 00000002 00000003 00000004; do
    expect_text "$WORK/stat.out" "v1/identities/$prefix/kel/$seq.json"
    expect_text "$WORK/stat.out" "v1/identities/$prefix/kel/$seq.cesr"
  done
  expect_equal "$(git -C "$REGISTRY_REPO" ls-tree -r --name-only refs/auths/registry | grep -c '/attestations/')" 3 \
    "attestations published (2 links, 1 revocation)"
  expect_equal "$(git -C "$REGISTRY_REPO" ls-tree -r --name-only refs/auths/registry | wc -l | tr -d ' ')" 13 "registry files"
  run publish-again "$AUTHS" registry publish --repo "$REGISTRY_REPO"
  expect_rc 0
  expect_text "$RUN_OUT" "already has all 13 record files"
  expect_equal "$(git -C "$REGISTRY_REPO" rev-parse refs/auths/registry)" "$tip" "registry tip after a second publish"
}
test_case registry_publish "auths registry publish into a bare repository: every record, as files in refs/auths/registry"

verify_attestations() {
  att_dir=$AUTHS_HOME/registry/v1/identities/$prefix/attestations
  link1=$(grep -l "\"$dev1\"" "$att_dir"/*.json | head -n1)
  run verify-link1 "$AUTHS" verify "$link1"
  expect_rc 0
  expect_text "$RUN_OUT" "Issued by:   $did"
  expect_text "$RUN_OUT" "Subject:     $dev1"
  expect_text "$RUN_OUT" "Status:      VALID"
  mapfile -t dev2_links < <(grep -l "\"$dev2\"" "$att_dir"/*.json)
  link2=$(grep -L '"revoked_at": "' "${dev2_links[@]}" | head -n1)
  run verify-link2 "$AUTHS" verify "$link2" --repo "$REGISTRY_REPO" --json
  expect_rc 1
  json_check "$RUN_OUT" "doc['valid'] is False and doc['status'] == 'attestation-revoked' and doc['signer_type'] == 'Agent'"
  run verify-missing "$AUTHS" verify "$WORK/no-such.json"
  expect_rc 2
}
test_case verify_attestations "auths verify: attestation files against the identity's key event log"

policy_names_identity() {
  make_key admin
  setup_repo admin <<EOF
version = 1
default = "deny"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub admin)", "$did"]
EOF
  expect_ref refs/heads/main "$SEED"
  server_git show main:.auths/policy.toml >"$WORK/policy.toml"
  expect_text "$WORK/policy.toml" "\"$did\""
}
test_case policy_names_identity "a server whose policy names the identity"

init_git() {
  run init-git "$AUTHS" init --git --repo "$CLIENT" --key-alias device-1
  expect_rc 0
  expect_equal "$(client_git config gpg.format)" ssh "gpg.format"
  expect_equal "$(client_git config gpg.ssh.program)" "$AUTHS_BIN_DIR/auths-sign" "gpg.ssh.program"
  expect_equal "$(client_git config user.signingKey)" auths:device-1 "user.signingKey"
  expect_equal "$(client_git config commit.gpgSign)" true "commit.gpgSign"
  expect_equal "$(client_git config tag.gpgSign)" true "tag.gpgSign"
  expect_installed_hook "$CLIENT/.git/hooks/commit-msg" auths-commit-msg --args
  expect_installed_hook "$CLIENT/.git/hooks/pre-push" auths-pre-push --args
  run init-git-default "$AUTHS" init --git --repo "$CLIENT"
  expect_rc 0  # one active device with a key here: device-1
  expect_text "$RUN_OUT" "user.signingKey=auths:device-1"

  other=$E2E_TMP/other
  git init -q "$other"
  printf '#!/bin/sh\necho my own pre-push\n' >"$other/.git/hooks/pre-push"
  chmod +x "$other/.git/hooks/pre-push"
  run init-git-foreign "$AUTHS" init --git --repo "$other" --key-alias device-1
  expect_rc 0
  expect_text "$RUN_OUT" "kept existing hook: pre-push"
  expect_equal "$(cat "$other/.git/hooks/pre-push")" "$(printf '#!/bin/sh\necho my own pre-push')" "the foreign pre-push hook"
  expect_installed_hook "$other/.git/hooks/commit-msg" auths-commit-msg --args
  run init-git-norepo "$AUTHS" init --git --repo "$E2E_TMP/nowhere" --key-alias device-1
  expect_rc 1
  expect_text "$RUN_ERR" "not a git repository"
}
test_case init_git "auths init --git: signing through auths-sign, commit-msg and pre-push hooks"

commit_signed() {
  printf 'by device-1\n' >>"$CLIENT/log.txt"
  client_git add -A
  run commit1 client_git commit -q -S -m "signed by device-1"
  expect_rc 0
  c1=$(client_git rev-parse HEAD)
  client_git cat-file commit HEAD >"$WORK/c1.raw"
  expect_text "$WORK/c1.raw" "gpgsig -----BEGIN SSH SIGNATURE-----"
  expect_equal "$(client_git log -1 --format='%(trailers:key=Auths-Id,valueonly)' | sed '/^$/d')" "$did" "Auths-Id trailer"
  expect_equal "$(client_git log -1 --format='%(trailers:key=Auths-Device,valueonly)' | sed '/^$/d')" "$dev1" "Auths-Device trailer"
  expect_equal "$(client_git log -1 --format=%s)" "signed by device-1" "subject"
}
test_case commit_signed "git commit -S signs through auths-sign; the commit-msg hook adds the identity claims"

verify_unknown_signer() {
  run vc-unknown "$AUTHS" verify-commit HEAD --repo "$CLIENT"
  expect_rc 1
  expect_text "$RUN_OUT" "Commit ${c1:0:7} is not valid"
  expect_text "$RUN_OUT" "Status:      INVALID: unknown-signer"
  expect_text "$RUN_OUT" "Claimed:     Auths-Id: $did"
}
test_case verify_unknown_signer "auths verify-commit before the registry is known: the key is linked to no identity"

push_accepted() {
  run publish-client "$AUTHS" registry publish --repo "$CLIENT"
  expect_rc 0
  expect_text "$RUN_OUT" "push origin refs/auths/registry"
  run vc-valid "$AUTHS" verify-commit HEAD --repo "$CLIENT"
  expect_rc 0
  expect_text "$RUN_OUT" "Commit ${c1:0:7} is valid"
  expect_text "$RUN_OUT" "  Signed by:   $did"
  expect_text "$RUN_OUT" "  Device:      $dev1"
  expect_text "$RUN_OUT" "  Signer type: Human"
  expect_text "$RUN_OUT" "  Delegated:   no"
  expect_text "$RUN_OUT" "  Witnesses:   not required"
  expect_text "$RUN_OUT" "  Status:      VALID"
  run vc-json "$AUTHS" verify-commit "$c1" --repo "$CLIENT" --json
  expect_rc 0
  json_check "$RUN_OUT" "doc['valid'] and doc['commit'] == '$c1' and doc['signed_by'] == '$did' and doc['device'] == '$dev1'"
  push origin refs/auths/registry main
  expect_push_ok
  expect_ref refs/heads/main "$c1"
  expect_ref refs/auths/registry "$(client_git rev-parse refs/auths/registry)"
}
test_case push_accepted "registry publish into the clone, push it with the commit: the hook accepts the device"

revoked_device_refused() {
  client_git config user.signingKey auths:ci
  printf 'by the revoked ci device\n' >>"$CLIENT/log.txt"
  client_git add -A
  run commit2 client_git commit -q -S -m "signed by the revoked device"
  expect_rc 0
  client_git rev-parse -q --verify HEAD >/dev/null
  expect_text "$RUN_ERR" "warning: no Auths trailers added: device key 'ci' is revoked"
  expect_equal "$(client_git log -1 --format='%(trailers:key=Auths-Id,valueonly)' | sed '/^$/d')" "" "Auths-Id trailer of a revoked device"
  run vc-revoked "$AUTHS" verify-commit HEAD --repo "$CLIENT"
  expect_rc 1
  expect_text "$RUN_OUT" "Status:      INVALID: device-revoked"
  client_git config user.signingKey auths:device-1
  push --no-verify origin main
  expect_push_rejected device-revoked
  client_git reset -q --hard "$c1"
}
test_case revoked_device_refused "a commit signed by the revoked device: no claims, verify-commit and the hook refuse it"

verify_unsigned() {
  commit_unsigned "unsigned" >/dev/null
  run vc-unsigned "$AUTHS" verify-commit HEAD --repo "$CLIENT"
  expect_rc 1
  expect_text "$RUN_OUT" "Status:      INVALID: unsigned"
  run vc-norev "$AUTHS" verify-commit no-such-revision --repo "$CLIENT"
  expect_rc 2
  client_git reset -q --hard "$c1"
}
test_case verify_unsigned "verify-commit: an unsigned commit is not valid (1), an unknown revision cannot be checked (2)"

init_git_global() {
  run init-global "$AUTHS" init --git --global --key-alias device-1
  expect_rc 0
  expect_equal "$(git config --global user.signingKey)" auths:device-1 "global user.signingKey"
  expect_equal "$(git config --global gpg.ssh.program)" "$AUTHS_BIN_DIR/auths-sign" "global gpg.ssh.program"
  expect_text "$RUN_OUT" "no hooks installed"
}
test_case init_git_global "auths init --git --global: the user's git config, no repository touched"

test_done
