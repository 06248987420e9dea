#!/usr/bin/env bash
# e2e-transports: file
# e2e-sanitize: full
# e2e-cost: 60
# Identities made in the current Auths format ("Gen-2", issue 10) against the server hook, with
# real git: the registry tree of refs/auths/registry (v1/identities/<p[0:2]>/<p[2:4]>/<prefix>/
# events/..., tip.json, state.json, v1/devices/...), P-256 root identities, devices that are KERI
# delegated identifiers (dip anchored by an ixn of the root) whose keys are OpenSSH ecdsa keys
# git signs with, commits carrying Auths-Id / Auths-Device trailers. All of it is made by
# tests/support/auths_gen2.py from the documented format (tests/e2e/gen2.sh), not by our CLI.
# The policy names alice's did:keri. Accepted: her device's commits pushed with the registry;
# a revocation seal for the device; mallory's records. Refused: the revoked device's next commit
# (device-revoked); mallory's device claiming alice in its trailer; a dip naming alice that her
# KEL does not anchor; registry updates that edit a KEL event or replace it by another validly
# signed one (registry-edit), make tip.json or state.json lie (caches are never trusted: one
# that contradicts the KEL is refused), or mix our own layout into the Gen-2 one
# (registry-mixed-layout). A device rotated with a drt signs with its new key; its old key is
# refused.
# Each case starts from the server state the cases before it should have left (reset_server_ref
# puts it there when the engine under test decided otherwise), so that each reports on its own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
. "$(dirname "$0")/gen2.sh"
test_init
gen2_init

step "setup: alice (P-256 root) and her device laptop, mallory and hers; the server, whose policy names alice"
make_key admin
for k in laptop desk desk2 desk3 mphone ghost; do make_key "$k" ecdsa; done
ALICE=$(gen2 identity alice)
ALICE_PREFIX=$(gen2_prefix "$ALICE")
gen2 identity mallory >/dev/null
LAPTOP=$(gen2 device alice laptop --ssh-key "$KEYS/laptop")
setup_repo admin <<POLICY
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$ALICE"]

[governance]
signers = ["$(pub admin)"]
POLICY

registry_and_commit_accepted() {
  reg1=$(gen2_registry)
  a1=$(gen2_commit laptop "$ALICE" "$LAPTOP" "alice: first, from her laptop")
  expect_equal "$(gen2_trailer "$a1" Auths-Id)" "$ALICE" "the Auths-Id trailer git parses"
  expect_equal "$(gen2_trailer "$a1" Auths-Device)" "$LAPTOP" "the Auths-Device trailer git parses"
  push origin refs/auths/registry main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
  expect_ref refs/auths/registry "$reg1"
  expect_ref refs/heads/main "$a1"
  expect_hook_run_agrees
  # auths audit log reads this layout: alice's inception, her device's and its record, nothing
  # in error (caches are no events).
  run audit-gen2 "$AUTHS" audit log --repo "$SERVER" --json
  expect_rc 0
  json_check "$RUN_OUT" "sorted(e['kind'] for e in doc if e['subject'] in ('$ALICE', '$LAPTOP')) == ['delegate-incepted', 'device-linked', 'identity-incepted'] and not [e for e in doc if e['kind'] == 'error']"
  # auths verify-commit says the device reached alice as a KERI delegated identifier.
  run vc-gen2 "$AUTHS" verify-commit "$a1" --repo "$CLIENT"
  expect_rc 0
  expect_text "$RUN_OUT" "Path:        KERI delegated identifier $LAPTOP of $ALICE"
  expect_text "$RUN_OUT" "Evidence:    refs/auths/registry"
}
test_case registry_and_commit_accepted "a Gen-2 registry (P-256 root, delegated device) pushed with the device's commit, trailers Auths-Id/Auths-Device: accepted"

revocation_accepted() {
  reset_server_ref refs/auths/registry "$reg1"
  reset_server_ref refs/heads/main "$a1"
  gen2 revoke alice laptop >/dev/null
  reg2=$(gen2_registry)
  push origin refs/auths/registry
  expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
  expect_ref refs/auths/registry "$reg2"
}
test_case revocation_accepted "alice's ixn with the revocation seal {d: laptop's prefix} (tip.json and state.json rewritten, as Auths does): accepted"

revoked_device_refused() {
  reset_server_ref refs/auths/registry "$reg2"
  client_git reset -q --hard "$a1"
  a2=$(gen2_commit laptop "$ALICE" "$LAPTOP" "alice: laptop after its revocation")
  push origin main
  expect_push_rejected device-revoked
  expect_violation refs/heads/main "$a2" device-revoked main
  expect_ref refs/heads/main "$a1"
  client_git reset -q --hard "$a1"
}
test_case revoked_device_refused "a new commit by the revoked device: device-revoked"

