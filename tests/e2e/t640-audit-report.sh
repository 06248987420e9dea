#!/usr/bin/env bash
# The audit log and the incident report, with the real CLI and real git: olivia creates the org
# and adds mia (member, team core) and rex (readonly); mia links a laptop and an agent key (a
# device linked with signer type Agent) and provisions an agent identity, ci-bot (auths init
# --profile agent); everything is published and pushed; then olivia revokes mia, freezes the org
# and unfreezes it, each pushed as its own registry commit.
# `auths audit log` lists every record in the order the registry received it, with its signer
# (text and --json); `auths emergency report --file F` writes the incident report (mia revoked,
# rex active and readonly, mia's agents refused by cascade, the freeze history, recommendations),
# mode 0600, and never replaces F; a repository that cannot be opened is a one-line error, exit 2.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
identity_env
make_key admin

step "setup: the org, its members, mia's devices, the revocation, the freeze and the unfreeze"
org_fixture
setup_repo admin <<POLICY
version = 1
org = "$ORG"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
roles = ["admin", "member"]

[governance]
signers = ["$(pub admin)"]
POLICY
dev_clone mia
LAPTOP=$(dev_link mia laptop)
BOT=$(dev_link mia bot --signer-type Agent)
AUTHS_DELEGATOR_PASSPHRASE=$AUTHS_PASSPHRASE dev_auths ci init --profile agent --delegator-home "$(dev_home mia)" \
  --non-interactive --name ci-bot --json
CI=$(json_get "$RUN_OUT" did)
for who in olivia mia rex; do dev_publish "$who" >/dev/null; done
push origin refs/auths/registry
expect_push_ok
dev_auths olivia org revoke-member "$MIA" --repo "$CLIENT"
dev_publish olivia >/dev/null
push origin refs/auths/registry
expect_push_ok
dev_auths olivia emergency freeze --duration 1h --yes --reason "incident 42"
dev_publish olivia >/dev/null
push origin refs/auths/registry
expect_push_ok
dev_auths olivia emergency unfreeze
dev_publish olivia >/dev/null
push origin refs/auths/registry
expect_push_ok

# line_of KIND SUBJECT SIGNER: the number of the first line of $RUN_OUT with the event KIND about
# SUBJECT signed by SIGNER (the EVENT, SUBJECT and SIGNED BY columns), or nothing. The COMMIT
# column is a short commit id, or with LOG_COMMIT=- the home copy's "-".
line_of() {
  local commit='[0-9a-f]{7}'
  [ "${LOG_COMMIT:-}" != - ] || commit='-      '
  grep -n -E "^[^ ]+ +$commit  $1 +$2 +$3( |\$)" "$RUN_OUT" | head -n1 | cut -d: -f1 || true
}

