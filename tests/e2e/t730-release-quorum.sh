#!/usr/bin/env bash
# Quorums with approvals (README.md, "Approvals and quorums"), with the real CLI and real git:
# olivia's org has mia (member) and rex (readonly); release tags need 2 distinct signers of the
# org, one of them Human, and no rejection. A tag signed by mia alone is refused
# (quorum-not-met); olivia fetches it, runs `auths release approve` and pushes her registry with
# the tag: accepted. Two agent keys (olivia's and mia's, devices linked with signer type Agent)
# are 2 signers but no Human: refused until olivia approves as herself. mia's rejection blocks a
# tag whatever the approvals (approval-rejected); rex's rejection does not count (not a signer).
# [governance] require = 2 with two plain SSH keys: a policy change signed by one is refused
# until the other approves it with `auths release approve` through ssh-keygen.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
identity_env
make_key admin
make_key admin2

step "setup: the org, the policy (releases need 2, 1 Human; governance 2 of 2 SSH keys)"
org_fixture
setup_repo admin <<POLICY
version = 1
org = "$ORG"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub admin)"]
roles = ["admin", "member"]

[[policy.release]]
name = "releases"
refs = ["refs/tags/v*"]
roles = ["admin", "member"]
require = 2
min_human = 1

[governance]
signers = ["$(pub admin)", "$(pub admin2)"]
require = 2
POLICY

# dev_tag NAME ALIAS TAG: an annotated tag of HEAD in $CLIENT signed through auths-sign with
# NAME's key ALIAS. Prints the tag object id.
dev_tag() {
  AUTHS_HOME=$(dev_home "$1") git -C "$CLIENT" -c user.signingKey="auths:$2" tag -s -m "release $3" "$3" \
    </dev/null >"$E2E_TMP/tag.out" 2>"$E2E_TMP/tag.err" || e2e_die "git tag -s $3 by $1 failed: $(cat "$E2E_TMP/tag.err")"
  client_git rev-parse "refs/tags/$3"
}

# take_tag FROM TAG: $CLIENT fetches TAG from the clone of FROM (a tag the server refused).
take_tag() {
  client_git fetch -q "$E2E_TMP/$1" "refs/tags/$2:refs/tags/$2" || e2e_die "fetching $2 from $1's clone failed"
}

publish_all() {
  dev_clone mia
  dev_sign_with mia laptop
  local both=sign_commit,sign_release
  dev_link mia laptop --capabilities "$both" >/dev/null
  dev_link mia bot --signer-type Agent --capabilities "$both" >/dev/null
  dev_link olivia laptop --capabilities "$both" >/dev/null
  dev_link olivia bot --signer-type Agent --capabilities "$both" >/dev/null
  dev_link rex laptop >/dev/null
  for who in olivia mia rex; do dev_publish "$who" >/dev/null; done
  push origin refs/auths/registry
  expect_push_ok
  dev_clone olivia
  fetch_registry
  dev_sign_with olivia laptop
  dev_clone rex
  fetch_registry
  dev_sign_with rex laptop
}
test_case publish_all "every home's records (org, memberships, devices, two agent keys) published and pushed"

one_signature_refused() {
  use_clone mia
  t1=$(dev_tag mia laptop v1.0)
  push origin refs/tags/v1.0
  expect_push_rejected quorum-not-met
  expect_violation refs/tags/v1.0 "$t1" quorum-not-met releases
  expect_violation_mentions "requires 2 distinct signers, 1 of them Human; has 1 (1 Human)"
  expect_violation_mentions "$MIA [Human] (signature)"
  expect_violation_mentions "auths release approve $t1 --ref refs/tags/v1.0"
}
test_case one_signature_refused "a release tag signed by mia alone: quorum-not-met, saying who counted and what to run"

approval_accepted() {
  use_clone olivia
  take_tag mia v1.0
  dev_run olivia release approve v1.0 --note "checked the changelog" --repo "$CLIENT"
  expect_rc 0
  expect_text "$RUN_OUT" "approved tag $t1 for refs/tags/v1.0"
  expect_text "$RUN_OUT" "v1/approvals/$t1/"
  record=$(head -n1 "$RUN_OUT")
  client_git show "refs/auths/registry:$record" >"$E2E_TMP/approval.json"
  json_check "$E2E_TMP/approval.json" "doc['type'] == 'auths-approval' and doc['object'] == '$t1' and doc['object_type'] == 'tag' and doc['ref'] == 'refs/tags/v1.0' and doc['verdict'] == 'approve' and doc['note'] == 'checked the changelog' and doc['signer_key'].startswith('ssh-ed25519 ') and 'BEGIN SSH SIGNATURE' in doc['signature']"
  push origin refs/auths/registry refs/tags/v1.0
  expect_push_ok
  expect_ref refs/tags/v1.0 "$t1"
  expect_server_registry_file "$(server_git rev-parse refs/auths/registry)" "$record"
}
test_case approval_accepted "olivia approves v1.0 (auths release approve) and pushes the registry with the tag: accepted"