mallory_records_accepted() {
  reset_server_ref refs/auths/registry "$reg2"
  mphone_did=$(gen2 device mallory mphone --ssh-key "$KEYS/mphone")
  reg3=$(gen2_registry)
  push origin refs/auths/registry
  expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
  expect_ref refs/auths/registry "$reg3"
}
test_case mallory_records_accepted "mallory's identity and her delegated device in the registry: accepted (anyone may push records)"

other_root_device_refused() {
  reset_server_ref refs/auths/registry "$reg3"
  client_git reset -q --hard "$a1"
  m1=$(gen2_commit mphone "$ALICE" "$mphone_did" "mallory's device, claiming alice")
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$m1" unknown-signer main
  expect_ref refs/heads/main "$a1"
  expect_no_object "$m1"
  client_git reset -q --hard "$a1"
}
test_case other_root_device_refused "a device delegated by mallory whose commit claims alice in Auths-Id: refused (unknown-signer)"

# tampered OP...: a commit on top of reg3 changed by registry_commit's OPs, not on any ref; sets c.
tampered() { c=$(registry_commit "$reg3" "tampered" "$@"); }

# registry_update_refused CODE PATH: the push of commit $c as refs/auths/registry is refused with
# CODE, in a violation line of the registry rule that names PATH; the server's registry stays reg3.
registry_update_refused() {
  push origin "$c:refs/auths/registry"
  expect_push_rejected "$1"
  expect_violation refs/auths/registry "$c" "$1" registry
  expect_violation_mentions "$2"
  expect_ref refs/auths/registry "$reg3"
}

unanchored_dip_refused() {
  reset_server_ref refs/auths/registry "$reg3"
  # In a copy of the state: the records the server must refuse stay out of the later registries.
  cp "$GEN2_STATE" "$E2E_TMP/ghost-state.json"
  local ghost
  ghost=$(gen2 --state "$E2E_TMP/ghost-state.json" device alice ghost --ssh-key "$KEYS/ghost" --no-anchor)
  gen2 --state "$E2E_TMP/ghost-state.json" write-registry "$E2E_TMP/ghost-registry"
  c=$(gen2 commit-registry "$CLIENT" "$E2E_TMP/ghost-registry" --no-update-ref)
  registry_update_refused registry-invalid-record "$(gen2_identity_dir "$ghost")/events/00000000.json"
}
test_case unanchored_dip_refused "a dip naming alice as delegator that her KEL does not anchor: registry-invalid-record naming it"

kel_event_edit_refused() {
  reset_server_ref refs/auths/registry "$reg3"
  local path
  path=$(gen2_identity_dir "$ALICE")/events/00000001.json
  # alice's ixn anchoring the laptop, its seal now pointing at mallory's device.
  client_git show "$reg3:$path" | python3 -c '
import json, sys
ev = json.load(sys.stdin)
ev["a"][0]["i"] = ev["a"][0]["d"] = sys.argv[1]
sys.stdout.write(json.dumps(ev, indent=2))' "$(gen2_prefix "$mphone_did")" >"$E2E_TMP/edited-event.json"
  tampered "add:$path=$E2E_TMP/edited-event.json"
  registry_update_refused registry-edit "$path"
}
test_case kel_event_edit_refused "a registry update that edits one of alice's KEL events: registry-edit naming the file"

kel_event_replaced_refused() {
  reset_server_ref refs/auths/registry "$reg3"
  # Another ixn at alice's sequence 1, well formed and signed by her own key (what her stolen key,
  # or a second tool of hers, could make), in place of the one the registry has: an edit too.
  cp "$GEN2_STATE" "$E2E_TMP/fork-state.json"
  gen2 --state "$E2E_TMP/fork-state.json" truncate alice 1
  gen2 --state "$E2E_TMP/fork-state.json" ixn alice "[{\"d\": \"$(gen2_prefix "$mphone_did")\"}]" >/dev/null
  gen2 --state "$E2E_TMP/fork-state.json" write-registry "$E2E_TMP/fork-registry" alice
  gen2 check-registry "$E2E_TMP/fork-registry"
  local path
  path=$(gen2_identity_dir "$ALICE")/events/00000001
  tampered "add:$path.json=$E2E_TMP/fork-registry/$path.json" \
    "add:$path.attachments.cesr=$E2E_TMP/fork-registry/$path.attachments.cesr"
  registry_update_refused registry-edit "$path"
}
test_case kel_event_replaced_refused "a registry update that replaces alice's event 1 by another validly signed ixn: registry-edit naming the file"

