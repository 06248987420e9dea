#!/usr/bin/env bash
# e2e-transports: file
# e2e-sanitize: full
# Commit objects crafted with `git hash-object -t commit -w`: an allowed key's signature copied
# from another commit, a PGP signature, a damaged SSH signature. None may pass, none may crash.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
setup_main_repo alice

# gpgsig_of COMMIT: the gpgsig header of COMMIT with its continuation lines.
gpgsig_of() {
  client_git cat-file commit "$1" | awk '
    /^$/ { exit }
    /^gpgsig / { on = 1; print; next }
    on && /^ / { print; next }
    { on = 0 }'
}
# with_header COMMIT FILE: COMMIT's object text with FILE's lines added as the last header.
with_header() {
  client_git cat-file commit "$1" | awk -v hdr="$2" '
    !done && /^$/ { while ((getline line < hdr) > 0) print line; done = 1 }
    { print }'
}
# craft COMMIT SIGFILE: writes the crafted commit object, prints its id.
craft() {
  with_header "$1" "$2" | client_git hash-object -t commit -w --stdin
}

alice_commit_accepted() {
  a=$(commit_as alice "signed by alice")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
}
test_case alice_commit_accepted "setup: a commit signed by alice, accepted"

copied_signature() {
  gpgsig_of "$a" >"$E2E_TMP/sig-a"
  grep -q '^gpgsig -----BEGIN SSH SIGNATURE-----$' "$E2E_TMP/sig-a" || e2e_die "could not extract the gpgsig header of $a"
  u=$(commit_unsigned "unsigned, to carry alice's copied signature")
  forged=$(craft "$u" "$E2E_TMP/sig-a")
  client_git update-ref refs/heads/main "$forged"
  if client_git cat-file commit "$forged" | grep -q '^gpgsig -----BEGIN SSH SIGNATURE'; then ok; else fail "setup: crafted commit has no gpgsig"; fi
  push origin main
  expect_push_rejected bad-signature
  expect_violation refs/heads/main "$forged" bad-signature main
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/heads/main "$a"
  expect_no_object "$forged"
  expect_hook_run_agrees
}
test_case copied_signature "a signature copied from another commit is a bad signature"

message_byte_changed() {
  client_git reset -q --hard "$a"
  b=$(commit_as alice "signed by alice, never pushed")
  gpgsig_of "$b" >"$E2E_TMP/sig-b"
  client_git cat-file commit "$b" | awk '/^gpgsig /{skip=1; next} skip && /^ /{next} {skip=0; print}' |
    sed 's/^signed by alice, never pushed$/signed by alice, never pushed!/' >"$E2E_TMP/b-unsigned"
  awk '/^$/ && !done { while ((getline l < sig) > 0) print l; done = 1 } { print }' sig="$E2E_TMP/sig-b" \
    "$E2E_TMP/b-unsigned" >"$E2E_TMP/b-forged"
  forged2=$(client_git hash-object -t commit -w "$E2E_TMP/b-forged")
  if [ "$(client_git rev-parse "$forged2^")" = "$a" ] && [ "$forged2" != "$b" ]; then ok; else fail "setup: forged commit is not a sibling of $b"; fi
  client_git update-ref refs/heads/main "$forged2"
  push origin main
  expect_push_rejected bad-signature
  expect_violation refs/heads/main "$forged2" bad-signature main
  expect_ref refs/heads/main "$a"
  expect_no_object "$forged2"
  expect_no_object "$b"
  expect_hook_run_agrees
}
test_case message_byte_changed "a signed commit's exact content with one byte of the message changed, its signature kept"

pgp_unsupported() {
  client_git reset -q --hard "$a"
  cat >"$E2E_TMP/sig-pgp" <<'EOF'
gpgsig -----BEGIN PGP SIGNATURE-----
 
 iHUEABYKAB0WIQQDbGFjZWhvbGRlci1ub3QtYS1yZWFsLWtleQAKCRBub3QtcmVh
 bAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
 =AAAA
 -----END PGP SIGNATURE-----
EOF
  u=$(commit_unsigned "carries a pgp signature")
  pgp=$(craft "$u" "$E2E_TMP/sig-pgp")
  client_git update-ref refs/heads/main "$pgp"
  push origin main
  expect_push_rejected unsupported-signature
  expect_violation refs/heads/main "$pgp" unsupported-signature main
  expect_ref refs/heads/main "$a"
  expect_no_object "$pgp"
  expect_hook_run_agrees
}
test_case pgp_unsupported "a PGP signature is reported as unsupported"

truncated_signature() {
  client_git reset -q --hard "$a"
  head -n 4 "$E2E_TMP/sig-a" >"$E2E_TMP/sig-trunc"
  echo ' -----END SSH SIGNATURE-----' >>"$E2E_TMP/sig-trunc"
  u=$(commit_unsigned "carries a truncated signature")
  trunc=$(craft "$u" "$E2E_TMP/sig-trunc")
  client_git update-ref refs/heads/main "$trunc"
  push origin main
  expect_push_rejected bad-signature
  expect_violation refs/heads/main "$trunc" bad-signature main
  expect_ref refs/heads/main "$a"
  expect_hook_run_agrees
}
test_case truncated_signature "a damaged SSH signature (armour kept, blob truncated) is a bad signature, not a crash"

test_done