agents_are_no_humans() {
  use_clone mia
  dev_commit mia laptop "for v1.1" >/dev/null
  t2=$(dev_tag mia bot v1.1)
  use_clone olivia
  take_tag mia v1.1
  client_git config user.signingKey auths:bot
  dev_auths olivia release approve v1.1 --repo "$CLIENT"
  push origin refs/auths/registry refs/tags/v1.1
  expect_push_rejected quorum-not-met
  expect_violation refs/tags/v1.1 "$t2" quorum-not-met releases
  expect_violation_mentions "has 2 (0 Human)"
  client_git config user.signingKey auths:laptop
  dev_auths olivia release approve v1.1 --repo "$CLIENT"
  push origin refs/auths/registry refs/tags/v1.1
  expect_push_ok
  expect_ref refs/tags/v1.1 "$t2"
}
test_case agents_are_no_humans "mia's agent signs v1.1, olivia's agent approves: 2 signers, no Human (quorum-not-met); olivia approves as herself: accepted"

rejection_blocks() {
  use_clone olivia
  client_git fetch -q origin
  client_git reset -q --hard origin/main
  dev_commit olivia laptop "for v1.2" >/dev/null
  t3=$(dev_tag olivia laptop v1.2)
  # rex (readonly: no sign_release) rejects: not a signer of the rule, not counted.
  use_clone rex
  fetch_registry
  take_tag olivia v1.2
  dev_auths rex release approve v1.2 --reject --note "not a maintainer" --repo "$CLIENT"
  expect_text "$RUN_OUT" "rejected tag $t3"
  push origin refs/auths/registry
  expect_push_ok
  # mia rejects, then approves: an identity that does both rejects.
  use_clone mia
  fetch_registry
  take_tag olivia v1.2
  dev_auths mia release approve v1.2 --reject --note "CVE open" --repo "$CLIENT"
  dev_auths mia release approve v1.2 --repo "$CLIENT"
  push origin refs/auths/registry refs/tags/v1.2
  expect_push_rejected approval-rejected
  expect_violation refs/tags/v1.2 "$t3" approval-rejected releases
  expect_violation_mentions "(max_reject = 0)"
  expect_violation_mentions "rejected by $MIA"
  expect_violation_mentions "not counted: rejection"
  # The registry alone is accepted: the rejection is there for good (append-only).
  push origin refs/auths/registry
  expect_push_ok
  use_clone olivia
  fetch_registry
  push origin refs/tags/v1.2
  expect_push_rejected approval-rejected
}
test_case rejection_blocks "mia rejects v1.2 (max_reject = 0): approval-rejected whatever the approvals; rex's rejection does not count"

governance_quorum() {
  CLIENT=$E2E_TMP/client
  client_git fetch -q origin
  client_git reset -q --hard origin/main
  fetch_registry
  printf '# a comment\n' >>"$CLIENT/.auths/policy.toml"
  g1=$(commit_as admin "policy: a comment")
  push origin main
  expect_push_rejected quorum-not-met
  expect_violation refs/heads/main "$g1" quorum-not-met governance
  expect_violation_mentions "$(fpr admin) [Human] (signature)"
  # admin2 approves with a plain SSH key: user.signingKey is a key file, signed by ssh-keygen.
  client_git config user.signingKey "$KEYS/admin2"
  run approve-admin2 "$AUTHS" release approve "$g1" --ref refs/heads/main --repo "$CLIENT"
  expect_rc 0
  expect_text "$RUN_OUT" "approved commit $g1 for refs/heads/main"
  expect_text "$RUN_OUT" "signed by: $(cut -d' ' -f1-2 "$KEYS/admin2.pub")"
  client_git config user.signingKey "$KEYS/admin"
  push origin refs/auths/registry main
  expect_push_ok
  expect_ref refs/heads/main "$g1"
}
test_case governance_quorum "[governance] require = 2: a policy change signed by admin is refused (quorum-not-met) until admin2 approves it through ssh-keygen"

loosening_refused() {
  use_clone mia
  client_git fetch -q origin
  client_git reset -q --hard origin/main
  fetch_registry
  # mia may commit to main (a member) but is no [governance] signer: lowering the release
  # quorum is a policy change she cannot make, even with an approval of a governance key.
  sed -i '0,/^require = 2$/s//require = 1/; s/^min_human = 1$/min_human = 0/' "$CLIENT/.auths/policy.toml"
  expect_equal "$(grep -c '^require = 2$' "$CLIENT/.auths/policy.toml")" 1 "require = 2 left in [governance] only"
  local l1
  l1=$(dev_commit mia laptop "policy: releases need one signer")
  push origin main
  expect_push_rejected policy-change-unauthorized
  expect_violation refs/heads/main "$l1" policy-change-unauthorized governance
  client_git reset -q --hard origin/main
}
test_case loosening_refused "a policy change that loosens the release rule, signed by a member who is no [governance] signer: refused"

test_done
