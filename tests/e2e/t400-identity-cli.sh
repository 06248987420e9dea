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

# run NAME CMD...: runs CMD with stdin from /dev/null; output in $WORK/NAME.out / .err, exit
# status in RC.
run() {
  local name=$1
  shift
  RC=0
  "$@" </dev/null >"$WORK/$name.out" 2>"$WORK/$name.err" || RC=$?
  check_no_sanitizer_report "$WORK/$name.err"
}
expect_rc() {
  local want=$1 name=$2
  if [ "$RC" -eq "$want" ]; then ok; else
    fail "$name: expected exit $want, got $RC" "stderr: $(head -c 800 "$WORK/$name.err")" "stdout: $(head -c 800 "$WORK/$name.out")"
  fi
}
# expect_text FILE FIXED-STRING / expect_no_text FILE FIXED-STRING
expect_text() {
  if grep -Fq -- "$2" "$1"; then ok; else fail "expected '$2' in $(basename "$1")" "got: $(head -c 1200 "$1")"; fi
}
expect_no_text() {
  if grep -Fq -- "$2" "$1"; then fail "expected no '$2' in $(basename "$1")" "got: $(head -c 1200 "$1")"; else ok; fi
}
expect_eq() {
  if [ "$1" = "$2" ]; then ok; else fail "$3: expected '$2', got '$1'"; fi
}

