#!/usr/bin/env bash
# e2e-transports: file ssh:1-2
# e2e-sanitize: full
# Issue 6, item 7: registry records are checked by the same rule at push and at load
# (README.md, "The trust model"): a device link or revocation is valid only under the keys of the
# establishment event that anchors it, never "the current keys".
# The attack (anyone can do it to any repository, with their own identity): mallory links a
# device (anchored by an ixn under her inception key K1), rotates to K2, and re-signs that link
# with K2 (the link's digest, hence its path and anchor, do not change: signatures are not part
# of the signed bytes). At push time K2 is "current", so the push check passes; the full load
# checks the link against the final key, so after one more rotation by mallory the registry no
# longer loads and every identity push to the repository fails closed.
# Intended: the re-signed link is refused at push (registry-invalid-record); mallory's real
# records, and her later rotation, are accepted; alice's pushes keep working throughout.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
registry_fixture --forge --mallory  # setup: alice's records and first commit are accepted
MALLORY_REG=$(registry_dir mallory)

# registry_ops BASE [PATH=FILE...]: add: operations for every file of mallory's registry copy
# the server's registry commit BASE does not have (overrides given as PATH=FILE).
registry_ops() {
  local base=$1 path file
  shift
  declare -A override=()
  for o in "$@"; do override[${o%%=*}]=${o#*=}; done
  while read -r path; do
    if [ -n "$base" ] && git -C "$SERVER" cat-file -e "$base:$path" 2>/dev/null; then continue; fi
    file=${override[$path]:-$MALLORY_REG/$path}
    printf 'add:%s=%s\n' "$path" "$file"
  done < <(cd "$MALLORY_REG" && find v1 -type f | LC_ALL=C sort)
}

resign_with_k2() {
  dev_link mallory phone >/dev/null
  dev_auths mallory id rotate
  link=$(find "$MALLORY_REG/v1/identities/$MALLORY_PREFIX/attestations" -name '*.json' | head -n1)
  [ -n "$link" ] || e2e_die "setup: mallory has no link"
  link_path=${link#"$MALLORY_REG/"}
  read -r resigned_path _ < <(forge resign-link "$MALLORY_HOME" identity - "$link" "$E2E_TMP/resigned-link.json")
  expect_equal "$resigned_path" "$link_path" "path of the re-signed link (same signed bytes, same digest)"
  if cmp -s "$link" "$E2E_TMP/resigned-link.json"; then e2e_die "setup: re-signing with K2 gave the same bytes"; fi
}
test_case resign_with_k2 "setup: mallory links a phone (anchored under K1), rotates to K2, re-signs the link with K2"

resigned_link_refused() {
  dev_clone mallory
  fetch_registry
  mapfile -t ops < <(registry_ops "$REG1" "$link_path=$E2E_TMP/resigned-link.json")
  r1=$(registry_commit "$REG1" "mallory: her identity, the link re-signed by the current key" "${ops[@]}")
  push_registry "$r1"
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$r1" registry-invalid-record registry
  expect_violation_mentions "$link_path"
  expect_violation_mentions "attestation-bad-identity-signature"
  expect_ref refs/auths/registry "$REG1"
  expect_hook_run_agrees
  # Not reset: if the engine let it in, the next steps show what it costs.
}
test_case resigned_link_refused "item 7: mallory's KEL (icp, ixn, rot) with the link re-signed by K2 (current at push time): registry-invalid-record"

second_rotation() {
  dev_auths mallory id rotate
  fetch_registry
  base=$(client_git rev-parse refs/auths/registry)
  mapfile -t ops < <(registry_ops "$base")
  [ "${#ops[@]}" -gt 0 ] || e2e_die "setup: nothing of mallory's to push"
  r2=$(registry_commit "$base" "mallory: her records, one more rotation" "${ops[@]}")
  push_registry "$r2"
  expect_push_ok "auths: push accepted: 0 commits and 0 tags verified in 1 ref"
  expect_ref refs/auths/registry "$r2"
}
test_case second_rotation "item 7: mallory rotates once more; her records the server lacks (the real link, signed by K1) are accepted"

registry_loads() {
  use_clone alice
  fetch_registry
  a2=$(dev_commit alice laptop "alice: after mallory's rotations")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_no_line_match 'internal-error|could not decide'
  expect_ref refs/heads/main "$a2"
}
test_case registry_loads "item 7: the registry still loads: alice's next commit is accepted (not undecided)"

test_done