tip_lie_refused() {
  reset_server_ref refs/auths/registry "$reg3"
  local path
  path=$(gen2_identity_dir "$ALICE")/tip.json
  # tip.json claims a later event than the KEL has, with a SAID the KEL never had.
  printf '{\n  "version": 1,\n  "sequence": 9,\n  "said": "E%s"\n}' "$(printf 'A%.0s' {1..43})" >"$E2E_TMP/tip.json"
  tampered "add:$path=$E2E_TMP/tip.json"
  registry_update_refused registry-cache-mismatch "$path"
}
test_case tip_lie_refused "a registry update whose tip.json contradicts alice's KEL (sequence, said): registry-cache-mismatch naming tip.json"

state_lie_refused() {
  reset_server_ref refs/auths/registry "$reg3"
  local path
  path=$(gen2_identity_dir "$ALICE")/state.json
  # state.json hands alice's identity to mallory's key (current_keys), the rest as it was.
  client_git show "$reg3:$path" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
doc["state"]["current_keys"] = [sys.argv[1]]
sys.stdout.write(json.dumps(doc, indent=2))' "$(gen2 show mallory | python3 -c 'import json, sys; print(json.load(sys.stdin)["keys"][0])')" \
    >"$E2E_TMP/state.json"
  tampered "add:$path=$E2E_TMP/state.json"
  registry_update_refused registry-cache-mismatch "$path"
}
test_case state_lie_refused "a registry update whose state.json gives alice's identity mallory's key: refused naming state.json"

mixed_layout_refused() {
  reset_server_ref refs/auths/registry "$reg3"
  local path=v1/identities/$ALICE_PREFIX/kel/00000000.json
  # alice's inception, compact, where our own layout keeps it (next to the Gen-2 tree).
  client_git show "$reg3:$(gen2_identity_dir "$ALICE")/events/00000000.json" |
    python3 -c 'import json, sys; sys.stdout.write(json.dumps(json.load(sys.stdin), separators=(",", ":")))' \
      >"$E2E_TMP/our-layout.json"
  tampered "add:$path=$E2E_TMP/our-layout.json"
  registry_update_refused registry-mixed-layout "$path"
}
test_case mixed_layout_refused "a registry update adding our own layout's v1/identities/<prefix>/kel/00000000.json to the Gen-2 tree: registry-mixed-layout"

rotation_setup_accepted() {
  reset_server_ref refs/auths/registry "$reg3"
  reset_server_ref refs/heads/main "$a1"
  client_git reset -q --hard "$a1"
  desk_did=$(gen2 device alice desk --ssh-key "$KEYS/desk" --next-ssh-key "$KEYS/desk2")
  reg4=$(gen2_registry)
  d1=$(gen2_commit desk "$ALICE" "$desk_did" "alice: from her desk")
  push origin refs/auths/registry main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
  expect_ref refs/auths/registry "$reg4"
  expect_ref refs/heads/main "$d1"
}
test_case rotation_setup_accepted "alice's second device desk (its next key committed) with its first commit: accepted"

rotated_key_accepted() {
  reset_server_ref refs/auths/registry "$reg4"
  reset_server_ref refs/heads/main "$d1"
  gen2 rotate-device desk --ssh-key "$KEYS/desk2" --next-ssh-key "$KEYS/desk3" >/dev/null
  reg5=$(gen2_registry)
  json_check "$E2E_TMP/gen2-registry/$(gen2_identity_dir "$desk_did")/events/00000001.json" \
    "doc['t'] == 'drt' and doc['di'] == '$ALICE_PREFIX'"
  d2=$(gen2_commit desk2 "$ALICE" "$desk_did" "alice: desk, rotated key")
  push origin refs/auths/registry main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
  expect_ref refs/auths/registry "$reg5"
  expect_ref refs/heads/main "$d2"
}
test_case rotated_key_accepted "desk rotated by a drt that alice anchors, pushed with a commit signed by the new key: accepted"

superseded_key_refused() {
  reset_server_ref refs/auths/registry "$reg5"
  reset_server_ref refs/heads/main "$d2"
  client_git reset -q --hard "$d2"
  d3=$(gen2_commit desk "$ALICE" "$desk_did" "alice: desk, old key after the rotation")
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$d3" unknown-signer main
  expect_ref refs/heads/main "$d2"
  client_git reset -q --hard "$d2"
}
test_case superseded_key_refused "a commit signed with desk's key from before the rotation: refused (unknown-signer)"

test_done