# expect_in_order KIND:SUBJECT|SIGNER...: each event is listed, each after the one before (only
# events of different registry commits, or a KEL event and a record of one commit, have an order
# that does not depend on when in a second a record was made).
expect_in_order() {
  local previous=0 spec kind subject signer n
  for spec in "$@"; do
    kind=${spec%%:*}
    subject=${spec#*:}
    subject=${subject%%|*}
    signer=${spec#*|}
    n=$(line_of "$kind" "$subject" "$signer")
    if [ -z "$n" ] || [ "$n" -eq 0 ]; then
      fail "audit log: no '$kind' of $subject signed by $signer" "got: $(cat "$RUN_OUT")"
    elif [ "$n" -le "$previous" ]; then
      fail "audit log: '$kind' of $subject (line $n) is not after line $previous" "got: $(cat "$RUN_OUT")"
    else
      ok
    fi
    previous=${n:-0}
  done
}

log_in_order() {
  dev_run olivia audit log --repo "$CLIENT"
  expect_rc 0
  expect_text "$RUN_ERR" "refs/auths/registry of $CLIENT/.git"
  expect_text "$RUN_OUT" "WHEN                  COMMIT   EVENT"
  expect_in_order "identity-incepted:$ORG|$ORG" \
    "membership-added:$MIA|$ORG" \
    "identity-incepted:$MIA|$MIA" \
    "device-linked:$LAPTOP|$MIA" \
    "identity-incepted:$REX|$REX" \
    "membership-revoked:$MIA|$ORG" \
    "freeze:$ORG|$ORG" \
    "unfreeze:$ORG|$ORG"
  expect_in_order "identity-incepted:$OLIVIA|$OLIVIA" "membership-added:$OLIVIA|$ORG" "device-linked:$BOT|$MIA"
  expect_in_order "membership-added:$REX|$ORG" "device-linked:$BOT|$MIA"
  expect_in_order "membership-added:$MIA|$ORG" "delegate-incepted:$CI|$CI" "agent-delegated:$CI|$MIA" \
    "identity-incepted:$REX|$REX"
  expect_text "$RUN_OUT" "Agent; sign_commit; ai_agent 'ci-bot'"
  expect_text "$RUN_OUT" "role member; sign_commit,sign_release; teams core"
  expect_text "$RUN_OUT" "role readonly; no capabilities"
  expect_text "$RUN_OUT" "Agent; sign_commit"
  expect_text "$RUN_OUT" "until "
  expect_text "$RUN_OUT" "; incident 42"
  expect_no_text "$RUN_OUT" " error "
}
test_case log_in_order "auths audit log: memberships, mia's devices, her revocation, the freeze and the unfreeze, in order, with their signers"

log_json() {
  dev_run olivia audit log --repo "$CLIENT" --json
  expect_rc 0
  json_check "$RUN_OUT" "isinstance(doc, list) and all(e['commit'] and e['committed_at'] and e['record'] for e in doc)"
  json_check "$RUN_OUT" "[e['kind'] for e in doc if e['kind'] in ('membership-revoked', 'freeze', 'unfreeze')] == ['membership-revoked', 'freeze', 'unfreeze']"
  json_check "$RUN_OUT" "[(e['subject'], e['signer']) for e in doc if e['kind'] == 'membership-revoked'] == [('$MIA', '$ORG')]"
  json_check "$RUN_OUT" "[(e['role'], e['capabilities'], e['teams']) for e in doc if e['kind'] == 'membership-added' and e['subject'] == '$MIA'] == [('member', ['sign_commit', 'sign_release'], ['core'])]"
  json_check "$RUN_OUT" "[(e['signer'], e['signer_type']) for e in doc if e['subject'] == '$BOT'] == [('$MIA', 'Agent')]"
  json_check "$RUN_OUT" "[(e['kind'], e['signer'], e['agent']) for e in doc if e['subject'] == '$CI'] == [('delegate-incepted', '$CI', None), ('agent-delegated', '$MIA', {'type': 'ai_agent', 'name': 'ci-bot', 'setup_profile': 'agent'})]"
  json_check "$RUN_OUT" "[(e['note'], e['until'] is not None) for e in doc if e['kind'] == 'freeze'] == [('incident 42', True)]"
  json_check "$RUN_OUT" "not any(e['kind'] == 'error' for e in doc)"
  dev_run olivia audit log --repo "$CLIENT" --json --since 2999-01-01
  expect_rc 0
  json_check "$RUN_OUT" "doc == []"
  dev_run olivia audit log --repo "$CLIENT" --since yesterday
  expect_rc 64
  expect_text "$RUN_ERR" "--since takes a date"
}
test_case log_json "auths audit log --json: the kinds, subjects, signers and grants as records say; --since filters"

log_home_copy() {
  git init -q "$E2E_TMP/empty"
  dev_run olivia audit log --repo "$E2E_TMP/empty"
  expect_rc 0
  expect_text "$RUN_ERR" "no refs/auths/registry here: the home's registry copy $(registry_dir olivia)"
  LOG_COMMIT=-
  expect_in_order "identity-incepted:$ORG|$ORG" "membership-added:$MIA|$ORG"
  expect_in_order "identity-incepted:$ORG|$ORG" "membership-revoked:$MIA|$ORG"
  expect_in_order "identity-incepted:$ORG|$ORG" "unfreeze:$ORG|$ORG"
  expect_no_text "$RUN_OUT" "$LAPTOP"
}
test_case log_home_copy "a repository without refs/auths/registry: olivia's home copy (no commits, her records only)"

report_written() {
  report=$E2E_TMP/incident.json
  dev_run olivia emergency report --file "$report" --repo "$CLIENT"
  expect_rc 0
  expect_out "wrote incident report $report: members 3, devices 2, agents 2, recommendations 2"
  expect_equal "$(stat -c %a "$report")" 600 "the report's mode"
  json_check "$report" "doc['org'] == '$ORG' and doc['source']['repository'] == '$CLIENT/.git/'"
  json_check "$report" "[(m['role'], m['status']) for m in doc['members'] if m['did'] == '$MIA'] == [('member', 'revoked')]"
  json_check "$report" "[(m['role'], m['status'], m['capabilities']) for m in doc['members'] if m['did'] == '$REX'] == [('readonly', 'active', [])]"
  json_check "$report" "[(m['role'], m['status']) for m in doc['members'] if m['did'] == '$OLIVIA'] == [('admin', 'active')]"
  json_check "$report" "[(d['identity'], d['member_status'], d['status']) for d in doc['devices'] if d['did'] == '$LAPTOP'] == [('$MIA', 'revoked', 'active')]"
  json_check "$report" "sorted((a['did'], a['identity'], a['status'], a['link']['status'], a['link']['signer_type']) for a in doc['agents']) == sorted([('$BOT', '$MIA', 'delegator-revoked', 'active', 'Agent'), ('$CI', '$MIA', 'delegator-revoked', 'active', 'Agent')])"
  json_check "$report" "all(a['why'] == 'the membership of $MIA was revoked at ' + a['why'].split(' at ')[-1] for a in doc['agents'])"
  json_check "$report" "[a['agent'] for a in doc['agents'] if a['did'] == '$CI'] == [{'type': 'ai_agent', 'name': 'ci-bot', 'setup_profile': 'agent'}]"
  json_check "$report" "doc['freeze']['frozen'] is False and doc['freeze']['in_force'] is None"
  json_check "$report" "[(f['kind'], f['signer'], f['reason']) for f in doc['freeze']['history']] == [('freeze', '$ORG', 'incident 42'), ('unfreeze', '$ORG', None)]"
  # The unfreeze, made a moment after the freeze, is dated after it (a microsecond after when in
  # the same second: a tie would leave the org frozen).
  json_check "$report" "(lambda t: t[1] > t[0])([__import__('datetime').datetime.fromisoformat(f['timestamp'].replace('Z', '+00:00')) for f in doc['freeze']['history']])"
  json_check "$report" "[e['kind'] for e in doc['recent_events']['events'] if e['subject'] == '$MIA' and e['kind'].startswith('membership')] == ['membership-added', 'membership-revoked']"
  json_check "$report" "sorted(r['subject'] for r in doc['recommendations']) == sorted(['$BOT', '$CI'])"
  json_check "$report" "all('cascade' in r['finding'] and 'auths device revoke --device ' + r['subject'] in r['action'] for r in doc['recommendations'])"
}
test_case report_written "auths emergency report --file: members with status, devices, agents (delegator-revoked), freeze history, a recommendation"

report_not_replaced() {
  report=$E2E_TMP/incident.json
  before=$(sha256sum "$report")
  dev_run olivia emergency report --file "$report" --repo "$CLIENT"
  expect_rc 64
  expect_text "$RUN_ERR" "error: $report: already exists: a report never replaces a file"
  expect_equal "$(sha256sum "$report")" "$before" "the first report"
  dev_run olivia emergency report --repo "$CLIENT"
  expect_rc 0
  json_check "$RUN_OUT" "doc['report'] == 'auths emergency report' and len(doc['members']) == 3"
}
test_case report_not_replaced "a second report to the same file is refused and leaves it as it was; without --file, stdout"

bad_repo() {
  for cmd in "audit log" "emergency report"; do
    # shellcheck disable=SC2086  # the command's words
    dev_run olivia $cmd --repo "$E2E_TMP/nowhere"
    expect_rc 2
    expect_equal "$(wc -l <"$RUN_ERR")" 1 "lines of the error of auths $cmd"
    expect_text "$RUN_ERR" "error: $E2E_TMP/nowhere: cannot open the repository"
    expect_equal "$(wc -c <"$RUN_OUT")" 0 "output of auths $cmd"
  done
}
test_case bad_repo "a --repo that is no repository: one line, exit 2, for both commands"

test_done