step "auths id init: a did:keri identity, a current and a pre-rotation key, refused a second time"
run init "$AUTHS" id init
expect_rc 0 init
DID=$(head -n1 "$WORK/init.out")
case "$DID" in did:keri:E???????????????????????????????????????????) ok ;; *) fail "id init printed '$DID', not a did:keri" ;; esac
PREFIX=${DID#did:keri:}
if [ -f "$AUTHS_HOME/identity.json" ]; then ok; else fail "no $AUTHS_HOME/identity.json"; fi
json_check "$AUTHS_HOME/identity.json" "doc == {'version': 1, 'did': '$DID', 'key_alias': 'identity', 'curve': 'ed25519'}"
if [ -f "$AUTHS_HOME/registry/v1/identities/$PREFIX/kel/00000000.json" ]; then ok; else fail "no inception event in the registry copy"; fi
if [ -f "$AUTHS_HOME/registry/v1/identities/$PREFIX/kel/00000000.cesr" ]; then ok; else fail "no inception signatures in the registry copy"; fi
run keys "$AUTHS" key list
expect_eq "$(awk '{print $1}' "$WORK/keys.out" | tr '\n' ' ')" "identity identity.next " "keys after id init"
run init-again "$AUTHS" id init
expect_rc 64 init-again
expect_text "$WORK/init-again.err" "an identity already exists"

step "auths id show: did, current key, sequence, devices"
run show "$AUTHS" id show
expect_rc 0 show
expect_text "$WORK/show.out" "Identity:    $DID"
expect_text "$WORK/show.out" "Devices:     0 active"
run show-json "$AUTHS" id show --json
expect_rc 0 show-json
cp "$WORK/show-json.out" "$WORK/show-before.json"
json_check "$WORK/show-before.json" \
  "doc['did'] == '$DID' and doc['sequence'] == 0 and len(doc['keys']) == 1 and doc['keys'][0]['did_key'].startswith('did:key:z6Mk')"
OLD_KEY_DID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"][0]["did_key"])' "$WORK/show-before.json")

step "auths device link, twice: device keys, anchored links, the git settings to use them"
run link1 "$AUTHS" device link
expect_rc 0 link1
DEV1=$(head -n1 "$WORK/link1.out")
expect_eq "$DEV1" "$("$AUTHS" key show --alias device-1 --format did)" "device link printed the did:key of key device-1"
expect_text "$WORK/link1.out" "$("$AUTHS" key show --alias device-1 --format ssh | awk '{print $1" "$2}')"
expect_text "$WORK/link1.out" "git config gpg.format ssh"
expect_text "$WORK/link1.out" "git config gpg.ssh.program auths-sign"
expect_text "$WORK/link1.out" "git config user.signingKey auths:device-1"
run link2 "$AUTHS" device link --alias ci --expires-in-days 30 --capabilities sign_commit,sign_release \
  --signer-type Agent --note "ci runner"
expect_rc 0 link2
DEV2=$(head -n1 "$WORK/link2.out")
expect_text "$WORK/link2.out" "capabilities: sign_commit, sign_release; signer type Agent; expires 20"
run link-bad "$AUTHS" device link --capabilities "Not A Capability"
expect_rc 64 link-bad
run link-taken "$AUTHS" device link --alias ci
expect_rc 64 link-taken
expect_text "$WORK/link-taken.err" "key 'ci' already exists"

step "auths id show-devices: both active"
run devices "$AUTHS" id show-devices
expect_rc 0 devices
expect_eq "$(grep -c '^active ' "$WORK/devices.out")" 2 "active devices"
expect_text "$WORK/devices.out" "$DEV1  key 'device-1'  Human  [sign_commit]"
expect_text "$WORK/devices.out" "$DEV2  key 'ci'  Agent  [sign_commit,sign_release]"
run devices-json "$AUTHS" id show-devices --json
json_check "$WORK/devices-json.out" \
  "[d['did'] for d in doc] == ['$DEV1', '$DEV2'] or sorted(d['did'] for d in doc) == sorted(['$DEV1', '$DEV2'])"
json_check "$WORK/devices-json.out" "all(d['status'] == 'active' for d in doc)"

step "auths id rotate: the next key becomes current, the old key leaves the key store, devices stay"
run rotate "$AUTHS" id rotate
expect_rc 0 rotate
run show-json "$AUTHS" id show --json
cp "$WORK/show-json.out" "$WORK/show-after.json"
json_check "$WORK/show-after.json" \
  "doc['did'] == '$DID' and doc['rotations'] == 1 and doc['keys'][0]['did_key'] != '$OLD_KEY_DID' and doc['active_devices'] == 2"
run keys-after "$AUTHS" key list
expect_no_text "$WORK/keys-after.out" "$OLD_KEY_DID"
expect_eq "$(awk '{print $1}' "$WORK/keys-after.out" | tr '\n' ' ')" "ci device-1 identity identity.next " "keys after rotation"
if [ -f "$AUTHS_HOME/registry/v1/identities/$PREFIX/kel/00000003.json" ]; then ok; else fail "no rot event (sequence 3)"; fi
run devices-after "$AUTHS" id show-devices
expect_eq "$(grep -c '^active ' "$WORK/devices-after.out")" 2 "active devices after the rotation"

step "auths device revoke: the ci device is revoked, listed only with --include-revoked"
run revoke "$AUTHS" device revoke --device "$DEV2" --note "runner decommissioned"
expect_rc 0 revoke
expect_text "$WORK/revoke.out" "revoked device $DEV2 (key 'ci')"
run revoke-again "$AUTHS" device revoke --device "$DEV2"
expect_rc 64 revoke-again
expect_text "$WORK/revoke-again.err" "already revoked"
run devices-active "$AUTHS" id show-devices
expect_eq "$(wc -l <"$WORK/devices-active.out" | tr -d ' ')" 1 "devices listed after the revocation"
expect_text "$WORK/devices-active.out" "$DEV1"
run devices-all "$AUTHS" id show-devices --include-revoked
expect_text "$WORK/devices-all.out" "revoked $DEV2"
expect_text "$WORK/devices-all.out" "active  $DEV1"

step "auths registry publish into a bare repository: every record, as files in refs/auths/registry"
REGISTRY_REPO=$E2E_TMP/registry.git
git init -q --bare "$REGISTRY_REPO"
run publish "$AUTHS" registry publish --repo "$REGISTRY_REPO"
expect_rc 0 publish
TIP=$(git -C "$REGISTRY_REPO" rev-parse refs/auths/registry)
expect_text "$WORK/publish.out" "$TIP"
expect_text "$WORK/publish.out" "push <remote> refs/auths/registry"
git -C "$REGISTRY_REPO" show --stat=200 --format=%s refs/auths/registry >"$WORK/stat.out"
for seq in 00000000 00000001 00000002 00000003 00000004; do
  expect_text "$WORK/stat.out" "v1/identities/$PREFIX/kel/$seq.json"
  expect_text "$WORK/stat.out" "v1/identities/$PREFIX/kel/$seq.cesr"
done
expect_eq "$(git -C "$REGISTRY_REPO" ls-tree -r --name-only refs/auths/registry | grep -c '/attestations/')" 3 \
  "attestations published (2 links, 1 revocation)"
expect_eq "$(git -C "$REGISTRY_REPO" ls-tree -r --name-only refs/auths/registry | wc -l | tr -d ' ')" 13 "registry files"
run publish-again "$AUTHS" registry publish --repo "$REGISTRY_REPO"
expect_rc 0 publish-again
expect_text "$WORK/publish-again.out" "already has all 13 record files"
expect_eq "$(git -C "$REGISTRY_REPO" rev-parse refs/auths/registry)" "$TIP" "registry tip after a second publish"

step "auths verify: attestation files against the identity's key event log"
ATT_DIR=$AUTHS_HOME/registry/v1/identities/$PREFIX/attestations
LINK1=$(grep -l "\"$DEV1\"" "$ATT_DIR"/*.json | head -n1)
run verify-link1 "$AUTHS" verify "$LINK1"
expect_rc 0 verify-link1
expect_text "$WORK/verify-link1.out" "Issued by:   $DID"
expect_text "$WORK/verify-link1.out" "Subject:     $DEV1"
expect_text "$WORK/verify-link1.out" "Status:      VALID"
mapfile -t dev2_links < <(grep -l "\"$DEV2\"" "$ATT_DIR"/*.json)
LINK2=$(grep -L '"revoked_at": "' "${dev2_links[@]}" | head -n1)
run verify-link2 "$AUTHS" verify "$LINK2" --repo "$REGISTRY_REPO" --json
expect_rc 1 verify-link2
json_check "$WORK/verify-link2.out" "doc['valid'] is False and doc['status'] == 'attestation-revoked' and doc['signer_type'] == 'Agent'"
run verify-missing "$AUTHS" verify "$WORK/no-such.json"
expect_rc 2 verify-missing

step "a server whose policy names the identity"
make_key admin
setup_repo admin <<EOF
version = 1
default = "deny"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub admin)", "$DID"]
EOF

step "auths init --git: signing through auths-sign, commit-msg and pre-push hooks"
run init-git "$AUTHS" init --git --repo "$CLIENT" --key-alias device-1
expect_rc 0 init-git
expect_eq "$(client_git config gpg.format)" ssh "gpg.format"
expect_eq "$(client_git config gpg.ssh.program)" "$AUTHS_BIN_DIR/auths-sign" "gpg.ssh.program"
expect_eq "$(client_git config user.signingKey)" auths:device-1 "user.signingKey"
expect_eq "$(client_git config commit.gpgSign)" true "commit.gpgSign"
expect_eq "$(client_git config tag.gpgSign)" true "tag.gpgSign"
expect_installed_hook "$CLIENT/.git/hooks/commit-msg" auths-commit-msg --args
expect_installed_hook "$CLIENT/.git/hooks/pre-push" auths-pre-push --args
run init-git-default "$AUTHS" init --git --repo "$CLIENT"
expect_rc 0 init-git-default  # one active device with a key here: device-1
expect_text "$WORK/init-git-default.out" "user.signingKey=auths:device-1"

OTHER=$E2E_TMP/other
git init -q "$OTHER"
printf '#!/bin/sh\necho my own pre-push\n' >"$OTHER/.git/hooks/pre-push"
chmod +x "$OTHER/.git/hooks/pre-push"
run init-git-foreign "$AUTHS" init --git --repo "$OTHER" --key-alias device-1
expect_rc 0 init-git-foreign
expect_text "$WORK/init-git-foreign.out" "kept existing hook: pre-push"
expect_eq "$(cat "$OTHER/.git/hooks/pre-push")" "$(printf '#!/bin/sh\necho my own pre-push')" "the foreign pre-push hook"
expect_installed_hook "$OTHER/.git/hooks/commit-msg" auths-commit-msg --args
run init-git-norepo "$AUTHS" init --git --repo "$E2E_TMP/nowhere" --key-alias device-1
expect_rc 1 init-git-norepo
expect_text "$WORK/init-git-norepo.err" "not a git repository"

step "git commit -S signs through auths-sign; the commit-msg hook adds the identity claims"
printf 'by device-1\n' >>"$CLIENT/log.txt"
client_git add -A
run commit1 client_git commit -q -S -m "signed by device-1"
expect_rc 0 commit1
C1=$(client_git rev-parse HEAD)
client_git cat-file commit HEAD >"$WORK/c1.raw"
expect_text "$WORK/c1.raw" "gpgsig -----BEGIN SSH SIGNATURE-----"
expect_eq "$(client_git log -1 --format='%(trailers:key=Auths-Id,valueonly)' | sed '/^$/d')" "$DID" "Auths-Id trailer"
expect_eq "$(client_git log -1 --format='%(trailers:key=Auths-Device,valueonly)' | sed '/^$/d')" "$DEV1" "Auths-Device trailer"
expect_eq "$(client_git log -1 --format=%s)" "signed by device-1" "subject"

step "auths verify-commit before the registry is known: the key is linked to no identity"
run vc-unknown "$AUTHS" verify-commit HEAD --repo "$CLIENT"
expect_rc 1 vc-unknown
expect_text "$WORK/vc-unknown.out" "Commit ${C1:0:7} is not valid"
expect_text "$WORK/vc-unknown.out" "Status:      INVALID: unknown-signer"
expect_text "$WORK/vc-unknown.out" "Claimed:     Auths-Id: $DID"

step "registry publish into the clone, push it with the commit: the hook accepts the device"
run publish-client "$AUTHS" registry publish --repo "$CLIENT"
expect_rc 0 publish-client
expect_text "$WORK/publish-client.out" "push origin refs/auths/registry"
run vc-valid "$AUTHS" verify-commit HEAD --repo "$CLIENT"
expect_rc 0 vc-valid
expect_text "$WORK/vc-valid.out" "Commit ${C1:0:7} is valid"
expect_text "$WORK/vc-valid.out" "  Signed by:   $DID"
expect_text "$WORK/vc-valid.out" "  Device:      $DEV1"
expect_text "$WORK/vc-valid.out" "  Signer type: Human"
expect_text "$WORK/vc-valid.out" "  Delegated:   no"
expect_text "$WORK/vc-valid.out" "  Witnesses:   not required"
expect_text "$WORK/vc-valid.out" "  Status:      VALID"
run vc-json "$AUTHS" verify-commit "$C1" --repo "$CLIENT" --json
expect_rc 0 vc-json
json_check "$WORK/vc-json.out" "doc['valid'] and doc['commit'] == '$C1' and doc['signed_by'] == '$DID' and doc['device'] == '$DEV1'"
push origin refs/auths/registry main
expect_push_ok
expect_ref refs/heads/main "$C1"
expect_ref refs/auths/registry "$(client_git rev-parse refs/auths/registry)"

step "a commit signed by the revoked device: no claims, verify-commit and the hook refuse it"
client_git config user.signingKey auths:ci
printf 'by the revoked ci device\n' >>"$CLIENT/log.txt"
client_git add -A
run commit2 client_git commit -q -S -m "signed by the revoked device"
expect_rc 0 commit2
client_git rev-parse -q --verify HEAD >/dev/null
expect_text "$WORK/commit2.err" "warning: no Auths trailers added: device key 'ci' is revoked"
expect_eq "$(client_git log -1 --format='%(trailers:key=Auths-Id,valueonly)' | sed '/^$/d')" "" "Auths-Id trailer of a revoked device"
run vc-revoked "$AUTHS" verify-commit HEAD --repo "$CLIENT"
expect_rc 1 vc-revoked
expect_text "$WORK/vc-revoked.out" "Status:      INVALID: device-revoked"
client_git config user.signingKey auths:device-1
push --no-verify origin main
expect_push_rejected device-revoked
client_git reset -q --hard "$C1"

step "verify-commit: an unsigned commit is not valid (1), an unknown revision cannot be checked (2)"
printf 'unsigned\n' >>"$CLIENT/log.txt"
client_git add -A
client_git -c commit.gpgSign=false commit -q -m "unsigned" >/dev/null
run vc-unsigned "$AUTHS" verify-commit HEAD --repo "$CLIENT"
expect_rc 1 vc-unsigned
expect_text "$WORK/vc-unsigned.out" "Status:      INVALID: unsigned"
run vc-norev "$AUTHS" verify-commit no-such-revision --repo "$CLIENT"
expect_rc 2 vc-norev
client_git reset -q --hard "$C1"

step "auths init --git --global: the user's git config, no repository touched"
run init-global "$AUTHS" init --git --global --key-alias device-1
expect_rc 0 init-global
expect_eq "$(git config --global user.signingKey)" auths:device-1 "global user.signingKey"
expect_eq "$(git config --global gpg.ssh.program)" "$AUTHS_BIN_DIR/auths-sign" "global gpg.ssh.program"
expect_text "$WORK/init-global.out" "no hooks installed"

test_done
