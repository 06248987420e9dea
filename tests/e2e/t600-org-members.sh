#!/usr/bin/env bash
# Organizations against the server hook, with the real CLI and real git: olivia creates the org
# (auths org init) and adds mia as a member of team core and rex as readonly; the policy names
# the org and lets members with sign_commit, humans only, push main, and members push bot/*.
# mia is accepted; rex is refused (missing-capability); mia's agent key (a device linked with
# signer type Agent) is refused on main (signer-type-not-allowed) and accepted on bot/*; someone
# outside the org is refused (not-a-member); a membership signed by a member without
# manage_members is refused by the registry; revoking mia refuses her next push and her agent's;
# a freeze refuses every push until an unfreeze, which itself gets through. The server keeps the
# registry tip it verified in full and reads it on demand at the next pushes, until the registry
# moves (state/store.h): the refusals after the first push of each tip come from that path.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
identity_env
make_key admin

step "setup: the org, its members, the policy"
org_fixture
dev_id nora
NORA=$ID_DID
setup_repo admin <<POLICY
version = 1
org = "$ORG"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
roles = ["admin", "member", "readonly"]
capabilities = ["sign_commit"]
signer_types = ["Human"]

[[policy.commit]]
name = "bots"
refs = ["refs/heads/bot/*"]
roles = ["admin", "member"]

[governance]
signers = ["$(pub admin)"]
POLICY

# The registry tip the server keeps as verified (state.sqlite, registry_tips), or nothing.
kept_registry() {
  python3 - "$SERVER/auths/state.sqlite" <<'PY'
import sqlite3, sys
for (tip,) in sqlite3.connect(sys.argv[1]).execute("SELECT lower(hex(tip)) FROM registry_tips"):
    print(tip)
PY
}

members_listed() {
  dev_run olivia org list --json --repo "$E2E_TMP/none"
  expect_rc 0
  expect_text "$RUN_OUT" "\"did\": \"$OLIVIA\""
  expect_text "$RUN_OUT" "\"did\": \"$MIA\""
  expect_text "$RUN_OUT" "\"role\": \"readonly\""
  dev_run olivia org show "$MIA"
  expect_rc 0
  expect_text "$RUN_OUT" "capabilities: sign_commit, sign_release"
  expect_text "$RUN_OUT" "teams:        core"
  dev_run olivia org teams
  expect_text "$RUN_OUT" "core (1)"
}
test_case members_listed "auths org list/show/teams: olivia admin, mia member of core with the member defaults, rex readonly"

publish_all() {
  dev_clone mia
  dev_sign_with mia laptop
  dev_link mia laptop >/dev/null
  dev_link mia bot --signer-type Agent >/dev/null
  dev_link rex laptop >/dev/null
  dev_link nora laptop >/dev/null
  for who in olivia mia rex nora; do dev_publish "$who" >/dev/null; done
  push origin refs/auths/registry
  expect_push_ok
}
test_case publish_all "every home's records (org KEL, memberships, member devices) published and pushed"

member_accepted() {
  m1=$(dev_commit mia laptop "mia: member commit")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$m1"
  expect_hook_run_agrees
  expect_equal "$(kept_registry)" "$(server_git rev-parse refs/auths/registry)" "the registry kept as verified"
}
test_case member_accepted "mia (member, sign_commit, Human) pushes main: accepted"

readonly_refused() {
  r1=$(dev_commit rex laptop "rex: readonly commit")
  push origin main
  expect_push_rejected missing-capability
  expect_violation refs/heads/main "$r1" missing-capability main
  expect_violation_mentions "sign_commit"
  client_git reset -q --hard "$m1"
}
test_case readonly_refused "rex (readonly: no capabilities) pushes main: missing-capability"

agent_on_main_refused() {
  b1=$(dev_commit mia bot "mia's agent: on main")
  push origin main
  expect_push_rejected signer-type-not-allowed
  expect_violation refs/heads/main "$b1" signer-type-not-allowed main
  client_git reset -q --hard "$m1"
}
test_case agent_on_main_refused "mia's agent key (signer type Agent) pushes main, humans only: signer-type-not-allowed"

agent_on_bot_accepted() {
  client_git checkout -q -b bot/deps
  b2=$(dev_commit mia bot "mia's agent: dependency bump")
  push origin bot/deps
  expect_push_ok
  expect_ref refs/heads/bot/deps "$b2"
  client_git checkout -q main
}
test_case agent_on_bot_accepted "the same agent on refs/heads/bot/* (no signer_types): accepted"

outsider_refused() {
  n1=$(dev_commit nora laptop "nora: not in the org")
  push origin main
  expect_push_rejected not-a-member
  expect_violation refs/heads/main "$n1" not-a-member main
  client_git reset -q --hard "$m1"
}
test_case outsider_refused "nora, a valid identity outside the org: not-a-member"

member_cannot_add() {
  # mia holds no manage_members: the record she signs as "admin" is refused by the registry.
  dev_auths mia org add-member "$NORA" --role admin --org "$ORG"
  reg=$(dev_publish mia)
  push origin refs/auths/registry
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$reg" registry-invalid-record registry
  expect_violation_mentions "signed it without holding manage_members"
  fetch_registry
}
test_case member_cannot_add "a member without manage_members signs a membership for nora: registry-invalid-record"

member_revoked() {
  fetch_registry
  dev_auths olivia org revoke-member "$MIA" --repo "$CLIENT"
  dev_publish olivia >/dev/null
  push origin refs/auths/registry
  expect_push_ok
  m2=$(dev_commit mia laptop "mia: after her revocation")
  push origin main
  expect_push_rejected member-revoked
  expect_violation refs/heads/main "$m2" member-revoked main
  client_git reset -q --hard "$m1"
  client_git checkout -q bot/deps
  b3=$(dev_commit mia bot "mia's agent: after mia's revocation")
  push origin bot/deps
  expect_push_rejected member-revoked
  expect_violation refs/heads/bot/deps "$b3" member-revoked bots
  client_git reset -q --hard "$b2"
  client_git checkout -q main
  expect_equal "$(kept_registry)" "$(server_git rev-parse refs/auths/registry)" "the registry with the revocation, kept"
  dev_run olivia org list --repo "$CLIENT"
  if file_has_text "$RUN_OUT" "$MIA"; then fail "a revoked member is listed without --include-revoked"; else ok; fi
  dev_run olivia org list --include-revoked --repo "$CLIENT"
  expect_text "$RUN_OUT" "$MIA  member  revoked"
}
test_case member_revoked "olivia revokes mia: mia's next push and her agent's are refused (member-revoked)"

freeze_and_unfreeze() {
  dev_clone olivia
  fetch_registry
  dev_sign_with olivia laptop
  dev_link olivia laptop >/dev/null
  dev_run olivia emergency freeze --duration 1h
  expect_rc 64
  expect_text "$RUN_ERR" "confirm with --yes"
  dev_auths olivia emergency freeze --duration 1h --yes --reason "incident 42"
  dev_publish olivia >/dev/null
  push origin refs/auths/registry
  expect_push_ok
  o1=$(dev_commit olivia laptop "olivia: during the freeze")
  push origin main
  expect_push_rejected frozen
  expect_violation refs/heads/main - frozen freeze
  expect_violation_mentions "incident 42"
  dev_auths olivia emergency unfreeze
  dev_publish olivia >/dev/null
  push origin refs/auths/registry main
  expect_push_ok
  expect_ref refs/heads/main "$o1"
}
test_case freeze_and_unfreeze "a signed freeze refuses every push (frozen); the unfreeze and the next commit get through"

test_done
