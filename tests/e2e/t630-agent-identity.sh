#!/usr/bin/env bash
# Agent identities (auths init --profile agent) against the server hook, with the real CLI and
# real git. olivia's org has mia as a member; mia provisions an agent, ci-bot, a KERI delegated
# identifier whose dip her KEL anchors, with its own home and auths-agent.toml. The policy
# lets members push bot/* and only humans push main. The agent is accepted on bot/*, refused on
# main (signer-type-not-allowed), and `auths verify-commit` shows its chain; it cannot add a
# member (it is no admin), nor raise its own capabilities through a sub-agent or a device link
# (agent-scope-exceeded); a sub-agent within its grant signs (depth 2); an ephemeral agent
# lives in ssh-agent only and signs through git's own ssh signing; revoking the agent ends it
# and its sub-agent (delegator-revoked).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
identity_env
make_key admin
export AUTHS_DELEGATOR_PASSPHRASE=$AUTHS_PASSPHRASE

step "setup: the org (olivia admin, mia a member of core, rex readonly), nora outside it, the policy"
org_fixture
MIA_PREFIX=${MIA#did:keri:}
dev_id nora
NORA=$ID_DID
setup_repo admin <<POLICY
version = 1
org = "$ORG"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
roles = ["admin", "member"]
signer_types = ["Human"]

[[policy.commit]]
name = "bots"
refs = ["refs/heads/bot/*"]
roles = ["admin", "member"]

[[policy.ci]]
name = "jobs"
refs = ["refs/heads/job/*"]
roles = ["admin", "member"]
allow_ephemeral = true

[governance]
signers = ["$(pub admin)"]
POLICY

# agent_init HOME ARGS...: `auths init --profile agent ARGS` with AUTHS_HOME=ids/HOME (the agent's
# home), the delegator's home given in ARGS.
agent_init() {
  local home=$1
  shift
  dev_run "$home" init --profile agent "$@"
}

provision() {
  agent_init bot --delegator-home "$(dev_home mia)" --dry-run
  expect_rc 0
  expect_text "$RUN_OUT" "dry run: nothing was created"
  expect_text "$RUN_OUT" "delegated by: $MIA"
  if [ -e "$(dev_home bot)" ]; then fail "--dry-run created the agent's home"; else ok; fi
  agent_init bot --delegator-home "$(dev_home mia)" --non-interactive --name ci-bot --expires-in 1d --json
  expect_rc 0
  bot=$(json_get "$RUN_OUT" did)
  case "$bot" in did:keri:E*) ok ;; *) fail "the agent's did is '$bot'" ;; esac
  bot_prefix=${bot#did:keri:}
  json_check "$RUN_OUT" "doc['delegated_by'] == '$MIA' and doc['capabilities'] == ['sign_commit'] and doc['signer_type'] == 'Agent' and doc['expires_at'] != ''"
  expect_text "$(dev_home bot)/auths-agent.toml" "did = \"$bot\""
  expect_text "$(dev_home bot)/auths-agent.toml" "delegated_by = \"$MIA\""
  expect_text "$(dev_home bot)/auths-agent.toml" 'capabilities = ["sign_commit"]'
  # KERI's form: a dip naming mia, anchored by a seal {i, s, d} in mia's KEL.
  local dip
  dip=$(dev_home mia)/registry/v1/identities/$bot_prefix/kel/00000000.json
  json_check "$dip" "doc['t'] == 'dip' and doc['di'] == '$MIA_PREFIX' and doc['i'] == '$bot_prefix'"
  python3 - "$(dev_home mia)/registry/v1/identities/$MIA_PREFIX/kel" "$bot_prefix" "$dip" <<'PY' || fail "mia's KEL does not anchor the agent's dip"
import json, os, sys
kel, prefix, dip = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
seals = [s for f in sorted(os.listdir(kel)) if f.endswith(".json")
         for s in json.load(open(os.path.join(kel, f))).get("a", [])]
sys.exit(0 if {"i": prefix, "s": "0", "d": dip["d"]} in seals else 1)
PY
  ok
  # The delegation record: signer type Agent, delegated_by mia, metadata type ai_agent.
  local record
  record=$(grep -l "\"subject\": \"$bot\"" "$(dev_home mia)"/registry/v1/identities/"$MIA_PREFIX"/attestations/*.json)
  json_check "$record" "doc['signer_type'] == 'Agent' and doc['delegated_by'] == '$MIA' and doc['metadata'] == {'type': 'ai_agent', 'name': 'ci-bot', 'setup_profile': 'agent'}"
  # The agent's home replays its own KEL (the dip needs mia's, copied there).
  dev_run bot id show --json
  expect_rc 0
  json_check "$RUN_OUT" "doc['did'] == '$bot' and doc['delegated_by'] == '$MIA'"
  # Its keys rotate only with its delegator (a drt): refused with what to do instead.
  dev_run bot id rotate
  expect_rc 1
  expect_text "$RUN_ERR" "provision a new agent and revoke this one"
}
test_case provision "auths init --profile agent: a dip anchored by mia's KEL, the delegation record, the agent's home and auths-agent.toml; --dry-run creates nothing"

refusals() {
  agent_init bot --delegator-home "$(dev_home mia)" --non-interactive
  expect_rc 64
  expect_text "$RUN_ERR" "an identity already exists in $(dev_home bot)"
  agent_init bot2 --delegator-home "$(dev_home mia)" --non-interactive --delegated-by "$NORA"
  expect_rc 64
  expect_text "$RUN_ERR" "--delegated-by names $NORA, but the delegator's home"
  agent_init bot2 --delegator-home "$E2E_TMP/nobody" --non-interactive
  expect_rc 1
  expect_text "$RUN_ERR" "has no identity"
  unset AUTHS_DELEGATOR_PASSPHRASE
  agent_init bot2 --delegator-home "$(dev_home mia)" --non-interactive
  export AUTHS_DELEGATOR_PASSPHRASE=$AUTHS_PASSPHRASE
  expect_rc 64
  expect_text "$RUN_ERR" "--non-interactive needs AUTHS_DELEGATOR_PASSPHRASE"
  dev_run bot2 init --ephemeral
  expect_rc 64
  expect_text "$RUN_ERR" "requires --profile"
  if [ -e "$(dev_home bot2)" ]; then fail "a refused provisioning left $(dev_home bot2) behind"; else ok; fi
}
test_case refusals "refused: a home that has an identity, --delegated-by another identity, no delegator, no passphrase, agent flags without --profile agent"

publish() {
  dev_clone mia
  dev_sign_with mia laptop
  dev_link mia laptop >/dev/null
  for who in olivia mia; do dev_publish "$who" >/dev/null; done
  push origin refs/auths/registry
  expect_push_ok
  expect_server_registry_file "$(git -C "$SERVER" rev-parse refs/auths/registry)" "v1/identities/$bot_prefix/kel/00000000.json"
  m1=$(dev_commit mia laptop "mia: member commit")
  push origin main
  expect_push_ok
}
test_case publish "mia publishes the agent with her records: the server's registry accepts the dip and the delegation"

agent_signs() {
  client_git checkout -q -b bot/deps
  b1=$(dev_commit bot agent "ci-bot: dependency bump")
  push origin bot/deps
  expect_push_ok
  expect_ref refs/heads/bot/deps "$b1"
  expect_hook_run_agrees
  run "auths verify-commit (agent)" "$AUTHS" verify-commit "$b1" --repo "$CLIENT"
  expect_rc 0
  expect_text "$RUN_OUT" "Signed by:   $bot"
  expect_text "$RUN_OUT" "Signer type: Agent"
  expect_text "$RUN_OUT" "Delegated:   $MIA"
  expect_text "$RUN_OUT" "Chain:       $bot <- $MIA"
  expect_text "$RUN_OUT" "Status:      VALID"
  b2=$(dev_commit bot agent "ci-bot: on main")
  client_git checkout -q main
  client_git reset -q --hard "$b2"
  push origin main
  expect_push_rejected signer-type-not-allowed
  expect_violation refs/heads/main "$b2" signer-type-not-allowed main
  expect_violation_mentions "$bot (Agent) <- delegated by $MIA"
  client_git reset -q --hard "$m1"
}
test_case agent_signs "the agent signs with its own key: accepted on bot/*, refused on main (humans only); verify-commit shows the chain"

# rogue NAME: a fresh agent of mia in home NAME, published by mia (each attack below gets its
# own, since a home keeps the records the server refused and would publish them again).
rogue() {
  agent_init "$1" --delegator-home "$(dev_home mia)" --non-interactive --name "$1"
  expect_rc 0
  dev_publish mia >/dev/null
  push origin refs/auths/registry
  expect_push_ok
}

agent_cannot_add_member() {
  rogue rogue1
  dev_auths rogue1 org add-member "$NORA" --role admin --org "$ORG"
  reg=$(dev_publish rogue1)
  push origin refs/auths/registry
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$reg" registry-invalid-record registry
  expect_violation_mentions "who is not a member"
  fetch_registry
}
test_case agent_cannot_add_member "an agent signs a membership for nora as 'admin': registry-invalid-record"

agent_cannot_raise() {
  # A sub-agent granted more than the agent holds.
  rogue rogue2
  agent_init greedy --delegator-home "$(dev_home rogue2)" --non-interactive --capabilities sign_commit,sign_release
  expect_rc 0
  reg=$(dev_publish rogue2)
  push origin refs/auths/registry
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$reg" registry-invalid-record registry
  expect_violation_mentions "agent-scope-exceeded: the issuer is an agent and grants 'sign_release', which its own delegation does not"
  fetch_registry
  # A device of its own with a capability it was not granted.
  rogue rogue3
  dev_auths rogue3 device link --alias extra --capabilities sign_commit,manage_members
  reg=$(dev_publish rogue3)
  push origin refs/auths/registry
  expect_push_rejected registry-invalid-record
  expect_violation refs/auths/registry "$reg" registry-invalid-record registry
  expect_violation_mentions "agent-scope-exceeded: the issuer is an agent and grants 'manage_members', which its own delegation does not"
  fetch_registry
}
test_case agent_cannot_raise "an agent grants itself more through a sub-agent or a device link: agent-scope-exceeded"

sub_agent() {
  # A second agent of mia, and a sub-agent of it within its grant.
  agent_init helper --delegator-home "$(dev_home mia)" --non-interactive --name helper
  expect_rc 0
  helper_did=$(sed -n 's/^agent \(did:keri:[^ ]*\) created.*/\1/p' "$RUN_OUT")
  agent_init sub --delegator-home "$(dev_home helper)" --non-interactive --name sub
  expect_rc 0
  sub_did=$(sed -n 's/^agent \(did:keri:[^ ]*\) created.*/\1/p' "$RUN_OUT")
  dev_publish mia >/dev/null
  dev_publish helper >/dev/null
  push origin refs/auths/registry
  expect_push_ok
  client_git checkout -q bot/deps
  s1=$(dev_commit sub agent "sub-agent: depth 2")
  push origin bot/deps
  expect_push_ok
  run "auths verify-commit (sub-agent)" "$AUTHS" verify-commit "$s1" --repo "$CLIENT"
  expect_text "$RUN_OUT" "Chain:       $sub_did <- $helper_did <- $MIA"
  client_git checkout -q main
}
test_case sub_agent "a sub-agent within its delegator's grant (depth 2) is accepted; the chain is shown"

by_request() {
  # On the agent's machine: no key of mia's there.
  agent_init runner --request "$E2E_TMP/runner.req" --delegated-by "$MIA" --non-interactive --name runner \
    --capabilities sign_commit
  expect_rc 0
  expect_text "$RUN_OUT" "wrote the agent request for $MIA"
  runner_did=$(sed -n 's/^agent \(did:keri:[^ ]*\) created.*/\1/p' "$RUN_OUT")
  # Tampered: more capabilities than the agent signed for; a dip naming nora; not for mia.
  python3 - "$E2E_TMP/runner.req" "$E2E_TMP/tampered.req" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["link"]["capabilities"] = ["sign_commit", "sign_release"]
json.dump(doc, open(sys.argv[2], "w"))
PY
  dev_run mia device link --request "$E2E_TMP/tampered.req"
  expect_rc 1
  expect_text "$RUN_ERR" "link request refused: the device signature does not verify"
  agent_init runner2 --request "$E2E_TMP/nora.req" --delegated-by "$NORA" --non-interactive
  expect_rc 0
  dev_run mia device link --request "$E2E_TMP/nora.req"
  expect_rc 1
  expect_text "$RUN_ERR" "as delegator, not this home's identity $MIA"
  # Granted by mia from the file, published, and the agent signs on its own machine.
  dev_run mia device link --request "$E2E_TMP/runner.req"
  expect_rc 0
  expect_text "$RUN_OUT" "delegated to agent $runner_did"
  dev_run mia device link --request "$E2E_TMP/runner.req"
  expect_rc 1
  expect_text "$RUN_ERR" "is already known here"
  dev_publish mia >/dev/null
  push origin refs/auths/registry
  expect_push_ok
  client_git checkout -q bot/deps
  q1=$(dev_commit runner agent "runner: signed on its own machine")
  push origin bot/deps
  expect_push_ok
  expect_ref refs/heads/bot/deps "$q1"
  client_git checkout -q main
}
test_case by_request "an agent on another machine by request: tampered or foreign requests refused; granted from the file, it signs and pushes"

ephemeral() {
  agent_start
  agent_init eph --delegator-home "$(dev_home mia)" --non-interactive --ephemeral --name job-42 --json
  expect_rc 0
  local key
  key=$(json_get "$RUN_OUT" ssh_public_key)
  json_check "$RUN_OUT" "doc['ephemeral'] is True and doc['home'] == '' and doc['ssh_agent'] == '$SSH_AUTH_SOCK'"
  if [ -e "$(dev_home eph)" ]; then fail "an ephemeral agent wrote a home"; else ok; fi
  ssh-add -L >"$E2E_TMP/agent-keys" 2>&1
  expect_text "$E2E_TMP/agent-keys" "${key% *}"
  dev_publish mia >/dev/null
  push origin refs/auths/registry
  expect_push_ok
  # git's own ssh signing, through ssh-agent (ssh-keygen -Y sign with a key:: public key).
  client_git checkout -q bot/deps
  printf 'job 42\n' >>"$CLIENT/log.txt"
  client_git add -A
  git -C "$CLIENT" -c gpg.format=ssh -c gpg.ssh.program=ssh-keygen -c "user.signingKey=key::$key" \
    commit -q -S -m "ephemeral job" || fail "git commit -S through ssh-agent failed"
  e1=$(client_git rev-parse HEAD)
  # A rule must opt in to ephemeral credentials.
  push origin bot/deps
  expect_push_rejected ephemeral-not-allowed
  expect_violation refs/heads/bot/deps "$e1" ephemeral-not-allowed bots
  push origin bot/deps:refs/heads/job/42
  expect_push_ok
  expect_ref refs/heads/job/42 "$e1"
  client_git reset -q --hard HEAD~1
  client_git checkout -q main
  agent_stop
}
test_case ephemeral "--ephemeral: the key only in ssh-agent, no home; git signs through ssh-agent; refused by a rule without allow_ephemeral, accepted by one with it"

revoked() {
  dev_auths mia device revoke --device "$helper_did"
  dev_publish mia >/dev/null
  push origin refs/auths/registry
  expect_push_ok
  client_git checkout -q bot/deps
  r1=$(dev_commit helper agent "helper: after its revocation")
  push origin bot/deps
  expect_push_rejected delegator-revoked
  expect_violation refs/heads/bot/deps "$r1" delegator-revoked bots
  client_git reset -q --hard HEAD~1
  r2=$(dev_commit sub agent "sub-agent: after its delegator's revocation")
  push origin bot/deps
  expect_push_rejected delegator-revoked
  expect_violation refs/heads/bot/deps "$r2" delegator-revoked bots
  client_git reset -q --hard HEAD~1
  # ci-bot, delegated separately, still signs.
  b3=$(dev_commit bot agent "ci-bot: unaffected")
  push origin bot/deps
  expect_push_ok
  expect_ref refs/heads/bot/deps "$b3"
  client_git checkout -q main
}
test_case revoked "mia revokes her helper agent: it and its sub-agent are refused (delegator-revoked); ci-bot is not"

test_done
