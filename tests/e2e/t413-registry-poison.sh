#!/usr/bin/env bash
# e2e-transports: file
# e2e-sanitize: full
# Whatever the hook accepts into refs/auths/registry must stay loadable: a record that is valid
# when pushed must not become invalid when later records land, or every push that needs the
# registry fails closed from then on, and anyone can do it (anyone may push records).
# The case: mallory (any identity) pushes a device link signed by her current identity key but
# not anchored in her KEL (the CLI always anchors, so the link is made by hand), then rotates.
# Were the link accepted, her rotation would make it invalid and the registry unloadable. So the
# registry accepts only anchored records (judged by the keys in force when anchored, which no
# later event changes): the link is refused when pushed. Her own anchored records and her
# rotation are accepted, and afterwards the registry as a whole still loads: alice's next commit
# is judged as before, new records can still be pushed, and auths verify-commit still works.
# The clones sign through auths-sign configured by hand (`auths init --git` is t410's subject).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
registry_fixture --forge --mallory  # alice's records and first commit are accepted

unanchored_link() {
  dev_clone mallory
  fetch_registry
  reg2=$(dev_publish mallory)
  dev_auths mallory key generate --alias ghost
  dev_auths mallory key show --alias ghost --format did
  ghost_did=$(head -n1 "$RUN_OUT")
  ghost_hex=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["public_key"])' "$MALLORY_HOME/keys/ghost.json")
  git -C "$SERVER" cat-file -p "$REG1:$ALICE_LINK_PATH" >"$E2E_TMP/template.json"
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  read -r ghost_path _ < <(forge resign-link "$MALLORY_HOME" identity ghost "$E2E_TMP/template.json" "$E2E_TMP/ghost-link.json" \
    "issuer=\"$MALLORY\"" "subject=\"$ghost_did\"" "device_public_key={\"curve\": \"ed25519\", \"key\": \"$ghost_hex\"}" \
    "rid=\"$(python3 -c 'import uuid; print(uuid.uuid4())')\"" "timestamp=\"$now\"" "note=\"not anchored\"")
  reg3=$(registry_commit "$reg2" "mallory: an unanchored device link" "add:$ghost_path=$E2E_TMP/ghost-link.json")
  push_registry "$reg3"
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$reg3" registry-invalid-record registry
  expect_violation_mentions attestation-not-anchored
  expect_ref refs/auths/registry "$REG1"
}
test_case unanchored_link "mallory pushes a device link signed by her current key but not anchored: refused, registry unchanged"

mallory_records() {
  push_registry "$reg2"
  expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
  expect_ref refs/auths/registry "$reg2"
}
test_case mallory_records "mallory's own records (her inception) are accepted"

mallory_rotates() {
  dev_auths mallory id rotate
  reg4=$(dev_publish mallory)
  push origin refs/auths/registry
  expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
  expect_ref refs/auths/registry "$reg4"
}
test_case mallory_rotates "mallory rotates and pushes the rotation: accepted (valid on top of what is there)"

registry_loads() {
  use_clone alice
  a2=$(dev_commit alice laptop "alice: after mallory's rotation")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$a2"
}
test_case registry_loads "the registry the server accepted still loads: alice's next commit is judged, and accepted"

new_records() {
  fetch_registry
  dev_link alice desktop >/dev/null
  reg5=$(dev_publish alice)
  a3=$(dev_commit alice desktop "alice: desktop")
  push origin refs/auths/registry main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
  expect_ref refs/auths/registry "$reg5"
  expect_ref refs/heads/main "$a3"
}
test_case new_records "... new records can still be pushed"

verify_commit() {
  dev_run alice verify-commit "$A1" --repo "$SERVER"
  expect_rc 0
  expect_out "  Status:      VALID"
}
test_case verify_commit "... and auths verify-commit reads it"

test_done
